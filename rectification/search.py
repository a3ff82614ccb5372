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

The index also holds the problem's place in the org tree: a token ``p<path>`` for each
ancestor of its owner (``org_path`` cut at each level). A search in a city asks for
``排水`` *and* that city's token, so the index answers with the city's 4,864 matches
instead of the province's 24,871 (the scope's own path test still decides).

- PostgreSQL: a GIN index on the expression ``rectification_problem_grams(title,
  description, org_path)``, an immutable SQL function returning the tokens as a
  ``tsvector`` (``array_to_tsvector``: no parser, no dictionary). The database keeps it;
  nothing to write.
- SQLite: a contentless FTS5 table ``rectification_problem_search`` (``detail=none``:
  row ids only, no positions) whose row id is the problem's, kept by triggers that write
  the tokens on insert, on a change of title, description or owner path and on delete
  (a contentless table is told what to remove by being given the same tokens again).
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection as default_connection
from django.db import connections, transaction
from django.db.models import BooleanField, Case, Expression, F, Q, QuerySet, Value, When

from core.scoping import PATH_STEP, minimal_prefixes, narrow_prefixes
from orgs.choices import READING_ROLES
from orgs.models import grant_paths

TABLE = "rectification_problem_search"
FUNCTION = "rectification_problem_grams"
INDEX = "problem_text_grams"
TRIGGERS = ("insert", "update", "delete")
# Up to this many rows found by the index are fetched through it for a page; more, and
# the page walks the ledger's order (``matching``). Where the two cost the same in a
# province of a million problems (bench): a walk visits ~50 x 1,000,000 / matches rows.
LOOKUP_LIMIT = {"sqlite": 3000, "postgresql": 6000}


def _word_character(character: str) -> bool:
    """Letters and digits: the characters SQLite's ``unicode61`` tokenizer keeps in a
    token (categories L*, N* and Co). A query's gram made of two of them is one token
    on both databases."""
    category = unicodedata.category(character)
    return category[0] in "LN" or category == "Co"


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


def scope_paths(user: Any, scope: Any = None) -> list[str]:
    """The subtrees a user's ledger reads, narrowed to the picked ``scope`` org: what
    the search may ask the index for besides the words."""
    granted = minimal_prefixes(grant_paths(user, READING_ROLES))
    return granted if scope is None else narrow_prefixes(granted, scope.path)


class _Query:
    """A search as each database's index reads it."""

    def __init__(self, text: str, paths: list[str] | None) -> None:
        self.grams, self.prefix = query_grams(text)
        # A whole province (or the whole tree) narrows nothing: its token is on every row.
        broad = paths is None or any(len(path) <= PATH_STEP for path in paths)
        self.paths = [] if broad else list(paths or [])
        self.exact = self._exact(text)

    @staticmethod
    def _exact(text: str) -> bool:
        """Whether the index's answer is the substring match itself: ``text`` is one gram
        or one character, of letters without case (Chinese characters, digits). A
        problem has that gram exactly where its title or description holds ``text`` (a
        gram never spans the two: the line break between them is no word character), and
        neither database folds anything of an uncased letter. Cased letters are left to
        the substring test: SQLite's index folds every case, its ``LIKE`` only ASCII's. A space
        around the word is a character the substring test looks for."""
        return 1 <= len(text) <= 2 and all(_word_character(c) and c.lower() == c.upper() for c in text)

    def __bool__(self) -> bool:
        return bool(self.grams) or self.prefix is not None

    def sqlite(self) -> str:
        """For ``MATCH`` (FTS5's query syntax)."""
        return self._written(quoted='"{}"', prefixed='"{}"*', both=" AND ", either=" OR ", place="p{}")

    def postgres(self) -> str:
        """For ``::tsquery``."""
        return self._written(quoted="'{}'", prefixed="'{}':*", both=" & ", either=" | ", place="'p{}'")

    def _written(self, *, quoted: str, prefixed: str, both: str, either: str, place: str) -> str:
        # Grams and the prefix are letters and digits, paths too: nothing to escape.
        if self.prefix is not None:
            words = prefixed.format(self.prefix)
        else:
            words = both.join(quoted.format(gram) for gram in self.grams)
        if not self.paths:
            return words
        places = either.join(place.format(path) for path in self.paths)
        return f"{words}{both}({places})"


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


