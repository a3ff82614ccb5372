"""``manage.py backup [--output DIR]``: the database and every uploaded file in one dated
archive with its SHA-256."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one dated .tar.gz with a .sha256 beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=None, help="folder for the archive (default: VAR_DIR/backups)")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]) if options["output"] else Path(settings.VAR_DIR) / "backups"
        try:
            result = backup_create(output_dir=output, database=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{result.archive}\nsha256 {result.checksum}\n"
            f"database {result.database_bytes} bytes, {result.files} uploaded files"
        )
