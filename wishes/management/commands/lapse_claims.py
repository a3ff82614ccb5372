"""``manage.py lapse_claims``: return claims past their deadline to the wall now (the
worker does it every night; this is for a server without the worker, or a test)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wishes.services import claims_lapse


class Command(BaseCommand):
    help = "Return wishes and micro-projects whose claim is past its deadline to the wall."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="Act as if today were this day (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"{options['date']!r} is not a date; write it as YYYY-MM-DD.") from None
        lapsed = claims_lapse(today=today)
        self.stdout.write(f"{lapsed} claim(s) lapsed.")
