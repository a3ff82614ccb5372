"""The ledger's period filters: what was added, closed and still open in a period."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.testing.factories import CampaignFactory
from rectification.choices import ClosureKind, ItemStatus
from rectification.filters import ProblemFilterSet
from rectification.models import Problem
from rectification.tests.factories import ProblemFactory


def at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(10)))


@pytest.fixture
def ledger(tree, people):
    campaign = CampaignFactory(org=tree.district)
    rows = {
        # title: (added, closed)
        "早已销号": ("2026-10-01", "2026-10-20"),
        "本周新增": ("2026-11-17", None),
        "本周销号": ("2026-10-05", "2026-11-18"),
        "下周销号": ("2026-11-02", "2026-11-24"),
    }
    for title, (added, closed) in rows.items():
        ProblemFactory(
            org=tree.community_a,
            campaign=campaign,
            title=title,
            created_at=at(added),
            status=ItemStatus.CLOSED if closed else ItemStatus.RECTIFYING,
            closure_kind=ClosureKind.RECTIFIED if closed else "",
            closed_at=at(closed) if closed else None,
        )
    return campaign


def titles(people, **params):
    filterset = ProblemFilterSet(params, queryset=Problem.objects.all(), user=people.supervisor)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("title", flat=True))


def test_added_in_a_week(ledger, people):
    assert titles(people, added_from="2026-11-16", added_to="2026-11-22") == {"本周新增"}


def test_closed_in_a_week(ledger, people):
    assert titles(people, closed_from="2026-11-16", closed_to="2026-11-22") == {"本周销号"}


def test_still_open_on_a_day_counts_later_closures_as_open(ledger, people):
    assert titles(people, open_on="2026-11-22") == {"本周新增", "下周销号"}
    assert titles(people, open_on="2026-10-10") == {"早已销号", "本周销号"}


def test_a_bad_date_is_a_form_error(ledger, people):
    filterset = ProblemFilterSet({"open_on": "2026-13-40"}, queryset=Problem.objects.all(), user=people.supervisor)
    assert not filterset.is_valid() and "open_on" in filterset.errors
