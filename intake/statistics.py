"""Figures of the public's suggestions for the statistics registry ("intake"), and their
dashboard panel and bulletin paragraph.

Counted by the community a submission came from (``community``), so a community's
figures include what it sent up; the community closure rate (办结率) is the share of the
answered submissions answered without leaving the community. Suggestions come in at any
time, not per campaign, so the scope's campaign does not narrow them. A fixed number of
aggregate queries, each narrowed to the scope's subtree.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.panels import Card, Chart, Panel, register_panel
from core.statistics import StatsScope, register, share
from intake.choices import IntakeChannel, SuggestionKind, SuggestionStatus
from intake.models import Suggestion
from intake.selectors import closure_rows


def intake_figures(*, scope: StatsScope) -> dict[str, Any]:
    """Received by channel and kind, routed, turned into problems, answered, duplicates,
    overdue replies, satisfaction (overall and per answering unit), closure rates."""
    end = scope.as_of_end
    within = scope.within("community__path")
    items = Suggestion.objects.filter(within, created_at__lt=end)
    answered = Q(answered_at__lt=end)
    figures: dict[str, Any] = items.aggregate(
        received=Count("pk"),
        received_in_period=Count(
            "pk", filter=Q(created_at__gte=scope.period_start_at, created_at__lt=scope.period_end_at)
        ),
        waiting_triage=Count("pk", filter=Q(status=SuggestionStatus.RECEIVED)),
        routed=Count("pk", filter=Q(routed_at__lt=end)),
        to_problem=Count("pk", filter=Q(problem__isnull=False)),
        answered=Count("pk", filter=answered),
        answered_in_community=Count("pk", filter=answered & Q(escalated=False)),
        duplicates=Count("pk", filter=Q(status=SuggestionStatus.DUPLICATE)),
        overdue=Count(
            "pk",
            filter=Q(status__in=(SuggestionStatus.RECEIVED, SuggestionStatus.ROUTED), deadline__lt=scope.as_of),
        ),
        rated=Count("pk", filter=Q(satisfied__isnull=False, rated_at__lt=end)),
        satisfied=Count("pk", filter=Q(satisfied=True, rated_at__lt=end)),
    )
    by_channel = dict(items.order_by().values_list("channel").annotate(n=Count("pk")))
    figures["by_channel"] = {code: by_channel.get(code, 0) for code in IntakeChannel.values}
    by_kind = dict(items.order_by().values_list("kind").annotate(n=Count("pk")))
    figures["by_kind"] = {code: by_kind.get(code, 0) for code in SuggestionKind.values}
    figures["closure_rate"] = share(figures["answered_in_community"], figures["answered"])
    figures["satisfaction_rate"] = share(figures["satisfied"], figures["rated"])
    figures["satisfaction_by_unit"] = [
        {
            "org": row["answered_by_org__code"],
            "name": row["answered_by_org__name"],
            "rated": row["rated"],
            "satisfied": row["satisfied"],
            "rate": share(row["satisfied"], row["rated"]),
        }
        for row in items.filter(satisfied__isnull=False, rated_at__lt=end, answered_by_org__isnull=False)
        .order_by()
        .values("answered_by_org__code", "answered_by_org__name")
        .annotate(rated=Count("pk"), satisfied=Count("pk", filter=Q(satisfied=True)))
        .order_by("answered_by_org__code")
    ]
    scoped = items.values("pk")
    rows_q = Q(pk__in=scoped)
    figures["closure_by_community"] = [_closure_row(row) for row in closure_rows(scope_q=rows_q)]
    figures["closure_by_street"] = [_closure_row(row) for row in closure_rows(scope_q=rows_q, group="street")]
    figures["scope"] = scope.as_dict()
    return figures


def _closure_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row[key] for key in ("name", "path", "received", "answered", "in_community", "rate")}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _cards(figures: dict[str, Any]) -> list[Card]:
    rate = figures["closure_rate"]
    return [
        Card(_("Submissions received"), figures["received"], unit=_("items")),
        Card(_("Routed to owners"), figures["routed"], unit=_("items")),
        Card(_("Turned into ledger problems"), figures["to_problem"], unit=_("items")),
        Card(
            _("Answered"),
            figures["answered"],
            unit=_("items"),
            hint=_("%(count)s repeats") % {"count": figures["duplicates"]},
        ),
        Card(
            _("Closed at community level"),
            _pct(rate),
            tone="" if rate is None else ("success" if rate >= 0.97 else "warning"),
        ),
        Card(
            _("Submitters satisfied"),
            _pct(figures["satisfaction_rate"]),
            hint=_("%(count)s rated") % {"count": figures["rated"]},
        ),
    ]


def _charts(figures: dict[str, Any]) -> list[Chart]:
    labels = dict(IntakeChannel.choices)
    option = {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "data": [{"name": str(labels[code]), "value": count} for code, count in figures["by_channel"].items()],
            }
        ],
    }
    return [Chart(_("Submissions by channel"), option)]


def _bulletin(figures: dict[str, Any]) -> str:
    return _(
        "The public sent %(received)s suggestions and requests through every channel; %(routed)s were routed to "
        "their owners, %(to_problem)s entered in the problem ledger and %(answered)s answered, %(rate)s of them "
        "closed at community level; %(satisfaction)s of the submitters who rated the answer were satisfied."
    ) % {
        "received": figures["received"],
        "routed": figures["routed"],
        "to_problem": figures["to_problem"],
        "answered": figures["answered"],
        "rate": _pct(figures["closure_rate"]),
        "satisfaction": _pct(figures["satisfaction_rate"]),
    }


register("intake", intake_figures)
register_panel(
    Panel(
        name="intake.summary",
        provider="intake",
        title=gettext_lazy("The public's voice"),
        order=41,
        cards=_cards,
        charts=_charts,
        bulletin=_bulletin,
    )
)
