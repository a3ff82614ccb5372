"""Scoping by org subtree: the one way reads are narrowed to what a user may see.

A subtree is a range over the materialized path, ``path >= P AND path < P + "~"``, not
``startswith``: on SQLite ``startswith`` becomes ``LIKE ... ESCAPE`` which cannot use the
index. ``~`` sorts after every character of treebeard's alphabet (0-9, A-Z).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

PATH_STEP = 4
PATH_UPPER = "~"


def minimal_prefixes(paths: Iterable[str]) -> list[str]:
    """Drop paths already covered by an ancestor in the list (grant at a parent wins)."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


def subtree_q(paths: Iterable[str], *, field: str) -> Q:
    """A ``Q`` matching rows whose ``field`` (a path) lies in any of the subtrees.

    No paths means nothing: ``Q(pk__in=[])`` is how Django spells an empty result.
    """
    prefixes = minimal_prefixes(paths)
    if not prefixes:
        return Q(pk__in=[])
    query = Q()
    for prefix in prefixes:
        if prefix == "":
            return Q()
        query |= Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + PATH_UPPER})
    return query


def ancestor_paths(path: str) -> list[str]:
    """The path itself and the paths of all its ancestors, computed from the string."""
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]
