"""The reading classes' daily messages, sent by the Huey worker: the reminder (what to
read today) every morning and the summary (who came, who did not) every evening.

Sending is idempotent (one row per class, day and kind), so a task retried or run
beside ``manage.py study_daily`` sends nothing twice.
"""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from study.choices import DispatchKind
from study.services import daily_dispatch_all


@db_periodic_task(crontab(hour="7", minute="30"))
def study_daily_reminders() -> int:
    return daily_dispatch_all(date=timezone.localdate(), kind=DispatchKind.REMINDER)


@db_periodic_task(crontab(hour="21", minute="0"))
def study_daily_summaries() -> int:
    return daily_dispatch_all(date=timezone.localdate(), kind=DispatchKind.SUMMARY)
