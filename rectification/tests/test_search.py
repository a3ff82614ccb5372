"""The ledger's text search finds through its index of character pairs exactly what a
substring test of every row finds, however the rows were written: entered and edited
through the services, imported, changed by bulk updates, deleted. Runs on SQLite and
PostgreSQL (CI runs both)."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.db.models import Q
from django.http import QueryDict

from core.testing.factories import CampaignFactory, ChannelFactory
from orgs import services as org_services
from rectification import search, services
from rectification.choices import ProblemLevel
from rectification.filters import ProblemFilterSet
from rectification.importers import import_ledger
from rectification.models import Problem
from rectification.tests.factories import DomainFactory
from rectification.tests.test_importers import FORMATS, sample_rows

# Few characters, so that random texts share pairs and random queries often match.
CHARACTERS = "排水管网道路灯供暖学校医疗社区Ab1 ，。"


def substring_ids(text: str, org=None) -> set[int]:
    """The plain test of every row (in ``org``'s subtree): what the search must find."""
    rows = Problem.objects.within(org) if org is not None else Problem.objects.all()
    return set(rows.filter(Q(title__contains=text) | Q(description__contains=text)).values_list("pk", flat=True))


def searched_ids(text: str, org=None, *, every_row: bool = False) -> set[int]:
    """The search, asking the index for ``org``'s subtree too when one is given."""
    if org is None:
        return set(search.matching(Problem.objects.all(), text, every_row=every_row).values_list("pk", flat=True))
    rows = Problem.objects.within(org)
    return set(search.matching(rows, text, paths=[org.path], every_row=every_row).values_list("pk", flat=True))


def random_text(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(CHARACTERS) for _ in range(rng.randint(low, high))).strip() or "排"


@pytest.fixture
def campaign(tree):
    campaign = CampaignFactory(org=tree.district)
    # What the sample ledger names (``test_importers.sample_rows``).
    ChannelFactory(campaign=campaign, code="xf", name="信访")
    ChannelFactory(campaign=campaign, code="12345", name="12345热线")
    DomainFactory(campaign=campaign, name="教育")
    DomainFactory(campaign=campaign, name="医疗")
    return campaign


def create(people, tree, campaign, rng: random.Random) -> Problem:
    return services.problem_create(
        acting_user=people.supervisor,
        campaign=campaign,
        org=rng.choice([tree.community_a, tree.community_b, tree.street]),
        title=random_text(rng, 1, 12),
        description=random_text(rng, 0, 30),
        level=ProblemLevel.GRASSROOTS,
    )


def queries(rng: random.Random) -> list[str]:
    """Pieces of existing texts (one to five characters) and random strings."""
    texts = [t for pair in Problem.objects.values_list("title", "description") for t in pair if t]
    found = []
    for _ in range(60):
        text = rng.choice(texts)
        start = rng.randrange(len(text))
        found.append(text[start : start + rng.randint(1, 5)])
    found += [random_text(rng, 1, 4) for _ in range(30)]
    return [q for q in found if q.strip()]


@pytest.mark.parametrize(("seed", "walk"), [(1, False), (2, False), (3, True)])
def test_search_finds_exactly_the_substring_matches_after_every_kind_of_change(
    tree, people, campaign, seed, walk, monkeypatch
):
    """``walk``: every search finds "many" rows, so a page walks the ledger's order
    instead of fetching the rows the index gives."""
    if walk:
        monkeypatch.setattr(search, "LOOKUP_LIMIT", dict.fromkeys(search.LOOKUP_LIMIT, 0))
    rng = random.Random(seed)
    problems = [create(people, tree, campaign, rng) for _ in range(40)]
    for problem in rng.sample(problems, 10):  # edited through the service
        services.problem_update(
            problem=problem,
            acting_user=people.supervisor,
            title=random_text(rng, 2, 10),
            description=random_text(rng, 0, 20),
        )
    changed = [p.pk for p in rng.sample(problems, 5)]  # a bulk UPDATE no service makes
    Problem.objects.filter(pk__in=changed).update(description="道路破损积水")
    Problem.objects.filter(pk__in=[p.pk for p in rng.sample(problems, 5)]).delete()
    data, filename = FORMATS["xlsx"](sample_rows(people))
    assert not import_ledger(data=data, filename=filename, campaign=campaign, acting_user=people.supervisor).errors
    # On SQLite the import indexes its rows itself and puts the insert trigger back.
    create(people, tree, campaign, rng)
    # An org moved to another parent: its problems' paths are rewritten (one UPDATE).
    community_b = type(tree.community_b).objects.get(pk=tree.community_b.pk)
    org_services.org_move(org=community_b, new_parent=tree.department, acting_user=people.admin)

    checked = [*queries(rng), "道路", "积水", "路灯", "路燈", "社区路灯", "，", " ", "Ab", "ab"]
    orgs = [type(org).objects.get(pk=org.pk) for org in (tree.street, tree.community_a, tree.community_b)]
    matched = dict.fromkeys([None, *orgs], 0)
    for text in checked:
        expected = substring_ids(text)
        assert searched_ids(text) == expected, text
        assert searched_ids(text, every_row=True) == expected, text
        matched[None] += bool(expected)
        for org in orgs:
            expected = substring_ids(text, org)
            assert searched_ids(text, org) == expected, (text, org.name)
            matched[org] += bool(expected)
    # The queries are not mostly empty, in the whole tree nor in each subtree searched.
    assert matched[None] > len(checked) // 2 and min(matched.values()) > len(checked) // 5, matched
    assert searched_ids("路灯")  # imported text, traditional characters stored simplified


def test_the_ledger_filter_searches_through_the_index(tree, people, campaign):
    rng = random.Random(3)
    for _ in range(5):
        create(people, tree, campaign, rng)
    problem = services.problem_create(
        acting_user=people.supervisor,
        campaign=campaign,
        org=tree.community_a,
        title="雨季排水管网堵塞",
        level=ProblemLevel.GRASSROOTS,
    )
    filterset = ProblemFilterSet(QueryDict("q=排水管"), queryset=Problem.objects.all(), user=people.supervisor)
    assert list(filterset.qs) == [problem]
    assert uses_the_index(filterset.qs)
    # A query with no letter or digit has no gram: every row is tested.
    assert list(ProblemFilterSet(QueryDict("q=，"), queryset=Problem.objects.all(), user=people.supervisor).qs) == [
        p for p in Problem.objects.order_by("pk") if "，" in p.title + p.description
    ]


def uses_the_index(problems) -> bool:
    """The query plan reads the index (PostgreSQL told to avoid scanning the table, which
    it prefers for a few rows)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        return search.INDEX in problems.explain()
    return "VIRTUAL TABLE INDEX" in problems.explain() and search.TABLE in problems.explain()


def test_query_grams():
    assert search.query_grams("排水") == (["排水"], None)
    assert search.query_grams(" 排水管 ") == (["排水", "水管"], None)
    assert search.query_grams("路灯，不亮") == (["不亮", "路灯"], None)
    assert search.query_grams("排") == ([], "排")
    assert search.query_grams("，。") == ([], None)


def test_a_word_of_one_or_two_chinese_characters_is_answered_by_the_index_alone():
    """The substring test is skipped where the index's answer is exact; the search tests
    above check that the answers are still those of the substring test."""
    exact = ["排水", "排", "12", "水1"]
    rechecked = ["排水管", " 排水", "排 ", "Ab", "ab", "é1", "排，", "，"]
    assert [text for text in exact + rechecked if search._Query(text, None).exact] == exact

    def tests_substrings(text: str) -> bool:
        return "LIKE" in str(search.matching(Problem.objects.all(), text, every_row=True).query).upper()

    assert tests_substrings("排水管") and tests_substrings("Ab")
    if connection.vendor == "sqlite":  # PostgreSQL's planner is shown the LIKE to pick its plan.
        assert not tests_substrings("排水")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL computes its tokens in the index only")
def test_the_tokens_computed_in_python_are_those_the_triggers_compute(tree, people, campaign):
    """The importer gives SQLite's index tokens computed in Python (``search.tokens``);
    a later change or delete removes them with tokens computed in SQL: they must agree."""
    rng = random.Random(4)
    for _ in range(20):
        create(people, tree, campaign, rng)
    problems = list(Problem.objects.all())
    with connection.cursor() as cursor:
        for problem in problems:
            cursor.execute(
                f"SELECT {search._sqlite_tokens('p')} FROM rectification_problem p WHERE id = %s", [problem.pk]
            )
            (in_sql,) = cursor.fetchone()
            in_python = search.tokens(problem.title, problem.description, problem.org_path)
            assert sorted(in_sql.split(" ")) == sorted(in_python.split(" ")), problem.title
