"""Figures of micro-wishes and micro-projects for the statistics registry ("wishes"), and
their dashboard panel and bulletin paragraph.

A handful of aggregate queries whatever the number of rows, each narrowed to the scope's
org subtree. Wishes belong to communities rather than to a campaign (residents post them
at any time), so the scope's campaign does not narrow them. "As of" a date: items posted
later are left out; an item's status is today's (claims and confirmations keep their
times, so those counts are as of the date too).
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Event
from core.panels import Card, Chart, Panel, register_panel
from core.statistics import StatsScope, register, share
from wishes.choices import WishStatus
from wishes.models import MicroProject, Wish


def _counts(model: Any, *, scope: StatsScope) -> dict[str, Any]:
    end = scope.as_of_end
    items = model.objects.filter(scope.within(), created_at__lt=end)
    claimed_by_then = Q(claimed_at__lt=end)
    figures = items.aggregate(
        posted=Count("pk"),
        waiting=Count("pk", filter=Q(status=WishStatus.POSTED) | Q(claimed_at__gte=end)),
        claimed=Count("pk", filter=claimed_by_then),
        fulfilled=Count("pk", filter=Q(fulfilled_at__lt=end)),
        confirmed=Count("pk", filter=Q(confirmed_at__lt=end)),
        withdrawn=Count("pk", filter=Q(status=WishStatus.WITHDRAWN)),
        overdue=Count("pk", filter=Q(status=WishStatus.CLAIMED, deadline__lt=scope.as_of)),
        posted_in_period=Count(
            "pk", filter=Q(created_at__gte=scope.period_start_at, created_at__lt=scope.period_end_at)
        ),
        confirmed_in_period=Count(
            "pk", filter=Q(confirmed_at__gte=scope.period_start_at, confirmed_at__lt=scope.period_end_at)
        ),
        rated=Count("pk", filter=Q(rating__isnull=False, confirmed_at__lt=end)),
        rating_average=Avg("rating", filter=Q(rating__isnull=False, confirmed_at__lt=end)),
    )
    # Time from posting to the claim that stuck (the current one), averaged in the database.
    wait = items.filter(claimed_by_then).aggregate(
        wait=Avg(ExpressionWrapper(F("claimed_at") - F("created_at"), output_field=DurationField()))
    )["wait"]
    figures["days_to_claim"] = round(wait.total_seconds() / 86400, 1) if wait is not None else None
    if figures["rating_average"] is not None:
        figures["rating_average"] = round(figures["rating_average"], 2)
    figures["claim_rate"] = share(figures["claimed"], figures["posted"] - figures["withdrawn"])
    figures["fulfil_rate"] = share(figures["confirmed"], figures["claimed"])
    figures["lapsed"] = Event.objects.filter(
        scope.within(),
        content_type=ContentType.objects.get_for_model(model),
        action="lapse",
        created_at__lt=end,
    ).count()
    return figures


def wish_figures(*, scope: StatsScope) -> dict[str, Any]:
    """Wishes posted, claimed, fulfilled, confirmed, days to claim and ratings; the same
    for micro-projects; and wishes per community (the ten with most)."""
    end = scope.as_of_end
    by_community = list(
        Wish.objects.filter(scope.within(), created_at__lt=end)
        .order_by()
        .values("org__code", "org__name")
        .annotate(
            posted=Count("pk"),
            claimed=Count("pk", filter=Q(claimed_at__lt=end)),
            confirmed=Count("pk", filter=Q(confirmed_at__lt=end)),
        )
        .order_by("-posted", "org__code")[:10]
    )
    return {
        "scope": scope.as_dict(),
        "wishes": _counts(Wish, scope=scope),
        "projects": _counts(MicroProject, scope=scope),
        "by_community": [
            {
                "org": row["org__code"],
                "name": row["org__name"],
                "posted": row["posted"],
                "claimed": row["claimed"],
                "confirmed": row["confirmed"],
            }
            for row in by_community
        ],
    }


def _cards(figures: dict[str, Any]) -> list[Card]:
    wishes, projects = figures["wishes"], figures["projects"]
    days = wishes["days_to_claim"]
    return [
        Card(_("Wishes posted"), wishes["posted"], unit=_("items")),
        Card(
            _("Wishes claimed"),
            wishes["claimed"],
            unit=_("items"),
            hint=_("claim rate %(rate)s") % {"rate": _pct(wishes["claim_rate"])},
        ),
        Card(_("Wishes fulfilled and confirmed"), wishes["confirmed"], unit=_("items"), tone="success"),
        Card(_("Waiting on the wall"), wishes["waiting"], unit=_("items"), tone="warning" if wishes["waiting"] else ""),
        Card(_("Average days to claim"), "—" if days is None else days, unit=_("days")),
        Card(
            _("Micro-projects claimed by orgs"),
            projects["claimed"],
            unit=_("items"),
            hint=_("%(done)s confirmed") % {"done": projects["confirmed"]},
        ),
    ]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _charts(figures: dict[str, Any]) -> list[Chart]:
    rows = figures["by_community"]
    option = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Posted"), _("Claimed"), _("Confirmed")]},
        "xAxis": {"type": "category", "data": [row["name"] for row in rows]},
        "yAxis": {"type": "value"},
        "series": [
            {"name": _("Posted"), "type": "bar", "data": [row["posted"] for row in rows]},
            {"name": _("Claimed"), "type": "bar", "data": [row["claimed"] for row in rows]},
            {"name": _("Confirmed"), "type": "bar", "data": [row["confirmed"] for row in rows]},
        ],
    }
    return [Chart(_("Micro-wishes by community"), option)]


def _bulletin(figures: dict[str, Any]) -> str:
    wishes, projects = figures["wishes"], figures["projects"]
    return _(
        "Residents posted %(posted)s micro-wishes; party members claimed %(claimed)s and %(confirmed)s have been "
        "fulfilled and confirmed, %(waiting)s still wait on the walls. Agencies' party groups claimed "
        "%(projects_claimed)s livelihood micro-projects, %(projects_confirmed)s of them completed."
    ) % {
        "posted": wishes["posted"],
        "claimed": wishes["claimed"],
        "confirmed": wishes["confirmed"],
        "waiting": wishes["waiting"],
        "projects_claimed": projects["claimed"],
        "projects_confirmed": projects["confirmed"],
    }


register("wishes", wish_figures)
register_panel(
    Panel(
        name="wishes.summary",
        provider="wishes",
        title=gettext_lazy("Micro-wishes and micro-projects"),
        order=40,
        cards=_cards,
        charts=_charts,
        bulletin=_bulletin,
    )
)
