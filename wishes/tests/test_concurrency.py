"""Twenty members claim one wish at the same instant: exactly one claimant.

Real threads with their own connections: PostgreSQL, or the file-based SQLite test
database of ``taizhang.settings_test``.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from core.errors import Conflict
from core.models import Event
from core.testing.factories import person_with_role
from wishes import services
from wishes.choices import WishStatus
from wishes.models import MicroProject, Wish
from wishes.tests.factories import wish_create

CLAIMANTS = 20

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _needs_real_concurrency():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("needs PostgreSQL or a SQLite test database in a file (see taizhang/settings_test.py)")


def _race(moves):
    barrier = threading.Barrier(len(moves))
    outcomes: list[object] = [None] * len(moves)

    def act(index, move):
        try:
            barrier.wait(timeout=30)
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
        thread.join(timeout=120)
    return outcomes


def test_twenty_concurrent_claims_have_one_claimant(tree):
    members = [person_with_role("member", tree.grid_a, username=f"racer{n}") for n in range(CLAIMANTS)]
    wish = wish_create(community=tree.community_a)

    def claim(member):
        # As the page does: the member saw the wish waiting on the wall.
        return lambda: services.item_claim(
            item=Wish.objects.get(pk=wish.pk), acting_user=member, expected_status=WishStatus.POSTED
        )

    outcomes = _race([claim(member) for member in members])
    winners = [index for index, outcome in enumerate(outcomes) if outcome == "done"]
    assert len(winners) == 1, outcomes
    others = [outcome for outcome in outcomes if outcome != "done" and not isinstance(outcome, Conflict)]
    assert not others, others
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED
    assert wish.owner == members[winners[0]]
    assert Event.objects.filter(object_id=wish.pk, action="claim").count() == 1


def test_concurrent_org_claims_of_a_micro_project_have_one_org(tree, people):
    from core.testing.factories import org_create

    orgs = [org_create(parent=tree.district, name=f"机关党支部{n}") for n in range(6)]
    clerks = [person_with_role("clerk", org, username=f"branch{n}") for n, org in enumerate(orgs)]
    project = services.project_create(community=tree.community_a, title="老旧小区加装扶手", acting_user=people.clerk_a)

    def claim(clerk, org):
        return lambda: services.item_claim(
            item=MicroProject.objects.get(pk=project.pk),
            acting_user=clerk,
            claimant_org=org,
            expected_status=WishStatus.POSTED,
        )

    outcomes = _race([claim(clerk, org) for clerk, org in zip(clerks, orgs, strict=True)])
    assert outcomes.count("done") == 1, outcomes
    project.refresh_from_db()
    assert project.claimant_org == orgs[outcomes.index("done")]
