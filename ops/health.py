"""Readiness of the dependencies a request needs: the databases, the cache and the
worker queue. Each check returns ``None`` when healthy or a short reason when not."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import connections


def check_database(alias: str) -> str | None:
    """One round trip on ``alias``; a broken connection is closed so the next check (and
    the next request) reconnects instead of reusing it."""
    connection = connections[alias]
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        connection.close_if_unusable_or_obsolete()
        with contextlib.suppress(Exception):
            connection.close()
        return f"{type(error).__name__}: {error}".strip()[:300]
    return None


def check_cache() -> str | None:
    """Write and read back a throw-away key in the default cache."""
    key = f"ops:readyz:{uuid.uuid4().hex}"
    try:
        cache = caches["default"]
        cache.set(key, "1", timeout=10)
        value = cache.get(key)
        cache.delete(key)
    except Exception as error:
        return f"{type(error).__name__}: {error}"[:300]
    if value != "1":
        return "cache did not keep a value"
    return None


def check_queue() -> str | None:
    """The Huey queue's storage answers (Redis or the SQLite queue file)."""
    from huey.contrib.djhuey import HUEY

    try:
        HUEY.pending_count()
    except Exception as error:
        return f"{type(error).__name__}: {error}"[:300]
    return None


def readiness_checks() -> dict[str, Callable[[], str | None]]:
    """The checks ``/readyz`` runs, by name: one per database alias in
    ``READINESS_DATABASES`` (default: ``default``), the cache and the queue."""
    aliases = getattr(settings, "READINESS_DATABASES", None) or ["default"]
    checks: dict[str, Callable[[], str | None]] = {}
    for alias in aliases:
        name = "database" if alias == "default" else f"database:{alias}"
        checks[name] = lambda alias=alias: check_database(alias)
    checks["cache"] = check_cache
    checks["queue"] = check_queue
    return checks


def readiness() -> tuple[bool, dict[str, str]]:
    """Run every check; ``(all healthy, {name: "ok" or the reason})``."""
    results: dict[str, str] = {}
    healthy = True
    for name, check in readiness_checks().items():
        problem = check()
        results[name] = "ok" if problem is None else problem
        healthy = healthy and problem is None
    return healthy, results
