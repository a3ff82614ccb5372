"""The ledger's models: the invariants the database itself keeps, the declared workflow
(who may take which step of a problem or a measure), and the shared factories."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.errors import DomainError
from core.models import Light
from core.testing.factories import CampaignFactory
from rectification.choices import ClosureKind, ItemStatus, ListStatus
from rectification.models import Domain, Measure, Problem, ProblemList, ProgressReport
from rectification.tests.factories import (
    DomainFactory,
    ExtensionRequestFactory,
    InspectionFactory,
    InspectionFindingFactory,
    MeasureFactory,
    ProblemFactory,
    ProblemListFactory,
    SpecialRectificationFactory,
)


@pytest.fixture
def problem(tree):
    return ProblemFactory(org=tree.community_a, campaign=CampaignFactory(org=tree.district))


class TestConstraints:
    def test_only_a_closed_problem_has_an_outcome(self, problem):
        with pytest.raises(IntegrityError), transaction.atomic():
            Problem.objects.filter(pk=problem.pk).update(closure_kind=ClosureKind.RECTIFIED)
        Problem.objects.filter(pk=problem.pk).update(status=ItemStatus.CLOSED, closure_kind=ClosureKind.DUPLICATE)

    def test_progress_is_at_most_100(self, problem):
        ProgressReport.objects.create(problem=problem, text="完成", percent=100)
        with pytest.raises(IntegrityError), transaction.atomic():
            ProgressReport.objects.create(problem=problem, text="超额", percent=101)

    def test_domain_names_are_unique_in_a_campaign(self, problem):
        DomainFactory(campaign=problem.campaign, name="教育")
        DomainFactory(campaign=CampaignFactory(org=problem.org), name="教育")
        with pytest.raises(IntegrityError), transaction.atomic():
            Domain.objects.create(campaign=problem.campaign, name="教育")

    def test_one_problem_list_per_unit_and_campaign(self, problem):
        ProblemList.objects.create(campaign=problem.campaign, org=problem.org)
        with pytest.raises(IntegrityError), transaction.atomic():
            ProblemList.objects.create(campaign=problem.campaign, org=problem.org)

    def test_inspection_rounds_are_numbered_once_per_campaign(self, tree):
        first = InspectionFactory(org=tree.district, number=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            InspectionFactory(org=tree.district, campaign=first.campaign, number=1)

    @pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite cannot make a unique constraint with nulls_distinct, so Django leaves it out (models.W047); "
        "there the services keep the rule",
    )
    @pytest.mark.parametrize("on_measure", [False, True])
    def test_one_pending_extension_per_item(self, problem, on_measure):
        measure = MeasureFactory(problem=problem) if on_measure else None
        ExtensionRequestFactory(problem=problem, measure=measure)
        with pytest.raises(IntegrityError), transaction.atomic():
            ExtensionRequestFactory(problem=problem, measure=measure)

    def test_decided_extensions_do_not_count_as_pending(self, problem):
        ExtensionRequestFactory(problem=problem, status="refused")
        ExtensionRequestFactory(problem=problem, status="approved")
        ExtensionRequestFactory(problem=problem)


class TestWorkflow:
    @pytest.mark.parametrize(
        ("who", "status", "expected"),
        [
            ("clerk_a", ItemStatus.RECTIFYING, ["request_closure"]),
            ("leader", ItemStatus.RECTIFYING, ["request_closure"]),
            ("clerk_b", ItemStatus.RECTIFYING, []),
            ("clerk_a", ItemStatus.CLOSURE_REQUESTED, []),
            ("street_clerk", ItemStatus.CLOSURE_REQUESTED, []),
            ("leader", ItemStatus.CLOSURE_REQUESTED, ["approve_closure", "send_back"]),
            ("supervisor", ItemStatus.CLOSURE_REQUESTED, ["approve_closure", "send_back"]),
            ("inspector", ItemStatus.CLOSURE_REQUESTED, ["send_back"]),
            ("leader", ItemStatus.CLOSED, []),
            ("supervisor", ItemStatus.CLOSED, ["reopen"]),
        ],
    )
    def test_who_may_take_which_step(self, problem, people, who, status, expected):
        problem.status = status
        for model in (Problem, Measure):
            assert [t.name for t in model.workflow.available(problem, getattr(people, who))] == expected

    def test_the_owner_asks_for_closure_whatever_role_they_hold(self, problem, people):
        problem.owner = people.member_a
        assert [t.name for t in Problem.workflow.available(problem, people.member_a)] == ["request_closure"]

    def test_a_problem_with_open_measures_cannot_ask_for_closure(self, problem):
        MeasureFactory(problem=problem)
        MeasureFactory(problem=problem, status=ItemStatus.CLOSED)
        (check,) = Problem.workflow.get("request_closure").checks
        with pytest.raises(DomainError, match="1"):
            check(problem, None)
        Measure.objects.update(status=ItemStatus.CLOSED)
        check(problem, None)

    def test_closed_items_are_grey_even_when_late(self, problem):
        problem.status = ItemStatus.CLOSED
        problem.deadline = timezone.localdate() - datetime.timedelta(days=10)
        assert problem.light() == Light.GREY
        problem.status = ItemStatus.RECTIFYING
        assert problem.light() == Light.RED


class TestShape:
    def test_an_extension_names_its_item(self, problem):
        assert ExtensionRequestFactory(problem=problem).item == problem
        measure = MeasureFactory(problem=problem)
        assert ExtensionRequestFactory(problem=problem, measure=measure).item == measure

    def test_a_report_belongs_to_the_problems_unit(self, problem, tree):
        report = ProgressReport.objects.create(problem=problem, text="进行中")
        assert report.org == tree.community_a

    def test_pages(self, problem):
        measure = MeasureFactory(problem=problem)
        assert problem.get_absolute_url().endswith(f"/{problem.pk}/")
        assert measure.get_absolute_url() == f"{problem.get_absolute_url()}#measure-{measure.pk}"

    def test_every_factory_builds_a_valid_row(self, db):
        measure = MeasureFactory()
        assert measure.org == measure.problem.org and measure.campaign == measure.problem.campaign
        assert measure.original_deadline == measure.deadline == measure.problem.deadline
        drive = SpecialRectificationFactory()
        assert drive.campaign.org == drive.org
        finding = InspectionFindingFactory()
        assert finding.org == finding.inspection.org
        inspection = InspectionFactory(units=[finding.org])
        assert list(inspection.units.all()) == [finding.org]
        assert ProblemListFactory().status == ListStatus.DRAFTING
        for row in (measure, measure.problem, drive, finding, inspection, DomainFactory()):
            row.full_clean()
            assert str(row)
