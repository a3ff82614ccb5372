"""Freeze a month's figures by hand or from cron."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.errors import DomainError
from supervision import services


class Command(BaseCommand):
    help = "The monthly roll-up: freeze each top org's figures for a month (re-running a month adds nothing)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--month", help="The month as YYYY-MM (default: last month).")
        parser.add_argument("--depth", type=int, help="Tree levels to freeze (default: SUPERVISION_SNAPSHOT_DEPTH).")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["month"]:
            try:
                month = datetime.date.fromisoformat(f"{options['month']}-01")
            except ValueError:
                raise CommandError(f"--month: “{options['month']}” is not a month (YYYY-MM).") from None
        else:
            month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
        try:
            written = services.monthly_rollup(month=month, depth=options["depth"])
        except DomainError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{month:%Y-%m}: {written}")
