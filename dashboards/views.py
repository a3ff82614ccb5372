"""The dashboard (领导驾驶舱) and the big screen (大屏): every registered panel for a scope."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.statistics import ScopeNotFound
from dashboards.selectors import PERIODS, PanelBlock, dashboard, dashboard_query
from orgs.choices import READING_ROLES
from orgs.permissions import has_any_role

# Seconds between two refreshes of the big screen.
SCREEN_REFRESH_SECONDS = 60


def _chart_entries(blocks: list[PanelBlock]) -> list[dict[str, Any]]:
    """Each panel with its charts given page-unique element ids (for ``json_script``)."""
    entries = []
    for number, block in enumerate(blocks):
        charts = [
            {"id": f"chart-{number}-{index}", "title": chart.title, "option": chart.option, "height": chart.height}
            for index, chart in enumerate(block.charts)
        ]
        entries.append({"block": block, "charts": charts})
    return entries


def _context(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_superuser and not has_any_role(request.user, READING_ROLES):
        raise PermissionDenied
    try:
        query = dashboard_query(
            user=request.user,
            params=request.GET,
            scope_org=request.scope_org,  # type: ignore[attr-defined]
        )
    except ScopeNotFound as problem:
        raise Http404 from problem
    from campaigns.selectors import campaigns_visible

    blocks, counted_at = dashboard(query.scope)
    return {
        "query": query,
        "scope": query.scope,
        "panels": _chart_entries(blocks),
        "periods": PERIODS,
        "campaigns": campaigns_visible(user=request.user),
        "generated_at": timezone.localtime(counted_at),
    }


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """Totals, rates, breakdowns, the weekly trend, overdue by unit and the 红黑榜."""
    return render(request, "dashboards/dashboard.html", _context(request))


@login_required
def screen_page(request: HttpRequest) -> HttpResponse:
    """The same figures on a dark page for a meeting-room display, refreshed every minute."""
    context = _context(request)
    context["refresh_seconds"] = SCREEN_REFRESH_SECONDS
    return render(request, "dashboards/screen.html", context)
