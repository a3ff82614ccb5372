"""Figures of research work: the catalogue by status, visits by kind and what they
collected. Registered in the statistics registry at import (``ResearchConfig.ready``).

Three aggregate queries whatever the number of rows, each narrowed to the scope's
subtree. A visit counts once it is logged (done) and started by the end of ``as_of``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum

from core.statistics import StatsScope, register, share
from research.choices import TopicStatus, VisitKind, VisitStatus
from research.models import Finding, ResearchTopic, Visit


def research_figures(*, scope: StatsScope) -> dict[str, Any]:
    topics = ResearchTopic.objects.filter(scope.within(), created_at__lt=scope.as_of_end)
    visits = Visit.objects.filter(scope.within(), starts_at__lt=scope.as_of_end)
    findings = Finding.objects.filter(scope.within(), created_at__lt=scope.as_of_end)
    if scope.campaign is not None:
        topics = topics.filter(campaign=scope.campaign)
        visits = visits.filter(campaign=scope.campaign)
        findings = findings.filter(visit__campaign=scope.campaign)
    topic_counts = topics.aggregate(
        total=Count("pk"),
        areas=Count("area", distinct=True),
        **{f"status_{status}": Count("pk", filter=Q(status=status)) for status in TopicStatus.values},
    )
    done = Q(status=VisitStatus.DONE)
    period = Q(starts_at__gte=scope.period_start_at, starts_at__lt=scope.period_end_at)
    visit_counts = visits.aggregate(
        planned=Count("pk", filter=Q(status=VisitStatus.PLANNED)),
        done=Count("pk", filter=done),
        done_in_period=Count("pk", filter=done & period),
        leaders=Count("leader", filter=done, distinct=True),
        enterprises=Count("entity", filter=done & Q(kind=VisitKind.ENTERPRISE_VISIT), distinct=True),
        crowding_confirmed=Count("pk", filter=Q(conflicts_confirmed=True) & ~Q(status=VisitStatus.CANCELLED)),
        sum_people_met=Sum("people_met", filter=done, default=0),
        sum_questionnaires=Sum("questionnaires", filter=done, default=0),
        sum_petitions_received=Sum("petitions_received", filter=done, default=0),
        sum_petitions_resolved=Sum("petitions_resolved", filter=done, default=0),
        sum_talk_people=Sum("people_met", filter=done & Q(kind=VisitKind.TALK), default=0),
        **{f"kind_{kind}": Count("pk", filter=done & Q(kind=kind)) for kind in VisitKind.values},
    )
    finding_counts = findings.aggregate(total=Count("pk"), in_ledger=Count("pk", filter=Q(problem__isnull=False)))
    return {
        "topics": {
            "total": topic_counts["total"],
            "areas": topic_counts["areas"],
            "by_status": {status: topic_counts[f"status_{status}"] for status in TopicStatus.values},
            # Selected at some point: selected, then assigned and reported on.
            "selected": sum(
                topic_counts[f"status_{s}"] for s in (TopicStatus.SELECTED, TopicStatus.ASSIGNED, TopicStatus.REPORTED)
            ),
        },
        "visits": {
            "planned": visit_counts["planned"],
            "done": visit_counts["done"],
            "done_in_period": visit_counts["done_in_period"],
            "leaders": visit_counts["leaders"],
            "enterprises": visit_counts["enterprises"],
            "crowding_confirmed": visit_counts["crowding_confirmed"],
            "by_kind": {kind: visit_counts[f"kind_{kind}"] for kind in VisitKind.values},
        },
        "people_met": visit_counts["sum_people_met"],
        "talk_people": visit_counts["sum_talk_people"],
        "questionnaires": visit_counts["sum_questionnaires"],
        "petitions": {
            "received": visit_counts["sum_petitions_received"],
            "resolved": visit_counts["sum_petitions_resolved"],
            "resolved_share": share(visit_counts["sum_petitions_resolved"], visit_counts["sum_petitions_received"]),
        },
        "findings": {"total": finding_counts["total"], "in_ledger": finding_counts["in_ledger"]},
    }


register("research", research_figures)
