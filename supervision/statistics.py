"""Supervision's figures in the statistics registry and its dashboard panel: open items
by warning level (as of the scope's date) and the reminders sent in the period."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.panels import Card, Panel, register_panel
from core.statistics import StatsScope, register
from rectification.statistics import tallied_open_counts
from supervision.choices import WarningLevel
from supervision.models import Reminder
from supervision.warnings import level_filter, open_items, thresholds, tracked_models

LEVELS = (WarningLevel.YELLOW, WarningLevel.RED, WarningLevel.LEADER, WarningLevel.BULLETIN)


def supervision_figures(*, scope: StatsScope) -> dict[str, Any]:
    """Warned items by level, per kind of item and in total, and reminders in the period.

    One aggregate query per kind of tracked item, on open items inside the warning
    window only (the (status, deadline) index), whatever the size of the ledger.
    """
    limits = thresholds(scope.as_of)
    totals = dict.fromkeys(LEVELS, 0)
    by_kind: dict[str, dict[str, int]] = {}
    for model in tracked_models():
        # Problems and measures of a province, city, district or street: from the ledger's
        # roll-ups (the same counts), as its statistics are.
        counts = tallied_open_counts(
            model, scope, {level: level_filter(level, limits, field="open_deadline") for level in LEVELS}
        )
        if counts is None:
            items = open_items(model).filter(scope.within(), deadline__lte=limits.yellow_until)
            if scope.campaign is not None and any(f.name == "campaign" for f in model._meta.fields):
                items = items.filter(campaign=scope.campaign)
            counts = items.aggregate(**{level: Count("pk", filter=level_filter(level, limits)) for level in LEVELS})
        by_kind[model._meta.label_lower] = counts
        for level in LEVELS:
            totals[level] += counts[level]
    reminders = Reminder.objects.filter(
        scope.within(), date__gte=scope.period_start, date__lte=scope.period_end
    ).aggregate(total=Count("pk"), manual=Count("pk", filter=Q(kind="manual")))
    return {
        **totals,
        "overdue": totals[WarningLevel.RED] + totals[WarningLevel.LEADER] + totals[WarningLevel.BULLETIN],
        "by_kind": by_kind,
        "reminders": reminders["total"],
        "manual_reminders": reminders["manual"],
    }


def warning_cards(figures: dict[str, Any]) -> list[Card]:
    return [
        Card(_("Due soon (yellow)"), figures["yellow"], tone="warning"),
        Card(_("Overdue (red)"), figures["overdue"], tone="danger"),
        Card(_("Leader above told"), figures["leader"] + figures["bulletin"], tone="danger"),
        Card(_("Named in the bulletin"), figures["bulletin"], tone="danger"),
        Card(_("Reminders sent"), figures["reminders"], hint=_("in the period")),
    ]


def warning_paragraph(figures: dict[str, Any]) -> str:
    return _(
        "%(yellow)s items are due within days and %(overdue)s are overdue, %(bulletin)s of them long overdue "
        "and named here; %(reminders)s reminders were sent in the period."
    ) % {
        "yellow": figures["yellow"],
        "overdue": figures["overdue"],
        "bulletin": figures["bulletin"],
        "reminders": figures["reminders"],
    }


def register_all() -> None:
    register("supervision", supervision_figures)
    register_panel(
        Panel(
            name="supervision.warnings",
            provider="supervision",
            title=gettext_lazy("Warnings and reminders"),
            cards=warning_cards,
            bulletin=warning_paragraph,
            order=20,
        )
    )
