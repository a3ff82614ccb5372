"""Reads of wishes and micro-projects, always scoped.

Office staff see the items of their subtree (``visible_to``). Members hold their grant at a
grid, below the community that owns the wall, so they also see the wall of every community
above their grants (ancestor paths are string prefixes: one ``IN`` on the path index) and
what they claimed themselves. Clerks and leaders of any org see the micro-projects still
waiting for an org, and those their org has claimed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from core.scoping import ancestor_paths, subtree_q
from core.services import item_attachments, item_events
from orgs.models import grant_paths
from wishes.choices import WishStatus
from wishes.models import CLAIMING_ROLES, ORG_CLAIMING_ROLES, MicroProject, Wish


def wishes_visible(*, user: Any, scope: Any = None) -> QuerySet[Wish]:
    """Wishes ``user`` may see: their subtree's, their communities' walls, their own claims."""
    member_paths = list(grant_paths(user, CLAIMING_ROLES))
    if getattr(user, "is_party_member", False) and getattr(user, "home_org_id", None):
        member_paths.append(user.home_org.path)
    above = {ancestor for path in member_paths for ancestor in ancestor_paths(path)}
    query = Wish.objects.visible_to(user).values("pk")
    wishes = Wish.objects.filter(Q(pk__in=query) | Q(org__path__in=above) | Q(owner_id=user.pk))
    if scope is not None:
        wishes = wishes.within(scope)
    return wishes.select_related("org", "owner")


def projects_visible(*, user: Any, scope: Any = None) -> QuerySet[MicroProject]:
    """Micro-projects of ``user``'s subtree, those their orgs claimed, and those waiting."""
    org_paths = grant_paths(user, ORG_CLAIMING_ROLES)
    query = Q(pk__in=MicroProject.objects.visible_to(user).values("pk"))
    if org_paths:
        query |= subtree_q(org_paths, field="claimant_org__path") | Q(status=WishStatus.POSTED)
    projects = MicroProject.objects.filter(query)
    if scope is not None:
        projects = projects.within(scope)
    return projects.select_related("org", "owner", "claimant_org")


def status_counts(items: QuerySet) -> dict[str, int]:
    """Items per status, for the tabs above a list (one grouped query)."""
    rows = items.order_by().values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    counts["all"] = sum(counts.values())
    return counts


def public_wall(*, community: Any, limit: int = 60) -> QuerySet[Wish]:
    """The community's wall for the public: waiting and recent wishes, no personal data
    (templates show only the masked name)."""
    return (
        Wish.objects.within(community)
        .exclude(status=WishStatus.WITHDRAWN)
        .annotate(
            waiting=Case(When(status=WishStatus.POSTED, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("waiting", "-created_at")
        .only("pk", "title", "beneficiary", "status", "created_at", "submitter_name", "org_id")[:limit]
    )


def item_timeline(item: Any) -> QuerySet:
    return item_events(item)


def item_photos(item: Any) -> QuerySet:
    return item_attachments(item)
