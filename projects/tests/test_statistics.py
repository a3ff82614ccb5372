import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from core.panels import panels
from core.statistics import build_scope, collect
from projects.choices import ProjectLevel, ProjectStage, PromotionKind
from projects.models import DealFunding
from projects.statistics import months_due
from projects.tests.factories import (
    DealFactory,
    InvestmentPlanFactory,
    InvestmentReportFactory,
    KeyProjectFactory,
    KeyTaskFactory,
    PromotionEventFactory,
)

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _on_the_report_day():
    # Rows are stamped with the clock; the figures are asked for as of AS_OF, so the
    # clock stands on that day or rows made "today" would fall after it.
    with time_machine.travel("2026-11-23 10:00 +0800", tick=False):
        yield


def figures(user=None, org=None, **dates):
    scope = build_scope(user=user, org=org, date=dates.get("date", AS_OF))
    return collect(scope, names=["projects"])["projects"]


def _project_with(org, level, plan, reports):
    project = KeyProjectFactory(org=org, level=level, created_at=timezone.make_aware(datetime.datetime(2026, 1, 2)))
    InvestmentPlanFactory(project=project, year=2026, amount=Decimal(plan))
    for month, amount in reports:
        InvestmentReportFactory(project=project, year=2026, month=month, amount=Decimal(amount))
    return project


def test_completion_by_level_and_behind_plan(tree):
    # Provincial: (300 + 360) / 500 = 132%.
    _project_with(tree.community_a, ProjectLevel.PROVINCIAL, "200", [(1, "100"), (10, "164")])
    _project_with(tree.community_b, ProjectLevel.PROVINCIAL, "300", [(5, "396")])
    # Municipal: 51 / 50 = 102%; a December report is after the date and left out.
    _project_with(tree.community_a, ProjectLevel.MUNICIPAL, "50", [(3, "51")])
    InvestmentReportFactory(project=KeyProjectFactory(org=tree.street), year=2026, month=12, amount=9)
    # District: 10 of 120 done, far behind 10/12 of the plan.
    _project_with(tree.community_a, ProjectLevel.DISTRICT, "120", [(2, "10")])
    result = figures()
    levels = result["investment"]["by_level"]
    assert levels["provincial"]["completion"] == 1.32
    assert levels["provincial"]["planned"] == "500.00" and levels["provincial"]["done"] == "660.00"
    assert levels["municipal"]["completion"] == 1.02
    assert levels["district"]["completion"] == round(10 / 120, 4)
    assert levels["district"]["behind_plan"] == 1 and levels["provincial"]["behind_plan"] == 0
    assert result["investment"]["behind_plan"] == 1
    assert result["investment"]["months_due"] == months_due(AS_OF) == 10


def test_an_earlier_date_counts_only_the_months_up_to_it(tree):
    _project_with(tree.community_a, ProjectLevel.PROVINCIAL, "100", [(1, "30"), (6, "70")])
    assert figures(date="2026-03-31")["investment"]["by_level"]["provincial"]["completion"] == 0.3


def test_scoped_to_the_users_subtree(tree, people):
    _project_with(tree.community_a, ProjectLevel.MUNICIPAL, "100", [(1, "50")])
    _project_with(tree.community_b, ProjectLevel.MUNICIPAL, "100", [(1, "100")])
    assert figures(people.clerk_a)["investment"]["by_level"]["municipal"]["completion"] == 0.5
    assert figures(people.clerk_a)["projects"]["total"] == 1
    assert figures(people.street_clerk)["investment"]["by_level"]["municipal"]["completion"] == 0.75
    assert figures(people.leader, org="AK-JM-JS")["projects"]["total"] == 1


def test_stages_new_in_pipeline_and_completed_in_the_year(tree):
    KeyProjectFactory(org=tree.community_a, stage=ProjectStage.PIPELINE, pipeline_date=datetime.date(2026, 2, 1))
    KeyProjectFactory(org=tree.community_a, stage=ProjectStage.PIPELINE, pipeline_date=datetime.date(2025, 12, 1))
    KeyProjectFactory(org=tree.community_a, stage=ProjectStage.OPERATION, operation_date=datetime.date(2026, 11, 20))
    KeyProjectFactory(org=tree.community_a, stage=ProjectStage.RESERVE, level=ProjectLevel.PROVINCIAL)
    result = figures()["projects"]
    assert result["total"] == 4
    assert result["entered_pipeline_year"] == 1 and result["completed_year"] == 1
    assert result["completed_period"] == 0  # the week of the figures starts on Monday 23 November
    assert result["by_stage"] == {"reserve": 1, "pipeline": 2, "construction": 0, "operation": 1}
    assert result["by_level"]["provincial"] == 1


def test_tasks_and_promotion(tree):
    KeyTaskFactory(org=tree.community_a, year=2026)
    KeyTaskFactory(org=tree.community_a, year=2026, status="closed")
    KeyTaskFactory(org=tree.community_a, year=2025)
    PromotionEventFactory(org=tree.community_a, date=datetime.date(2026, 5, 1))
    PromotionEventFactory(org=tree.community_a, date=datetime.date(2025, 5, 1))
    PromotionEventFactory(org=tree.community_a, kind=PromotionKind.EVENT, date=datetime.date(2026, 6, 1))
    deal = DealFactory(org=tree.community_a, signed_date=datetime.date(2026, 4, 1))
    DealFunding.objects.create(deal=deal, year=2026, month=4, amount=Decimal("1500000"))
    DealFunding.objects.create(deal=deal, year=2026, month=11, amount=Decimal("700000"))
    result = figures()
    assert result["tasks"] == {"total": 2, "done": 1, "overdue": 0, "done_share": 0.5}
    promotion = result["promotion"]
    assert (promotion["visits"], promotion["events"], promotion["deals_signed"]) == (1, 1, 1)
    assert promotion["funds_in_place"] == "2200000.00"


def test_panels_draw_from_the_figures(tree):
    _project_with(tree.community_a, ProjectLevel.PROVINCIAL, "100", [(1, "132")])
    result = figures()
    mine = [panel for panel in panels() if panel.provider == "projects"]
    assert {panel.name for panel in mine} == {"projects.key_projects", "projects.promotion"}
    cards = mine[0].cards(result)
    assert "132%" in [card.value for card in cards]
    assert "132%" in mine[0].bulletin(result)
    charts = mine[0].charts(result)
    assert charts[1].option["series"][0]["data"][0] == 132.0
