"""Reads of the ledger, always starting from ``visible_to``."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.models import Attachment, Event
from rectification import search
from rectification.choices import ItemStatus
from rectification.models import (
    ALL_ROWS_BROAD_DEPTH,
    BROAD_DEPTH,
    SEARCH_BROAD_DEPTH,
    LedgerTally,
    Measure,
    Problem,
    ProgressReport,
)

# The list's filters the roll-ups can answer; any other one set means counting live.
TALLIED_FILTERS = frozenset({"campaign", "level", "status", "overdue", "immediate"})


def problems_visible(
    *, user: Any, scope: Any = None, broad_depth: int = BROAD_DEPTH, searched: bool = False
) -> QuerySet[Problem]:
    """Problems the user sees, narrowed to the picked scope, ready for the ledger list.

    ``broad_depth`` says how the rows will be read (``rectification.models``): one page in
    the ledger's order (``BROAD_DEPTH``), a page of a text search (``SEARCH_BROAD_DEPTH``)
    or every row, to count or export them (``ALL_ROWS_BROAD_DEPTH``). ``searched``: a
    text search through its index will narrow them (``search.indexed``), which finds the
    subtree too (``LedgerItemQuerySet.visible_to``)."""
    # Org and campaign fetched for the page apart (small queries by primary key), not
    # inner-joined: such a join lets SQLite start from the org tree and lose the page's
    # index. The optional ones are outer joins, which keep the problems first.
    problems = Problem.objects.visible_to(user, broad_depth=broad_depth, searched=searched)
    optional = ("owner", "channel", "domain", "special_rectification")
    if searched:
        # PostgreSQL expects a handful of rows from a search (it takes the words, the
        # substring test and the hidden scope for independent) and would join these to
        # every match before sorting: 4,864 rows joined four times in a city (90 ms, bench).
        problems = problems.prefetch_related("org", "campaign", *optional)
    else:
        problems = problems.select_related(*optional).prefetch_related("org", "campaign")
    if scope is not None:
        problems = problems.within(scope, broad_depth=broad_depth, searched=searched)
    # No per-row measure counts here: grouping a million problems by their measures to
    # keep fifty rows cost 23 s at province scope (bench). ``with_measure_counts`` adds
    # them to the page's rows afterwards, in one small query.
    return problems


def ledger_filterset(data: Any, *, user: Any, scope: Any = None, every_row: bool = False) -> Any:
    """The ledger's filters (``ProblemFilterSet``) over the problems the user sees in the
    picked scope, planned for how the rows will be read: one page, in the ledger's order
    or a text search's, or every row (``every_row``: counting, exporting). The list page,
    its tab counts, the Excel export all start here."""
    from rectification.filters import ProblemFilterSet

    text = (data.get("q") or "").strip()
    depth = BROAD_DEPTH
    if every_row:
        depth = ALL_ROWS_BROAD_DEPTH
    elif text:
        depth = SEARCH_BROAD_DEPTH
    base = problems_visible(user=user, scope=scope, broad_depth=depth, searched=search.indexed(text))
    return ProblemFilterSet(data, queryset=base, user=user, scope=scope, every_row=every_row)


def with_measure_counts(problems: list[Problem]) -> list[Problem]:
    """Set ``measure_count`` and ``measures_closed`` on a page of problems (one query)."""
    counts = {
        row["problem_id"]: row
        for row in Measure.objects.filter(problem_id__in=[p.pk for p in problems])
        .values("problem_id")
        .annotate(total=Count("pk"), closed=Count("pk", filter=Q(status=ItemStatus.CLOSED)))
        .order_by()
    }
    for problem in problems:
        row = counts.get(problem.pk, {})
        problem.measure_count = row.get("total", 0)  # type: ignore[attr-defined]
        problem.measures_closed = row.get("closed", 0)  # type: ignore[attr-defined]
    return problems


def status_counts(problems: QuerySet[Problem], *, today: datetime.date | None = None) -> dict[str, int]:
    """Counts for the tab titles of the ledger list, in one aggregate query."""
    today = today or timezone.localdate()
    return problems.order_by().aggregate(
        all=Count("pk"),
        rectifying=Count("pk", filter=Q(status=ItemStatus.RECTIFYING)),
        closure_requested=Count("pk", filter=Q(status=ItemStatus.CLOSURE_REQUESTED)),
        closed=Count("pk", filter=Q(status=ItemStatus.CLOSED)),
        overdue=Count("pk", filter=Q(deadline__lt=today) & ~Q(status=ItemStatus.CLOSED)),
    )


def tab_counts(*, user: Any, scope: Any, filterset: Any, today: datetime.date | None = None) -> dict[str, int]:
    """The tab counts of the ledger list: from the roll-ups (``LedgerTally``) where the
    scope is a province, city or district and only the filters they count are set (a
    million rows counted took seconds); else ``status_counts`` of the filtered rows, read
    by their path range (``ALL_ROWS_BROAD_DEPTH``) rather than as the page walks them."""
    from core.statistics import StatsScope
    from rectification.statistics import tally_nodes

    today = today or timezone.localdate()
    if not filterset.is_valid():
        return status_counts(filterset.qs, today=today)
    data = {key: value for key, value in filterset.form.cleaned_data.items() if value not in (None, "")}
    nodes = None
    if set(data) <= TALLIED_FILTERS:
        stats_scope = StatsScope(user=user, org=scope, campaign=None, as_of=today, period_start=today, period_end=today)
        nodes = tally_nodes(stats_scope)
    if nodes is None:
        return status_counts(ledger_filterset(filterset.data, user=user, scope=scope, every_row=True).qs, today=today)
    rows = LedgerTally.objects.filter(kind="p", node__in=nodes)
    if "campaign" in data:
        rows = rows.filter(campaign_id=data["campaign"].pk)
    if "level" in data:
        rows = rows.filter(level=data["level"])
    if "status" in data:
        rows = rows.filter(status=data["status"])
    if "immediate" in data:
        rows = rows.filter(immediate=1 if data["immediate"] else 0)
    overdue = Q(open_deadline__lt=today)  # closed rows carry the latest date: never overdue
    if "overdue" in data:
        rows = rows.filter(overdue) if data["overdue"] else rows.exclude(overdue)

    def total(condition: Q | None = None) -> Coalesce:
        return Coalesce(Sum("n", filter=condition), 0)

    return rows.aggregate(
        all=total(),
        rectifying=total(Q(status=ItemStatus.RECTIFYING)),
        closure_requested=total(Q(status=ItemStatus.CLOSURE_REQUESTED)),
        closed=total(Q(status=ItemStatus.CLOSED)),
        overdue=total(overdue),
    )


def problem_detail(*, user: Any, pk: int) -> Problem | None:
    """One visible problem with its measures, reports and their attachments."""
    measures = Measure.objects.select_related("org", "owner").order_by("id")
    reports = ProgressReport.objects.select_related("reported_by", "measure").order_by("-created_at")
    return (
        Problem.objects.visible_to(user)
        .select_related("org", "owner", "campaign", "channel", "domain", "special_rectification")
        .prefetch_related(Prefetch("measures", queryset=measures), Prefetch("reports", queryset=reports))
        .filter(pk=pk)
        .first()
    )


def problem_timeline(problem: Problem) -> QuerySet[Event]:
    """Events of the problem and of its measures, newest first, as one timeline."""
    problem_type = ContentType.objects.get_for_model(Problem)
    measure_type = ContentType.objects.get_for_model(Measure)
    measure_ids = [m.pk for m in problem.measures.all()]
    return (
        Event.objects.filter(
            Q(content_type=problem_type, object_id=problem.pk) | Q(content_type=measure_type, object_id__in=measure_ids)
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def report_attachments(problem: Problem) -> dict[int, list[Attachment]]:
    """Attachments of the problem's progress reports and of its closure requests, by report
    id (0 for those attached to the problem or its measures directly)."""
    report_type = ContentType.objects.get_for_model(ProgressReport)
    problem_type = ContentType.objects.get_for_model(Problem)
    measure_type = ContentType.objects.get_for_model(Measure)
    report_ids = [r.pk for r in problem.reports.all()]
    measure_ids = [m.pk for m in problem.measures.all()]
    found: dict[int, list[Attachment]] = {}
    rows = Attachment.objects.filter(
        Q(content_type=report_type, object_id__in=report_ids)
        | Q(content_type=problem_type, object_id=problem.pk)
        | Q(content_type=measure_type, object_id__in=measure_ids)
    ).order_by("created_at")
    for attachment in rows:
        key = attachment.object_id if attachment.content_type_id == report_type.pk else 0
        found.setdefault(key, []).append(attachment)
    return found
