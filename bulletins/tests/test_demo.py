"""The demo's bulletins: last week's issued, this week's a draft, figures from the statistics."""

from __future__ import annotations

import datetime

import pytest

from bulletins import demo
from bulletins.choices import BulletinStatus
from bulletins.models import Bulletin
from bulletins.tests.conftest import TODAY
from core.demo import DemoContext, installer_get_or_create
from core.statistics import build_scope, collect

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_ledger_statistics")]


def test_demo_issues_last_week_and_drafts_this_week(people, ledger) -> None:
    context = DemoContext(installer=installer_get_or_create(), root=ledger.district)
    context.people["supervisor"] = people.supervisor
    demo.load(context)
    issued, draft = Bulletin.objects.order_by("as_of")
    last_sunday = TODAY - datetime.timedelta(days=TODAY.weekday() + 1)
    assert (issued.status, issued.number, issued.as_of) == (BulletinStatus.ISSUED, 1, last_sunday)
    assert issued.period_start == last_sunday - datetime.timedelta(days=6)
    assert (draft.status, draft.as_of) == (BulletinStatus.DRAFT, TODAY)
    counted = collect(build_scope(user=None, org="AK", date=TODAY), names=["rectification"])["rectification"]
    assert draft.figures["statistics"]["rectification"]["problems"]["total"] == counted["problems"]["total"]
    assert issued.issued_by == people.supervisor
