"""Two people deciding on the same thing at the same instant: exactly one wins, the other
is told someone was faster, and nothing is half-written.

Real threads with their own database connections, so the test needs PostgreSQL or the
file-based SQLite test database of ``taizhang.settings_test`` (IMMEDIATE transactions
queue writers there); an in-memory SQLite database shared between threads cannot run it.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from core.errors import Conflict
from core.models import Event
from core.services import item_events
from core.testing.factories import CampaignFactory, person_with_role
from orgs.choices import Role
from orgs.models import User
from rectification import services
from rectification.choices import ExtensionStatus, ItemStatus, ProblemLevel
from rectification.models import ExtensionRequest, Problem
from rectification.tests.factories import evidence

ROUNDS = 5

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _needs_real_concurrency(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("needs PostgreSQL or a SQLite test database in a file (see taizhang/settings_test.py)")


def race(moves: list[Callable[[], object]]) -> list[object]:
    """Run every move in its own thread, released together; "done" or the error each met."""
    barrier = threading.Barrier(len(moves))
    outcomes: list[object] = [None] * len(moves)

    def act(index: int, move: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            move()
            outcomes[index] = "done"
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(i, move)) for i, move in enumerate(moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def one_winner(outcomes: list[object]) -> None:
    winners = [o for o in outcomes if o == "done"]
    losers = [o for o in outcomes if o != "done"]
    assert len(winners) == 1, outcomes
    assert all(isinstance(loser, Conflict) for loser in losers), outcomes
    assert all(loser.message for loser in losers)  # type: ignore[union-attr]


def _requested_problem(tree, people, title: str) -> Problem:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(org=tree.district)
    problem = services.problem_create(
        acting_user=people.clerk_a,
        campaign=campaign,
        org=tree.community_a,
        title=title,
        level=ProblemLevel.GRASSROOTS,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    return services.item_request_closure(item=problem, acting_user=people.clerk_a, evidence=[evidence()])


def test_approve_and_send_back_at_once(tree, people):
    for round_number in range(ROUNDS):
        problem = _requested_problem(tree, people, f"并发审核{round_number}")
        second = person_with_role(Role.SUPERVISOR, tree.district, username=f"sup_{problem.pk}")
        events_before = item_events(problem).count()

        # Each reviewer loaded the page (the item as it stood) before either acted.
        seen_by_leader, seen_by_second = Problem.objects.get(pk=problem.pk), Problem.objects.get(pk=problem.pk)
        leader, other = User.objects.get(pk=people.leader.pk), User.objects.get(pk=second.pk)

        def approve(item: Problem = seen_by_leader, user: User = leader) -> None:
            services.item_approve_closure(item=item, acting_user=user)

        def send_back(item: Problem = seen_by_second, user: User = other) -> None:
            services.item_send_back(item=item, acting_user=user, comment="材料不全")

        one_winner(race([approve, send_back]))
        stored = Problem.objects.get(pk=problem.pk)
        new_events = list(item_events(problem))[events_before:]
        assert len(new_events) == 1
        assert stored.status == new_events[0].to_status
        if stored.status == ItemStatus.CLOSED:
            assert stored.closure_kind == "rectified" and stored.closed_at is not None
        else:
            assert stored.status == ItemStatus.RECTIFYING
            assert stored.closure_kind == "" and stored.closed_at is None


def test_two_extension_decisions_at_once(tree, people):
    for round_number in range(ROUNDS):
        problem = _requested_problem(tree, people, f"并发延期{round_number}")
        original = problem.deadline
        extension = services.extension_request(
            item=problem,
            acting_user=people.clerk_a,
            requested_deadline=original + datetime.timedelta(days=30),
            reason="资金未到位",
        )
        events_before = Event.objects.count()

        seen_by_leader = ExtensionRequest.objects.get(pk=extension.pk)
        seen_by_supervisor = ExtensionRequest.objects.get(pk=extension.pk)
        leader, supervisor = User.objects.get(pk=people.leader.pk), User.objects.get(pk=people.supervisor.pk)

        def approve(seen: ExtensionRequest = seen_by_leader, user: User = leader) -> None:
            services.extension_decide(extension=seen, acting_user=user, approve=True)

        def refuse(seen: ExtensionRequest = seen_by_supervisor, user: User = supervisor) -> None:
            services.extension_decide(extension=seen, acting_user=user, approve=False, comment="按期完成")

        one_winner(race([approve, refuse]))
        decided = ExtensionRequest.objects.get(pk=extension.pk)
        stored = Problem.objects.get(pk=problem.pk)
        assert Event.objects.count() == events_before + 1
        assert stored.original_deadline == original
        if decided.status == ExtensionStatus.APPROVED:
            assert decided.decided_by_id == people.leader.pk and stored.deadline == extension.requested_deadline
        else:
            assert decided.status == ExtensionStatus.REFUSED
            assert decided.decided_by_id == people.supervisor.pk and stored.deadline == original


def test_return_and_accept_of_a_list_at_once(tree, people):
    from rectification.models import ProblemList, ReviewRound

    for round_number in range(ROUNDS):
        campaign = CampaignFactory(org=tree.district)
        services.problem_create(
            acting_user=people.clerk_a,
            campaign=campaign,
            org=tree.community_a,
            title=f"并发审核清单{round_number}",
            level=ProblemLevel.GRASSROOTS,
        )
        services.problem_list_submit(campaign=campaign, org=tree.community_a, acting_user=people.clerk_a)
        seen_by_leader = ProblemList.objects.get(campaign=campaign)
        seen_by_supervisor = ProblemList.objects.get(campaign=campaign)
        leader, supervisor = User.objects.get(pk=people.leader.pk), User.objects.get(pk=people.supervisor.pk)

        def give_back(seen: ProblemList = seen_by_leader, user: User = leader) -> None:
            services.problem_list_return(problem_list=seen, acting_user=user, comment="措施不具体")

        def accept(seen: ProblemList = seen_by_supervisor, user: User = supervisor) -> None:
            services.problem_list_accept(problem_list=seen, acting_user=user)

        one_winner(race([give_back, accept]))
        stored = ProblemList.objects.get(campaign=campaign)
        rounds = list(ReviewRound.objects.filter(problem_list=stored).values_list("direction", "outcome"))
        assert rounds == [("up", "submitted"), ("down", stored.status)]
        assert list(item_events(stored).values_list("action", flat=True))[-1] in {"list_returned", "list_accepted"}
        assert item_events(stored).count() == 2
