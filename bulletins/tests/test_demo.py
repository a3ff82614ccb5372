"""The demo's bulletins: this week's issued, this month's a draft, figures from the statistics."""

from __future__ import annotations

import pytest

from bulletins import demo
from bulletins.choices import BulletinKind, BulletinStatus
from bulletins.models import Bulletin
from bulletins.tests.conftest import TODAY
from core.demo import DemoContext, installer_get_or_create
from core.services import item_events
from core.statistics import build_scope, collect

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_ledger_statistics")]


def test_demo_issues_this_week_and_drafts_this_month(people, ledger) -> None:
    context = DemoContext(installer=installer_get_or_create(), root=ledger.district)
    context.people["supervisor"] = people.supervisor
    demo.load(context)
    weekly = Bulletin.objects.get(kind=BulletinKind.WEEK)
    monthly = Bulletin.objects.get(kind=BulletinKind.MONTH)
    assert (weekly.status, weekly.number, weekly.as_of, weekly.issued_by) == (
        BulletinStatus.ISSUED,
        1,
        TODAY,
        people.supervisor,
    )
    assert [event.action for event in item_events(weekly)] == ["created", "updated", "bulletin_issued"]
    assert (monthly.status, monthly.period_start) == (BulletinStatus.DRAFT, TODAY.replace(day=1))
    counted = collect(build_scope(user=None, org="AK", date=TODAY), names=["rectification"])["rectification"]
    assert weekly.figures["statistics"]["rectification"]["problems"]["total"] == counted["problems"]["total"]
