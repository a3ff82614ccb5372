"""``manage.py move_database --to postgres://…``: move an installation (typically a
district's SQLite) into another database, usually PostgreSQL."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.backup import BackupError, connect, move_database


class Command(BaseCommand):
    help = (
        "Copy every row of this installation's database into another one (for instance SQLite to PostgreSQL): "
        "migrates the target, copies all tables in one transaction, resets id sequences."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, help="DATABASE_URL of the target, e.g. postgres://…/taizhang")
        parser.add_argument("--from", dest="source", default="default", help="database alias to copy from")
        parser.add_argument("--replace", action="store_true", help="empty the target even if it holds data")
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        target = connect(options["to"], alias="move_target")
        self.stdout.write(f"migrating the target ({target.vendor} {target.settings_dict['NAME']})")
        call_command("migrate", database="move_target", interactive=False, verbosity=0)
        try:
            copied = move_database(
                source=options["source"], target="move_target", batch=options["batch"], replace=options["replace"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        finally:
            target.close()
        total = sum(copied.values())
        for table, count in sorted(copied.items()):
            if count:
                self.stdout.write(f"{table}: {count}")
        self.stdout.write(f"{total} rows in {len(copied)} tables copied; point DATABASE_URL at the target now")
