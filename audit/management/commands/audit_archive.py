"""Copy the audit entries older than N days to a gzipped JSON-lines file, for keeping
off-site. Nothing is deleted."""

from __future__ import annotations

import datetime
import gzip
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from audit.checks import retention_days
from audit.models import AuditEntry

FIELDS = [field.attname for field in AuditEntry._meta.fields]


class Command(BaseCommand):
    help = (
        "Write the audit entries older than --days days (at least AUDIT_RETENTION_DAYS) to a "
        ".jsonl.gz file, one entry per line, for off-site keeping. The entries stay in the "
        "database: the application never deletes audit entries, and on PostgreSQL a trigger "
        "refuses DELETE. Removing archived rows needs the database owner to drop the trigger "
        "audit_entry_append_only on purpose (see docs/deployment.md, 'Audit log')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Older than this many days (default: retention).")
        parser.add_argument("--output", required=True, help="The file to write, e.g. audit-2026-06.jsonl.gz.")
        parser.add_argument("--force", action="store_true", help="Overwrite the output file if it exists.")

    def handle(self, *args: Any, days: int | None, output: str, force: bool, **options: Any) -> None:
        retention = retention_days()
        days = retention if days is None else days
        if days < retention:
            raise CommandError(f"--days must be at least AUDIT_RETENTION_DAYS ({retention}).")
        path = Path(output)
        if path.exists() and not force:
            raise CommandError(f"{path} exists; pass --force to overwrite it.")
        before = timezone.now() - datetime.timedelta(days=days)
        entries = AuditEntry.objects.filter(created_at__lt=before).order_by("created_at", "id").values(*FIELDS)
        written = 0
        with gzip.open(path, "wt", encoding="utf-8") as file:
            for row in entries.iterator(chunk_size=2000):
                file.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True) + "\n")
                written += 1
        self.stdout.write(f"{written} entries older than {before:%Y-%m-%d %H:%M} written to {path}; none deleted.")
