"""Reads of key projects, key tasks and promotion, always starting from ``visible_to``."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import DecimalField, F, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils.translation import gettext as _

from core.models import Event
from core.scoping import subtree_q
from projects.choices import WorkStatus
from projects.models import (
    Deal,
    DealFunding,
    InvestmentPlan,
    InvestmentReport,
    KeyProject,
    KeyTask,
    Milestone,
    PromotionEvent,
    TeamMember,
    reported_through,
)

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=18, decimal_places=4))


def _narrow(queryset: QuerySet, scope: Any) -> QuerySet:
    return queryset.filter(subtree_q([scope.path], field="org__path")) if scope is not None else queryset


def projects_visible(*, user: Any, scope: Any = None) -> QuerySet[KeyProject]:
    """Key projects the user sees, narrowed to the picked scope."""
    return _narrow(KeyProject.objects.visible_to(user), scope).select_related("org", "leader", "owner")


def with_investment(projects: QuerySet[KeyProject], *, year: int, month: int = 12) -> QuerySet[KeyProject]:
    """Add the year's plan (``planned``, ``None`` without one) and what was reported up to
    ``month`` (``done``), read from the project's year row (unique on project and year),
    so a page of projects costs one query."""
    years = InvestmentPlan.objects.filter(project=OuterRef("pk"), year=year)
    planned = years.filter(amount__gt=0).values("amount")[:1]
    done = years.annotate(done=reported_through(month)).values("done")[:1]
    return projects.annotate(planned=Subquery(planned), done=Coalesce(Subquery(done), ZERO))


def projects_behind_plan(
    projects: QuerySet[KeyProject], *, year: int, month: int, months_due: int
) -> QuerySet[InvestmentPlan]:
    """The years (``InvestmentPlan``) of projects under way whose investment reported up
    to ``month`` is below the share of their plan due after ``months_due`` months (序时进度),
    furthest behind first, each with ``done`` and its ``project`` (and org) joined.

    Read from the project's year row, one per project, not from the monthly reports."""
    done = reported_through(month)
    return (
        InvestmentPlan.objects.filter(year=year, amount__gt=0, project__in=projects.order_by().values("pk"))
        .filter(project__status=WorkStatus.UNDER_WAY)
        .annotate(done=done)
        .filter(LessThan(done * 12, F("amount") * months_due))
        .select_related("project__org")
        .order_by(done / F("amount"), "id")
    )


def completion(project: Any) -> float | None:
    """``done / planned`` of a project annotated by :func:`with_investment`."""
    planned = getattr(project, "planned", None)
    return round(float(project.done / planned), 4) if planned else None


def project_detail(*, user: Any, pk: int) -> KeyProject | None:
    """One visible project with its team, milestones, plans and reports."""
    return (
        KeyProject.objects.visible_to(user)
        .select_related("org", "leader", "owner", "campaign")
        .prefetch_related(
            Prefetch("members", queryset=TeamMember.objects.select_related("person")),
            Prefetch("milestones", queryset=Milestone.objects.order_by("deadline", "id")),
            Prefetch("plans", queryset=InvestmentPlan.objects.order_by("year")),
            Prefetch(
                "reports", queryset=InvestmentReport.objects.select_related("reported_by").order_by("year", "month")
            ),
        )
        .filter(pk=pk)
        .first()
    )


def investment_curve(project: KeyProject, *, year: int) -> dict[str, Any]:
    """An ECharts option: monthly investment as bars, cumulative against the plan's
    even monthly line (序时进度), for ``year``. Uses the prefetched plans and reports."""
    plan = next((p.amount for p in project.plans.all() if p.year == year), None)
    monthly = [Decimal("0")] * 12
    reported = [False] * 12
    for report in project.reports.all():
        if report.year == year:
            monthly[report.month - 1] = report.amount
            reported[report.month - 1] = True
    cumulative: list[float | None] = []
    running = Decimal("0")
    last = max((index for index, seen in enumerate(reported) if seen), default=-1)
    for index, amount in enumerate(monthly):
        running += amount
        cumulative.append(float(running) if index <= last else None)
    months = [_("Month %(month)s") % {"month": month} for month in range(1, 13)]
    series: list[dict[str, Any]] = [
        {
            "name": _("Invested in the month"),
            "type": "bar",
            "data": [float(m) if reported[i] else None for i, m in enumerate(monthly)],
        },
        {"name": _("Invested this year"), "type": "line", "data": cumulative},
    ]
    if plan:
        series.append(
            {
                "name": _("Due by the plan"),
                "type": "line",
                "lineStyle": {"type": "dashed"},
                "data": [round(float(plan) * month / 12, 2) for month in range(1, 13)],
            }
        )
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "xAxis": {"type": "category", "data": months},
        "yAxis": {"type": "value", "name": _("10,000 yuan")},
        "series": series,
    }


def item_timeline(item: Any) -> QuerySet[Event]:
    """The events of one project, task, promotion or deal, newest first."""
    return (
        Event.objects.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def tasks_visible(*, user: Any, scope: Any = None) -> QuerySet[KeyTask]:
    return _narrow(KeyTask.objects.visible_to(user), scope).select_related("org", "leader", "owner")


def promotions_visible(*, user: Any, scope: Any = None) -> QuerySet[PromotionEvent]:
    return _narrow(PromotionEvent.objects.visible_to(user), scope).select_related("org", "leader")


def deals_visible(*, user: Any, scope: Any = None) -> QuerySet[Deal]:
    """Deals with the funds in place so far (``funds``), one query for a page."""
    funds = (
        DealFunding.objects.filter(deal=OuterRef("pk")).order_by().values("deal").annotate(total=Sum("amount"))
    ).values("total")
    return (
        _narrow(Deal.objects.visible_to(user), scope)
        .select_related("org", "manager", "promotion")
        .annotate(funds=Coalesce(Subquery(funds), ZERO))
    )


def current_month(today: datetime.date) -> tuple[int, int]:
    """The month a return is normally made for on ``today``: the one just ended."""
    if today.month == 1:
        return today.year - 1, 12
    return today.year, today.month - 1
