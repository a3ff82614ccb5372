"""Refresh the query planner's statistics: ``PRAGMA optimize`` (SQLite) or ``ANALYZE``.

The ledger's indexes serve broad and narrow scopes differently; the planner picks well
only with current statistics (bench: a community's list 600 ms without, 27 ms with).
The Huey worker runs this nightly; run it by hand after a large import.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from core.tasks import optimize_database


class Command(BaseCommand):
    help = "Refresh the database planner's statistics (SQLite: PRAGMA optimize; PostgreSQL: ANALYZE)."

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        started = time.monotonic()
        vendor = optimize_database.call_local()
        self.stdout.write(f"{vendor}: statistics refreshed in {time.monotonic() - started:.1f} s")
