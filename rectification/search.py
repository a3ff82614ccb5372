"""Text search of the ledger: an index of character pairs (bigrams) of each problem's
title and description.

Chinese is written without spaces and most words are two characters (排水, 供暖), so a
word index needs a segmenter, and the databases' substring indexes (PostgreSQL's
``pg_trgm``, SQLite's FTS5 ``trigram``) need three characters. A problem's *grams* are
the two-character pieces starting at each character of ``title + "\\n" + description``
(the last one is a single character). A search for ``排水管`` asks for the rows having
both 排水 and 水管; the substring test of the old search (``LIKE``) then runs over those
rows only, so the result is exactly the substring match. One character asks for the
grams starting with it. A search with no letter or digit in it tests every row in scope
as before.

- PostgreSQL: a GIN index on the expression ``rectification_problem_grams(title,
  description)``, an immutable SQL function returning the grams as a ``tsvector``
  (``array_to_tsvector``: no parser, no dictionary). The database keeps it; nothing to
  write.
- SQLite: a contentless FTS5 table ``rectification_problem_search`` (``detail=none``:
  row ids only, no positions) whose row id is the problem's, kept by triggers that write
  the grams on insert, on a change of title or description and on delete (a contentless
  table is told what to remove by being given the same grams again).
"""

from __future__ import annotations

import itertools
import unicodedata
from typing import Any

from django.db import connection as default_connection
from django.db import connections, transaction
from django.db.models import BooleanField, Expression, F, Q, QuerySet

TABLE = "rectification_problem_search"
FUNCTION = "rectification_problem_grams"
INDEX = "problem_text_grams"
# SQLite: up to this many rows found by the index are fetched by id for a page.
LOOKUP_LIMIT = 3000
TRIGGERS = ("insert", "update", "delete")
# The text indexed: title, a line break, description (its grams, SQL).
_TEXT = "{row}.title || char(10) || {row}.description"


def _word_character(character: str) -> bool:
    """Letters and digits: the characters SQLite's ``unicode61`` tokenizer keeps in a
    token (categories L*, N* and Co). A query's gram made of two of them is one token
    on both databases."""
    return unicodedata.category(character)[0] in "LN" or unicodedata.category(character) == "Co"


def query_grams(text: str) -> tuple[list[str], str | None]:
    """The grams every match of ``text`` contains, and the character to match as a
    prefix when ``text`` has a single word character: ``(grams, prefix)``. Pairs with a
    space or a punctuation mark in them are left out: the rows found are then a few more
    than the matches, and the substring test sorts them out."""
    text = text.strip()
    grams = sorted({a + b for a, b in itertools.pairwise(text) if _word_character(a) and _word_character(b)})
    if grams:
        return grams, None
    letters = [c for c in text if _word_character(c)]
    return [], (letters[0] if letters else None)


def _sqlite_match(grams: list[str], prefix: str | None) -> str:
    if prefix is not None:
        return f'"{prefix}"*'
    return " ".join(f'"{gram}"' for gram in grams)


def _postgres_tsquery(grams: list[str], prefix: str | None) -> str:
    if prefix is not None:
        return f"'{prefix}':*"
    return " & ".join(f"'{gram}'" for gram in grams)


class _IndexTest(Expression):
    """A condition on the index, written for the database, with the problem's columns
    compiled by Django (so the row's table may be aliased, as in a subquery)."""

    output_field = BooleanField()

    def __init__(self, template: str, param: str, *columns: str) -> None:
        super().__init__()
        self.template, self.param = template, param
        self.columns = [F(column) for column in columns]

    def get_source_expressions(self) -> list[Any]:
        return self.columns

    def set_source_expressions(self, expressions: list[Any]) -> None:
        self.columns = list(expressions)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        compiled = [compiler.compile(column) for column in self.columns]
        params = [param for _, column_params in compiled for param in column_params]
        return self.template.format(*(sql for sql, _ in compiled)), [*params, self.param]


def candidates(text: str, *, using: str = "default") -> int | None:
    """How many problems hold every gram of ``text`` (SQLite: read from the index, ~1 ms
    for 25,000), or None where the database's planner judges this itself."""
    grams, prefix = query_grams(text)
    connection = connections[using]
    if connection.vendor != "sqlite" or (not grams and prefix is None):
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE {TABLE} MATCH %s", [_sqlite_match(grams, prefix)])
        return int(cursor.fetchone()[0])


