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


class _Unindexed:
    """A comparison no index of the column is used for, on the databases named in
    ``hidden_on``: the column is written ``+column`` on SQLite and ``(column || '')`` on
    PostgreSQL, the same value.

    SQLite (built without STAT4) cannot tell that a range over a province's or a city's
    path covers most rows, and would read the whole range and sort it; with the range
    hidden from it, it walks the index that gives the wanted order and stops after one
    page (``broad_*``). A text search asks its own index for the subtree already
    (``rectification.search``), and PostgreSQL, taking the two for independent, would
    read a city's whole path range to intersect them (30 ms, bench): ``hidden_*`` hide
    the range from both."""

    operator: str
    hidden_on: frozenset[str] = frozenset()

    def get_rhs_op(self, connection, rhs):  # type: ignore[no-untyped-def]
        return connection.operators[self.operator] % rhs

    def _hidden(self, compiler, connection, template: str):  # type: ignore[no-untyped-def]
        sql, params = self.as_sql(compiler, connection)
        if connection.vendor not in self.hidden_on:
            return sql, params
        lhs_sql, _ = self.process_lhs(compiler, connection)
        return sql.replace(lhs_sql, template.format(lhs_sql), 1), params

    def as_sqlite(self, compiler, connection):  # type: ignore[no-untyped-def]
        return self._hidden(compiler, connection, "+{}")

    def as_postgresql(self, compiler, connection):  # type: ignore[no-untyped-def]
        return self._hidden(compiler, connection, "({} || '')")


class BroadGreaterThanOrEqual(_Unindexed, GreaterThanOrEqual):
    lookup_name = "broad_gte"
    operator = "gte"
    hidden_on = frozenset({"sqlite"})


class BroadLessThan(_Unindexed, LessThan):
    lookup_name = "broad_lt"
    operator = "lt"
    hidden_on = frozenset({"sqlite"})


class HiddenGreaterThanOrEqual(_Unindexed, GreaterThanOrEqual):
    lookup_name = "hidden_gte"
    operator = "gte"
    hidden_on = frozenset({"sqlite", "postgresql"})


class HiddenLessThan(_Unindexed, LessThan):
    lookup_name = "hidden_lt"
    operator = "lt"
    hidden_on = frozenset({"sqlite", "postgresql"})


def minimal_prefixes(paths: Iterable[str]) -> list[str]:
    """Drop paths already covered by an ancestor in the list (grant at a parent wins)."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


def narrow_prefixes(prefixes: Iterable[str], path: str) -> list[str]:
    """The subtrees ``prefixes`` narrowed to the one at ``path`` (an org picked as the
    scope): that path where one of them holds it, else those of them below it, else none."""
    kept = minimal_prefixes(prefixes)
    if any(path.startswith(prefix) for prefix in kept):
        return [path]
    return [prefix for prefix in kept if prefix.startswith(path)]


def subtree_q(paths: Iterable[str], *, field: str, broad_depth: int = 0, hide_below_top: bool = False) -> Q:
    """A ``Q`` matching rows whose ``field`` (a path) lies in any of the subtrees.

    No paths means nothing: ``Q(pk__in=[])`` is how Django spells an empty result.
    With ``broad_depth``, subtrees rooted at that depth or above are tested with the
    ``broad_gte`` / ``broad_lt`` lookups, which ``field`` must have registered (see
    ``_Unindexed``): for columns whose broad ranges should not drive the plan. With
    ``hide_below_top``, subtrees below the top level are hidden from every database's
    planner (``hidden_gte`` / ``hidden_lt``), for a query that finds them another way.
    """
    prefixes = minimal_prefixes(paths)
    if not prefixes:
        return Q(pk__in=[])
    query = Q()
    for prefix in prefixes:
        if prefix == "":
            return Q()
        if hide_below_top and len(prefix) > PATH_STEP:
            low, high = "hidden_gte", "hidden_lt"
        elif len(prefix) <= broad_depth * PATH_STEP:
            low, high = "broad_gte", "broad_lt"
        else:
            low, high = "gte", "lt"
        query |= Q(**{f"{field}__{low}": prefix, f"{field}__{high}": prefix + PATH_UPPER})
    return query


def ancestor_paths(path: str) -> list[str]:
    """The path itself and the paths of all its ancestors, computed from the string."""
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]
