"""Count the ledger's roll-ups again from the problems and measures."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connections

from rectification import tallies


class Command(BaseCommand):
    help = (
        "Recount the ledger's roll-ups (LedgerTally, LedgerDayTally, ProblemSourceTally) and reinstall their triggers."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        tallies.rebuild(connections[options["database"]])
        self.stdout.write(f"Ledger roll-ups rebuilt in {time.perf_counter() - started:.1f} s.")
