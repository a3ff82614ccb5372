"""Reads of suggestions, always scoped: the lists, the similar earlier submissions a
triager is shown, the proposed owner, and the community closure rate (办结率)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from core.scoping import ancestor_paths, subtree_q
from intake import similarity
from intake.choices import SuggestionStatus
from intake.models import Suggestion
from orgs.choices import OrgKind
from orgs.models import Org

# How many recent items of the same street are compared with a new one.
CANDIDATES = 500


def suggestions_visible(*, user: Any, scope: Any = None) -> QuerySet[Suggestion]:
    suggestions = Suggestion.objects.visible_to(user)
    if scope is not None:
        suggestions = suggestions.filter(
            subtree_q([scope.path], field="org__path") | subtree_q([scope.path], field="community__path")
        )
    return suggestions.select_related("org", "community")


def _area(suggestion: Suggestion) -> Org:
    """The street (or the community's parent) whose recent items are compared."""
    community = suggestion.community
    parent = Org.objects.filter(path=community.path[:-4]).first() if len(community.path) > 4 else None
    return parent if parent is not None else community


def _candidates(suggestion: Suggestion) -> list[Suggestion]:
    area = _area(suggestion)
    # The latest items of the area, newest first, through the community index.
    return list(
        Suggestion.objects.filter(community__path__gte=area.path, community__path__lt=area.path + "~")
        .exclude(pk=suggestion.pk)
        .filter(created_at__lte=suggestion.created_at)
        .select_related("org", "answered_by_org")
        .only("pk", "title", "content", "status", "query_code", "created_at", "org", "answered_by_org", "community_id")
        .order_by("-created_at", "-id")[:CANDIDATES]
    )


def similar_earlier(suggestion: Suggestion, *, limit: int = 5) -> list[similarity.Match]:
    """Earlier submissions of the same street that read much the same (possible repeats)."""
    return similarity.most_similar(
        suggestion.content,
        _candidates(suggestion),
        text_of=lambda item: item.content,
        limit=limit,
        threshold=similarity.DUPLICATE_THRESHOLD,
    )


def owner_proposals(suggestion: Suggestion, *, limit: int = 3) -> list[similarity.Proposal]:
    """Owner orgs Taizhang proposes, best first, each with its reasons in words."""
    routed = [
        item
        for item in _candidates(suggestion)
        if item.status in (SuggestionStatus.ROUTED, SuggestionStatus.ANSWERED, SuggestionStatus.PROBLEM)
    ]
    neighbours = similarity.most_similar(
        suggestion.content,
        routed,
        text_of=lambda item: item.content,
        limit=similarity.NEIGHBOURS,
        threshold=similarity.ROUTING_THRESHOLD,
    )
    # Departments of the district above the community: the top of its ancestors' subtree.
    top = ancestor_paths(suggestion.community.path)[0]
    departments = list(
        Org.objects.filter(path__gte=top, path__lt=top + "~", kind=OrgKind.DEPARTMENT, is_active=True).only(
            "pk", "name", "short_name", "path", "code"
        )
    )
    proposals = similarity.propose_owner(
        text=suggestion.content,
        routed_neighbours=neighbours,
        owner_of=lambda item: item.answered_by_org or item.org,
        departments=departments,
        mention_reason=lambda org: _("the text names %(org)s") % {"org": org.name},
        keyword_reason=lambda words, org: (
            _("the text speaks of %(words)s, which %(org)s usually handles")
            % {"words": "、".join(words), "org": org.name}
        ),
        neighbour_reason=lambda count, org: (
            _("%(count)s similar earlier submissions went to %(org)s") % {"count": count, "org": org.name}
        ),
    )
    return proposals[:limit]


def closure_rows(*, scope_q: Q, group: str = "community") -> list[dict[str, Any]]:
    """Per community (or street): requests received, answered, answered without leaving
    the community, and that share (办结率 at community level). Duplicates are left out.

    ``scope_q`` narrows by ``community__path``. Grouping by street reads the street as the
    community's parent path (one level up), so it stays one grouped query.
    """
    base = Suggestion.objects.filter(scope_q).exclude(status=SuggestionStatus.DUPLICATE)
    rows = (
        base.order_by()
        .values("community_id", "community__name", "community__path")
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=Q(status=SuggestionStatus.ANSWERED)),
            in_community=Count("pk", filter=Q(status=SuggestionStatus.ANSWERED, escalated=False)),
        )
        .order_by("community__path")
    )
    result = [
        {
            "org_id": row["community_id"],
            "name": row["community__name"],
            "path": row["community__path"],
            "received": row["received"],
            "answered": row["answered"],
            "in_community": row["in_community"],
        }
        for row in rows
    ]
    if group == "street":
        parents = {row["path"][:-4] for row in result}
        names = dict(Org.objects.filter(path__in=parents).values_list("path", "name"))
        grouped: dict[str, dict[str, Any]] = {}
        for row in result:
            parent = row["path"][:-4]
            entry = grouped.setdefault(
                parent,
                {
                    "org_id": None,
                    "name": names.get(parent, ""),
                    "path": parent,
                    "received": 0,
                    "answered": 0,
                    "in_community": 0,
                },
            )
            for key in ("received", "answered", "in_community"):
                entry[key] += row[key]
        result = sorted(grouped.values(), key=lambda row: row["path"])
    for row in result:
        row["rate"] = round(row["in_community"] / row["answered"], 4) if row["answered"] else None
    return result
