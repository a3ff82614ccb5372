"""Background jobs of the shared core."""

from __future__ import annotations

from django.db import connection
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="3", minute="15"))
def optimize_database() -> str:
    """Keep the planner's statistics current, every night at 03:15."""
    # A whole ANALYZE: a few seconds for a district's database, and PostgreSQL's
    # autovacuum may lag behind a large import.
    with connection.cursor() as cursor:
        if connection.vendor in ("sqlite", "postgresql"):
            cursor.execute("ANALYZE")
    return connection.vendor
