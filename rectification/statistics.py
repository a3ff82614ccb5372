"""Figures of the ledger (一台账两清单): problems, measures, special drives, inspections.

Registered in the statistics registry at import; ``RectificationConfig.ready()`` imports
this module. Every figure is an aggregate in the database, a fixed number of queries
whatever the number of rows (twelve), each narrowed to the scope's org subtree.

"As of" a date: items created later are left out, and an item closed later counts as
open (being rectified) on that date. Statuses in between (closure requested) are not
kept with dates, so a past date shows an open item's status of today.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Substr, TruncDate, TruncWeek
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone

from campaigns.models import Channel
from core.scoping import PATH_STEP, minimal_prefixes, narrow_prefixes, subtree_q
from core.statistics import StatsScope, register, share
from orgs.models import Org
from rectification.choices import ClosureKind, ItemStatus, ProblemLevel
from rectification.models import (
    ALL_ROWS_BROAD_DEPTH,
    Domain,
    Inspection,
    InspectionFinding,
    LedgerDayTally,
    LedgerTally,
    Measure,
    Problem,
    ProblemSourceTally,
    SpecialRectification,
)
from rectification.tallies import TALLY_DEPTH

NOT_FIXED_KINDS = [kind for kind in ClosureKind.values if kind != ClosureKind.RECTIFIED]


def _closed_by(moment: Any) -> Q:
    """Closed before ``moment``. A closed item without a closing time counts as closed."""
    return Q(status=ItemStatus.CLOSED) & (Q(closed_at__isnull=True) | Q(closed_at__lt=moment))


def _open_at(moment: Any) -> Q:
    """Created before ``moment`` and not closed by then."""
    return Q(created_at__lt=moment) & (~Q(status=ItemStatus.CLOSED) | Q(closed_at__gte=moment))


def _item_counts(items: QuerySet, *, scope: StatsScope, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The counts problems and measures share, in one aggregate query.

    ``items`` is already narrowed to the scope and to rows created by ``as_of``.
    """
    as_of, end = scope.as_of, scope.as_of_end
    closed = _closed_by(end)
    still_open = ~Q(status=ItemStatus.CLOSED) | Q(closed_at__gte=end)  # status is never null
    rectified = closed & Q(closure_kind=ClosureKind.RECTIFIED)
    start_at, end_at = scope.period_start_at, scope.period_end_at
    # The deadline first set: an extension moves ``deadline`` and keeps this one.
    first_deadline = Coalesce("original_deadline", "deadline")
    closed_on = TruncDate("closed_at")  # the local date, in the installation's time zone
    counts = items.aggregate(
        total=Count("pk"),
        # Closed after ``as_of``: it was still being rectified then, as far as we know.
        status_rectifying=Count(
            "pk", filter=Q(status=ItemStatus.RECTIFYING) | Q(status=ItemStatus.CLOSED, closed_at__gte=end)
        ),
        status_closure_requested=Count("pk", filter=Q(status=ItemStatus.CLOSURE_REQUESTED)),
        status_closed=Count("pk", filter=closed),
        closed=Count("pk", filter=closed),
        rectified=Count("pk", filter=rectified),
        closed_without_fix=Count("pk", filter=closed & ~Q(closure_kind=ClosureKind.RECTIFIED)),
        **{f"kind_{kind}": Count("pk", filter=closed & Q(closure_kind=kind)) for kind in NOT_FIXED_KINDS},
        overdue=Count("pk", filter=still_open & Q(deadline__lt=as_of)),
        overdue_original=Count("pk", filter=still_open & Q(LessThan(first_deadline, as_of))),
        closed_late=Count("pk", filter=closed & Q(GreaterThan(closed_on, F("deadline")))),
        closed_late_original=Count("pk", filter=closed & Q(GreaterThan(closed_on, first_deadline))),
        extended=Count("pk", filter=Q(original_deadline__isnull=False, deadline__gt=F("original_deadline"))),
        period_added=Count("pk", filter=Q(created_at__gte=start_at, created_at__lt=end_at)),
        period_closed=Count("pk", filter=closed & Q(closed_at__gte=start_at, closed_at__lt=end_at)),
        period_rectified=Count("pk", filter=rectified & Q(closed_at__gte=start_at, closed_at__lt=end_at)),
        period_open_at_start=Count("pk", filter=_open_at(start_at)),
        period_open_at_end=Count("pk", filter=_open_at(end_at)),
        **(extra or {}),
    )
    return _figures_from(counts)