def indexed(text: str) -> bool:
    """Whether a search for ``text`` goes through the index (it has a letter or a digit)."""
    return bool(_Query(text, None))


def _candidates(query: _Query, using: str) -> int:
    """How many problems the index gives: on SQLite from the index alone (~1 ms for
    25,000); PostgreSQL reads each row's page too (the index holds no count), so it
    stops one past ``LOOKUP_LIMIT`` (~20 ms)."""
    connection = connections[using]
    limit = LOOKUP_LIMIT[connection.vendor]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM rectification_problem"
                f" WHERE {FUNCTION}(title, description, org_path) @@ %s::tsquery LIMIT %s) found",
                [query.postgres(), limit + 1],
            )
        else:
            cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE {TABLE} MATCH %s", [query.sqlite()])
        return int(cursor.fetchone()[0])


def _many(query: _Query, using: str) -> bool:
    """Whether the index gives more rows than a page should fetch through it."""
    return _candidates(query, using) > LOOKUP_LIMIT[connections[using].vendor]


def matching(problems: QuerySet, text: str, *, paths: list[str] | None = None, every_row: bool = False) -> QuerySet:
    """``problems`` whose title or description contains ``text``: the index narrows
    them (to the subtrees ``paths`` too, which ``problems`` must already be limited
    to), the substring test decides, unless the index's answer is exact (a word of one
    or two Chinese characters: ``_Query._exact``).

    For one page of a word found often, fetching every match through the index and
    sorting them costs more than walking the ledger's order and testing rows until the
    page is full (a province's 25,000 matches of 排水: ~100 ms against ~5 ms, bench). How
    many rows the index gives decides which; when every row in scope will be read
    (``every_row``: counting, exporting), the index always serves.

    - SQLite's planner cannot count them: they are counted here (``_candidates``). Up to
      ``LOOKUP_LIMIT`` are fetched by id; more, and the page walks its order testing
      each row's id against the index's list.
    - PostgreSQL's planner estimates one gram well from the index's statistics, and is
      left to choose. It multiplies the shares of several grams as if they were
      independent (排水 and 水管: 676 rows of 24,877), so for those the rows are
      counted here, and past ``LOOKUP_LIMIT`` the page walks its order with the
      substring test alone. The substring test is written in a CASE, which the planner
      takes to keep half the rows: its own guess for ``LIKE '%排水%'`` (a few hundred
      rows) made it fetch and sort every match. In a walk the LIKE is tested first; the
      grams function (~40 µs a row, declared COST 1000) runs last, on the rows that
      passed."""
    substring = Q(title__contains=text) | Q(description__contains=text)
    query = _Query(text, paths)
    if not query:
        return problems.filter(substring)
    if connections[problems.db].vendor == "postgresql":
        unestimated = Case(When(substring, then=Value(True)), default=Value(False), output_field=BooleanField())
        if not every_row and len(query.grams) > 1 and _many(query, problems.db):
            return problems.filter(unestimated)
        test = _IndexTest(
            f"{FUNCTION}({{}}, {{}}, {{}}) @@ %s::tsquery", query.postgres(), "title", "description", "org_path"
        )
        return problems.filter(test).filter(unestimated)
    by_id = every_row or not _many(query, problems.db)
    # A unary plus keeps SQLite from driving the query by the id list.
    column = "{}" if by_id else "+{}"
    test = _IndexTest(f"{column} IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)", query.sqlite(), "id")
    return problems.filter(test) if query.exact else problems.filter(test).filter(substring)


# Installing -------------------------------------------------------------------------


def tokens(title: str, description: str, org_path: str) -> str:
    """A problem's tokens as SQLite's index is given them (``_sqlite_tokens`` computes
    the same in SQL): the grams of its text, then its places."""
    text = f"{title}\n{description}"
    grams = " ".join(text[i : i + 2] for i in range(len(text)))
    places = " ".join(f"p{org_path[:end]}" for end in range(PATH_STEP, len(org_path) + 1, PATH_STEP))
    return f"{grams} {places}"


