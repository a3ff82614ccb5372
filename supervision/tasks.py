"""The supervision cadence as periodic jobs (每天有检查、每周一调度、每月一汇总).

Each job only calls the service; the management commands ``daily_check``,
``weekly_dispatch`` and ``monthly_rollup`` call the same services, for cron or by hand.
Huey reads the crontabs in UTC (``HUEY["utc"]``); the times below are given in Beijing
time (UTC+8) too. The services take the local date themselves.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from supervision import services


@db_periodic_task(crontab(minute="30", hour="0"))
def daily_check() -> dict:
    """Every day at 08:30 Beijing time (00:30 UTC): warnings and reminders (nothing on days off)."""
    return services.daily_check().as_dict()


@db_periodic_task(crontab(minute="0", hour="0", day_of_week="1"))
def weekly_dispatch() -> list[int]:
    """Every Monday at 08:00 Beijing time: the dispatch meeting of each top org, pre-filled."""
    return [meeting.pk for meeting in services.weekly_dispatch()]


@db_periodic_task(crontab(minute="0", hour="18", day="1"))
def monthly_rollup() -> int:
    """On the 2nd at 02:00 Beijing time (18:00 UTC on the 1st): freeze last month's figures."""
    today = timezone.localdate()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    return services.monthly_rollup(month=last_month)
