"""Figures of key projects, key tasks and investment promotion, in the statistics
registry under "projects" (``ProjectsConfig.ready()`` imports this module).

Every figure is an aggregate in the database, narrowed by ``StatsScope.within`` to the
scope's org subtree; the number of queries is fixed (six) whatever the number of rows.

Completion (完成率) is the investment reported for the months of the year up to the date
of the figures over the annual plan of the same projects, per level and overall. It is
read from the monthly roll-up on each project's year (``InvestmentPlan.month_1`` …
``month_12``, kept by the services that write reports), one row per project. A project
is *behind plan* when what it has reported this year is below the share of its plan that
the months elapsed call for (序时进度: the return of a month is made after it ends, so by
a day in November ten twelfths are due).

Stages are as they stand today (the stage dates say when each was reached): "entered the
pipeline" and "completed" in the year or the period count the stage dates that fall in it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.lookups import LessThan

from core.statistics import StatsScope, register, share
from projects.choices import ProjectLevel, ProjectStage, PromotionKind, WorkStatus
from projects.models import Deal, DealFunding, InvestmentPlan, KeyProject, KeyTask, PromotionEvent, reported_through

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=18, decimal_places=4))


def months_due(as_of: datetime.date) -> int:
    """How many months of the year should have been reported by ``as_of`` (序时进度)."""
    return max(as_of.month - 1, 0)


def _amount(value: Any) -> str:
    """An amount in 万元 as JSON keeps it exactly (a string of the Decimal)."""
    return str((value or Decimal("0")).quantize(Decimal("0.01")))


def _ratio(done: Decimal | None, planned: Decimal | None) -> float | None:
    if not planned:
        return None
    return round(float((done or Decimal("0")) / planned), 4)


def _in(field: str, start: datetime.date, end: datetime.date) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lte": end})


def project_figures(*, scope: StatsScope) -> dict[str, Any]:
    """The figures of projects, tasks and promotion for ``scope``."""
    as_of = scope.as_of
    year = as_of.year
    year_start = datetime.date(year, 1, 1)
    period = (scope.period_start, scope.period_end)
    within = scope.within()

    projects = KeyProject.objects.filter(within, created_at__lt=scope.as_of_end)
    if scope.campaign is not None:
        projects = projects.filter(campaign=scope.campaign)
    counts = projects.aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(status=WorkStatus.CLOSED)),
        overdue=Count("pk", filter=Q(deadline__lt=as_of) & ~Q(status=WorkStatus.CLOSED)),
        **{f"level_{level}": Count("pk", filter=Q(level=level)) for level in ProjectLevel.values},
        **{f"stage_{stage}": Count("pk", filter=Q(stage=stage)) for stage in ProjectStage.values},
        pipeline_year=Count("pk", filter=_in("pipeline_date", year_start, as_of)),
        operation_year=Count("pk", filter=_in("operation_date", year_start, as_of)),
        construction_year=Count("pk", filter=_in("construction_date", year_start, as_of)),
        pipeline_period=Count("pk", filter=_in("pipeline_date", *period)),
        operation_period=Count("pk", filter=_in("operation_date", *period)),
    )

    # One pass over the projects' years (plan and monthly roll-up, one row per project):
    # planned, reported up to the month of the date, and how many are behind plan.
    due = months_due(as_of)
    done = reported_through(as_of.month)
    rows = (
        InvestmentPlan.objects.filter(year=year, amount__gt=0, project__in=projects)
        .order_by()
        .values("project__level")
        .annotate(
            planned=Sum("amount"),
            done=Sum(done),
            projects=Count("pk"),
            behind=Count("pk", filter=Q(LessThan(done * 12, F("amount") * due))),
        )
    )
    by_level: dict[str, dict[str, Any]] = {}
    planned_total = done_total = Decimal("0")
    behind_total = 0
    for row in rows:
        level = row["project__level"]
        planned, reported = row["planned"] or Decimal("0"), row["done"] or Decimal("0")
        planned_total += planned
        done_total += reported
        behind_total += row["behind"]
        by_level[level] = {
            "projects": row["projects"],
            "planned": _amount(planned),
            "done": _amount(reported),
            "completion": _ratio(reported, planned),
            "behind_plan": row["behind"],
        }
    for level in ProjectLevel.values:
        by_level.setdefault(
            level, {"projects": 0, "planned": "0.00", "done": "0.00", "completion": None, "behind_plan": 0}
        )

    tasks = KeyTask.objects.filter(within, year=year, created_at__lt=scope.as_of_end)
    if scope.campaign is not None:
        tasks = tasks.filter(campaign=scope.campaign)
    task_counts = tasks.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=WorkStatus.CLOSED)),
        overdue=Count("pk", filter=Q(deadline__lt=as_of) & ~Q(status=WorkStatus.CLOSED)),
    )

    promotions = PromotionEvent.objects.filter(within, date__gte=year_start, date__lte=as_of).aggregate(
        visits=Count("pk", filter=Q(kind=PromotionKind.VISIT)),
        events=Count("pk", filter=Q(kind=PromotionKind.EVENT)),
        visits_period=Count("pk", filter=Q(kind=PromotionKind.VISIT) & _in("date", *period)),
        events_period=Count("pk", filter=Q(kind=PromotionKind.EVENT) & _in("date", *period)),
    )
    deals = Deal.objects.filter(within, signed_date__gte=year_start, signed_date__lte=as_of).aggregate(
        signed=Count("pk"),
        amount=Sum("amount"),
        signed_period=Count("pk", filter=_in("signed_date", *period)),
    )
    funds = DealFunding.objects.filter(
        scope.within("deal__org__path"), year=year, month__lte=as_of.month, deal__signed_date__lte=as_of
    ).aggregate(year_total=Sum("amount"))

    return {
        "year": year,
        "projects": {
            "total": counts["total"],
            "closed": counts["closed"],
            "overdue": counts["overdue"],
            "by_level": {level: counts[f"level_{level}"] for level in ProjectLevel.values},
            "by_stage": {stage: counts[f"stage_{stage}"] for stage in ProjectStage.values},
            "entered_pipeline_year": counts["pipeline_year"],
            "started_construction_year": counts["construction_year"],
            "completed_year": counts["operation_year"],
            "entered_pipeline_period": counts["pipeline_period"],
            "completed_period": counts["operation_period"],
        },
        "investment": {
            "months_due": due,
            "planned": _amount(planned_total),
            "done": _amount(done_total),
            "completion": _ratio(done_total, planned_total),
            "behind_plan": behind_total,
            "by_level": by_level,
        },
        "tasks": {
            "total": task_counts["total"],
            "done": task_counts["done"],
            "overdue": task_counts["overdue"],
            "done_share": share(task_counts["done"], task_counts["total"]),
        },
        "promotion": {
            "visits": promotions["visits"],
            "events": promotions["events"],
            "visits_period": promotions["visits_period"],
            "events_period": promotions["events_period"],
            "deals_signed": deals["signed"],
            "deals_signed_period": deals["signed_period"],
            "deal_amount": _amount(deals["amount"]),
            "funds_in_place": _amount(funds["year_total"]),
        },
    }


register("projects", project_figures)