def _sqlite_tokens(row: str) -> str:
    """The tokens of a problem row (``NEW``, ``OLD`` or a table alias) as one
    space-separated string: the grams of its text, then its path's (``tokens``)."""
    text = f"{row}.title || char(10) || {row}.description"
    path = f"{row}.org_path"
    return (
        f"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < length({text}))"
        f" SELECT group_concat(substr({text}, i, 2), ' ') FROM n)"
        f" || ' ' || coalesce((WITH RECURSIVE d(k) AS (SELECT {PATH_STEP} UNION ALL SELECT k + {PATH_STEP} FROM d"
        f" WHERE k + {PATH_STEP} <= length({path})) SELECT group_concat('p' || substr({path}, 1, k), ' ') FROM d"
        f" WHERE k <= length({path})), '')"
    )


def _sqlite_statements() -> list[str]:
    add = f"INSERT INTO {TABLE} (rowid, tokens) VALUES (NEW.id, {_sqlite_tokens('NEW')})"
    remove = f"INSERT INTO {TABLE} ({TABLE}, rowid, tokens) VALUES ('delete', OLD.id, {_sqlite_tokens('OLD')})"
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in ("title", "description", "org_path"))
    return [
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5"
        "(tokens, content='', detail=none, tokenize='unicode61 remove_diacritics 0')",
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON rectification_problem BEGIN {add}; END",
        f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF title, description, org_path ON rectification_problem"
        f" WHEN {changed} BEGIN {remove}; {add}; END",
        f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON rectification_problem BEGIN {remove}; END",
    ]


_POSTGRES_FUNCTION = f"""CREATE FUNCTION {FUNCTION}(title text, description text, org_path text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
    SELECT array_to_tsvector(
        coalesce((SELECT array_agg(substr(t, i, 2)) FROM generate_series(1, length(t)) AS i), '{{}}')
        || coalesce((SELECT array_agg('p' || substr(org_path, 1, k))
                     FROM generate_series({PATH_STEP}, length(org_path), {PATH_STEP}) AS k), '{{}}'))
    FROM (SELECT title || chr(10) || description AS t) s $$"""


@contextmanager
def bulk_insert(connection) -> Iterator[Callable[[Iterable[tuple[int, str, str, str]]], None]]:  # type: ignore[no-untyped-def]
    """Around a bulk insert of problems, inside the caller's transaction (the importer),
    which hands the rows it writes, ``(id, title, description, org_path)``, to the
    function this yields.

    On SQLite the insert trigger builds each row's tokens in SQL (~85 µs a row, 17 s of
    a 66,000-problem import, bench): it is dropped, the tokens are computed in Python and
    written in one ``executemany`` when the block ends, and the triggers are put back.
    SQLite has one writer and the caller holds the write lock throughout; if the block
    fails, the rollback brings the trigger back. PostgreSQL keeps its expression index
    itself: the function does nothing there."""
    if connection.vendor != "sqlite":
        yield lambda rows: None
        return
    written: list[tuple[int, str, str, str]] = []
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_insert")
    yield written.extend
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} (rowid, tokens) VALUES (%s, %s)",
            [(pk, tokens(title, description, path)) for pk, title, description, path in written],
        )
        cursor.execute(_sqlite_statements()[1])


def uninstall(connection=default_connection) -> None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text, text, text)")
            return
        for event in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{event}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def install(connection=default_connection) -> None:  # type: ignore[no-untyped-def]
    """(Re)create the index (on SQLite with its triggers) and fill it from every problem."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        uninstall(connection)
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRES_FUNCTION)
            columns = "title, description, org_path"
            cursor.execute(f"CREATE INDEX {INDEX} ON rectification_problem USING gin ({FUNCTION}({columns}))")
            return
        for statement in _sqlite_statements():
            cursor.execute(statement)
        cursor.execute(
            f"INSERT INTO {TABLE} (rowid, tokens) SELECT id, {_sqlite_tokens('p')} FROM rectification_problem p"
        )
