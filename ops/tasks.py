"""Background jobs of operations."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ops.metrics import count_overdue, store_overdue


@db_periodic_task(crontab(minute="*/5"))
def refresh_overdue_count() -> dict[str, int]:
    """Count overdue items every five minutes for the metrics endpoint (one indexed count
    per item model, instead of one per scrape)."""
    counts = count_overdue()
    store_overdue(counts)
    return counts
