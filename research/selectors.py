"""Reads of research work, always scoped by ``visible_to``."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.scoping import subtree_q
from orgs.models import Org
from research.models import Entity, Finding, ResearchTopic, SelectionRound, Visit


def _within(queryset: QuerySet, scope: Org | None) -> QuerySet:
    return queryset if scope is None else queryset.filter(subtree_q([scope.path], field="org__path"))


def topics_visible(*, user: Any, scope: Org | None = None) -> QuerySet[ResearchTopic]:
    return _within(ResearchTopic.objects.visible_to(user), scope).select_related("leader", "campaign")


def rounds_visible(*, user: Any, scope: Org | None = None) -> QuerySet[SelectionRound]:
    return _within(SelectionRound.objects.visible_to(user), scope).annotate(topic_count=Count("topics"))


def entities_visible(*, user: Any, scope: Org | None = None) -> QuerySet[Entity]:
    return _within(Entity.objects.visible_to(user), scope).select_related("org")


def visits_visible(*, user: Any, scope: Org | None = None) -> QuerySet[Visit]:
    return _within(Visit.objects.visible_to(user), scope).select_related("leader", "entity", "topic")


def visit_detail(*, user: Any, pk: int) -> Visit | None:
    return (
        Visit.objects.visible_to(user)
        .select_related("leader", "entity", "topic", "org", "campaign")
        .filter(pk=pk)
        .first()
    )


def visit_findings(visit: Visit) -> QuerySet[Finding]:
    return visit.findings.select_related("problem", "problem__org")


def week_start(day: datetime.date) -> datetime.date:
    """Monday of ``day``'s week (weeks start on Monday)."""
    return day - datetime.timedelta(days=day.weekday())


def week_grid(*, user: Any, monday: datetime.date, scope: Org | None = None) -> list[tuple[datetime.date, list[Visit]]]:
    """The seven days from ``monday`` with the visits starting on each, in one query."""
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))
    end = start + datetime.timedelta(days=7)
    visits = (
        visits_visible(user=user, scope=scope)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at", "id")
    )
    days: dict[datetime.date, list[Visit]] = {monday + datetime.timedelta(days=n): [] for n in range(7)}
    for visit in visits:
        days.setdefault(timezone.localdate(visit.starts_at), []).append(visit)
    return list(days.items())


def status_counts(topics: QuerySet[ResearchTopic]) -> dict[str, int]:
    return dict(topics.order_by().values_list("status").annotate(n=Count("pk")))


def findings_open(*, user: Any) -> QuerySet[Finding]:
    return Finding.objects.visible_to(user).filter(Q(problem__isnull=True))
