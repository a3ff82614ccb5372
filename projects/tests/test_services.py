import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.errors import Conflict, DomainError, PermissionDenied
from core.services import item_events
from projects import services
from projects.choices import ProjectLevel, ProjectStage, WorkStatus
from projects.models import InvestmentReport, KeyProject, ProjectProblem
from projects.tests.factories import KeyProjectFactory, KeyTaskFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def test_project_create_records_stage_date_and_event(tree, people):
    day = timezone.localdate() - datetime.timedelta(days=3)
    project = services.project_create(
        acting_user=people.clerk_a,
        org=tree.community_a,
        title="富硒食品加工园",
        level=ProjectLevel.MUNICIPAL,
        stage=ProjectStage.PIPELINE,
        stage_date=day,
        leader=people.leader,
    )
    assert project.pipeline_date == day and project.reserve_date is None
    assert [event.action for event in item_events(project)] == ["created"]


def test_project_create_refused_outside_scope(tree, people):
    with pytest.raises(PermissionDenied):
        services.project_create(acting_user=people.clerk_b, org=tree.community_a, title="X", level="district")


def test_stage_change_records_date_and_event(tree, people):
    project = KeyProjectFactory(org=tree.community_a, stage=ProjectStage.PIPELINE, construction_date=None)
    day = timezone.localdate()
    services.project_stage_set(project=project, stage=ProjectStage.CONSTRUCTION, date=day, acting_user=people.clerk_a)
    project.refresh_from_db()
    assert project.stage == ProjectStage.CONSTRUCTION and project.construction_date == day
    event = item_events(project).get(action="stage_changed")
    assert event.changes == {"stage": ["pipeline", "construction"], "date": day.isoformat()}
    assert event.actor == people.clerk_a


def test_stage_back_needs_reason_and_clears_later_dates(tree, people):
    project = KeyProjectFactory(org=tree.community_a, stage=ProjectStage.CONSTRUCTION)
    with pytest.raises(DomainError) as refused:
        services.project_stage_set(project=project, stage=ProjectStage.PIPELINE, acting_user=people.clerk_a)
    assert refused.value.field == "comment"
    services.project_stage_set(
        project=project, stage=ProjectStage.PIPELINE, acting_user=people.clerk_a, comment="规划调整"
    )
    project.refresh_from_db()
    assert project.stage == ProjectStage.PIPELINE and project.construction_date is None


def test_stage_change_on_a_stale_page_is_a_conflict(tree, people):
    project = KeyProjectFactory(org=tree.community_a, stage=ProjectStage.PIPELINE, construction_date=None)
    stale = KeyProject.objects.get(pk=project.pk)
    services.project_stage_set(project=project, stage=ProjectStage.CONSTRUCTION, acting_user=people.clerk_a)
    with pytest.raises(Conflict):
        services.project_stage_set(project=stale, stage=ProjectStage.OPERATION, acting_user=people.leader)
    assert KeyProject.objects.get(pk=project.pk).stage == ProjectStage.CONSTRUCTION


def test_stage_in_the_future_or_before_an_earlier_stage_is_refused(tree, people):
    project = KeyProjectFactory(org=tree.community_a, stage=ProjectStage.PIPELINE, construction_date=None)
    project.pipeline_date = timezone.localdate() - datetime.timedelta(days=10)
    project.save()
    with pytest.raises(DomainError):
        services.project_stage_set(
            project=project,
            stage=ProjectStage.CONSTRUCTION,
            date=timezone.localdate() + datetime.timedelta(days=1),
            acting_user=people.clerk_a,
        )
    with pytest.raises(DomainError):
        services.project_stage_set(
            project=project,
            stage=ProjectStage.CONSTRUCTION,
            date=timezone.localdate() - datetime.timedelta(days=20),
            acting_user=people.clerk_a,
        )


def test_month_reported_once(tree, people):
    project = KeyProjectFactory(org=tree.community_a)
    services.investment_report_add(project=project, year=2026, month=3, amount="120.5", acting_user=people.clerk_a)
    with pytest.raises(DomainError) as refused:
        services.investment_report_add(project=project, year=2026, month=3, amount="1", acting_user=people.clerk_a)
    assert refused.value.field == "month"
    assert InvestmentReport.objects.get().amount == Decimal("120.5")


def test_future_month_and_negative_amount_refused(tree, people):
    project = KeyProjectFactory(org=tree.community_a)
    today = timezone.localdate()
    with pytest.raises(DomainError):
        services.investment_report_add(
            project=project, year=today.year + 1, month=1, amount="1", acting_user=people.clerk_a
        )
    with pytest.raises(DomainError):
        services.investment_report_add(project=project, year=2026, month=1, amount="-1", acting_user=people.clerk_a)
    assert not InvestmentReport.objects.exists()


def test_report_refused_for_a_clerk_elsewhere(tree, people):
    project = KeyProjectFactory(org=tree.community_a)
    with pytest.raises(PermissionDenied):
        services.investment_report_add(project=project, year=2026, month=1, amount="1", acting_user=people.clerk_b)


def test_closure_needs_evidence_and_the_level_above(tree, people):
    task = KeyTaskFactory(org=tree.community_a, owner=people.clerk_a)
    with pytest.raises(DomainError):
        services.item_request_closure(item=task, acting_user=people.clerk_a)
    services.item_request_closure(item=task, acting_user=people.clerk_a, evidence=[SimpleUploadedFile("done.pdf", PDF)])
    with pytest.raises(PermissionDenied):
        services.item_decide(item=task, action="approve_closure", acting_user=people.clerk_a)
    services.item_decide(item=task, action="approve_closure", acting_user=people.leader)
    task.refresh_from_db()
    assert task.status == WorkStatus.CLOSED
    assert [e.action for e in item_events(task)] == ["request_closure", "approve_closure"]


def test_problem_raised_goes_to_the_ledger_with_a_link(tree, people):
    from core.testing.factories import CampaignFactory

    campaign = CampaignFactory(org=tree.district)
    project = KeyProjectFactory(org=tree.community_a)
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    link = services.project_problem_raise(
        project=project,
        acting_user=people.clerk_a,
        campaign=campaign,
        title="征地拆迁进度滞后",
        level="department",
        deadline=deadline,
    )
    assert link.problem.org == tree.community_a and link.problem.deadline == deadline
    assert ProjectProblem.objects.filter(project=project).count() == 1
    assert item_events(project).filter(action="problem_raised").exists()


def test_key_task_progress_and_deal_funding(tree, people):
    task = KeyTaskFactory(org=tree.community_a)
    services.key_task_progress(task=task, text="已完成方案", acting_user=people.clerk_a)
    assert task.notes.count() == 1
    deal = services.deal_create(
        acting_user=people.clerk_a,
        org=tree.community_a,
        company="秦硒科技",
        project_name="富硒深加工",
        amount="50000",
        signed_date=timezone.localdate(),
        manager=people.member_a,
    )
    today = timezone.localdate()
    services.deal_funding_record(deal=deal, year=today.year, month=today.month, amount=100, acting_user=people.clerk_a)
    with pytest.raises(DomainError):
        services.deal_funding_record(
            deal=deal, year=today.year, month=today.month, amount=5, acting_user=people.clerk_a
        )
    assert deal.fundings.get().amount == Decimal("100")
