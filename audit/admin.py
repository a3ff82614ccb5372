"""The audit log in the Django admin: readable, never writable.

No add, change or delete permission for anyone, the superuser included, so the admin
offers no form, no save button, no delete action; the model and the PostgreSQL trigger
refuse anyway. Viewing follows the pages' rule (三员分立): only an audit administrator
(who is also staff) sees it, and only the entries of their subtrees; the installation
account does not read the log here either.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEntry
from audit.selectors import may_read_log


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_name", "address", "category", "action", "object_repr", "org_path")
    list_filter = ("category", "action", "created_at")
    search_fields = ("actor_name", "address", "object_repr", "detail")
    date_hierarchy = "created_at"
    actions = None
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    def get_queryset(self, request: HttpRequest) -> Any:
        return AuditEntry.objects.visible_to(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_read_log(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_read_log(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
