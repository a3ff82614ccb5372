"""How long ``visible_to`` takes at root, city, district and leaf scope, in process.

For each benchmark account (see ``bench.common.SCOPES``) it times, after a warm-up:

- ``user_count``: ``User.objects.visible_to(user).count()``;
- ``user_page``: the first 50 people as the people API lists them
  (``select_related("home_org").order_by("home_org__path", "id")[:50]``);
- ``org_count`` and ``org_page``: the same for ``Org.objects.visible_to(user)``;
- ``grant_lookup``: the one query ``grant_paths`` makes for a fresh user object;
- ``fresh_user_count``: a fresh user object (no cached grants) counting people: the grant
  lookup plus the count, what every request pays.

Each measured statement is checked to be one query, and its SQL and plan are printed
(SQLite ``EXPLAIN QUERY PLAN``, PostgreSQL ``EXPLAIN (ANALYZE, BUFFERS)``) with a verdict:
does it read ``orgs_org`` through the path index as a range, and is there no ``LIKE``?

    TAIZHANG_VAR_DIR=bench/data/sqlite .venv/bin/python -m bench.visible_to
"""

from __future__ import annotations

import argparse
import copy
import re
from collections.abc import Callable
from typing import Any

from bench.common import SCOPES, django_setup, machine, time_it, vendor, write_result


def capture(function: Callable[[], Any]) -> tuple[Any, list[tuple[str, Any]]]:
    """Run ``function`` once and return its result and the (sql, params) it executed."""
    from django.db import connection

    executed: list[tuple[str, Any]] = []

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        executed.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        result = function()
    return result, executed


def explain(sql: str, params: Any) -> str:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        # (id, parent, notused, detail): indent by nesting like the sqlite3 shell does.
        depth = {0: 0}
        lines = []
        for node_id, parent, _, detail in rows:
            depth[node_id] = depth.get(parent, 0) + 1
            lines.append("  " * (depth[node_id] - 1) + detail)
        return "\n".join(lines)
    return "\n".join(row[0] for row in rows)


def readable(sql: str, params: Any) -> str:
    """The SQL with its parameters inlined, for reading only."""
    from django.db import connection

    with connection.cursor() as cursor:
        return connection.ops.last_executed_query(cursor, sql, params) or sql


def path_range_verdict(sql: str, plan: str) -> dict[str, Any]:
    """Does the statement filter on a path range, through the path index, without LIKE?"""
    range_in_sql = bool(re.search(r'"orgs_org"\."path" >= ', sql)) and '"orgs_org"."path" < ' in sql
    if vendor() == "sqlite":
        pattern = r"SEARCH \S*orgs_org\S* USING (COVERING )?INDEX \S+ \(path>\? AND path<\?\)"
        index_range = bool(re.search(pattern, plan))
    else:
        index_range = bool(
            re.search(r"Scan (using|on) orgs_org_path_key", plan)
            and re.search(r"Index Cond: .*path\)?(::text)? >= .*path\)?(::text)? < ", plan)
        )
    if index_range:
        access = "path index range"
    elif re.search(r"Seq Scan on orgs_org|SCAN orgs_org\b", plan):
        access = "sequential scan of orgs_org"
    else:
        access = "other (see plan)"
    return {
        "range_in_sql": range_in_sql,
        "path_index_range": index_range,
        "org_access": access,
        "like_free": " LIKE " not in sql.upper(),
    }


def fresh(user: Any) -> Any:
    """A copy of ``user`` without its cached grants, as a new request would hold."""
    clone = copy.copy(user)
    clone.__dict__.pop("_grant_cache", None)
    return clone


def org_manager_has_visible_to() -> bool:
    from orgs.models import Org

    return hasattr(Org.objects.all(), "visible_to")


def orgs_visible_to(user: Any) -> Any:
    """``Org.objects.visible_to(user)``; if the manager loses ``OrgQuerySet`` (treebeard's
    ``MP_NodeManager.get_queryset`` builds a plain ``MP_NodeQuerySet``), the same query
    built on ``OrgQuerySet`` directly, so the figures still describe the intended query."""
    from orgs.models import Org, OrgQuerySet

    if org_manager_has_visible_to():
        return Org.objects.visible_to(user)
    return OrgQuerySet(Org).order_by("path").visible_to(user)


def measure_scope(user: Any, *, repeat: int, show_plans: bool) -> dict[str, Any]:
    from orgs.models import User, grant_paths

    grant_paths(user)  # warm the cache: the cached cases measure the scoped query alone
    cases: dict[str, Callable[[], Any]] = {
        "user_count": lambda: User.objects.visible_to(user).count(),
        "user_page": lambda: list(
            User.objects.visible_to(user).select_related("home_org").order_by("home_org__path", "id")[:50]
        ),
        "org_count": lambda: orgs_visible_to(user).count(),
        "org_page": lambda: list(orgs_visible_to(user).order_by("path")[:50]),
        "grant_lookup": lambda: grant_paths(fresh(user)),
        "fresh_user_count": lambda: User.objects.visible_to(fresh(user)).count(),
    }
    results: dict[str, Any] = {}
    for name, function in cases.items():
        value, executed = capture(function)
        entry: dict[str, Any] = {"queries": len(executed), **time_it(function, repeat=repeat)}
        if isinstance(value, int):
            entry["rows"] = value
        elif isinstance(value, list) and name.endswith("_page"):
            entry["rows"] = len(value)
        if name in {"user_count", "user_page", "org_count", "org_page"}:
            assert len(executed) == 1, f"{name} ran {len(executed)} queries"
            sql, params = executed[0]
            plan = explain(sql, params)
            entry.update(sql=readable(sql, params), plan=plan, **path_range_verdict(sql, plan))
            if show_plans:
                print(f"\n--- {name}: {entry['sql']}\n{plan}")
        results[name] = entry
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30, help="timed repetitions per case")
    parser.add_argument("--quiet", action="store_true", help="do not print SQL and plans")
    args = parser.parse_args()
    django_setup()
    from orgs.models import User

    payload: dict[str, Any] = {"machine": machine(), "repeat": args.repeat, "scopes": {}}
    payload["org_manager_has_visible_to"] = org_manager_has_visible_to()
    if not payload["org_manager_has_visible_to"]:
        print("WARNING: Org.objects has no visible_to (MP_NodeManager.get_queryset returns MP_NodeQuerySet);")
        print("         measuring OrgQuerySet(Org).visible_to(user) instead.")
    for scope in SCOPES:
        user = User.objects.get(username=scope.username)
        granted = user.grants.select_related("org").get().org
        print(f"\n=== {scope.label}: {scope.username}, {scope.role} at {granted.name} (depth {granted.depth})")
        results = measure_scope(user, repeat=args.repeat, show_plans=not args.quiet)
        payload["scopes"][scope.label] = {"org": granted.name, "depth": granted.depth, "cases": results}
        print(f"\n{'case':<18}{'rows':>8}{'queries':>9}{'median ms':>11}{'p95 ms':>9}  how orgs_org is read")
        for name, entry in results.items():
            verdict = entry.get("org_access", "")
            print(
                f"{name:<18}{entry.get('rows', ''):>8}{entry['queries']:>9}"
                f"{entry['median_ms']:>11.2f}{entry['p95_ms']:>9.2f}  {verdict}"
            )
    print(f"\nFigures written to {write_result('visible_to', payload)}")


if __name__ == "__main__":
    main()
