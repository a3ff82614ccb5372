"""Pinning how many queries a piece of code makes, so an N+1 fails a test.

A failure lists every statement, numbered, so the extra query is found by reading the
message rather than by re-running under a debugger (NetBox ``utilities/testing``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext


def format_queries(statements: list[str]) -> str:
    """The statements, one numbered line each, for a failure message."""
    return "\n".join(f"  {number}. {sql}" for number, sql in enumerate(statements, start=1))


def captured_sql(context: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in context.captured_queries]


def capture_queries(func: Callable[..., Any], *args: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> list[str]:
    """Run ``func`` and return the SQL of every query it made (its result is dropped)."""
    with CaptureQueriesContext(connections[using]) as context:
        func(*args, **kwargs)
    return captured_sql(context)


@contextmanager
def assert_num_queries(
    expected: int, *, using: str = DEFAULT_DB_ALIAS, label: str = ""
) -> Iterator[CaptureQueriesContext]:
    """Fail unless the block makes exactly ``expected`` queries, naming each one."""
    with CaptureQueriesContext(connections[using]) as context:
        yield context
    statements = captured_sql(context)
    if len(statements) != expected:
        what = f"{label}: " if label else ""
        raise AssertionError(
            f"{what}{len(statements)} queries where {expected} were expected:\n{format_queries(statements)}"
        )


@contextmanager
def assert_max_queries(
    limit: int, *, using: str = DEFAULT_DB_ALIAS, label: str = ""
) -> Iterator[CaptureQueriesContext]:
    """Fail if the block makes more than ``limit`` queries, naming each one."""
    with CaptureQueriesContext(connections[using]) as context:
        yield context
    statements = captured_sql(context)
    if len(statements) > limit:
        what = f"{label}: " if label else ""
        raise AssertionError(
            f"{what}{len(statements)} queries where at most {limit} were expected:\n{format_queries(statements)}"
        )


def assert_query_count_stable(
    call: Callable[[], Any],
    *,
    add_rows: Callable[[], Any],
    using: str = DEFAULT_DB_ALIAS,
    label: str = "",
) -> int:
    """Fail unless ``call`` makes as many queries after ``add_rows`` as before it.

    The shape of the test for list pages and API lists: the count must not grow with
    the number of rows. ``add_rows`` runs between the two measures and is not counted.
    One call before the first measure warms the process's caches (the working-day
    calendar, content types), which both measures then find warm.
    Returns the count, so that a test may pin it as well.
    """
    call()
    few = capture_queries(call, using=using)
    add_rows()
    many = capture_queries(call, using=using)
    if len(few) != len(many):
        what = f"{label}: " if label else ""
        raise AssertionError(
            f"{what}the query count grows with the rows ({len(few)} → {len(many)}).\n"
            f"With fewer rows:\n{format_queries(few)}\nWith more rows:\n{format_queries(many)}"
        )
    return len(few)