def _figures_from(counts: dict[str, Any]) -> dict[str, Any]:
    """The shared figures from the counts, whether counted live or read from the roll-ups."""
    figures: dict[str, Any] = {
        "total": counts["total"],
        "by_status": {status: counts[f"status_{status}"] for status in ItemStatus.values},
        "open": counts["total"] - counts["closed"],
        "closed": counts["closed"],
        "rectified": counts["rectified"],
        "closed_without_fix": counts["closed_without_fix"],
        "closed_without_fix_by_kind": {kind: counts[f"kind_{kind}"] for kind in NOT_FIXED_KINDS},
        "closure_rate": share(counts["rectified"], counts["total"]),
        "overdue": counts["overdue"],
        "overdue_against_original_deadline": counts["overdue_original"],
        "closed_late": counts["closed_late"],
        "closed_late_against_original_deadline": counts["closed_late_original"],
        "deadline_extended": counts["extended"],
        "period": {
            "added": counts["period_added"],
            "closed": counts["period_closed"],
            "rectified": counts["period_rectified"],
            "open_at_start": counts["period_open_at_start"],
            "open_at_end": counts["period_open_at_end"],
        },
    }
    return figures | {"_counts": counts}


def _within(scope: StatsScope) -> Q:
    """Problems and measures test their own ``org_path`` (no join to the org tree)."""
    return scope.within("org_path", broad_depth=ALL_ROWS_BROAD_DEPTH)


def _problems(scope: StatsScope) -> QuerySet[Problem]:
    problems = Problem.objects.filter(_within(scope), created_at__lt=scope.as_of_end)
    if scope.campaign is not None:
        problems = problems.filter(campaign=scope.campaign)
    return problems


# --- Roll-ups ---------------------------------------------------------------------------
# Today's figures of a province, city or district come from the roll-ups the triggers keep
# (``rectification.tallies``): the same numbers as the live counts (a test compares them
# after random sequences of changes), read from a few hundred rows instead of counted over
# a million. A past date, or a scope below the roll-ups' depth, is counted live.


def tally_nodes(scope: StatsScope) -> list[str] | None:
    """The roll-up nodes whose sum is the scope, or ``None`` where it must be counted live:
    a date other than today, a subtree below ``TALLY_DEPTH``, or items dated after today
    (a clock set back), which the live count leaves out."""
    # Asked by each figure of one scope (problems, measures, units, the trend): once.
    cached = scope.__dict__.get("_tally_nodes", _UNSET)
    if cached is _UNSET:
        cached = _tally_nodes(scope)
        object.__setattr__(scope, "_tally_nodes", cached)
    return cached


_UNSET = object()


def _tally_nodes(scope: StatsScope) -> list[str] | None:
    if scope.as_of != timezone.localdate():
        return None
    if scope.user is None:
        reach = [""]
    else:
        from orgs.choices import READING_ROLES
        from orgs.models import grant_paths

        reach = minimal_prefixes(grant_paths(scope.user, READING_ROLES))
    prefixes = reach if scope.org is None else narrow_prefixes(reach, scope.org.path)
    if "" in prefixes:
        prefixes = list(Org.objects.filter(depth=1).values_list("path", flat=True))
    if any(len(path) > TALLY_DEPTH * PATH_STEP for path in prefixes):
        return None
    later = LedgerDayTally.objects.filter(node__in=prefixes, day__gt=scope.as_of)
    if scope.campaign is not None:
        later = later.filter(campaign_id=scope.campaign.pk)
    if later.exclude(added=0, closed=0, rectified=0, shut=0).exists():
        return None
    return prefixes


