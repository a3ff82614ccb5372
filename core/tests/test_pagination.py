"""Keyset pagination walks every row exactly once, in order, whatever the ties."""

from __future__ import annotations

import datetime

import pytest

from core.pagination import keyset_page
from core.tests.workflow_app.models import Ticket


@pytest.fixture
def tickets(tree):
    base = datetime.date(2026, 11, 1)
    # Deadlines with ties, so the id tie-breaker matters.
    return [
        Ticket.objects.create(
            org=tree.community_a, title=f"T{n}", status="open", deadline=base + datetime.timedelta(n // 3)
        )
        for n in range(17)
    ]


@pytest.mark.parametrize("descending", [False, True])
def test_pages_cover_every_row_once_in_order(tickets, descending):
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        page = keyset_page(Ticket.objects.all(), key="deadline", descending=descending, cursor=cursor, size=5)
        seen.extend(t.pk for t in page)
        pages += 1
        if not page.has_next:
            break
        cursor = page.next_cursor
    ordered = sorted(tickets, key=lambda t: (t.deadline, t.pk), reverse=descending)
    assert seen == [t.pk for t in ordered]
    assert pages == 4


def test_datetime_keys_round_trip(tickets):
    first = keyset_page(Ticket.objects.all(), key="created_at", descending=True, cursor=None, size=10)
    second = keyset_page(Ticket.objects.all(), key="created_at", descending=True, cursor=first.next_cursor, size=10)
    assert len(first) == 10 and len(second) == 7
    assert not {t.pk for t in first} & {t.pk for t in second}


def test_a_broken_cursor_gives_the_first_page(tickets):
    page = keyset_page(Ticket.objects.all(), key="deadline", descending=False, cursor="not-a-cursor!", size=5)
    assert [t.title for t in page] == ["T0", "T1", "T2", "T3", "T4"]
