"""``manage.py bulletin``: the weekly or monthly bulletin as a Word file, for cron::

    manage.py bulletin --period week --org AKGX --date 2026-11-20 --out 通报.docx

Without ``--save`` nothing is written to the database: the file is made from the figures
of the moment. With ``--save`` the bulletin is also kept as a draft (by the installer),
for a supervisor to check, edit and issue in the browser.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bulletins.choices import BulletinKind
from bulletins.documents import bulletin_docx
from bulletins.services import bulletin_build, bulletin_draft
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Write the weekly or monthly bulletin of an org's subtree as a .docx file. By default nothing is "
        "saved (a dry run from the figures of the moment); with --save the bulletin is also kept as a draft "
        "for a supervisor to edit and issue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", choices=BulletinKind.values, required=True, help="week or month.")
        parser.add_argument(
            "--org",
            metavar="CODE",
            help="Code of the org whose subtree the bulletin covers (default: the single root).",
        )
        parser.add_argument(
            "--date",
            metavar="YYYY-MM-DD",
            help="Figures as of the end of this day (default: today); the period runs from its Monday "
            "(week) or the 1st (month).",
        )
        parser.add_argument("--campaign", metavar="ID", type=int, help="Count only this campaign's items.")
        parser.add_argument("--out", metavar="FILE.docx", required=True, help="Where to write the Word file.")
        parser.add_argument("--save", action="store_true", help="Also save the bulletin as a draft.")

    def handle(self, *args: Any, **options: Any) -> None:
        from campaigns.models import Campaign
        from orgs.models import Org

        if options["org"]:
            org = Org.objects.filter(code=options["org"]).first()
            if org is None:
                raise CommandError(f"--org: there is no org with the code “{options['org']}”.")
        else:
            roots = list(Org.objects.filter(depth=1)[:2])
            if len(roots) != 1:
                raise CommandError("--org: name the org, there is not a single root org.")
            org = roots[0]
        as_of = timezone.localdate()
        if options["date"]:
            try:
                as_of = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date: “{options['date']}” is not a date; write it as YYYY-MM-DD.") from None
        campaign = None
        if options["campaign"] is not None:
            campaign = Campaign.objects.filter(pk=options["campaign"]).first()
            if campaign is None:
                raise CommandError(f"--campaign: there is no campaign with id {options['campaign']}.")
        try:
            if options["save"]:
                bulletin = bulletin_draft(
                    org=org, kind=options["period"], as_of=as_of, campaign=campaign, acting_user=None
                )
            else:
                bulletin = bulletin_build(org=org, kind=options["period"], as_of=as_of, campaign=campaign)
        except DomainError as error:
            raise CommandError(error.message) from error
        out = Path(options["out"])
        try:
            out.write_bytes(bulletin_docx(bulletin))
        except OSError as error:
            raise CommandError(f"--out: cannot write {out}: {error.strerror}.") from error
        saved = f" (draft #{bulletin.pk} saved)" if options["save"] else " (not saved)"
        self.stdout.write(f"{out}: {bulletin.title}{saved}")