def _tallied(model: type, *, kind: str | None, nodes: list[str], scope: StatsScope) -> QuerySet:
    rows = model.objects.filter(node__in=nodes)
    if kind is not None:
        rows = rows.filter(kind=kind)
    if scope.campaign is not None:
        rows = rows.filter(campaign_id=scope.campaign.pk)
    return rows


def _sum(value: str, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(value, filter=condition), 0)


TALLY_KINDS = {"rectification.problem": "p", "rectification.measure": "m"}


def tallied_open_counts(model: type, scope: StatsScope, conditions: dict[str, Q]) -> dict[str, int] | None:
    """Open problems or measures of ``scope`` counted per named condition on
    ``open_deadline`` (the deadline in force of an open item; closed items carry the
    latest date), from the roll-ups; ``None`` where the scope must be counted live. For
    supervision's warning levels: at a province the live count joined 80,000 open items
    to the org tree (4.5 s on SQLite, bench)."""
    kind = TALLY_KINDS.get(model._meta.label_lower)
    nodes = tally_nodes(scope) if kind is not None else None
    if nodes is None:
        return None
    rows = _tallied(LedgerTally, kind=kind, nodes=nodes, scope=scope)
    return rows.aggregate(**{name: _sum("n", condition) for name, condition in conditions.items()})


def _tally_counts(kind: str, nodes: list[str], scope: StatsScope) -> dict[str, Any]:
    """The counts of ``_item_counts`` (and the problems' extras) from the roll-ups, in two
    queries."""
    as_of, start, end = scope.as_of, scope.period_start, scope.period_end
    closed = Q(status=ItemStatus.CLOSED)
    counts = _tallied(LedgerTally, kind=kind, nodes=nodes, scope=scope).aggregate(
        total=_sum("n"),
        **{f"status_{status}": _sum("n", Q(status=status)) for status in ItemStatus.values},
        closed=_sum("n", closed),
        rectified=_sum("n", closed & Q(closure_kind=ClosureKind.RECTIFIED)),
        closed_without_fix=_sum("n", closed & ~Q(closure_kind=ClosureKind.RECTIFIED)),
        **{f"kind_{kind}": _sum("n", closed & Q(closure_kind=kind)) for kind in NOT_FIXED_KINDS},
        overdue=_sum("n", Q(open_deadline__lt=as_of)),
        overdue_original=_sum("n", Q(open_first_deadline__lt=as_of)),
        closed_late=_sum("n", Q(closed_late=1)),
        closed_late_original=_sum("n", Q(closed_late_original=1)),
        extended=_sum("n", Q(extended=1)),
        **{f"level_{level}": _sum("n", Q(level=level)) for level in ProblemLevel.values},
        immediate_count=_sum("n", Q(immediate=1)),
        immediate_closed_count=_sum("n", Q(immediate=1) & closed),
    )
    days = _tallied(LedgerDayTally, kind=kind, nodes=nodes, scope=scope).aggregate(
        period_added=_sum("added", Q(day__gte=start, day__lte=end)),
        period_closed=_sum("closed", Q(day__gte=start, day__lte=end)),
        period_rectified=_sum("rectified", Q(day__gte=start, day__lte=end)),
        added_before=_sum("added", Q(day__lt=start)),
        shut_before=_sum("shut", Q(day__lt=start)),
        added_by_end=_sum("added", Q(day__lte=end)),
        shut_by_end=_sum("shut", Q(day__lte=end)),
    )
    counts["period_added"] = days["period_added"]
    counts["period_closed"] = days["period_closed"]
    counts["period_rectified"] = days["period_rectified"]
    # Open when the day began: added before it, not closed before it (an item "shuts" on
    # the later of the days it was added and closed).
    counts["period_open_at_start"] = days["added_before"] - days["shut_before"]
    counts["period_open_at_end"] = days["added_by_end"] - days["shut_by_end"]
    return counts


