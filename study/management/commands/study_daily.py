"""Send the reading classes' daily reminder or summary by hand (the worker does it daily)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from study.choices import DispatchKind
from study.services import daily_dispatch_all


class Command(BaseCommand):
    help = "Send the daily reminder and/or summary of every class with a session on a day (once per day)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--kind", choices=[*DispatchKind.values, "both"], default="both")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"Not a date: {options['date']!r} (write YYYY-MM-DD).") from None
        kinds = DispatchKind.values if options["kind"] == "both" else [options["kind"]]
        for kind in kinds:
            sent = daily_dispatch_all(date=day, kind=kind)
            self.stdout.write(f"{day.isoformat()} {kind}: {sent} classes sent")