def matching(problems: QuerySet, text: str, *, every_row: bool = False) -> QuerySet:
    """``problems`` whose title or description contains ``text``: the index narrows
    them, the substring test decides.

    On SQLite the plan is chosen here, by how many rows the index gives (its planner
    cannot know): a few (``LOOKUP_LIMIT``), or when every row in scope will be read
    (``every_row``: counting, exporting), are fetched by id; more, for a page, and the
    page walks its order (or its scope's rows) testing each row's id against the index's
    list, which finds the first 50 of 25,000 matches in a province in ~6 ms instead of
    fetching and sorting all of them (~120 ms, bench)."""
    substring = Q(title__contains=text) | Q(description__contains=text)
    grams, prefix = query_grams(text)
    if not grams and prefix is None:
        return problems.filter(substring)
    if connections[problems.db].vendor == "postgresql":
        test = _IndexTest(
            f"{FUNCTION}({{}}, {{}}) @@ %s::tsquery", _postgres_tsquery(grams, prefix), "title", "description"
        )
        return problems.filter(test).filter(substring)
    by_id = every_row or (candidates(text, using=problems.db) or 0) <= LOOKUP_LIMIT
    # A unary plus keeps SQLite from driving the query by the id list.
    column = "{}" if by_id else "+{}"
    test = _IndexTest(
        f"{column} IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)", _sqlite_match(grams, prefix), "id"
    )
    return problems.filter(test).filter(substring)


# Installing -------------------------------------------------------------------------


def _sqlite_grams(row: str) -> str:
    """The grams of ``row``'s text as one space-separated string (a scalar subquery)."""
    text = _TEXT.format(row=row)
    return (
        f"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < length({text}))"
        f" SELECT group_concat(substr({text}, i, 2), ' ') FROM n)"
    )


def _sqlite_statements() -> list[str]:
    add = f"INSERT INTO {TABLE} (rowid, grams) VALUES (NEW.id, {_sqlite_grams('NEW')})"
    remove = f"INSERT INTO {TABLE} ({TABLE}, rowid, grams) VALUES ('delete', OLD.id, {_sqlite_grams('OLD')})"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5"
        "(grams, content='', detail=none, tokenize='unicode61 remove_diacritics 0')",
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON rectification_problem BEGIN {add}; END",
        f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF title, description ON rectification_problem"
        f" WHEN OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description BEGIN {remove}; {add}; END",
        f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON rectification_problem BEGIN {remove}; END",
    ]


_POSTGRES_FUNCTION = f"""CREATE OR REPLACE FUNCTION {FUNCTION}(title text, description text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
    SELECT array_to_tsvector(coalesce(array_agg(substr(s.t, i, 2)), '{{}}'))
    FROM (SELECT title || chr(10) || description AS t) s, generate_series(1, length(s.t)) AS i $$"""


def uninstall(connection=default_connection) -> None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text, text)")
            return
        for event in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{event}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def drop_triggers(connection=default_connection) -> None:  # type: ignore[no-untyped-def]
    """SQLite only: stop keeping the index (a bulk insert adds its rows with ``add``)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for event in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{event}")


def install(connection=default_connection) -> None:  # type: ignore[no-untyped-def]
    """Create the index (and on SQLite its triggers) and fill it from every problem."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        uninstall(connection)
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRES_FUNCTION)
            cursor.execute(f"CREATE INDEX {INDEX} ON rectification_problem USING gin ({FUNCTION}(title, description))")
            return
        for statement in _sqlite_statements():
            cursor.execute(statement)
    add(connection)


def reinstall_triggers(connection=default_connection) -> None:  # type: ignore[no-untyped-def]
    """SQLite only: put back the triggers ``drop_triggers`` took away."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in _sqlite_statements()[1:]:
                cursor.execute(statement)


def add(connection=default_connection, *, first: int | None = None, last: int | None = None) -> None:  # type: ignore[no-untyped-def]
    """SQLite only: index the problems with ids ``first`` to ``last`` (all by default),
    which must not be indexed yet."""
    if connection.vendor != "sqlite":
        return
    where = "" if first is None else f" WHERE id BETWEEN {int(first)} AND {int(last if last is not None else first)}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (rowid, grams)"
            f" SELECT id, {_sqlite_grams('p')} FROM rectification_problem p{where} ORDER BY id"
        )
