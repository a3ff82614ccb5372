"""Reads of the org tree and people, always starting from ``visible_to``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from core.scoping import minimal_prefixes, subtree_q
from orgs.choices import PEOPLE_LISTING_ROLES, MemberCategory, OrgKind
from orgs.models import Org, RoleGrant, User, grant_paths


def scope_choices(user: Any) -> list[Org]:
    """The top orgs of the user's grants, for the scope picker (one query)."""
    prefixes = minimal_prefixes(grant_paths(user))
    if prefixes == [""]:
        return list(Org.objects.get_root_nodes())
    return list(Org.objects.filter(path__in=prefixes).order_by("path"))


def orgs_visible(*, user: Any, scope: Org | None = None) -> QuerySet[Org]:
    """Orgs the user sees, narrowed to the picked scope."""
    orgs = Org.objects.visible_to(user)
    if scope is not None:
        orgs = orgs.filter(subtree_q([scope.path], field="path"))
    return orgs


def org_children(*, user: Any, org: Org) -> QuerySet[Org]:
    """Visible children of ``org``, each with how many children it has in turn."""
    return orgs_visible(user=user).filter(subtree_q([org.path], field="path"), depth=org.depth + 1).order_by("path")


def org_top_nodes(*, user: Any, scope: Org | None = None) -> QuerySet[Org]:
    """The roots of what the user sees: the granted orgs themselves (or the scope)."""
    if scope is not None:
        return Org.objects.filter(pk=scope.pk)
    prefixes = minimal_prefixes(grant_paths(user))
    if prefixes == [""]:
        return Org.objects.get_root_nodes()
    return Org.objects.filter(path__in=prefixes).order_by("path")


def people_visible(*, user: Any, scope: Org | None = None) -> QuerySet[User]:
    """People the user sees, narrowed to the picked scope, ready for a list page."""
    people = User.objects.visible_to(user).select_related("home_org")
    if scope is not None:
        people = people.filter(subtree_q([scope.path], field="home_org__path"))
    return people


def people_listed(*, user: Any, scope: Org | None = None) -> QuerySet[User]:
    """People the org pages list to ``user``: those it reads (``people_visible``) and,
    for a security administrator, the people of its subtree (name, org and roles only:
    the pages hide their account data, and it reads no items)."""
    people = User.objects.filter(
        subtree_q(grant_paths(user, PEOPLE_LISTING_ROLES), field="home_org__path")
    ).select_related("home_org")
    if scope is not None:
        people = people.filter(subtree_q([scope.path], field="home_org__path"))
    return people


def grants_of(person: User) -> QuerySet[RoleGrant]:
    return person.grants.select_related("org").order_by("org__path", "role")


def scope_summary(*, user: Any, scope: Org | None = None) -> dict[str, Any]:
    """The home page's counts for the user's scope: the org figures of the statistics
    registry (``orgs.statistics.org_figures``), so the page, the API and ``manage.py
    stats`` count alike and share one plan (a province's whole tree is counted without a
    path test)."""
    from core.statistics import StatsScope
    from orgs.statistics import org_figures

    today = timezone.localdate()
    figures = org_figures(
        scope=StatsScope(user=user, org=scope, campaign=None, as_of=today, period_start=today, period_end=today)
    )
    by_category = figures["members_by_category"]
    return {
        "orgs": {"total": figures["orgs"], "active": figures["active_orgs"]},
        "orgs_by_kind": [
            (OrgKind(kind).label, count) for kind, count in sorted(figures["orgs_by_kind"].items()) if count
        ],
        "people": {"total": figures["people"], "members": figures["party_members"]},
        "members_by_category": [(label, by_category[value]) for value, label in MemberCategory.choices],
    }
