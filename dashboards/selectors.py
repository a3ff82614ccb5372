"""Reads of the dashboards: the scope asked for, and every panel drawn from its figures.

The figures come from the statistics registry (:mod:`core.statistics`), the same ones the
statistics API and ``manage.py stats`` give; each provider is asked once per page, and
one that fails leaves a short note in its panels instead of breaking the page.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.panels import Card, Chart, Panel, Table, panels
from core.statistics import StatsScope, build_scope, collect

logger = logging.getLogger(__name__)

PERIODS = {
    "this_week": gettext_lazy("This week"),
    "last_week": gettext_lazy("Last week"),
    "this_month": gettext_lazy("This month"),
    "last_month": gettext_lazy("Last month"),
    "custom": gettext_lazy("Custom period"),
}


def period_bounds(period: str, as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day of a named period around ``as_of`` (weeks start on Monday).

    "This" week or month runs up to ``as_of``; "last" ones are whole and end before it.
    """
    if period == "last_week":
        monday = as_of - datetime.timedelta(days=as_of.weekday() + 7)
        return monday, monday + datetime.timedelta(days=6)
    if period == "this_month":
        return as_of.replace(day=1), as_of
    if period == "last_month":
        last_day = as_of.replace(day=1) - datetime.timedelta(days=1)
        return last_day.replace(day=1), last_day
    return as_of - datetime.timedelta(days=as_of.weekday()), as_of


@dataclass
class DashboardQuery:
    """The scope the dashboard shows, and what the picker shows back."""

    scope: StatsScope
    period: str
    error: str = ""


def dashboard_query(*, user: Any, params: QueryDict, scope_org: Any) -> DashboardQuery:
    """The scope named by the page's parameters (``org``, ``campaign``, ``date``, ``period``,
    ``from``/``to`` for a custom period), defaulting to the org picked in the top bar.

    An org or campaign the user cannot see raises :class:`core.statistics.ScopeNotFound`;
    a malformed date keeps the org and campaign asked for with today's week, and says why.
    """
    org = params.get("org") or (scope_org.code if scope_org is not None else None)
    campaign = params.get("campaign") or None
    period = params.get("period") or "this_week"
    if period not in PERIODS:
        period = "this_week"
    try:
        scope = build_scope(user=user, org=org, campaign=campaign, date=params.get("date") or None)
        if period == "custom":
            scope = build_scope(
                user=user,
                org=org,
                campaign=campaign,
                date=scope.as_of,
                period_start=params.get("from") or None,
                period_end=params.get("to") or None,
            )
        else:
            start, end = period_bounds(period, scope.as_of)
            scope = build_scope(
                user=user, org=org, campaign=campaign, date=scope.as_of, period_start=start, period_end=end
            )
    except DomainError as problem:
        if problem.code == "not_found":
            raise
        try:  # keep the org and campaign asked for, with today's week
            fallback = build_scope(user=user, org=org, campaign=campaign, date=timezone.localdate())
        except DomainError as campaign_problem:  # the campaign itself was the problem
            if campaign_problem.code == "not_found":
                raise
            fallback = build_scope(user=user, org=org, date=timezone.localdate())
        return DashboardQuery(scope=fallback, period="this_week", error=problem.message)
    return DashboardQuery(scope=scope, period=period)


@dataclass
class PanelBlock:
    """One panel as drawn: its cards, charts and tables, or the note saying why not."""

    name: str
    title: str
    cards: list[Card] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    paragraph: str = ""
    note: str = ""


def safe_figures(scope: StatsScope, names: set[str]) -> tuple[dict[str, Any], set[str]]:
    """Each named provider's figures through the registry's :func:`collect`, one provider at
    a time so that one failing (or not installed) does not take the others with it.

    Returns the figures and the names of the providers that failed.
    """
    figures: dict[str, Any] = {}
    failed: set[str] = set()
    for name in sorted(names):
        try:
            figures.update(collect(scope, names=[name]))
        except Exception:
            logger.exception("Statistics provider %s failed for %s", name, scope.as_dict())
            failed.add(name)
    return figures, failed


def panel_blocks(figures: dict[str, Any], failed: set[str] = frozenset()) -> list[PanelBlock]:  # type: ignore[assignment]
    """Every registered panel drawn from ``figures``, in the registry's order.

    A panel whose provider gave nothing, or whose drawing raises, becomes a note.
    """
    blocks = []
    for panel in panels():
        block = PanelBlock(name=panel.name, title=str(panel.title))
        provided = figures.get(panel.provider)
        if provided is None:
            block.note = (
                _("These figures could not be counted just now; the error has been logged.")
                if panel.provider in failed
                else _("No figures are registered for this panel.")
            )
        else:
            try:
                _draw(panel, provided, block)
            except Exception:
                logger.exception("Dashboard panel %s failed", panel.name)
                block = PanelBlock(
                    name=panel.name,
                    title=str(panel.title),
                    note=_("This panel could not be drawn; the error has been logged."),
                )
        blocks.append(block)
    return blocks


def _draw(panel: Panel, provided: dict[str, Any], block: PanelBlock) -> None:
    block.cards = list(panel.cards(provided)) if panel.cards else []
    block.charts = list(panel.charts(provided)) if panel.charts else []
    block.tables = list(panel.tables(provided)) if panel.tables else []
    block.paragraph = panel.bulletin(provided) if panel.bulletin else ""


# How long the dashboard and the big screen reuse figures counted for the same scope: a
# meeting room's screens and a leader's reloads within the minute count once. Bulletins
# never reuse them (they take their own figures when drafted).
DEFAULT_CACHE_SECONDS = 60


def _cache_key(scope: StatsScope, names: set[str]) -> str:
    """The figures depend on the reader only through their reach (the subtrees where they
    hold a reading role), so two leaders of one street share an entry."""
    from orgs.choices import READING_ROLES
    from orgs.models import grant_paths

    reach = "*" if scope.user is None else ",".join(sorted(grant_paths(scope.user, READING_ROLES)))
    # The database's name too: processes sharing one cache may serve different databases
    # (test workers, a copy being checked beside the live one).
    database = str(connection.settings_dict.get("NAME", ""))
    raw = json.dumps([database, reach, scope.as_dict(), sorted(names)], sort_keys=True)
    return "dashboards:figures:" + hashlib.sha256(raw.encode()).hexdigest()


def dashboard_figures(scope: StatsScope, names: set[str]) -> tuple[dict[str, Any], set[str], datetime.datetime]:
    """:func:`safe_figures` reused for ``DASHBOARD_CACHE_SECONDS`` (0: counted every time);
    returns also when they were counted. A failed provider's note is kept as long."""
    seconds = getattr(settings, "DASHBOARD_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
    key = _cache_key(scope, names) if seconds else ""
    if key:
        kept = cache.get(key)
        if kept is not None:
            return kept["figures"], set(kept["failed"]), kept["counted_at"]
    figures, failed = safe_figures(scope, names)
    counted_at = timezone.now()
    if key:
        cache.set(key, {"figures": figures, "failed": sorted(failed), "counted_at": counted_at}, seconds)
    return figures, failed, counted_at


def dashboard(scope: StatsScope) -> tuple[list[PanelBlock], datetime.datetime]:
    """Every panel for ``scope``, and when its figures were counted: the providers the
    panels use, each asked once (or their figures of the last minute)."""
    figures, failed, counted_at = dashboard_figures(scope, {panel.provider for panel in panels()})
    return panel_blocks(figures, failed), counted_at
