"""Scoping by org subtree: the one way reads are narrowed to what a user may see.

A subtree is a range over the materialized path, ``path >= P AND path < P + "~"``, not
``startswith``: on SQLite ``startswith`` becomes ``LIKE ... ESCAPE`` which cannot use the
index. ``~`` sorts after every character of treebeard's alphabet (0-9, A-Z).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.db.models.lookups import GreaterThanOrEqual, LessThan

PATH_STEP = 4
PATH_UPPER = "~"


class _UnindexedOnSQLite:
    """On SQLite, write the column as ``+column``: the same value, but no index of it is
    used for this comparison. SQLite (built without STAT4) cannot tell that a range over a
    province's or a city's path covers most rows, and would read the whole range and sort
    it; with the range hidden from it, it walks the index that gives the wanted order and
    stops after one page. Other databases get the plain comparison."""

    operator: str

    def get_rhs_op(self, connection, rhs):  # type: ignore[no-untyped-def]
        return connection.operators[self.operator] % rhs

    def as_sqlite(self, compiler, connection):  # type: ignore[no-untyped-def]
        sql, params = self.as_sql(compiler, connection)
        lhs_sql, _ = self.process_lhs(compiler, connection)
        return sql.replace(lhs_sql, f"+{lhs_sql}", 1), params


class BroadGreaterThanOrEqual(_UnindexedOnSQLite, GreaterThanOrEqual):
    lookup_name = "broad_gte"
    operator = "gte"


class BroadLessThan(_UnindexedOnSQLite, LessThan):
    lookup_name = "broad_lt"
    operator = "lt"


def minimal_prefixes(paths: Iterable[str]) -> list[str]:
    """Drop paths already covered by an ancestor in the list (grant at a parent wins)."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


def subtree_q(paths: Iterable[str], *, field: str, broad_depth: int = 0) -> Q:
    """A ``Q`` matching rows whose ``field`` (a path) lies in any of the subtrees.

    No paths means nothing: ``Q(pk__in=[])`` is how Django spells an empty result.
    With ``broad_depth``, subtrees rooted at that depth or above are tested with the
    ``broad_gte`` / ``broad_lt`` lookups, which ``field`` must have registered (see
    ``BroadGreaterThanOrEqual``): for columns whose broad ranges should not drive the plan.
    """
    prefixes = minimal_prefixes(paths)
    if not prefixes:
        return Q(pk__in=[])
    query = Q()
    for prefix in prefixes:
        if prefix == "":
            return Q()
        broad = len(prefix) <= broad_depth * PATH_STEP
        low, high = ("broad_gte", "broad_lt") if broad else ("gte", "lt")
        query |= Q(**{f"{field}__{low}": prefix, f"{field}__{high}": prefix + PATH_UPPER})
    return query


def ancestor_paths(path: str) -> list[str]:
    """The path itself and the paths of all its ancestors, computed from the string."""
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]
