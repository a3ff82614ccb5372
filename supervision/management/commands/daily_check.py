"""Run the daily check (warnings and reminders) by hand or from cron."""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from supervision import services


class Command(BaseCommand):
    help = "The daily check: warn and remind on every open item due soon or overdue (nothing on days off)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--date", help="The day to check as YYYY-MM-DD (default: today).")
        parser.add_argument("--no-delivery", action="store_true", help="Decide and record, but send nothing yet.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        day = None
        if options["date"]:
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date: “{options['date']}” is not a date (YYYY-MM-DD).") from None
        result = services.daily_check(today=day, deliver=not options["no_delivery"])
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
