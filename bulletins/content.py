"""What a bulletin says, computed from the data: its scope, figures, tables and prose.

Nothing here writes: the services store what :func:`compose` returns in
``Bulletin.figures`` (frozen) and the generated text in the editable sections.
Figures come from the statistics registry through the dashboards' per-provider
:func:`dashboards.selectors.safe_figures`, and the prose and tables from every registered
panel (:mod:`core.panels`), so the bulletin says what the dashboard shows for the same
scope, and apps that land later appear in it by registering panels.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bulletins.choices import BulletinKind
from core import calendar
from core.panels import panels
from core.statistics import StatsScope, build_scope
from dashboards.ledger_panels import month_day, ranked_units
from dashboards.selectors import panel_blocks, safe_figures

# The most overdue items a bulletin names; beyond it the bulletin says how many more.
OVERDUE_ITEMS_LIMIT = 300


def period_of(kind: str, as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    """A weekly bulletin covers Monday up to ``as_of``, a monthly one the 1st up to it."""
    if kind == BulletinKind.MONTH:
        return as_of.replace(day=1), as_of
    return as_of - datetime.timedelta(days=as_of.weekday()), as_of


def bulletin_scope(*, org: Any, campaign: Any, kind: str, as_of: datetime.date) -> StatsScope:
    """The statistics scope of a bulletin: the org's whole subtree, whoever reads it."""
    start, end = period_of(kind, as_of)
    return build_scope(
        user=None,
        org=org.code,
        campaign=campaign.pk if campaign is not None else None,
        date=as_of,
        period_start=start,
        period_end=end,
    )


def default_title(*, org: Any, kind: str, as_of: datetime.date) -> str:
    if kind == BulletinKind.MONTH:
        return _("%(org)s rectification work monthly bulletin (%(month)s)") % {
            "org": org.name,
            "month": _("%(year)s-%(month)s") % {"year": as_of.year, "month": as_of.month},
        }
    return _("%(org)s rectification work weekly bulletin") % {"org": org.name}


def _bulletin_cutoff(as_of: datetime.date) -> datetime.date:
    """Deadlines on or before this day are overdue by ESCALATE_BULLETIN_WORKING_DAYS working
    days or more on ``as_of``: the rule of the escalation ladder (supervision.warnings)."""
    try:
        from supervision.warnings import thresholds
    except ImportError:  # supervision not installed: the same rule, counted here
        day, found = as_of, 0
        while found < settings.ESCALATE_BULLETIN_WORKING_DAYS:
            if calendar.is_working_day(day):
                found += 1
            day -= datetime.timedelta(days=1)
        return day
    return thresholds(as_of).bulletin_cutoff


def overdue_items(scope: StatsScope) -> tuple[list[dict[str, Any]], int]:
    """Open problems of the scope overdue by the bulletin's threshold on ``as_of``, by unit.

    Returns the first :data:`OVERDUE_ITEMS_LIMIT` (by unit, then the oldest deadline) and
    how many there are in all. "Open" as the statistics count it: created by ``as_of``
    and not closed by its end.
    """
    from rectification.choices import ItemStatus
    from rectification.models import Problem

    end = scope.as_of_end
    cutoff = _bulletin_cutoff(scope.as_of)
    items = Problem.objects.filter(
        scope.within("org__path"),
        ~Q(status=ItemStatus.CLOSED) | Q(closed_at__gte=end),
        created_at__lt=end,
        deadline__lte=cutoff,
    )
    if scope.campaign is not None:
        items = items.filter(campaign=scope.campaign)
    count = items.count()
    rows = list(items.select_related("org", "owner").order_by("org__path", "deadline", "pk")[:OVERDUE_ITEMS_LIMIT])
    overdue_by = working_days_since(min((problem.deadline for problem in rows), default=scope.as_of), scope.as_of)
    return [
        {
            "id": problem.pk,
            "unit": problem.org.name,
            "unit_code": problem.org.code,
            "title": problem.title,
            "deadline": problem.deadline.isoformat(),
            "overdue_working_days": overdue_by(problem.deadline),
            "owner": problem.owner.get_full_name() if problem.owner is not None else "",
        }
        for problem in rows
    ], count


