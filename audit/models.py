"""The audit log: one row per security-relevant action, never changed afterwards.

Append-only everywhere: the model refuses to save an existing row or delete one, its
querysets refuse bulk updates and deletes, the admin and the pages offer neither, and on
PostgreSQL a trigger refuses ``UPDATE`` and ``DELETE`` on the table (migration 0002).
Actors and orgs are kept as ids without foreign-key constraints plus a copy of their
names, so deleting a person or an org never has to touch the log.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.models import PathField


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit entry."""


class Category(models.TextChoices):
    AUTH = "auth", _("Sign-in")
    ACCESS = "access", _("Roles and grants")
    ACCOUNT = "account", _("Accounts")
    SETTING = "setting", _("Settings and org tree")
    DATA = "data", _("Imports and exports")
    ITEM = "item", _("Item changes")
    AUDIT = "audit", _("Audit log")


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The audit log is append-only.")

    def visible_to(self, user: Any) -> AuditQuerySet:
        """Entries an audit administrator may read: those of the orgs in their subtrees,
        and, for one held at a root org, the entries that name no org (sign-ins of
        accounts without a home org, installation use)."""
        from core.scoping import PATH_STEP, subtree_q
        from orgs.choices import Role
        from orgs.models import grant_paths

        if not getattr(user, "is_authenticated", False) or user.is_superuser:
            return self.none()  # the installation account does not read the log either
        paths = grant_paths(user, [Role.AUDIT_ADMIN])
        query = subtree_q(paths, field="org_path")
        if any(len(path) <= PATH_STEP for path in paths):
            query |= models.Q(org_path="")
        return self.filter(query)


class AuditEntry(models.Model):
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    action = models.CharField(_("action"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("account"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=64, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("org"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    org_path = PathField(max_length=255, blank=True, default="")
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["org_path", "created_at"]),
            models.Index(fields=["actor", "created_at"]),
            models.Index(fields=["action", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The audit log is append-only.")
