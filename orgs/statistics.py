"""Figures of the org tree and its people, in the statistics registry.

Registered at import; ``OrgsConfig.ready()`` imports this module. The definitions are
the home page's (``orgs.selectors.scope_summary``), so both show the same numbers.
Orgs and people are the register as it stands: it keeps no dated history, so ``as_of``
and the campaign do not change these figures.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from core.statistics import StatsScope, register
from orgs.choices import MemberCategory, OrgKind
from orgs.models import Org, User


def org_figures(*, scope: StatsScope) -> dict[str, Any]:
    """Orgs by kind, people, party members by category: three aggregate queries."""
    orgs = Org.objects.filter(scope.within("path", any_role=True))
    org_counts = orgs.aggregate(total=Count("pk"), active=Count("pk", filter=Q(is_active=True)))
    by_kind = dict(orgs.values_list("kind").annotate(n=Count("pk")).order_by())
    # For the whole tree ``within`` asks only for a home org (``StatsScope.covers_all``).
    people = User.objects.filter(scope.within("home_org__path"))
    # Counted on the columns of the (home_org, is_party_member, member_category) index, not
    # the id it does not hold, so PostgreSQL can read the index alone.
    people_counts = people.aggregate(
        total=Count("*"),
        members=Count("member_category", filter=Q(is_party_member=True)),
        **{value: Count("member_category", filter=Q(member_category=value)) for value in MemberCategory.values},
    )
    return {
        "orgs": org_counts["total"],
        "active_orgs": org_counts["active"],
        "orgs_by_kind": {kind: by_kind.get(kind, 0) for kind in OrgKind.values},
        "people": people_counts["total"],
        "party_members": people_counts["members"],
        "members_by_category": {value: people_counts[value] for value in MemberCategory.values},
    }


register("orgs", org_figures)
