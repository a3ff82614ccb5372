"""``manage.py restore ARCHIVE``: check a backup's checksums, then put its database and
uploaded files back. Stop the app servers and the worker first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` (the database is replaced; stop the servers first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--database", default="default")
        parser.add_argument("--verify-only", action="store_true", help="check the archive, change nothing")
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the database")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        if not archive.exists():
            raise CommandError(f"{archive} does not exist")
        try:
            manifest = backup_verify(archive)
            self.stdout.write(
                f"{archive.name}: {manifest['vendor']} database of {manifest['created_at']}, "
                f"{len(manifest['files']) - 1} uploaded files, checksums good"
            )
            if options["verify_only"]:
                return
            if not options["yes"] and options.get("interactive", True):
                answer = input("This replaces the current database and files. Type 'yes' to go on: ")
                if answer.strip() != "yes":
                    raise CommandError("restore cancelled")
            backup_restore(archive=archive, database=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("restored; run `manage.py migrate` if this version is newer than the backup")
