"""The scoping contract every app's tests reuse.

Whatever a list shows — a selector's queryset, an API list, a page — the rule is the
same: a role held at the item's org or at a parent shows the item; a role held at a
sibling does not; no role at all shows nothing (or, for a page, refuses). Each app
states the rule once per list with these helpers instead of re-deriving it:

    def test_problems_are_scoped(db):
        assert_queryset_scoped(
            lambda user: problems_visible(user=user),
            make_item=lambda org: ProblemFactory(org=org),
        )

or, for a whole class of checks, mixes in :class:`ScopedQuerysetTests`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.test import Client

from core.testing.factories import UserFactory, org_create, person_with_role
from orgs.choices import OrgKind, Role
from orgs.models import Org, User

# What a page may answer someone who must not see it: forbidden, sent to log in, or
# "no such thing" (so that the existence of an item is not revealed).
REFUSED_PAGE_STATUSES = frozenset({302, 403, 404})


@dataclass
class ScopeCase:
    """An org with its parent and a sibling, and a person for each place a grant can sit."""

    parent: Org
    org: Org
    sibling: Org
    at_org: User
    at_parent: User
    at_sibling: User
    without_grant: User

    def expectations(self) -> list[tuple[str, User, bool]]:
        """(who, person, whether they see an item of ``org``) for each placement."""
        return [
            ("a grant at the item's org", self.at_org, True),
            ("a grant at the parent org", self.at_parent, True),
            ("a grant at a sibling org", self.at_sibling, False),
            ("no grant at all", self.without_grant, False),
        ]


def scope_case(*, role: str = Role.CLERK, org: Org | None = None) -> ScopeCase:
    """Build (or complete around ``org``) a parent with two children and four people.

    Without ``org`` a fresh tree is made: root → parent → (org, sibling). With ``org``
    its own parent is used and a new sibling is added beside it.
    """
    if org is None:
        root = org_create(kind=OrgKind.DISTRICT)
        parent = org_create(parent=root, kind=OrgKind.STREET)
        org = org_create(parent=parent, kind=OrgKind.COMMUNITY)
    else:
        found = Org.objects.get_parent(org)
        if found is None:
            raise ValueError("scope_case needs an org with a parent")
        parent = found
    sibling = org_create(parent=parent, kind=org.kind)
    org, parent, sibling = (Org.objects.get(pk=o.pk) for o in (org, parent, sibling))
    return ScopeCase(
        parent=parent,
        org=org,
        sibling=sibling,
        at_org=person_with_role(role, org, username=f"scope_{role}_{org.code}".lower()),
        at_parent=person_with_role(role, parent, username=f"scope_{role}_{parent.code}".lower()),
        at_sibling=person_with_role(role, sibling, username=f"scope_{role}_{sibling.code}".lower()),
        without_grant=UserFactory(home_org=org),
    )


def client_for(user: User | None) -> Client:
    """A test client logged in as ``user`` (anonymous for ``None``)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def keys_of(rows: Iterable[Any], *, key: str = "pk") -> set[Any]:
    """The ``key`` of each row: model instances, a queryset, or dicts from the API."""
    if isinstance(rows, models.QuerySet):
        return set(rows.values_list(key, flat=True))
    return {row[key] if isinstance(row, dict) else getattr(row, key) for row in rows}


def assert_queryset_scoped(
    read: Callable[[User], Iterable[Any]],
    *,
    make_item: Callable[[Org], Any],
    role: str = Role.CLERK,
    org: Org | None = None,
) -> ScopeCase:
    """Check the scoping contract on ``read(user)`` (a selector, a manager's ``visible_to``).

    ``make_item(org)`` creates one item owned by ``org``. A person without any grant
    must get nothing at all, not only "not this item".
    """
    case = scope_case(role=role, org=org)
    item = make_item(case.org)
    for who, user, visible in case.expectations():
        seen = keys_of(read(user))
        assert (item.pk in seen) is visible, f"{role} with {who}: expected {'visible' if visible else 'hidden'}"
    assert not keys_of(read(case.without_grant)), "a person without any grant must see nothing"
    return case


def api_rows(response: Any) -> list[dict[str, Any]]:
    """The rows of an API list answer, paginated or not."""
    body = response.json()
    return body["results"] if isinstance(body, dict) and "results" in body else body


