"""Kept at least 180 days: the system check, and the archive that copies, never deletes."""

from __future__ import annotations

import datetime
import gzip
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from audit.checks import check_retention
from audit.models import AuditEntry, Category
from audit.services import audit_record


@pytest.mark.parametrize(("days", "errors"), [(180, 0), (365, 0), (179, 1), (30, 1), ("180", 1)])
def test_retention_below_180_days_is_an_error(settings, days, errors):
    settings.AUDIT_RETENTION_DAYS = days
    found = check_retention()
    assert len(found) == errors
    assert all(error.id == "audit.E001" for error in found)


def test_retention_defaults_to_180(settings):
    from audit.checks import retention_days

    assert settings.AUDIT_RETENTION_DAYS == 180
    del settings.AUDIT_RETENTION_DAYS
    assert retention_days() == 180 and check_retention() == []


def _age(entry: AuditEntry, days: int) -> None:
    """Back-date a test entry (the model refuses: this is a test's own SQL; on PostgreSQL
    the trigger is switched off for the length of the test's transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute(
            "UPDATE audit_auditentry SET created_at = %s WHERE id = %s",
            [timezone.now() - datetime.timedelta(days=days), entry.pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")


@pytest.mark.django_db
class TestArchive:
    def test_writes_older_entries_and_deletes_nothing(self, tmp_path, tree):
        old = audit_record("login", category=Category.AUTH, actor_name="老张", org=tree.street)
        recent = audit_record("logout", category=Category.AUTH, actor_name="小李")
        _age(old, 200)
        output = tmp_path / "audit.jsonl.gz"
        out = io.StringIO()
        call_command("audit_archive", output=str(output), stdout=out)
        with gzip.open(output, "rt", encoding="utf-8") as file:
            lines = [json.loads(line) for line in file]
        assert [line["id"] for line in lines] == [old.pk]
        assert lines[0]["actor_name"] == "老张" and lines[0]["org_id"] == tree.street.pk
        assert set(AuditEntry.objects.values_list("pk", flat=True)) == {old.pk, recent.pk}
        assert "1 entries" in out.getvalue() and "none deleted" in out.getvalue()

    def test_refuses_fewer_days_than_retention_and_an_existing_file(self, tmp_path, db):
        with pytest.raises(CommandError, match="AUDIT_RETENTION_DAYS"):
            call_command("audit_archive", output=str(tmp_path / "a.jsonl.gz"), days=90)
        existing = tmp_path / "b.jsonl.gz"
        existing.write_bytes(b"keep")
        with pytest.raises(CommandError, match="--force"):
            call_command("audit_archive", output=str(existing), days=365)
        assert existing.read_bytes() == b"keep"

    def test_help_says_deletion_needs_the_database_owner(self):
        from audit.management.commands.audit_archive import Command

        assert "drop the trigger" in Command.help and "never deletes" in Command.help
