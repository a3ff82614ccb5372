"""Fixtures every app's tests share: a small org tree and one person per role."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from core.testing.browser import browser, page, phone_page  # noqa: F401  (shared fixtures)
from core.testing.factories import org_create, person_with_role
from orgs.choices import OrgKind
from orgs.models import Org, User

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse
# to run there without this (pytest-django's live_server runs the app in another thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Cached calendar years and the like must not leak from one test into the next."""
    from django.core.cache import cache

    from core import calendar

    cache.clear()
    calendar.forget_all()


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def _official_calendar(request: pytest.FixtureRequest) -> None:
    """The seeded official calendar, for every test that uses the database.

    The data migration seeds it once, but a transactional test (browser, concurrency)
    empties every table when it ends, and later tests on the same worker would find
    working days without holidays.
    """
    wants_db = request.node.get_closest_marker("django_db") or DB_FIXTURES & set(request.fixturenames)
    if not wants_db:
        return
    request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
    from core.models import CalendarDay, CalendarYear
    from core.official_calendar import seed

    seed(CalendarYear, CalendarDay)


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@dataclass
class Tree:
    """District → (department, street → (community A → grid, community B))."""

    district: Org
    department: Org
    street: Org
    community_a: Org
    community_b: Org
    grid_a: Org


@pytest.fixture
def tree(db) -> Tree:  # type: ignore[no-untyped-def]
    district = org_create(name="安康高新区", code="AK", kind=OrgKind.DISTRICT)
    department = org_create(parent=district, name="经济发展局", code="AK-JJ", kind=OrgKind.DEPARTMENT)
    street = org_create(parent=district, name="建民街道", code="AK-JM", kind=OrgKind.STREET)
    community_a = org_create(parent=street, name="现代城社区", code="AK-JM-XDC", kind=OrgKind.COMMUNITY)
    community_b = org_create(parent=street, name="居尚社区", code="AK-JM-JS", kind=OrgKind.COMMUNITY)
    grid_a = org_create(parent=community_a, name="现代城第一网格", code="AK-JM-XDC-01", kind=OrgKind.GRID)
    return Tree(
        district=Org.objects.get(pk=district.pk),
        department=Org.objects.get(pk=department.pk),
        street=Org.objects.get(pk=street.pk),
        community_a=Org.objects.get(pk=community_a.pk),
        community_b=Org.objects.get(pk=community_b.pk),
        grid_a=Org.objects.get(pk=grid_a.pk),
    )


@dataclass
class People:
    admin: User
    supervisor: User
    inspector: User
    leader: User
    street_clerk: User
    clerk_a: User
    clerk_b: User
    member_a: User


@pytest.fixture
def people(tree: Tree) -> People:
    return People(
        admin=person_with_role("admin", tree.district, username="admin"),
        supervisor=person_with_role("supervisor", tree.district, username="supervisor"),
        inspector=person_with_role("inspector", tree.district, username="inspector"),
        leader=person_with_role("leader", tree.street, username="leader"),
        street_clerk=person_with_role("clerk", tree.street, username="street_clerk"),
        clerk_a=person_with_role("clerk", tree.community_a, username="clerk_a"),
        clerk_b=person_with_role("clerk", tree.community_b, username="clerk_b"),
        member_a=person_with_role(
            "member", tree.grid_a, username="member_a", is_party_member=True, member_category="in_service"
        ),
    )
