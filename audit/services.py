"""Writing to the audit log. Every other app calls ``audit_record``; nothing else writes.

An entry is written in the caller's transaction when there is one, so a change that is
rolled back leaves no entry claiming it happened; sign-in events have no transaction and
are written at once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

from audit.context import Client, current_client
from audit.models import AuditEntry, Category
from ops.requestid import current_request_id


def _clean(value: Any) -> Any:
    """``value`` with every NUL replaced by U+FFFD, through lists and dicts.

    What the log records is often typed by someone else (a filter, a user name at a failed
    sign-in); PostgreSQL stores no NUL in text or jsonb, and the entry must still be written.
    """
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(item) for item in value]
    return value


def _actor_name(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    real_name = getattr(actor, "real_name", "") or ""
    name = f"{actor.username}（{real_name}）" if real_name and real_name != actor.username else actor.username
    return name[:200]


def audit_record(
    action: str,
    *,
    category: str,
    actor: Any = None,
    actor_name: str = "",
    target: models.Model | None = None,
    org: Any = None,
    changes: dict[str, Any] | None = None,
    detail: str = "",
) -> AuditEntry:
    """Append one entry: who (``actor``), what (``action`` on ``target``), where from.

    ``actor_name`` names an account that is not (or no longer) a user object, such as
    the user name typed into a failed sign-in.
    """
    if category not in Category.values:
        raise ValueError(f"unknown audit category {category!r}")
    client = current_client.get() or Client()
    if org is None and target is not None:
        org = getattr(target, "org", None) or getattr(target, "home_org", None)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    if authenticated and not (isinstance(actor, get_user_model()) and actor.pk):
        # Someone without an account, such as a management command's installer context:
        # named by what it calls itself, linked to no user.
        actor_name = actor_name or str(actor)
        authenticated = False
    request_id = current_request_id.get()
    return AuditEntry.objects.create(
        category=category,
        action=action[:60],
        actor=actor if authenticated else None,
        actor_name=_clean(_actor_name(actor) if authenticated else actor_name[:200]),
        address=client.address[:64],
        user_agent=_clean(client.user_agent),
        request_id="" if request_id == "-" else request_id[:64],
        org=org,
        org_path=getattr(org, "path", "") or "",
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None and target.pk is not None else "",
        object_repr=_clean(str(target)[:200]) if target is not None else "",
        changes=_clean(changes or {}),
        detail=_clean(detail),
    )


def audit_export(
    actor: Any, *, what: str, rows: int, personal: bool, filters: dict[str, Any] | None = None
) -> AuditEntry:
    """One export: what was exported (a short name such as ``"rectification.problems"``),
    how many rows, whether it held personal data (names, phones), and the filters used."""
    return audit_record(
        "export_personal" if personal else "export",
        category=Category.DATA,
        actor=actor,
        org=getattr(actor, "home_org", None),
        changes={"what": what, "rows": rows, "personal": personal, "filters": filters or {}},
    )


def audit_import(
    actor: Any, *, what: str, rows: int, filename: str = "", target: models.Model | None = None
) -> AuditEntry:
    """One import that was written (dry runs and refused files are not imports)."""
    return audit_record(
        "import",
        category=Category.DATA,
        actor=actor,
        target=target,
        org=getattr(target, "org", None) or getattr(actor, "home_org", None),
        changes={"what": what, "rows": rows, "filename": filename},
    )
