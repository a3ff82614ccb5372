"""Two supervisors acting on bulletins at the same instant: one issue wins, numbers never
repeat, and an edit racing an issue cannot change the issued text.

Real threads with their own connections (PostgreSQL, or the file SQLite test database;
skipped on an in-memory one), as in ``rectification/tests/test_concurrency.py``.
"""

from __future__ import annotations

from functools import partial

import pytest

from bulletins import services
from bulletins.choices import BulletinKind, BulletinStatus
from bulletins.models import Bulletin
from bulletins.tests.conftest import TODAY
from core.errors import Conflict, DomainError
from rectification.tests.test_concurrency import _needs_real_concurrency, race  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("only_ledger_statistics")]
ROUNDS = 3


def issue_fresh(pk: int, user) -> Bulletin:  # type: ignore[no-untyped-def]
    """Each desk loads the draft itself, as two browsers would."""
    return services.bulletin_issue(bulletin=Bulletin.objects.get(pk=pk), acting_user=user)


def drafts(ledger, people, count: int) -> list[Bulletin]:  # type: ignore[no-untyped-def]
    return [
        services.bulletin_draft(org=ledger.street, kind=BulletinKind.WEEK, as_of=TODAY, acting_user=people.supervisor)
        for _ in range(count)
    ]


def test_one_draft_issued_twice_at_once_has_one_winner(ledger, people) -> None:
    for _ in range(ROUNDS):
        (draft,) = drafts(ledger, people, 1)
        outcomes = race([partial(issue_fresh, draft.pk, people.supervisor)] * 2)
        winners = [outcome for outcome in outcomes if outcome == "done"]
        assert len(winners) == 1, outcomes
        assert all(isinstance(outcome, DomainError) for outcome in outcomes if outcome != "done"), outcomes
    numbers = list(Bulletin.objects.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, ROUNDS + 1))


def test_two_drafts_issued_at_once_never_share_a_number(ledger, people) -> None:
    for _ in range(ROUNDS):
        first, second = drafts(ledger, people, 2)
        outcomes = race(
            [
                partial(services.bulletin_issue, bulletin=first, acting_user=people.supervisor),
                partial(services.bulletin_issue, bulletin=second, acting_user=people.supervisor),
            ]
        )
        assert "done" in outcomes, outcomes
        assert all(outcome == "done" or isinstance(outcome, Conflict) for outcome in outcomes), outcomes
    issued = Bulletin.objects.filter(status=BulletinStatus.ISSUED)
    numbers = list(issued.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) >= ROUNDS


def test_an_edit_racing_the_issue_leaves_the_issued_text_alone(ledger, people) -> None:
    for round_number in range(ROUNDS):
        (draft,) = drafts(ledger, people, 1)
        stale = Bulletin.objects.get(pk=draft.pk)
        outcomes = race(
            [
                partial(services.bulletin_issue, bulletin=draft, acting_user=people.supervisor),
                partial(
                    services.bulletin_update,
                    bulletin=stale,
                    acting_user=people.supervisor,
                    title=f"并发修改{round_number}",
                ),
            ]
        )
        assert outcomes[0] == "done", outcomes
        final = Bulletin.objects.get(pk=draft.pk)
        assert final.status == BulletinStatus.ISSUED
        if outcomes[1] == "done":  # the edit went first: it is in the issued text
            assert final.title == f"并发修改{round_number}"
        else:
            assert isinstance(outcomes[1], Conflict), outcomes
            assert final.title != f"并发修改{round_number}"