def working_days_since(first: datetime.date, today: datetime.date) -> Callable[[datetime.date], int]:
    """``deadline -> working days in (deadline, today]`` for deadlines from ``first`` on,
    as :func:`core.calendar.working_days_between` counts them, walking the calendar once
    for all the items instead of once per item."""
    working_after: dict[datetime.date, int] = {today: 0}
    day, count = today, 0
    while day > first:
        if calendar.is_working_day(day):
            count += 1
        day -= datetime.timedelta(days=1)
        working_after[day] = count
    return lambda deadline: working_after[deadline]


def compose(scope: StatsScope, *, scope_name: str) -> dict[str, Any]:
    """Everything a bulletin prints from data, JSON-ready, to be frozen in the bulletin."""
    statistics, failed = safe_figures(scope, {panel.provider for panel in panels()})
    blocks = panel_blocks(statistics, failed)
    items, item_count = overdue_items(scope)
    return {
        "scope": scope.as_dict() | {"name": scope_name},
        "statistics": statistics,
        "failed": sorted(failed),
        "paragraphs": [
            {"panel": block.name, "title": block.title, "text": block.paragraph} for block in blocks if block.paragraph
        ],
        "tables": [
            {"panel": block.name, "title": table.title, "columns": table.columns, "rows": table.rows}
            for block in blocks
            for table in block.tables
        ],
        "overdue_items": items,
        "overdue_item_count": item_count,
        "overdue_threshold_working_days": settings.ESCALATE_BULLETIN_WORKING_DAYS,
    }


def headline_text(figures: dict[str, Any]) -> str:
    """The first section: the scope and period, then every panel's paragraph."""
    scope = figures["scope"]
    opening = _("This bulletin covers %(org)s and the units under it, for %(start)s to %(end)s.") % {
        "org": scope["name"],
        "start": month_day(scope["period_start"]),
        "end": month_day(scope["period_end"]),
    }
    return "\n".join([opening, *(paragraph["text"] for paragraph in figures["paragraphs"])])


def _names(units: list[dict[str, Any]]) -> str:
    separator = "、" if (get_language() or "zh-hans").startswith("zh") else ", "
    return separator.join(unit["org_name"] for unit in units)


def analysis_text(figures: dict[str, Any]) -> str:
    """The second section: which units lead and lag, and how many items are named."""
    lines = []
    ledger = figures["statistics"].get("rectification")
    if ledger is not None:
        ranked = ranked_units(ledger)
        if ranked["best"]:
            lines.append(_("Units with the highest closure rate: %(units)s.") % {"units": _names(ranked["best"])})
        if ranked["worst"]:
            lines.append(_("Units with the lowest closure rate: %(units)s.") % {"units": _names(ranked["worst"])})
        if ranked["overdue"]:
            lines.append(_("Units with the most overdue problems: %(units)s.") % {"units": _names(ranked["overdue"])})
    count = figures["overdue_item_count"]
    if count:
        lines.append(
            _(
                "%(count)s problems are overdue by %(days)s working days or more; they are named below by unit "
                "and are to be rectified within a set time."
            )
            % {"count": count, "days": figures["overdue_threshold_working_days"]}
        )
    else:
        lines.append(
            _("No problem is overdue by %(days)s working days or more.")
            % {"days": figures["overdue_threshold_working_days"]}
        )
    return "\n".join(lines)


def requirements_text() -> str:
    """The third section, a starting point the supervisor rewrites for the week."""
    return _(
        "Every unit is to check its ledger item by item against the figures above, rectify overdue problems "
        "within a set time and report the result, and close problems only with evidence. Units named on the "
        "black list are to explain the causes in writing to the campaign office within three working days."
    )
