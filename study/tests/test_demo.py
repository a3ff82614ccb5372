"""The demo's research and study work hold the report's figures, counted by the real
statistics code. Only the loaders they build on run (orgs, campaigns), to stay quick."""

from __future__ import annotations

import pytest

from campaigns import demo as campaigns_demo
from core.demo import DemoContext, installer_get_or_create
from core.statistics import build_scope, collect
from orgs import demo as orgs_demo
from research import demo as research_demo
from study import demo as study_demo
from study.models import Attendance, DailyDispatch, StudySession

pytestmark = pytest.mark.django_db


def test_the_demo_holds_the_reports_research_and_study_figures(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    context = DemoContext(installer=installer_get_or_create())
    for loader in (orgs_demo, campaigns_demo, research_demo, study_demo):
        loader.load(context)
    figures = collect(build_scope(user=None), names=["research", "study"])
    research, study = figures["research"], figures["study"]

    # 12个方面62个拟调研课题 … 确定了18个调研课题.
    assert (research["topics"]["areas"], research["topics"]["total"], research["topics"]["selected"]) == (12, 62, 18)
    # 走访调研工业企业41户，发放调查问卷112户，开展集中座谈3场 (the party secretary).
    assert research["visits"]["enterprises"] == 41
    assert research["questionnaires"] == 112
    kinds = research["visits"]["by_kind"]
    assert kinds["symposium"] == 3
    # 政策宣讲54次，座谈访谈36次720余人，带案接访、随机接访97件，解决突出问题94个.
    assert (kinds["policy_briefing"], kinds["talk"], research["talk_people"]) == (54, 36, 720)
    assert research["petitions"]["received"] == 97 and research["petitions"]["resolved"] == 94
    assert research["visits"]["crowding_confirmed"] == 0

    # "3+4": seven days of the leaders' reading class, each with its reminder and summary.
    leaders_class = StudySession.objects.filter(study_class__name=study_demo.LEADERS_CLASS)
    assert leaders_class.count() == 7
    assert DailyDispatch.objects.filter(study_class__name=study_demo.LEADERS_CLASS).count() == 14
    assert Attendance.objects.filter(session__in=leaders_class).exists()
    # 239 outflow members under 三个一, the elderly under 四个一, 470 scattered, with partial progress.
    outreach = study["outreach"]
    assert outreach["outflow"]["members"] == 239 and outreach["outflow"]["plans"] == ["三个一"]
    assert outreach["elderly"]["plans"] == ["四个一"]
    assert outreach["scattered"]["members"] == 470
    for entry in outreach.values():
        assert 0 < entry["reached"] < entry["members"]
