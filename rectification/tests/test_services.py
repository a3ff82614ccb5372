"""The ledger's services: every workflow path, who may take it, and that a refusal leaves
nothing behind — no status moved, no event, no file, no notification.

The shared tree: district (supervisor, inspector, admin) → street (leader, street clerk)
→ community A (clerk A) and community B (clerk B). Problems sit in community A, so the
street's leader and the district's supervisor are "the level above".
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from campaigns.choices import CampaignStatus
from core.errors import Conflict, DomainError, PermissionDenied
from core.models import Attachment, Event, Notification
from core.services import item_attachments, item_events
from core.testing.factories import CampaignFactory, ChannelFactory, person_with_role
from orgs.choices import Role
from rectification import services
from rectification.choices import (
    ClosureKind,
    DriveStatus,
    ExtensionStatus,
    ItemStatus,
    ListStatus,
    ProblemLevel,
    RoundDirection,
)
from rectification.models import (
    ExtensionRequest,
    InspectionFinding,
    Measure,
    Problem,
    ProblemList,
    ProgressReport,
    ReviewRound,
)
from rectification.tests.factories import (
    DomainFactory,
    InspectionFactory,
    MeasureFactory,
    ProblemFactory,
    SpecialRectificationFactory,
    evidence,
)

TODAY = timezone.localdate()
IN_A_MONTH = TODAY + datetime.timedelta(days=30)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def campaign(tree):
    return CampaignFactory(org=tree.district)


@pytest.fixture
def problem(campaign, tree, people) -> Problem:
    return services.problem_create(
        acting_user=people.clerk_a,
        campaign=campaign,
        org=tree.community_a,
        title="小区路灯长期不亮",
        level=ProblemLevel.GRASSROOTS,
        deadline=IN_A_MONTH,
    )


@pytest.fixture
def requested(problem, people) -> Problem:
    return services.item_request_closure(item=problem, acting_user=people.clerk_a, evidence=[evidence()])


@pytest.fixture
def closed(requested, people) -> Problem:
    return services.item_approve_closure(item=requested, acting_user=people.leader)


def snapshot() -> dict[str, object]:
    """Everything a refused change must leave as it was."""
    return {
        "statuses": list(Problem.objects.order_by("pk").values_list("status", "closure_kind", "deadline")),
        "measures": list(Measure.objects.order_by("pk").values_list("status", "closure_kind", "deadline")),
        "lists": list(ProblemList.objects.order_by("pk").values_list("status", "rounds_up")),
        "events": Event.objects.count(),
        "attachments": Attachment.objects.count(),
        "notifications": Notification.objects.count(),
        "rounds": ReviewRound.objects.count(),
        "extensions": list(ExtensionRequest.objects.order_by("pk").values_list("status")),
        "reports": ProgressReport.objects.count(),
    }


def actions(item) -> list[str]:  # type: ignore[no-untyped-def]
    return [event.action for event in item_events(item)]


class TestProblemCreate:
    def test_a_problem_with_measures_opens_the_units_list(self, campaign, tree, people):
        channel = ChannelFactory(campaign=campaign)
        domain = DomainFactory(campaign=campaign)
        problem = services.problem_create(
            acting_user=people.leader,
            campaign=campaign,
            org=tree.community_a,
            title=" 群众办事多头跑 ",
            level=ProblemLevel.GRASSROOTS,
            owner=people.clerk_a,
            deadline=IN_A_MONTH,
            channel=channel,
            domain=domain,
            description="12345 热线反映",
            immediate=True,
            measures=[
                {"title": "设立一站式窗口"},
                {"title": "街道协调", "org": tree.street, "owner": people.street_clerk, "deadline": IN_A_MONTH},
            ],
        )
        assert problem.title == "群众办事多头跑" and problem.immediate
        assert problem.status == ItemStatus.RECTIFYING
        assert problem.original_deadline == IN_A_MONTH and problem.found_date == TODAY
        first, second = problem.measures.order_by("pk")
        assert first.org == tree.community_a and first.campaign == campaign
        assert second.org == tree.street and second.original_deadline == IN_A_MONTH
        assert ProblemList.objects.get(campaign=campaign, org=tree.community_a).status == ListStatus.DRAFTING
        assert actions(problem) == ["created"] and actions(first) == ["created"]

    def test_a_second_problem_joins_the_same_list(self, problem, campaign, tree, people):
        services.problem_create(
            acting_user=people.leader, campaign=campaign, org=tree.community_a, title="二", level="grassroots"
        )
        assert ProblemList.objects.filter(campaign=campaign, org=tree.community_a).count() == 1

    @pytest.mark.parametrize("who", ["clerk_b", "member_a", "inspector"])
    def test_only_the_unit_and_those_above_enter_problems(self, campaign, tree, people, who):
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.problem_create(
                acting_user=getattr(people, who),
                campaign=campaign,
                org=tree.community_a,
                title="越权录入",
                level=ProblemLevel.GRASSROOTS,
            )
        assert snapshot() == before and not Problem.objects.exists()

    def test_a_channel_of_another_campaign_is_refused(self, campaign, tree, people):
        other = ChannelFactory(campaign=CampaignFactory(org=tree.district))
        with pytest.raises(DomainError) as caught:
            services.problem_create(
                acting_user=people.clerk_a,
                campaign=campaign,
                org=tree.community_a,
                title="问题",
                level="grassroots",
                channel=other,
            )
        assert caught.value.field == "channel"
        assert not Problem.objects.exists() and not ProblemList.objects.exists()

    def test_a_domain_of_another_campaign_is_refused(self, campaign, tree, people):
        other = DomainFactory(campaign=CampaignFactory(org=tree.district))
        with pytest.raises(DomainError) as caught:
            services.problem_create(
                acting_user=people.clerk_a,
                campaign=campaign,
                org=tree.community_a,
                title="问题",
                level="grassroots",
                domain=other,
            )
        assert caught.value.field == "domain"

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"title": "  "}, "title"),
            ({"level": "province"}, "level"),
            ({"deadline": TODAY - datetime.timedelta(days=1)}, "deadline"),
            ({"found_date": TODAY + datetime.timedelta(days=1)}, "found_date"),
            ({"measures": [{"title": ""}]}, "measures"),
        ],
    )
    def test_invalid_input_names_its_field_and_writes_nothing(self, campaign, tree, people, changes, field):
        data = {"title": "问题", "level": ProblemLevel.GRASSROOTS, **changes}
        before = snapshot()
        with pytest.raises(DomainError) as caught:
            services.problem_create(acting_user=people.clerk_a, campaign=campaign, org=tree.community_a, **data)
        assert caught.value.field == field
        assert snapshot() == before

    def test_a_concluded_campaign_takes_no_problem(self, campaign, tree, people):
        campaign.status = CampaignStatus.CLOSED
        campaign.save()
        with pytest.raises(DomainError) as caught:
            services.problem_create(
                acting_user=people.clerk_a, campaign=campaign, org=tree.community_a, title="问题", level="grassroots"
            )
        assert caught.value.field == "campaign"

    def test_a_unit_outside_the_campaign_is_refused(self, tree, people):
        street_campaign = CampaignFactory(org=tree.street)
        with pytest.raises(DomainError) as caught:
            services.problem_create(
                acting_user=people.supervisor,
                campaign=street_campaign,
                org=tree.department,
                title="问题",
                level="department",
            )
        assert caught.value.field == "org"

    def test_the_owner_is_told(self, campaign, tree, people, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            services.problem_create(
                acting_user=people.clerk_a,
                campaign=campaign,
                org=tree.community_a,
                title="问题",
                level="grassroots",
                owner=people.member_a,
            )
        assert Notification.objects.get().recipient == people.member_a


class TestProblemUpdate:
    def test_changes_are_recorded(self, problem, people, campaign):
        domain = DomainFactory(campaign=campaign)
        services.problem_update(problem=problem, acting_user=people.clerk_a, title="新标题", domain=domain)
        problem.refresh_from_db()
        assert problem.title == "新标题" and problem.domain == domain
        event = item_events(problem).last()
        assert event.action == "updated" and event.changes["title"] == ["小区路灯长期不亮", "新标题"]

    def test_nothing_changed_writes_no_event(self, problem, people):
        before = snapshot()
        services.problem_update(problem=problem, acting_user=people.clerk_a, title=problem.title)
        assert snapshot() == before

    @pytest.mark.parametrize("field", ["status", "closure_kind", "original_deadline", "org", "campaign"])
    def test_fields_outside_the_form_are_refused(self, problem, people, field):
        with pytest.raises(DomainError):
            services.problem_update(problem=problem, acting_user=people.clerk_a, **{field: None})

    def test_another_unit_may_not_edit(self, problem, people):
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.problem_update(problem=problem, acting_user=people.clerk_b, title="改")
        assert snapshot() == before

    def test_while_drafting_the_deadline_moves_with_its_original(self, problem, people):
        later = IN_A_MONTH + datetime.timedelta(days=10)
        services.problem_update(problem=problem, acting_user=people.clerk_a, deadline=later)
        problem.refresh_from_db()
        assert problem.deadline == later and problem.original_deadline == later

    def test_once_submitted_the_deadline_moves_only_by_extension(self, problem, campaign, tree, people):
        services.problem_list_submit(campaign=campaign, org=tree.community_a, acting_user=people.clerk_a)
        before = snapshot()
        with pytest.raises(DomainError) as caught:
            services.problem_update(problem=problem, acting_user=people.clerk_a, deadline=IN_A_MONTH + a_day())
        assert caught.value.field == "deadline"
        assert snapshot() == before

    def test_after_acceptance_a_returned_list_keeps_the_original_deadline(self, problem, campaign, tree, people):
        services.problem_list_submit(campaign=campaign, org=tree.community_a, acting_user=people.clerk_a)
        problem_list = ProblemList.objects.get()
        services.problem_list_accept(problem_list=problem_list, acting_user=people.leader)
        inspection = InspectionFactory(org=tree.district, campaign=campaign, units=[tree.community_a])
        services.inspection_finding_add(
            inspection=inspection,
            org=tree.community_a,
            description="措施不实",
            acting_user=people.inspector,
            orders_reexamination=True,
        )
        later = IN_A_MONTH + datetime.timedelta(days=20)
        services.problem_update(problem=problem, acting_user=people.clerk_a, deadline=later)
        problem.refresh_from_db()
        assert problem.deadline == later and problem.original_deadline == IN_A_MONTH

    def test_a_closed_problem_is_reopened_before_editing(self, closed, people):
        with pytest.raises(DomainError):
            services.problem_update(problem=closed, acting_user=people.clerk_a, title="改")


def a_day() -> datetime.timedelta:
    return datetime.timedelta(days=1)


class TestMeasures:
    def test_add_and_update(self, problem, people, tree):
        measure = services.measure_add(
            problem=problem, acting_user=people.clerk_a, title="更换灯具", deadline=IN_A_MONTH
        )
        assert measure.org == tree.community_a and measure.original_deadline == IN_A_MONTH
        assert actions(problem) == ["created", "measure_added"]
        services.measure_update(measure=measure, acting_user=people.clerk_a, title="更换全部灯具", owner=people.clerk_a)
        measure.refresh_from_db()
        assert measure.title == "更换全部灯具" and measure.owner == people.clerk_a
        assert actions(measure) == ["created", "updated"]

    def test_a_closed_problem_takes_no_measure(self, closed, people):
        before = snapshot()
        with pytest.raises(DomainError):
            services.measure_add(problem=closed, acting_user=people.clerk_a, title="补充措施")
        assert snapshot() == before

    def test_a_problem_awaiting_closure_takes_no_measure(self, requested, people):
        with pytest.raises(DomainError):
            services.measure_add(problem=requested, acting_user=people.clerk_a, title="补充措施")

    def test_another_unit_may_not_add(self, problem, people):
        with pytest.raises(PermissionDenied):
            services.measure_add(problem=problem, acting_user=people.clerk_b, title="补充措施")

    def test_a_measure_for_a_unit_out_of_reach_is_refused(self, problem, people, tree):
        with pytest.raises(PermissionDenied):
            services.measure_add(problem=problem, acting_user=people.clerk_a, title="请街道协调", org=tree.street)
        assert not Measure.objects.exists()

    def test_update_refuses_the_status(self, problem, people):
        measure = services.measure_add(problem=problem, acting_user=people.clerk_a, title="措施")
        with pytest.raises(DomainError):
            services.measure_update(measure=measure, acting_user=people.clerk_a, status=ItemStatus.CLOSED)


class TestProgress:
    def test_a_report_with_evidence(self, problem, people, tree):
        report = services.progress_report(
            item=problem, acting_user=people.clerk_a, text="已更换 3 盏", percent=60, evidence=[evidence()]
        )
        assert report.problem == problem and report.measure is None and report.reported_by == people.clerk_a
        files = list(item_attachments(report))
        assert len(files) == 1 and files[0].org == tree.community_a
        event = item_events(problem).last()
        assert event.action == "progress_reported" and event.changes["files"] == 1

    def test_a_report_on_a_measure(self, problem, people):
        measure = MeasureFactory(problem=problem)
        report = services.progress_report(item=measure, acting_user=people.clerk_a, text="进行中")
        assert report.measure == measure and report.problem == problem
        assert actions(measure)[-1] == "progress_reported"

    def test_the_owner_reports_whatever_role_they_hold(self, problem, people):
        Problem.objects.filter(pk=problem.pk).update(owner=people.member_a)
        problem.refresh_from_db()
        services.progress_report(item=problem, acting_user=people.member_a, text="已协调")

    @pytest.mark.parametrize(("who", "error"), [("clerk_b", PermissionDenied), ("member_a", PermissionDenied)])
    def test_outsiders_do_not_report(self, problem, people, who, error):
        before = snapshot()
        with pytest.raises(error):
            services.progress_report(item=problem, acting_user=getattr(people, who), text="x", evidence=[evidence()])
        assert snapshot() == before

    def test_percent_is_at_most_100(self, problem, people):
        with pytest.raises(DomainError) as caught:
            services.progress_report(item=problem, acting_user=people.clerk_a, text="x", percent=120)
        assert caught.value.field == "percent"

    def test_a_bad_file_undoes_the_report(self, problem, people):
        from django.core.files.uploadedfile import SimpleUploadedFile

        before = snapshot()
        program = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00" + b"\x00" * 60)
        with pytest.raises(DomainError):
            services.progress_report(item=problem, acting_user=people.clerk_a, text="x", evidence=[evidence(), program])
        assert snapshot() == before

    def test_a_closed_item_takes_no_report(self, closed, people):
        with pytest.raises(DomainError):
            services.progress_report(item=closed, acting_user=people.clerk_a, text="x")


class TestClosure:
    def test_request_then_approval_by_the_level_above(self, problem, people):
        requested = services.item_request_closure(
            item=problem, acting_user=people.clerk_a, evidence=[evidence()], comment="已整改"
        )
        assert requested.status == ItemStatus.CLOSURE_REQUESTED
        assert item_attachments(problem).count() == 1
        closed = services.item_approve_closure(item=requested, acting_user=people.leader)
        stored = Problem.objects.get(pk=problem.pk)
        assert closed.status == stored.status == ItemStatus.CLOSED
        assert stored.closure_kind == ClosureKind.RECTIFIED and stored.closed_at is not None
        request, approval = list(item_events(problem))[-2:]
        assert (request.action, request.from_status, request.to_status, request.actor) == (
            "request_closure",
            ItemStatus.RECTIFYING,
            ItemStatus.CLOSURE_REQUESTED,
            people.clerk_a,
        )
        assert (approval.action, approval.to_status, approval.actor) == (
            "approve_closure",
            ItemStatus.CLOSED,
            people.leader,
        )
        assert approval.changes["closure_kind"] == ClosureKind.RECTIFIED and "closed_at" in approval.changes

    def test_the_campaign_office_approves_too(self, requested, people):
        services.item_approve_closure(item=requested, acting_user=people.supervisor)
        assert Problem.objects.get(pk=requested.pk).status == ItemStatus.CLOSED

    @pytest.mark.parametrize("who", ["clerk_a", "street_clerk", "clerk_b", "inspector", "member_a"])
    def test_who_may_not_approve(self, requested, people, who):
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.item_approve_closure(item=requested, acting_user=getattr(people, who))
        assert snapshot() == before

    def test_a_leader_of_the_unit_itself_may_not_approve(self, requested, tree):
        own_leader = person_with_role(Role.LEADER, tree.community_a, username="own_leader")
        with pytest.raises(PermissionDenied):
            services.item_approve_closure(item=requested, acting_user=own_leader)

    @pytest.mark.parametrize("who", ["clerk_b", "member_a", "inspector"])
    def test_who_may_not_request(self, problem, people, who):
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.item_request_closure(item=problem, acting_user=getattr(people, who), evidence=[evidence()])
        assert snapshot() == before

    def test_closure_without_evidence_is_refused_and_writes_nothing(self, problem, people):
        before = snapshot()
        with pytest.raises(DomainError) as caught:
            services.item_request_closure(item=problem, acting_user=people.clerk_a, comment="已整改")
        assert caught.value.field == "evidence"
        assert snapshot() == before

    def test_a_problem_closes_only_after_its_measures(self, problem, people):
        measure = services.measure_add(problem=problem, acting_user=people.clerk_a, title="更换灯具")
        before = snapshot()
        with pytest.raises(DomainError, match="1"):
            services.item_request_closure(item=problem, acting_user=people.clerk_a, evidence=[evidence()])
        assert snapshot() == before
        services.item_request_closure(item=measure, acting_user=people.clerk_a, evidence=[evidence()])
        services.item_approve_closure(item=measure, acting_user=people.leader)
        services.item_request_closure(item=problem, acting_user=people.clerk_a, evidence=[evidence()])
        assert Problem.objects.get(pk=problem.pk).status == ItemStatus.CLOSURE_REQUESTED

    def test_the_owner_of_a_measure_requests_its_closure(self, problem, people):
        measure = services.measure_add(problem=problem, acting_user=people.clerk_a, title="措施", owner=people.member_a)
        services.item_request_closure(item=measure, acting_user=people.member_a, evidence=[evidence()])
        assert Measure.objects.get(pk=measure.pk).status == ItemStatus.CLOSURE_REQUESTED

    @pytest.mark.parametrize("kind", [ClosureKind.DUPLICATE, ClosureKind.NOT_ACTIONABLE, ClosureKind.EXPLAINED])
    def test_closing_without_a_fix_needs_a_reason(self, requested, people, kind):
        before = snapshot()
        with pytest.raises(DomainError) as caught:
            services.item_approve_closure(item=requested, acting_user=people.leader, closure_kind=kind, comment=" ")
        assert caught.value.field == "comment"
        assert snapshot() == before
        services.item_approve_closure(
            item=requested, acting_user=people.leader, closure_kind=kind, comment="与 12 号重复"
        )
        stored = Problem.objects.get(pk=requested.pk)
        assert stored.closure_kind == kind and stored.status == ItemStatus.CLOSED

    def test_an_unknown_closure_kind(self, requested, people):
        with pytest.raises(DomainError) as caught:
            services.item_approve_closure(item=requested, acting_user=people.leader, closure_kind="forgotten")
        assert caught.value.field == "closure_kind"

    def test_send_back_by_the_level_above_or_an_inspector(self, requested, people):
        services.item_send_back(item=requested, acting_user=people.inspector, comment="照片看不清")
        stored = Problem.objects.get(pk=requested.pk)
        assert stored.status == ItemStatus.RECTIFYING and stored.closure_kind == ""
        event = item_events(requested).last()
        assert (event.action, event.comment, event.actor) == ("send_back", "照片看不清", people.inspector)

    def test_send_back_needs_a_reason(self, requested, people):
        before = snapshot()
        with pytest.raises(DomainError) as caught:
            services.item_send_back(item=requested, acting_user=people.leader, comment="")
        assert caught.value.field == "comment"
        assert snapshot() == before

    def test_the_unit_may_not_send_back_its_own(self, requested, people):
        with pytest.raises(PermissionDenied):
            services.item_send_back(item=requested, acting_user=people.clerk_a, comment="撤回")

    def test_a_supervisor_reopens_and_the_outcome_is_cleared(self, closed, people):
        services.item_reopen(item=closed, acting_user=people.supervisor, comment="群众再次反映")
        stored = Problem.objects.get(pk=closed.pk)
        assert stored.status == ItemStatus.RECTIFYING
        assert stored.closure_kind == "" and stored.closed_at is None
        assert actions(closed)[-1] == "reopen"
        # The closure's event still says how it had ended.
        assert item_events(closed).get(action="approve_closure").changes["closure_kind"] == ClosureKind.RECTIFIED

    @pytest.mark.parametrize("who", ["leader", "clerk_a", "inspector"])
    def test_only_a_supervisor_reopens(self, closed, people, who):
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.item_reopen(item=closed, acting_user=getattr(people, who), comment="重开")
        assert snapshot() == before
        assert Problem.objects.get(pk=closed.pk).closure_kind == ClosureKind.RECTIFIED

    def test_reopening_needs_a_reason(self, closed, people):
        before = snapshot()
        with pytest.raises(DomainError):
            services.item_reopen(item=closed, acting_user=people.supervisor, comment="")
        assert snapshot() == before

    def test_a_measure_of_a_closed_problem_waits_for_the_problem(self, problem, people):
        measure = services.measure_add(problem=problem, acting_user=people.clerk_a, title="措施")
        services.item_request_closure(item=measure, acting_user=people.clerk_a, evidence=[evidence()])
        services.item_approve_closure(item=measure, acting_user=people.leader)
        services.item_request_closure(item=problem, acting_user=people.clerk_a, evidence=[evidence()])
        services.item_approve_closure(item=problem, acting_user=people.leader)
        measure.refresh_from_db()
        with pytest.raises(DomainError):
            services.item_reopen(item=measure, acting_user=people.supervisor, comment="重开")
        problem.refresh_from_db()
        services.item_reopen(item=problem, acting_user=people.supervisor, comment="重开")
        services.item_reopen(item=measure, acting_user=people.supervisor, comment="重开")
        assert Measure.objects.get(pk=measure.pk).status == ItemStatus.RECTIFYING

    def test_a_wrong_status_is_refused(self, problem, people):
        before = snapshot()
        with pytest.raises(DomainError) as caught:
            services.item_approve_closure(item=problem, acting_user=people.leader)
        assert not isinstance(caught.value, PermissionDenied | Conflict)
        assert snapshot() == before

    def test_a_stale_expected_status_is_a_conflict(self, requested, people):
        before = snapshot()
        with pytest.raises(Conflict):
            services.item_approve_closure(
                item=requested, acting_user=people.leader, expected_status=ItemStatus.RECTIFYING
            )
        assert snapshot() == before

    def test_the_owner_hears_of_the_decision(self, requested, people, django_capture_on_commit_callbacks):
        Problem.objects.filter(pk=requested.pk).update(owner=people.clerk_a)
        requested.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            services.item_send_back(item=requested, acting_user=people.leader, comment="补充材料")
        assert Notification.objects.get(recipient=people.clerk_a).body == "补充材料"


class TestExtensions:
    def test_approval_moves_the_deadline_and_keeps_the_original(self, problem, people):
        later = IN_A_MONTH + datetime.timedelta(days=30)
        extension = services.extension_request(
            item=problem, acting_user=people.clerk_a, requested_deadline=later, reason="资金未到位"
        )
        assert extension.status == ExtensionStatus.PENDING and extension.previous_deadline == IN_A_MONTH
        decided = services.extension_decide(extension=extension, acting_user=people.leader, approve=True)
        assert decided.status == ExtensionStatus.APPROVED and decided.decided_by == people.leader
        stored = Problem.objects.get(pk=problem.pk)
        assert stored.deadline == later and stored.original_deadline == IN_A_MONTH
        assert actions(problem)[-2:] == ["extension_requested", "extension_approved"]

    def test_a_second_extension_still_keeps_the_first_deadline(self, problem, people):
        for days in (30, 60):
            extension = services.extension_request(
                item=Problem.objects.get(pk=problem.pk),
                acting_user=people.clerk_a,
                requested_deadline=IN_A_MONTH + datetime.timedelta(days=days),
                reason="延期",
            )
            services.extension_decide(extension=extension, acting_user=people.supervisor, approve=True)
        assert Problem.objects.get(pk=problem.pk).original_deadline == IN_A_MONTH

    def test_refusal_keeps_the_deadline_and_needs_a_reason(self, problem, people):
        extension = services.extension_request(
            item=problem, acting_user=people.clerk_a, requested_deadline=IN_A_MONTH + a_day(), reason="延期"
        )
        with pytest.raises(DomainError) as caught:
            services.extension_decide(extension=extension, acting_user=people.leader, approve=False)
        assert caught.value.field == "comment"
        decided = services.extension_decide(
            extension=extension, acting_user=people.leader, approve=False, comment="按期完成"
        )
        assert decided.status == ExtensionStatus.REFUSED and decided.decision_comment == "按期完成"
        stored = Problem.objects.get(pk=problem.pk)
        assert stored.deadline == stored.original_deadline == IN_A_MONTH

    def test_a_measure_has_its_own_extension(self, problem, people):
        measure = services.measure_add(problem=problem, acting_user=people.clerk_a, title="措施", deadline=IN_A_MONTH)
        services.extension_request(
            item=problem, acting_user=people.clerk_a, requested_deadline=IN_A_MONTH + a_day(), reason="延期"
        )
        extension = services.extension_request(
            item=measure, acting_user=people.clerk_a, requested_deadline=IN_A_MONTH + a_day(), reason="延期"
        )
        assert extension.item == measure
        services.extension_decide(extension=extension, acting_user=people.leader, approve=True)
        stored = Measure.objects.get(pk=measure.pk)
        assert stored.deadline == IN_A_MONTH + a_day() and stored.original_deadline == IN_A_MONTH
        assert Problem.objects.get(pk=problem.pk).deadline == IN_A_MONTH

    def test_one_pending_request_per_item(self, problem, people):
        services.extension_request(
            item=problem, acting_user=people.clerk_a, requested_deadline=IN_A_MONTH + a_day(), reason="延期"
        )
        before = snapshot()
        with pytest.raises(DomainError):
            services.extension_request(
                item=problem, acting_user=people.clerk_a, requested_deadline=IN_A_MONTH + a_day(), reason="再延期"
            )
        assert snapshot() == before

    def test_the_new_date_must_be_later(self, problem, people):
        with pytest.raises(DomainError) as caught:
            services.extension_request(
                item=problem, acting_user=people.clerk_a, requested_deadline=IN_A_MONTH, reason="延期"
            )
        assert caught.value.field == "requested_deadline"

    def test_a_closed_item_needs_no_extension(self, closed, people):
        with pytest.raises(DomainError):
            services.extension_request(
                item=closed, acting_user=people.clerk_a, requested_deadline=IN_A_MONTH + a_day(), reason="延期"
            )

    def test_an_outsider_may_not_ask(self, problem, people):
        with pytest.raises(PermissionDenied):
            services.extension_request(
                item=problem, acting_user=people.clerk_b, requested_deadline=IN_A_MONTH + a_day(), reason="延期"
            )

    @pytest.mark.parametrize("who", ["clerk_a", "street_clerk", "inspector"])
    def test_only_the_level_above_decides(self, problem, people, who):
        extension = services.extension_request(
            item=problem, acting_user=people.clerk_a, requested_deadline=IN_A_MONTH + a_day(), reason="延期"
        )
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.extension_decide(extension=extension, acting_user=getattr(people, who), approve=True)
        assert snapshot() == before

    def test_a_decided_request_is_not_decided_again(self, problem, people):
        extension = services.extension_request(
            item=problem, acting_user=people.clerk_a, requested_deadline=IN_A_MONTH + a_day(), reason="延期"
        )
        stale = ExtensionRequest.objects.get(pk=extension.pk)
        services.extension_decide(extension=extension, acting_user=people.leader, approve=True)
        before = snapshot()
        with pytest.raises(Conflict):
            services.extension_decide(extension=stale, acting_user=people.supervisor, approve=False, comment="不同意")
        assert snapshot() == before

    def test_the_requester_hears_of_the_decision(self, problem, people, django_capture_on_commit_callbacks):
        extension = services.extension_request(
            item=problem, acting_user=people.clerk_a, requested_deadline=IN_A_MONTH + a_day(), reason="延期"
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.extension_decide(extension=extension, acting_user=people.leader, approve=True)
        assert Notification.objects.get().recipient == people.clerk_a


class TestReviewRounds:
    def test_submit_return_submit_accept_keeps_every_round(self, problem, campaign, tree, people):
        MeasureFactory(problem=problem)
        first = services.problem_list_submit(
            campaign=campaign, org=tree.community_a, acting_user=people.clerk_a, comment="初稿"
        )
        problem_list = first.problem_list
        assert problem_list.status == ListStatus.SUBMITTED
        services.problem_list_return(problem_list=problem_list, acting_user=people.leader, comment="措施不具体")
        services.problem_list_submit(campaign=campaign, org=tree.community_a, acting_user=people.clerk_a)
        services.problem_list_accept(problem_list=problem_list, acting_user=people.supervisor, comment="同意")
        problem_list.refresh_from_db()
        assert problem_list.status == ListStatus.ACCEPTED and problem_list.rounds_up == 2
        rounds = list(problem_list.rounds.values_list("number", "direction", "outcome", "comment", "actor"))
        assert rounds == [
            (1, RoundDirection.UP, ListStatus.SUBMITTED, "初稿", people.clerk_a.pk),
            (1, RoundDirection.DOWN, ListStatus.RETURNED, "措施不具体", people.leader.pk),
            (2, RoundDirection.UP, ListStatus.SUBMITTED, "", people.clerk_a.pk),
            (2, RoundDirection.DOWN, ListStatus.ACCEPTED, "同意", people.supervisor.pk),
        ]
        assert set(problem_list.rounds.values_list("problem_count", "measure_count")) == {(1, 1)}
        assert actions(problem_list) == ["list_submitted", "list_returned", "list_submitted", "list_accepted"]

    def test_an_empty_list_is_not_submitted(self, campaign, tree, people):
        before = snapshot()
        with pytest.raises(DomainError):
            services.problem_list_submit(campaign=campaign, org=tree.community_a, acting_user=people.clerk_a)
        assert snapshot() == before

    def test_a_submitted_list_is_not_submitted_again(self, problem, campaign, tree, people):
        services.problem_list_submit(campaign=campaign, org=tree.community_a, acting_user=people.clerk_a)
        before = snapshot()
        with pytest.raises(DomainError):
            services.problem_list_submit(campaign=campaign, org=tree.community_a, acting_user=people.clerk_a)
        assert snapshot() == before

    @pytest.mark.parametrize("who", ["clerk_b", "inspector", "member_a"])
    def test_only_the_unit_submits(self, problem, campaign, tree, people, who):
        with pytest.raises(PermissionDenied):
            services.problem_list_submit(campaign=campaign, org=tree.community_a, acting_user=getattr(people, who))
        assert ProblemList.objects.get().status == ListStatus.DRAFTING

    @pytest.mark.parametrize("who", ["clerk_a", "street_clerk", "inspector"])
    def test_only_the_reviewer_returns_or_accepts(self, problem, campaign, tree, people, who):
        services.problem_list_submit(campaign=campaign, org=tree.community_a, acting_user=people.clerk_a)
        problem_list = ProblemList.objects.get()
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.problem_list_accept(problem_list=problem_list, acting_user=getattr(people, who))
        with pytest.raises(PermissionDenied):
            services.problem_list_return(problem_list=problem_list, acting_user=getattr(people, who), comment="改")
        assert snapshot() == before

    def test_returning_needs_comments(self, problem, campaign, tree, people):
        services.problem_list_submit(campaign=campaign, org=tree.community_a, acting_user=people.clerk_a)
        before = snapshot()
        with pytest.raises(DomainError) as caught:
            services.problem_list_return(problem_list=ProblemList.objects.get(), acting_user=people.leader, comment="")
        assert caught.value.field == "comment"
        assert snapshot() == before

    def test_only_a_submitted_list_is_reviewed(self, problem, people):
        before = snapshot()
        with pytest.raises(DomainError):
            services.problem_list_accept(problem_list=ProblemList.objects.get(), acting_user=people.leader)
        assert snapshot() == before

    def test_the_submitter_hears_of_the_return(
        self, problem, campaign, tree, people, django_capture_on_commit_callbacks
    ):
        services.problem_list_submit(campaign=campaign, org=tree.community_a, acting_user=people.clerk_a)
        with django_capture_on_commit_callbacks(execute=True):
            services.problem_list_return(
                problem_list=ProblemList.objects.get(), acting_user=people.leader, comment="改"
            )
        assert Notification.objects.get().recipient == people.clerk_a


class TestInspections:
    @pytest.fixture
    def inspection(self, campaign, tree, people):
        return services.inspection_create(
            campaign=campaign,
            org=tree.district,
            number=1,
            title="第一轮督查",
            start_date=TODAY,
            inspector=people.inspector,
            supervisor=people.supervisor,
            units=[tree.community_a, tree.community_b],
            acting_user=people.inspector,
        )

    def test_a_round_over_units(self, inspection, tree):
        assert set(inspection.units.all()) == {tree.community_a, tree.community_b}
        assert actions(inspection) == ["created"]

    @pytest.mark.parametrize("who", ["clerk_a", "leader", "member_a"])
    def test_only_inspectors_and_supervisors_run_rounds(self, campaign, tree, people, who):
        with pytest.raises(PermissionDenied):
            services.inspection_create(
                campaign=campaign,
                org=tree.district,
                number=1,
                title="督查",
                start_date=TODAY,
                inspector=people.inspector,
                supervisor=people.supervisor,
                units=[tree.community_a],
                acting_user=getattr(people, who),
            )

    def test_the_round_number_is_unique_in_a_campaign(self, inspection, campaign, tree, people):
        with pytest.raises(DomainError) as caught:
            services.inspection_create(
                campaign=campaign,
                org=tree.district,
                number=1,
                title="重复",
                start_date=TODAY,
                inspector=people.inspector,
                supervisor=people.supervisor,
                units=[tree.community_a],
                acting_user=people.supervisor,
            )
        assert caught.value.field == "number"

    def test_the_inspector_named_must_be_one(self, campaign, tree, people):
        with pytest.raises(DomainError) as caught:
            services.inspection_create(
                campaign=campaign,
                org=tree.district,
                number=2,
                title="督查",
                start_date=TODAY,
                inspector=people.clerk_a,
                supervisor=people.supervisor,
                units=[tree.community_a],
                acting_user=people.supervisor,
            )
        assert caught.value.field == "inspector"

    def test_a_finding_is_fed_back_to_the_head(self, inspection, tree, people, django_capture_on_commit_callbacks):
        head = person_with_role(Role.LEADER, tree.community_a, username="head_a")
        tree.community_a.head = head
        tree.community_a.save()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            finding = services.inspection_finding_add(
                inspection=inspection, org=tree.community_a, description="台账不完整", acting_user=people.inspector
            )
        assert finding.fed_back_to == head and finding.fed_back_on == TODAY
        assert not Notification.objects.exists()
        for callback in callbacks:
            callback()
        note = Notification.objects.get()
        assert note.recipient == head and note.body == "台账不完整"
        assert actions(inspection)[-1] == "finding_added"

    def test_a_unit_outside_the_round_is_refused(self, inspection, tree, people):
        before = snapshot()
        with pytest.raises(DomainError) as caught:
            services.inspection_finding_add(
                inspection=inspection, org=tree.department, description="x", acting_user=people.inspector
            )
        assert caught.value.field == "org"
        assert snapshot() == before and not InspectionFinding.objects.exists()

    def test_a_clerk_records_no_findings(self, inspection, tree, people):
        with pytest.raises(PermissionDenied):
            services.inspection_finding_add(
                inspection=inspection, org=tree.community_a, description="x", acting_user=people.clerk_a
            )

    def test_reexamination_reopens_the_list_for_a_new_round(self, inspection, problem, campaign, tree, people):
        services.problem_list_submit(campaign=campaign, org=tree.community_a, acting_user=people.clerk_a)
        problem_list = ProblemList.objects.get()
        services.problem_list_accept(problem_list=problem_list, acting_user=people.leader)
        services.inspection_finding_add(
            inspection=inspection,
            org=tree.community_a,
            description="问题查摆不深",
            acting_user=people.inspector,
            orders_reexamination=True,
        )
        problem_list.refresh_from_db()
        assert problem_list.status == ListStatus.RETURNED
        last = problem_list.rounds.last()
        assert (last.direction, last.outcome, last.comment, last.actor) == (
            RoundDirection.DOWN,
            ListStatus.RETURNED,
            "问题查摆不深",
            people.inspector,
        )
        event = item_events(problem_list).last()
        assert (event.action, event.from_status, event.to_status) == (
            "reexamination_ordered",
            ListStatus.ACCEPTED,
            ListStatus.RETURNED,
        )
        again = services.problem_list_submit(campaign=campaign, org=tree.community_a, acting_user=people.clerk_a)
        assert again.number == 2 and again.direction == RoundDirection.UP

    def test_reexamination_of_a_unit_without_a_list_opens_one(self, inspection, tree, people):
        services.inspection_finding_add(
            inspection=inspection,
            org=tree.community_b,
            description="未开展检视",
            acting_user=people.supervisor,
            orders_reexamination=True,
        )
        assert ProblemList.objects.get(org=tree.community_b).status == ListStatus.RETURNED


class TestBulk:
    @pytest.fixture
    def three_requested(self, campaign, tree, people):
        made = []
        for title in ("一", "二", "三"):
            problem = services.problem_create(
                acting_user=people.clerk_a, campaign=campaign, org=tree.community_a, title=title, level="grassroots"
            )
            made.append(services.item_request_closure(item=problem, acting_user=people.clerk_a, evidence=[evidence()]))
        return made

    def test_a_supervisor_approves_several(self, three_requested, people):
        count = services.problems_bulk_transition(
            problems=three_requested, action="approve_closure", acting_user=people.supervisor
        )
        assert count == 3
        assert set(Problem.objects.values_list("status", "closure_kind")) == {
            (ItemStatus.CLOSED, ClosureKind.RECTIFIED)
        }

    def test_send_back_and_reopen_several(self, three_requested, people):
        services.problems_bulk_transition(
            problems=three_requested, action="send_back", acting_user=people.supervisor, comment="统一补充材料"
        )
        assert set(Problem.objects.values_list("status", flat=True)) == {ItemStatus.RECTIFYING}

    def test_all_or_nothing(self, three_requested, people):
        Problem.objects.filter(pk=three_requested[-1].pk).update(status=ItemStatus.RECTIFYING)
        problems = list(Problem.objects.all())
        before = snapshot()
        with pytest.raises(DomainError, match="三"):
            services.problems_bulk_transition(problems=problems, action="approve_closure", acting_user=people.leader)
        assert snapshot() == before

    def test_one_out_of_reach_refuses_them_all(self, three_requested, campaign, tree, people):
        elsewhere = ProblemFactory(org=tree.department, campaign=campaign, status=ItemStatus.CLOSURE_REQUESTED)
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.problems_bulk_transition(
                problems=[*three_requested, elsewhere], action="approve_closure", acting_user=people.leader
            )
        assert snapshot() == before

    def test_bulk_closing_without_a_fix_needs_the_reason(self, three_requested, people):
        before = snapshot()
        with pytest.raises(DomainError):
            services.problems_bulk_transition(
                problems=three_requested,
                action="approve_closure",
                acting_user=people.supervisor,
                closure_kind=ClosureKind.DUPLICATE,
            )
        assert snapshot() == before

    def test_request_closure_is_not_a_bulk_action(self, three_requested, people):
        with pytest.raises(DomainError) as caught:
            services.problems_bulk_transition(
                problems=three_requested, action="request_closure", acting_user=people.admin
            )
        assert caught.value.field == "action"


class TestDomainsAndDrives:
    def test_domain_add(self, campaign, people):
        domain = services.domain_add(campaign=campaign, name=" 教育 ", acting_user=people.supervisor)
        assert domain.name == "教育" and domain.campaign == campaign
        with pytest.raises(DomainError) as caught:
            services.domain_add(campaign=campaign, name="教育", acting_user=people.supervisor)
        assert caught.value.field == "name"

    def test_a_clerk_keeps_no_domains(self, campaign, people):
        with pytest.raises(PermissionDenied):
            services.domain_add(campaign=campaign, name="教育", acting_user=people.clerk_a)

    def test_a_drive_groups_problems_and_concludes_when_they_are_closed(self, campaign, tree, people):
        domain = DomainFactory(campaign=campaign)
        drive = services.special_rectification_create(
            campaign=campaign,
            org=tree.street,
            name="老旧小区整治",
            level=ProblemLevel.DEPARTMENT,
            domain=domain,
            acting_user=people.street_clerk,
        )
        assert drive.status == DriveStatus.UNDER_WAY
        problem = services.problem_create(
            acting_user=people.clerk_a,
            campaign=campaign,
            org=tree.community_a,
            title="楼道杂物",
            level="grassroots",
            special_rectification=drive,
        )
        with pytest.raises(DomainError):
            services.special_rectification_conclude(special_rectification=drive, acting_user=people.leader)
        services.item_request_closure(item=problem, acting_user=people.clerk_a, evidence=[evidence()])
        services.item_approve_closure(item=problem, acting_user=people.leader)
        services.special_rectification_conclude(special_rectification=drive, acting_user=people.leader, comment="完成")
        assert drive.status == DriveStatus.CONCLUDED
        with pytest.raises(DomainError) as caught:
            services.problem_create(
                acting_user=people.clerk_a,
                campaign=campaign,
                org=tree.community_a,
                title="新问题",
                level="grassroots",
                special_rectification=drive,
            )
        assert caught.value.field == "special_rectification"

    def test_a_drive_of_another_campaign_is_refused(self, problem, tree, people):
        other = SpecialRectificationFactory(org=tree.street, campaign=CampaignFactory(org=tree.district))
        with pytest.raises(DomainError) as caught:
            services.problem_update(problem=problem, acting_user=people.clerk_a, special_rectification=other)
        assert caught.value.field == "special_rectification"

    def test_an_outsider_sets_up_no_drive(self, campaign, tree, people):
        with pytest.raises(PermissionDenied):
            services.special_rectification_create(
                campaign=campaign, org=tree.street, name="整治", level="department", acting_user=people.clerk_a
            )