def _tally_by_name(nodes: list[str], scope: StatsScope, column: str, model: type) -> tuple[dict[str, int], int]:
    rows = (
        _tallied(ProblemSourceTally, kind=None, nodes=nodes, scope=scope)
        .values_list(column)
        .annotate(total=Sum("n"))
        .order_by()
    )
    by_id = {pk: n for pk, n in rows if n}
    names = dict(model.objects.filter(pk__in=[pk for pk in by_id if pk]).values_list("pk", "name"))
    counted: dict[str, int] = {}
    for pk, n in by_id.items():
        if pk:
            counted[names[pk]] = counted.get(names[pk], 0) + n
    return dict(sorted(counted.items())), by_id.get(0, 0)


def _by_name(items: QuerySet, field: str) -> tuple[dict[str, int], int]:
    """Counts per related name (channel, domain), and the count of rows without one."""
    rows = items.values_list(field).annotate(n=Count("pk")).order_by(field)
    counts = dict(rows)
    return {name: n for name, n in counts.items() if name is not None}, counts.get(None, 0)


# How many weeks the trend of added and closed problems covers, ending with the week of
# ``as_of`` (weeks start on Monday).
TREND_WEEKS = 12


def _reporting_units(scope: StatsScope) -> list[Org]:
    """The units a scope's figures are broken down by: the children of its base org.

    The base is the picked org; without one, the single topmost org the user sees (the
    installer: the single root). Where the user sees several separate subtrees, those
    subtrees are the units.
    """
    base = scope.org
    if base is None:
        if scope.user is None:
            tops = list(Org.objects.filter(depth=1).order_by("path"))
        else:
            from orgs.choices import READING_ROLES
            from orgs.models import grant_paths

            paths = minimal_prefixes(grant_paths(scope.user, READING_ROLES))
            tops = list(Org.objects.filter(path__in=paths).order_by("path"))
        if len(tops) != 1:
            return tops
        base = tops[0]
    children = Org.objects.filter(subtree_q([base.path], field="path"), depth=base.depth + 1)
    return list(children.order_by("path"))


def unit_figures(scope: StatsScope) -> list[dict[str, Any]]:
    """Problems per reporting unit (each unit's whole subtree), in one grouped query.

    Rates as elsewhere: rectified / total. ``overdue`` are open items past the deadline
    in force on ``as_of``. Units without problems are listed with zeros.
    """
    units = _reporting_units(scope)
    if not units:
        return []
    length = len(units[0].path)
    same_depth = all(len(unit.path) == length for unit in units)
    closed = _closed_by(scope.as_of_end)
    still_open = ~Q(status=ItemStatus.CLOSED) | Q(closed_at__gte=scope.as_of_end)
    counted: dict[str, dict[str, int]] = {}
    nodes = tally_nodes(scope)
    tallied = nodes is not None and all(
        len(unit.path) <= TALLY_DEPTH * PATH_STEP and any(unit.path.startswith(node) for node in nodes)
        for unit in units
    )
    if tallied:
        rows = (
            _tallied(LedgerTally, kind="p", nodes=[unit.path for unit in units], scope=scope)
            .values("node")
            .annotate(
                total=_sum("n"),
                closed=_sum("n", Q(status=ItemStatus.CLOSED)),
                rectified=_sum("n", Q(status=ItemStatus.CLOSED, closure_kind=ClosureKind.RECTIFIED)),
                overdue=_sum("n", Q(open_deadline__lt=scope.as_of)),
            )
            .order_by()
        )
        counted = {row["node"]: row for row in rows}
    elif same_depth:
        rows = (
            _problems(scope)
            .filter(subtree_q_for(units))
            .annotate(unit_path=Substr("org_path", 1, length))
            .values("unit_path")
            .annotate(
                total=Count("pk"),
                closed=Count("pk", filter=closed),
                rectified=Count("pk", filter=closed & Q(closure_kind=ClosureKind.RECTIFIED)),
                overdue=Count("pk", filter=still_open & Q(deadline__lt=scope.as_of)),
            )
            .order_by()
        )
        counted = {row["unit_path"]: row for row in rows}
    else:  # separate subtrees at different depths: one query per unit
        for unit in units:
            counted[unit.path] = (
                _problems(scope)
                .filter(subtree_q_for([unit]))
                .aggregate(
                    total=Count("pk"),
                    closed=Count("pk", filter=closed),
                    rectified=Count("pk", filter=closed & Q(closure_kind=ClosureKind.RECTIFIED)),
                    overdue=Count("pk", filter=still_open & Q(deadline__lt=scope.as_of)),
                )
            )
    result = []
    for unit in units:
        row = counted.get(unit.path) or {}
        total = row.get("total", 0)
        closed_count = row.get("closed", 0)
        rectified_count = row.get("rectified", 0)
        result.append(
            {
                "org": unit.code,
                "org_name": unit.name,
                "total": total,
                "open": total - closed_count,
                "closed": closed_count,
                "rectified": rectified_count,
                "overdue": row.get("overdue", 0),
                "closure_rate": share(rectified_count, total),
            }
        )
    return result


