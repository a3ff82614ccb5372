"""``manage.py import_ledger FILE --campaign ID [--dry-run] [--user USERNAME]``

Imports problems and their measures from a ledger spreadsheet into a campaign, through the
same importer as the web page (``rectification.importers.import_ledger``), and prints the
same messages: one problem per line and exit code 1 when the file has any, else the
counts. Without ``--user`` it runs as the installer, who may act in every unit; events
then record no actor.

Chinese wording for the translator (zh_Hans catalogue), msgid → msgstr:

    "There is no campaign %(id)s."  → "不存在编号为%(id)s的专项工作"
    "Dry run, nothing written: %(problems)s problems with %(measures)s measures would be imported
     (%(closed)s already closed)."
        → "试运行，未写入：将导入%(problems)s个问题、%(measures)s项措施（其中%(closed)s个已销号）"
    "Imported %(problems)s problems with %(measures)s measures (%(closed)s already closed)."
        → "已导入%(problems)s个问题、%(measures)s项措施（其中%(closed)s个已销号）"
    "%(org)s (%(code)s): %(problems)s problems, %(measures)s measures"
        → "%(org)s（%(code)s）：%(problems)s个问题，%(measures)s项措施"
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from orgs.management.commands.import_orgs import Installer
from orgs.models import User
from rectification.importers import import_ledger


class Command(BaseCommand):
    help = "Import problems and their measures from a ledger (.xlsx, .xls, .ods or .csv) into a campaign."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the ledger spreadsheet to import")
        parser.add_argument("--campaign", type=int, required=True, help="id of the campaign to import into")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report, write nothing")
        parser.add_argument("--user", help="act as this account (default: the installer, with every right)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read “%(file)s”: %(error)s") % {"file": path, "error": error}) from None
        campaign = Campaign.objects.select_related("org").filter(pk=options["campaign"]).first()
        if campaign is None:
            raise CommandError(_("There is no campaign %(id)s.") % {"id": options["campaign"]})
        acting_user: Any = Installer()
        if options["user"]:
            acting_user = User.objects.filter(username=options["user"], is_active=True).first()
            if acting_user is None:
                raise CommandError(_("There is no active account “%(username)s”.") % {"username": options["user"]})
        result = import_ledger(
            data=data, filename=path.name, campaign=campaign, acting_user=acting_user, dry_run=options["dry_run"]
        )
        if result.errors:
            for problem in result.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                _("Nothing was imported: %(count)s problems in “%(file)s”.")
                % {"count": len(result.errors), "file": path.name},
                returncode=1,
            )
        counts = {"problems": result.created, "measures": result.measures, "closed": result.closed}
        for unit in result.by_unit:
            self.stdout.write(_("%(org)s (%(code)s): %(problems)s problems, %(measures)s measures") % unit)
        if result.dry_run:
            self.stdout.write(
                _(
                    "Dry run, nothing written: %(problems)s problems with %(measures)s measures would be imported "
                    "(%(closed)s already closed)."
                )
                % counts
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Imported %(problems)s problems with %(measures)s measures (%(closed)s already closed).") % counts
                )
            )
