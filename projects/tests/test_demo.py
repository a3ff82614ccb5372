"""The demo's portfolio gives the report's figures, counted by the real statistics code.

Only the loaders the projects loader builds on run here (orgs, campaigns), then ours.
"""

from __future__ import annotations

import pytest
import time_machine

from core.demo import DemoContext, installer_get_or_create
from core.statistics import build_scope, collect
from projects import demo
from projects.choices import WorkStatus
from projects.models import KeyProject

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-23 10:00 +0800", tick=False)
def test_demo_portfolio_shows_the_reports_figures(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path  # the closure evidence
    from campaigns import demo as campaigns_demo
    from orgs import demo as orgs_demo

    context = DemoContext(installer=installer_get_or_create())
    orgs_demo.load(context)
    campaigns_demo.load(context)
    demo.load(context)

    figures = collect(build_scope(user=None), names=["projects"])["projects"]
    projects, investment, promotion = figures["projects"], figures["investment"], figures["promotion"]
    # 实施重点项目181个，新入库项目47个，建成投产投用项目31个
    assert projects["total"] == 181
    assert projects["entered_pipeline_year"] == 47
    assert projects["completed_year"] == 31
    # 10个省级、63个市级重点项目分别完成年度投资132%和102%
    assert projects["by_level"]["provincial"] == 10 and projects["by_level"]["municipal"] == 63
    assert investment["by_level"]["provincial"]["completion"] == 1.32
    assert investment["by_level"]["municipal"]["completion"] == 1.02
    # 上门精准招商36场次、专题招商推介活动18场次，签约项目31个、到位资金220亿元
    assert (promotion["visits"], promotion["events"], promotion["deals_signed"]) == (36, 18, 31)
    assert promotion["funds_in_place"] == "2200000.00"
    # Completed projects were closed with evidence; leaders are the county-level ones.
    assert KeyProject.objects.filter(status=WorkStatus.CLOSED).count() == 31
    assert KeyProject.objects.filter(leader=context.people["罗武侠"]).exists()
    # The leader's own view (the whole zone) shows the same.
    leader = collect(build_scope(user=context.people["leader"]), names=["projects"])["projects"]
    assert leader["investment"]["by_level"] == investment["by_level"]
