"""Keyset pagination: the next page starts after the last row seen, so page 500 of a
million-row ledger costs what page 1 costs (no OFFSET scan, no COUNT)."""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

DATE_MAX = datetime.date(9999, 12, 31)


@dataclass
class KeysetPage:
    rows: list[Any]
    next_cursor: str
    has_next: bool

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def _encode(values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime.date | datetime.datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[Any] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    return values if isinstance(values, list) and len(values) == 2 else None


def _typed(queryset: QuerySet, key: str, values: list[Any]) -> list[Any] | None:
    """The cursor's values as the key's type, or ``None`` if they cannot be (a tampered or
    stale cursor): the caller then starts from the first page."""
    last_key, last_id = values
    if not isinstance(last_id, int) or isinstance(last_id, bool):
        return None
    fields = {f.name: f for f in queryset.model._meta.fields}
    internal = fields[key].get_internal_type() if key in fields else "DateField"
    try:
        if internal == "DateTimeField":
            last_key = datetime.datetime.fromisoformat(last_key)
        elif internal == "DateField":
            last_key = datetime.date.fromisoformat(last_key)
    except (TypeError, ValueError):
        return None
    return [last_key, last_id]


def keyset_page(queryset: QuerySet, *, key: str, descending: bool, cursor: str | None, size: int) -> KeysetPage:
    """One page of ``queryset`` ordered by ``key`` then ``id`` (both in one direction).

    ``key`` must be non-null (annotate a ``Coalesce`` for nullable columns). A cursor that
    does not decode is treated as the first page rather than an error.
    """
    order = [f"-{key}", "-id"] if descending else [key, "id"]
    queryset = queryset.order_by(*order)
    values = _decode(cursor) if cursor else None
    if values is not None:
        values = _typed(queryset, key, values)
    if values is not None:
        last_key, last_id = values
        op = "lt" if descending else "gt"
        queryset = queryset.filter(Q(**{f"{key}__{op}": last_key}) | Q(**{key: last_key, f"id__{op}": last_id}))
    rows = list(queryset[: size + 1])
    has_next = len(rows) > size
    rows = rows[:size]
    next_cursor = _encode([getattr(rows[-1], key), rows[-1].pk]) if has_next and rows else ""
    return KeysetPage(rows=rows, next_cursor=next_cursor, has_next=has_next)
