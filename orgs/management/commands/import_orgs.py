"""``manage.py import_orgs FILE [--people] [--dry-run] [--user USERNAME]``

Imports the org tree (or with ``--people`` the people) from a spreadsheet, through the
same importer as the web page. Without ``--user`` it runs as the installer, who may
create top-level units and act anywhere; events then record no actor.

Chinese wording for the translator (zh_Hans catalogue), msgid → msgstr:

    "Cannot read “%(file)s”: %(error)s"  → "无法读取“%(file)s”：%(error)s"
    "There is no active account “%(username)s”."  → "没有有效账号“%(username)s”"
    "Nothing was imported: %(count)s problems in “%(file)s”."  → "未导入任何内容：“%(file)s”中有%(count)s处问题"
    "Dry run, nothing written: %(created)s to create, %(updated)s to update, %(unchanged)s unchanged."
        → "试运行，未写入：将新建%(created)s条，更新%(updated)s条，%(unchanged)s条无变化"
    "Created %(created)s, updated %(updated)s, unchanged %(unchanged)s."
        → "新建%(created)s条，更新%(updated)s条，%(unchanged)s条无变化"
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from orgs.importers import import_orgs, import_people
from orgs.models import User


class Installer(AnonymousUser):
    """Whoever runs management commands on the server: a superuser without an account."""

    is_superuser = True
    is_staff = True

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True

    def __str__(self) -> str:
        return "installer"


class Command(BaseCommand):
    help = "Import the org tree, or with --people the people, from an .xlsx, .xls, .ods or .csv file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the spreadsheet to import")
        parser.add_argument("--people", action="store_true", help="import people instead of units")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report, write nothing")
        parser.add_argument("--user", help="act as this account (default: the installer, with every right)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read “%(file)s”: %(error)s") % {"file": path, "error": error}) from None
        acting_user: Any = Installer()
        if options["user"]:
            acting_user = User.objects.filter(username=options["user"], is_active=True).first()
            if acting_user is None:
                raise CommandError(_("There is no active account “%(username)s”.") % {"username": options["user"]})
        importer = import_people if options["people"] else import_orgs
        result = importer(data=data, filename=path.name, acting_user=acting_user, dry_run=options["dry_run"])
        if result.errors:
            for problem in result.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                _("Nothing was imported: %(count)s problems in “%(file)s”.")
                % {"count": len(result.errors), "file": path.name},
                returncode=1,
            )
        counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        if result.dry_run:
            self.stdout.write(
                _("Dry run, nothing written: %(created)s to create, %(updated)s to update, %(unchanged)s unchanged.")
                % counts
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(_("Created %(created)s, updated %(updated)s, unchanged %(unchanged)s.") % counts)
            )
