"""Prepare the weekly dispatch meeting(s) by hand or from cron."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from supervision import services


class Command(BaseCommand):
    help = "The weekly dispatch: a meeting per top org (or --org), pre-filled with its red and yellow items."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--date", help="The meeting date as YYYY-MM-DD (default: today).")
        parser.add_argument("--org", help="The code of the org holding the meeting (default: every top org).")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        day = None
        if options["date"]:
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date: “{options['date']}” is not a date (YYYY-MM-DD).") from None
        try:
            meetings = services.weekly_dispatch(date=day, org_code=options["org"])
        except DomainError as error:
            raise CommandError(str(error)) from None
        for meeting in meetings:
            self.stdout.write(f"{meeting.pk} {meeting.org.code} {meeting.date} {meeting.entries.count()}")
