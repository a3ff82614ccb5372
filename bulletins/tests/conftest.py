"""A small ledger in the shared tree for the bulletin tests, and the ledger's figures alone."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core import statistics
from rectification.choices import ClosureKind, ItemStatus
from rectification.tests.factories import MeasureFactory, ProblemFactory

TODAY = timezone.localdate()
LONG_AGO = TODAY - datetime.timedelta(days=60)


@pytest.fixture
def only_ledger_statistics(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the ledger's statistics provider: what these tests compare does not depend on
    other apps' figures (which they test themselves)."""
    monkeypatch.setattr(statistics, "_providers", {"rectification": statistics.providers()["rectification"]})


@pytest.fixture
def ledger(tree, people):
    """Community A: two problems, one rectified; community B: one long overdue (named in the
    bulletin, owned by clerk B), one just overdue; the department: one with a measure."""
    ProblemFactory(org=tree.community_a)
    done = ProblemFactory(org=tree.community_a)
    type(done).objects.filter(pk=done.pk).update(
        status=ItemStatus.CLOSED, closure_kind=ClosureKind.RECTIFIED, closed_at=timezone.now()
    )
    ProblemFactory(
        org=tree.community_b,
        deadline=LONG_AGO,
        original_deadline=LONG_AGO,
        owner=people.clerk_b,
        title="居尚社区积水问题长期未解决",
    )
    ProblemFactory(org=tree.community_b, deadline=TODAY - datetime.timedelta(days=1))
    MeasureFactory(problem=ProblemFactory(org=tree.department))
    return tree
