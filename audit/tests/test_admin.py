"""The Django admin never edits or deletes an entry, and only an audit administrator
(who is staff) reads it there."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from audit.models import AuditEntry, Category
from audit.services import audit_record
from orgs.models import User


@pytest.fixture
def entry(tree):  # type: ignore[no-untyped-def]
    return audit_record("login_failed", category=Category.AUTH, actor_name="someone", org=tree.street)


@pytest.mark.django_db
class TestAdmin:
    def test_no_add_change_delete_even_for_the_superuser(self, entry):
        root = User.objects.create_superuser("root", "root@example.org", "Taizhang@2026")
        request = RequestFactory().get("/admin/")
        request.user = root
        model_admin = admin.site._registry[AuditEntry]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, entry)
        assert not model_admin.has_delete_permission(request, entry)
        assert not model_admin.get_actions(request)  # no bulk "delete selected"

    def test_superuser_pages_refuse(self, client, entry):
        root = User.objects.create_superuser("root", "root@example.org", "Taizhang@2026")
        client.force_login(root)
        assert client.get("/admin/audit/auditentry/").status_code == 403
        assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code in (302, 403)
        assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
        assert client.get("/admin/audit/auditentry/add/").status_code == 403
        assert AuditEntry.objects.filter(pk=entry.pk).exists()

    def test_staff_audit_administrator_reads_without_a_save_button(self, client, auditor, entry):
        auditor.is_staff = True
        auditor.save(update_fields=["is_staff"])
        client.force_login(auditor)
        listing = client.get("/admin/audit/auditentry/")
        assert listing.status_code == 200 and "someone" in listing.content.decode()
        page = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"actor_name": "x"}).status_code == 403
        assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
        assert AuditEntry.objects.get(pk=entry.pk).actor_name == "someone"