def subtree_q_for(units: list[Org]) -> Q:
    return subtree_q([unit.path for unit in units], field="org_path", broad_depth=ALL_ROWS_BROAD_DEPTH)


def weekly_trend(scope: StatsScope, *, weeks: int = TREND_WEEKS) -> list[dict[str, Any]]:
    """Problems added and closed per week, for the ``weeks`` weeks up to ``as_of`` (two queries)."""
    last_monday = scope.as_of - datetime.timedelta(days=scope.as_of.weekday())
    first_monday = last_monday - datetime.timedelta(weeks=weeks - 1)
    start = timezone.make_aware(datetime.datetime.combine(first_monday, datetime.time.min))
    nodes = tally_nodes(scope)
    if nodes is not None:
        added_by_week: dict[datetime.date, int] = {}
        closed_by_week: dict[datetime.date, int] = {}
        rows = (
            _tallied(LedgerDayTally, kind="p", nodes=nodes, scope=scope)
            .filter(day__gte=first_monday, day__lte=scope.as_of)
            .values_list("day")
            .annotate(added=Sum("added"), closed=Sum("closed"))
            .order_by()
        )
        for day, added_n, closed_n in rows:
            monday = day - datetime.timedelta(days=day.weekday())
            added_by_week[monday] = added_by_week.get(monday, 0) + added_n
            closed_by_week[monday] = closed_by_week.get(monday, 0) + closed_n
        return _weeks(first_monday, weeks, added_by_week, closed_by_week)
    problems = _problems(scope)
    added = dict(
        problems.filter(created_at__gte=start)
        .annotate(week=TruncWeek("created_at"))
        .values_list("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    closed = dict(
        problems.filter(_closed_by(scope.as_of_end), closed_at__gte=start)
        .annotate(week=TruncWeek("closed_at"))
        .values_list("week")
        .annotate(n=Count("pk"))
        .order_by()
    )

    def by_day(counts: dict[Any, int]) -> dict[datetime.date, int]:
        out: dict[datetime.date, int] = {}
        for week, n in counts.items():
            day = timezone.localtime(week).date() if isinstance(week, datetime.datetime) else week
            out[day] = out.get(day, 0) + n
        return out

    return _weeks(first_monday, weeks, by_day(added), by_day(closed))


def _weeks(
    first_monday: datetime.date,
    weeks: int,
    added_by_week: dict[datetime.date, int],
    closed_by_week: dict[datetime.date, int],
) -> list[dict[str, Any]]:
    return [
        {
            "week_start": (monday := first_monday + datetime.timedelta(weeks=i)).isoformat(),
            "added": added_by_week.get(monday, 0),
            "closed": closed_by_week.get(monday, 0),
        }
        for i in range(weeks)
    ]


def problem_figures(scope: StatsScope) -> dict[str, Any]:
    """Problems: the shared counts, by level, channel and domain, and 立行立改 (three queries)."""
    nodes = tally_nodes(scope)
    if nodes is not None:
        figures = _figures_from(_tally_counts("p", nodes, scope))
        counts = figures.pop("_counts")
        by_channel, without_channel = _tally_by_name(nodes, scope, "channel_id", Channel)
        by_domain, without_domain = _tally_by_name(nodes, scope, "domain_id", Domain)
    else:
        problems = _problems(scope)
        figures = _item_counts(
            problems,
            scope=scope,
            extra={
                **{f"level_{level}": Count("pk", filter=Q(level=level)) for level in ProblemLevel.values},
                "immediate_count": Count("pk", filter=Q(immediate=True)),
                "immediate_closed_count": Count("pk", filter=Q(immediate=True) & _closed_by(scope.as_of_end)),
            },
        )
        counts = figures.pop("_counts")
        by_channel, without_channel = _by_name(problems, "channel__name")
        by_domain, without_domain = _by_name(problems, "domain__name")
    return {
        **figures,
        "by_level": {level: counts[f"level_{level}"] for level in ProblemLevel.values},
        "by_channel": by_channel,
        "without_channel": without_channel,
        "by_domain": by_domain,
        "without_domain": without_domain,
        "immediate": counts["immediate_count"],
        "immediate_closed": counts["immediate_closed_count"],
        "by_unit": unit_figures(scope),
        "weekly": weekly_trend(scope),
    }


def measure_figures(scope: StatsScope) -> dict[str, Any]:
    """Measures, scoped by their own unit, counted by the level of their problem (one query).

    The campaign is the problem's: a measure's own campaign column is optional.
    """
    nodes = tally_nodes(scope)
    if nodes is not None:
        figures = _figures_from(_tally_counts("m", nodes, scope))
        counts = figures.pop("_counts")
        return {**figures, "by_level": {level: counts[f"level_{level}"] for level in ProblemLevel.values}}
    measures = Measure.objects.filter(_within(scope), created_at__lt=scope.as_of_end)
    if scope.campaign is not None:
        measures = measures.filter(problem__campaign=scope.campaign)
    figures = _item_counts(
        measures,
        scope=scope,
        extra={f"level_{level}": Count("pk", filter=Q(problem__level=level)) for level in ProblemLevel.values},
    )
    counts = figures.pop("_counts")
    return {**figures, "by_level": {level: counts[f"level_{level}"] for level in ProblemLevel.values}}


def special_rectification_figures(scope: StatsScope) -> dict[str, Any]:
    """Special drives (专项整治) led by a department in scope, and each drive's progress.

    A drive is counted where its leading department is; its progress counts all of the
    drive's problems, wherever their units are, because the leading department answers
    for the whole drive. Progress = rectified problems / problems (three queries).
    """
    drives = SpecialRectification.objects.filter(scope.within("org__path"), created_at__lt=scope.as_of_end)
    if scope.campaign is not None:
        drives = drives.filter(campaign=scope.campaign)
    totals = drives.aggregate(
        total=Count("pk"),
        leading_departments=Count("org", distinct=True),
        domains=Count("domain", distinct=True),
        **{f"level_{level}": Count("pk", filter=Q(level=level)) for level in ProblemLevel.values},
    )
    rows = list(
        drives.order_by("name", "pk").values("pk", "name", "level", "status", "org__code", "org__name", "domain__name")
    )
    # Each drive's problems counted apart from the drives (one grouped query walking the
    # index that leads with the drive): joining drives to problems let the planner read
    # the whole problem table at province scale (1.75 s of the root's statistics, bench).
    rectified = Q(status=ItemStatus.CLOSED, closure_kind=ClosureKind.RECTIFIED) & (
        Q(closed_at__isnull=True) | Q(closed_at__lt=scope.as_of_end)
    )
    progress = {
        drive: (listed, fixed)
        for drive, listed, fixed in Problem.objects.filter(
            special_rectification__in=[row["pk"] for row in rows], created_at__lt=scope.as_of_end
        )
        .values_list("special_rectification")
        # COUNT(*) and COUNT(status), not COUNT(id): the index holds no id, and PostgreSQL
        # reads the index alone (5 ms) only when the query asks for nothing else (110 ms).
        .annotate(listed=Count("*"), fixed=Count("status", filter=rectified))
        .order_by()
    }
    for row in rows:
        row["problem_count"], row["rectified_count"] = progress.get(row["pk"], (0, 0))
    return {
        "total": totals["total"],
        "by_level": {level: totals[f"level_{level}"] for level in ProblemLevel.values},
        "leading_departments": totals["leading_departments"],
        "domains": totals["domains"],
        "drives": [
            {
                "id": row["pk"],
                "name": row["name"],
                "level": row["level"],
                "status": row["status"],
                "org": row["org__code"],
                "org_name": row["org__name"],
                "domain": row["domain__name"],
                "problems": row["problem_count"],
                "rectified": row["rectified_count"],
                "progress": share(row["rectified_count"], row["problem_count"]),
            }
            for row in rows
        ],
    }


def inspection_figures(scope: StatsScope) -> dict[str, Any]:
    """Inspection rounds (督查) and their findings (two queries).

    A round counts where it was run from or where it inspected a unit, so a community
    sees the rounds that came to it. Findings count at the unit they were found in; a
    finding is fed back once it has a date (or a recipient without one) by ``as_of``.
    """
    rounds = Inspection.objects.filter(
        scope.within("org__path") | scope.within("units__path"), start_date__lte=scope.as_of
    )
    if scope.campaign is not None:
        rounds = rounds.filter(campaign=scope.campaign)
    findings = InspectionFinding.objects.filter(scope.within("org__path"), created_at__lt=scope.as_of_end)
    if scope.campaign is not None:
        findings = findings.filter(inspection__campaign=scope.campaign)
    fed_back = Q(fed_back_on__lte=scope.as_of) | Q(fed_back_on__isnull=True, fed_back_to__isnull=False)
    counts = findings.aggregate(
        findings=Count("pk"),
        fed_back=Count("pk", filter=fed_back),
        reexamination_orders=Count("pk", filter=Q(orders_reexamination=True)),
        units_reexamining=Count("org", distinct=True, filter=Q(orders_reexamination=True)),
        units_with_findings=Count("org", distinct=True),
    )
    return {
        "rounds": rounds.values("pk").distinct().count(),
        "findings": counts["findings"],
        "findings_fed_back": counts["fed_back"],
        "units_with_findings": counts["units_with_findings"],
        "reexamination_orders": counts["reexamination_orders"],
        "units_ordered_to_reexamine": counts["units_reexamining"],
    }


def ledger_figures(*, scope: StatsScope) -> dict[str, Any]:
    """Every figure of the ledger for ``scope``, in thirteen aggregate queries (and one to
    see whether the scope is the whole tree).

    ``closure_rate`` (of problems and of measures) is rectified / total: the
    denominator is every item listed by ``as_of``, open or closed, however it ended.
    Only items closed as rectified count above the line; an item closed as a duplicate,
    not actionable or explained leaves the rate where it was, neither raising it nor
    shrinking the denominator, so no unit can inflate its rate by closing what it did
    not fix. Rates are fractions (0.5 is 50%), ``None`` where nothing is listed.

    ``overdue`` compares open items with the deadline in force; the ``…_original_deadline``
    figures with the deadline first set, which an extension does not move.
    """
    return {
        "scope": scope.as_dict(),
        "problems": problem_figures(scope),
        "measures": measure_figures(scope),
        "special_rectifications": special_rectification_figures(scope),
        "inspections": inspection_figures(scope),
    }


register("rectification", ledger_figures)
