"""The demo's supervision and public rows come from the real services."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import Event
from public.models import Publication
from supervision.models import DispatchMeeting, MonthlySnapshot, Reminder


@pytest.mark.django_db
def test_demo_has_reminders_a_held_dispatch_a_snapshot_and_publications(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=StringIO())
    reminders = Reminder.objects.all()
    assert reminders.exists()
    assert reminders.filter(delivered_at__isnull=True).count() == 0
    assert Event.objects.filter(action="reminded").count() == reminders.count()
    meeting = DispatchMeeting.objects.get()
    assert meeting.status == "held" and meeting.entries.exists()
    # Tasks and a note: no new measure, so the ledger keeps the report's figures.
    assert not meeting.decisions.filter(kind="measure").exists()
    assert meeting.decisions.filter(kind="task", task__isnull=False).count() >= 2
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    assert MonthlySnapshot.objects.filter(month=last_month, org__depth=1).exists()
    publications = Publication.objects.live()
    assert 1 <= publications.count() <= 6
    assert all("集中整治" in p.summary for p in publications)
