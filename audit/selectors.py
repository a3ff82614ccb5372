"""Reading the audit log: always through ``AuditEntry.objects.visible_to``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from audit.models import AuditEntry
from orgs.choices import Role
from orgs.permissions import has_any_role


def may_read_log(user: Any) -> bool:
    """Only an audit administrator reads the log; the installation account does not."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and not user.is_superuser
        and has_any_role(user, [Role.AUDIT_ADMIN])
    )


def entries_visible(*, user: Any) -> QuerySet[AuditEntry]:
    """The entries ``user`` may read (none for anyone but an audit administrator), with
    their org in the same query (a LEFT JOIN: an org deleted since reads as none)."""
    return AuditEntry.objects.visible_to(user).select_related("org")


def entry_detail(*, user: Any, pk: int) -> AuditEntry | None:
    return entries_visible(user=user).filter(pk=pk).first()


def category_counts(entries: QuerySet[AuditEntry]) -> dict[str, int]:
    """How many of ``entries`` fall in each category, in one grouped query."""
    rows = entries.order_by().values("category").annotate(n=Count("id"))
    return {row["category"]: row["n"] for row in rows}
