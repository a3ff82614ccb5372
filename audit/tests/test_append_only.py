"""Nobody changes or removes an entry: not the model, not a queryset, not raw SQL on
PostgreSQL (the trigger of migration 0002)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AppendOnlyError, AuditEntry, Category
from audit.services import audit_record


@pytest.fixture
def entry(db) -> AuditEntry:  # type: ignore[no-untyped-def]
    return audit_record("login_failed", category=Category.AUTH, actor_name="someone")


def test_saving_an_existing_entry_is_refused(entry):
    entry.actor_name = "someone else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).actor_name == "someone"


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_queryset_update_and_delete_are_refused(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_name="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).actor_name == "someone"


def test_a_new_entry_is_still_written(entry):
    audit_record("logout", category=Category.AUTH, actor_name="someone")
    assert AuditEntry.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the refusing trigger exists on PostgreSQL only")
class TestDatabaseTrigger:
    def test_raw_update_is_refused(self, entry):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditentry SET actor_name = %s WHERE id = %s", ["forged", entry.pk])
        assert AuditEntry.objects.get(pk=entry.pk).actor_name == "someone"

    def test_raw_delete_is_refused(self, entry):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
        assert AuditEntry.objects.filter(pk=entry.pk).exists()

    def test_raw_insert_is_allowed(self, entry):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO audit_auditentry (created_at, category, action, actor_name, address, user_agent, "
                "request_id, org_path, object_type, object_id, object_repr, changes, detail) "
                "VALUES (now(), 'auth', 'logout', 'x', '', '', '', '', '', '', '', '{}', '')"
            )
        assert AuditEntry.objects.count() == 2
