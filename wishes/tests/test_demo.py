"""The demo's wishes, micro-projects and suggestions hold the report's figures, counted by
the real statistics code. Only the loaders this one builds on run (orgs, campaigns), so the
test does not depend on apps built alongside."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from campaigns import demo as campaigns_demo
from core.demo import DemoContext, installer_get_or_create
from core.statistics import build_scope, collect
from intake import demo as intake_demo
from orgs import demo as orgs_demo
from orgs.models import Org
from wishes import demo

pytestmark = pytest.mark.django_db


def test_demo_wishes_and_suggestions(settings, tmp_path, capsys) -> None:
    settings.MEDIA_ROOT = tmp_path
    with transaction.atomic():
        context = DemoContext(installer=installer_get_or_create())
        orgs_demo.load(context)
        campaigns_demo.load(context)
        # A few ledger problems in 现代城's street, as the ledger's loader makes (it runs
        # between campaigns and wishes): suggestions join them.
        from rectification.choices import ProblemLevel
        from rectification.services import problem_create

        for street_org in Org.objects.filter(kind="community").order_by("path")[:6]:
            problem_create(
                acting_user=context.people["supervisor"],
                campaign=context.campaign,
                org=street_org,
                title="下水道堵塞",
                level=ProblemLevel.GRASSROOTS,
            )
        started = time.monotonic()
        demo.load(context)
        intake_demo.load(context)
        with capsys.disabled():
            print(f"\nwishes+intake demo: {time.monotonic() - started:.1f} s, {dict(context.counts)}")
    xdc = Org.objects.get(code=orgs_demo.XIANDAICHENG_CODE)
    figures = collect(build_scope(user=None, org=xdc.code), names=["wishes", "intake"])
    wishes = figures["wishes"]["wishes"]
    # 现代城社区：群众点单、党员上菜，认领微心愿157个.
    assert wishes["claimed"] == demo.XIANDAICHENG_CLAIMED
    assert wishes["waiting"] == demo.XIANDAICHENG_WAITING
    assert 0 < wishes["confirmed"] < wishes["fulfilled"] <= wishes["claimed"]
    everything = collect(build_scope(user=None), names=["wishes", "intake"])
    assert everything["wishes"]["wishes"]["posted"] > wishes["posted"]
    assert everything["wishes"]["projects"]["claimed"] >= 8
    intake = everything["intake"]
    assert intake["received"] == intake_demo.TOTAL
    assert all(intake["by_channel"][code] > 0 for code in intake["by_channel"])
    assert intake["to_problem"] > 0 and intake["duplicates"] > 0 and intake["routed"] > 0
    from rectification.models import Problem

    assert Problem.objects.count() == 6  # joined to, never added
    assert intake["closure_rate"] >= 0.9
