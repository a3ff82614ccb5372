import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.testing.permissions import assert_page_scoped, client_for
from core.testing.queries import capture_queries
from core.testing.spreadsheets import xlsx_bytes
from projects.choices import ProjectLevel, ProjectStage, WorkStatus
from projects.models import InvestmentReport, KeyProject, KeyTask, TeamMember
from projects.tests.factories import (
    DealFactory,
    InvestmentPlanFactory,
    InvestmentReportFactory,
    KeyProjectFactory,
    KeyTaskFactory,
    PromotionEventFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "make", "text"),
    [
        ("/projects/list/", lambda org: KeyProjectFactory(org=org), lambda item: item.title),
        ("/projects/tasks/", lambda org: KeyTaskFactory(org=org), lambda item: item.title),
        ("/projects/promotion/", lambda org: PromotionEventFactory(org=org), lambda item: item.title),
        ("/projects/deals/", lambda org: DealFactory(org=org), lambda item: item.company),
    ],
)
def test_lists_are_scoped(url, make, text):
    assert_page_scoped(url, make_item=make, text=text)


def test_detail_of_another_unit_is_404(tree, people):
    project = KeyProjectFactory(org=tree.community_b)
    task = KeyTaskFactory(org=tree.community_b)
    deal = DealFactory(org=tree.community_b)
    client = client_for(people.clerk_a)
    for url in (project.get_absolute_url(), task.get_absolute_url(), deal.get_absolute_url()):
        assert client.get(url).status_code == 404
    response = client.post(reverse("projects:project_action", args=[project.pk, "stage"]), {"stage": "operation"})
    assert response.status_code == 404


def test_project_page_changes_stage_and_reports(tree, people):
    project = KeyProjectFactory(org=tree.community_a, stage=ProjectStage.PIPELINE, construction_date=None)
    client = client_for(people.clerk_a)
    page = client.get(project.get_absolute_url())
    assert page.status_code == 200 and 'id="investment-curve"' in page.content.decode()
    client.post(
        reverse("projects:project_action", args=[project.pk, "stage"]),
        {"stage": "construction", "date": timezone.localdate().isoformat(), "expected_stage": "pipeline"},
    )
    project.refresh_from_db()
    assert project.stage == ProjectStage.CONSTRUCTION
    client.post(
        reverse("projects:project_action", args=[project.pk, "report"]), {"year": 2026, "month": 1, "amount": "12.5"}
    )
    assert InvestmentReport.objects.get(project=project).amount == Decimal("12.5")
    client.post(
        reverse("projects:project_action", args=[project.pk, "member_add"]),
        {"person": people.member_a.username, "duty": "成员"},
    )
    assert TeamMember.objects.filter(project=project, person=people.member_a).exists()


def test_project_created_from_the_form(tree, people):
    response = client_for(people.clerk_a).post(
        reverse("projects:project_create"),
        {
            "org": tree.community_a.code,
            "title": "月河新材料产业园",
            "level": ProjectLevel.MUNICIPAL,
            "stage": ProjectStage.PIPELINE,
            "total_investment": "50000",
            "annual_plan": "8000",
            "leader": people.leader.pk,
        },
    )
    project = KeyProject.objects.get()
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.leader == people.leader and project.plans.get().amount == Decimal("8000")


def test_export_holds_exactly_the_filtered_rows(tree, people):
    KeyProjectFactory(org=tree.community_a, title="省级项目甲", level=ProjectLevel.PROVINCIAL)
    KeyProjectFactory(org=tree.community_a, title="区级项目乙", level=ProjectLevel.DISTRICT)
    response = client_for(people.clerk_a).get("/projects/list/?level=provincial&export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["省级项目甲"]


def test_list_query_count_does_not_grow_with_rows(tree, people):
    client = client_for(people.clerk_a)
    KeyProjectFactory(org=tree.community_a, leader=people.leader)
    client.get("/projects/list/")  # warm per-process caches (the org paths that masking reads)
    few = len(capture_queries(client.get, "/projects/list/"))
    for _ in range(5):
        project = KeyProjectFactory(org=tree.community_a, leader=people.leader)
        InvestmentPlanFactory(project=project)
    assert len(capture_queries(client.get, "/projects/list/")) == few


def test_import_page_checks_then_imports(tree, people):
    KeyProjectFactory(org=tree.community_a, title="富硒食品加工园")
    client = client_for(people.clerk_a)
    data = xlsx_bytes([["项目名称", "本月完成投资（万元）"], ["富硒食品加工园", 300], ["无此项目", 1]])
    bad = client.post(
        reverse("projects:return_import"),
        {"year": 2026, "month": 10, "file": SimpleUploadedFile("r.xlsx", data)},
    )
    assert bad.status_code == 200 and 'data-row="3"' in bad.content.decode()
    assert not InvestmentReport.objects.exists()
    good = xlsx_bytes([["项目名称", "本月完成投资（万元）"], ["富硒食品加工园", 300]])
    done = client.post(
        reverse("projects:return_import"),
        {"year": 2026, "month": 10, "file": SimpleUploadedFile("r.xlsx", good)},
    )
    assert done.status_code == 302 and InvestmentReport.objects.get().amount == Decimal("300")
    template = client.get(reverse("projects:return_template"))
    assert load_workbook(io.BytesIO(template.content)).active["B2"].value == "富硒食品加工园"


def test_task_closure_through_the_pages(tree, people):
    task = KeyTaskFactory(org=tree.community_a, owner=people.clerk_a)
    clerk, leader = client_for(people.clerk_a), client_for(people.leader)
    clerk.post(reverse("projects:task_action", args=[task.pk, "progress"]), {"text": "方案已印发"})
    clerk.post(
        reverse("projects:task_action", args=[task.pk, "request_closure"]),
        {"evidence": SimpleUploadedFile("done.pdf", b"%PDF-1.4\n%%EOF\n"), "expected_status": "under_way"},
    )
    leader.post(
        reverse("projects:task_action", args=[task.pk, "approve_closure"]), {"expected_status": "closure_requested"}
    )
    assert KeyTask.objects.get(pk=task.pk).status == WorkStatus.CLOSED
    assert task.notes.count() == 1


def test_overview_shows_completion(tree, people):
    project = KeyProjectFactory(org=tree.community_a, level=ProjectLevel.PROVINCIAL)
    InvestmentPlanFactory(project=project, amount=Decimal("100"))
    today = timezone.localdate()
    InvestmentReportFactory(project=project, year=today.year, month=1, amount=Decimal("132"))
    late = KeyProjectFactory(org=tree.community_a, title="滞后项目甲")
    InvestmentPlanFactory(project=late, amount=Decimal("1200"))
    page = client_for(people.clerk_a).get("/projects/").content.decode()
    assert 'data-completion="1.32"' in page
    if today.month > 1:  # by February some of the plan is due: nothing reported is behind it
        assert "滞后项目甲" in page.split('id="behind-plan"')[1]


def test_core_timelines_label_this_apps_actions():
    """A stage change reads as words in every timeline, not as its code."""
    from django.utils import translation

    from core.models import ACTION_LABELS

    with translation.override("en"):
        assert str(ACTION_LABELS["stage_changed"]) == "Stage changed"
        assert str(ACTION_LABELS["investment_reported"]) == "Monthly investment reported"
