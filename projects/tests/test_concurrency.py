"""Two people moving the same project at the same instant, or reporting the same month:
exactly one wins, the other is told, and nothing is half-written.

Real threads with their own connections: PostgreSQL, or the file-based SQLite test
database of ``taizhang.settings_test`` (IMMEDIATE transactions queue writers).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from core.errors import Conflict, DomainError
from core.services import item_events
from projects import services
from projects.choices import ProjectStage
from projects.models import InvestmentReport, KeyProject
from projects.tests.factories import KeyProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _needs_real_concurrency():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("needs PostgreSQL or a SQLite test database in a file (see taizhang/settings_test.py)")


def race(moves: list[Callable[[], object]]) -> list[object]:
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


def test_two_stage_moves_seen_from_the_same_page_one_wins(tree, people):
    for _round in range(3):
        project = KeyProjectFactory(org=tree.community_a, stage=ProjectStage.PIPELINE, construction_date=None)
        seen_by_clerk = KeyProject.objects.get(pk=project.pk)
        seen_by_leader = KeyProject.objects.get(pk=project.pk)
        outcomes = race(
            [
                lambda p=seen_by_clerk: services.project_stage_set(
                    project=p, stage=ProjectStage.CONSTRUCTION, acting_user=people.clerk_a
                ),
                lambda p=seen_by_leader: services.project_stage_set(
                    project=p, stage=ProjectStage.OPERATION, acting_user=people.leader
                ),
            ]
        )
        assert outcomes.count("done") == 1, outcomes
        assert all(isinstance(o, Conflict) for o in outcomes if o != "done"), outcomes
        assert item_events(project).filter(action="stage_changed").count() == 1


def test_the_same_month_reported_twice_at_once_is_kept_once(tree, people):
    project = KeyProjectFactory(org=tree.community_a)
    outcomes = race(
        [
            lambda amount=amount: services.investment_report_add(
                project=project, year=2026, month=6, amount=amount, acting_user=people.clerk_a
            )
            for amount in ("100", "200", "300")
        ]
    )
    assert outcomes.count("done") == 1, outcomes
    assert all(isinstance(o, DomainError) for o in outcomes if o != "done"), outcomes
    assert InvestmentReport.objects.filter(project=project).count() == 1
    assert item_events(project).filter(action="investment_reported").count() == 1