def assert_api_list_scoped(
    url: str,
    *,
    make_item: Callable[[Org], Any],
    role: str = Role.CLERK,
    org: Org | None = None,
    key: str = "id",
    detail: bool = True,
) -> ScopeCase:
    """Check the scoping contract on an API list ``url`` (and its detail route).

    ``key`` is the item's attribute the API uses as its identifier (``id``, ``code``).
    The list must hold the item for a grant at its org or above, not for a grant at a
    sibling, and be empty without a grant; the detail answers 404 where the item is
    hidden, so that its existence is not revealed; anonymous callers are refused.
    """
    case = scope_case(role=role, org=org)
    item = make_item(case.org)
    identifier = getattr(item, key)
    list_url = f"{url}{'&' if '?' in url else '?'}page_size=500"
    detail_url = f"{url.split('?')[0]}{identifier}/"
    for who, user, visible in case.expectations():
        client = client_for(user)
        response = client.get(list_url)
        assert response.status_code == 200, f"{role} with {who}: {response.status_code} {response.content[:300]!r}"
        seen = keys_of(api_rows(response), key=key)
        assert (identifier in seen) is visible, f"{role} with {who}: expected {'listed' if visible else 'not listed'}"
        if detail:
            status = client.get(detail_url).status_code
            assert status == (200 if visible else 404), f"{role} with {who}: detail answered {status}"
    assert not api_rows(client_for(case.without_grant).get(list_url)), "no grant must list nothing"
    anonymous = client_for(None).get(list_url).status_code
    assert anonymous in {401, 403}, f"an anonymous caller got {anonymous}"
    return case


def assert_page_scoped(
    url: str,
    *,
    make_item: Callable[[Org], Any],
    text: Callable[[Any], str] = str,
    role: str = Role.CLERK,
    org: Org | None = None,
) -> ScopeCase:
    """Check the scoping contract on a page ``url`` that lists items.

    ``text(item)`` is what shows the item on the page (its title by default). Where the
    item is hidden, the page either leaves it out or refuses (403, 404 or a redirect);
    an anonymous visitor is refused.
    """
    case = scope_case(role=role, org=org)
    item = make_item(case.org)
    marker = text(item)
    for who, user, visible in case.expectations():
        response = client_for(user).get(url)
        if visible:
            assert response.status_code == 200, f"{role} with {who}: page answered {response.status_code}"
            assert marker in response.content.decode(), f"{role} with {who}: “{marker}” is not on the page"
        elif response.status_code not in REFUSED_PAGE_STATUSES:
            assert marker not in response.content.decode(), f"{role} with {who}: “{marker}” must not be shown"
    anonymous = client_for(None).get(url).status_code
    assert anonymous in REFUSED_PAGE_STATUSES, f"an anonymous visitor got {anonymous}"
    return case


class ScopedQuerysetTests:
    """Mix into a test class to get the scoping contract as separate tests.

    Define ``make_item(self, org)`` and ``read(self, user)``; set ``role`` if the list
    is meant for another role than the unit clerk.
    """

    role: str = Role.CLERK

    def make_item(self, org: Org) -> Any:
        raise NotImplementedError

    def read(self, user: User) -> Iterable[Any]:
        raise NotImplementedError

    def _sees(self, case: ScopeCase, user: User, item: Any) -> bool:
        return item.pk in keys_of(self.read(user))

    def test_grant_at_item_org_sees_it(self, db: Any) -> None:
        case = scope_case(role=self.role)
        assert self._sees(case, case.at_org, self.make_item(case.org))

    def test_grant_at_parent_sees_it(self, db: Any) -> None:
        case = scope_case(role=self.role)
        assert self._sees(case, case.at_parent, self.make_item(case.org))

    def test_grant_at_sibling_does_not_see_it(self, db: Any) -> None:
        case = scope_case(role=self.role)
        assert not self._sees(case, case.at_sibling, self.make_item(case.org))

    def test_no_grant_sees_nothing(self, db: Any) -> None:
        case = scope_case(role=self.role)
        self.make_item(case.org)
        assert not keys_of(self.read(case.without_grant))
