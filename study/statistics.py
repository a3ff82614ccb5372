"""Figures of study work: classes, sessions held and attendance, and outreach coverage
by member category. Registered at import (``StudyConfig.ready``).

A fixed number of aggregate queries for the classes; two per outreach plan (a handful:
one per category and unit that sets one up), each narrowed to the scope's subtree.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from core.scoping import ancestor_paths, subtree_q
from core.statistics import StatsScope, register, share
from orgs.choices import MemberCategory
from orgs.models import User
from study.models import Attendance, OutreachPlan, OutreachRecord, StudyClass, StudySession


def _plans(scope: StatsScope) -> list[OutreachPlan]:
    """Plans covering part of the scope: set up inside it, or above it."""
    plans = OutreachPlan.objects.select_related("org")
    if scope.org is not None:
        plans = plans.filter(
            subtree_q([scope.org.path], field="org__path") | Q(org__path__in=ancestor_paths(scope.org.path))
        )
    return list(plans.annotate(required=Count("steps", filter=Q(steps__is_active=True))))


def study_figures(*, scope: StatsScope) -> dict[str, Any]:
    classes = StudyClass.objects.filter(scope.within())
    if scope.campaign is not None:
        classes = classes.filter(campaign=scope.campaign)
    held = StudySession.objects.filter(study_class__in=classes.values("pk"), date__lte=scope.as_of)
    session_counts = held.aggregate(
        sessions=Count("pk"),
        in_period=Count("pk", filter=Q(date__gte=scope.period_start, date__lte=scope.period_end)),
    )
    # Places at the sessions held: one membership row per session of its class.
    expected = StudyClass.members.through.objects.filter(studyclass__sessions__in=held.values("pk")).count()
    attended = Attendance.objects.filter(session__in=held.values("pk")).count()
    coverage: dict[str, dict[str, Any]] = {}
    members = User.objects.filter(scope.within("home_org__path"), is_party_member=True)
    for plan in _plans(scope):
        covered = members.filter(subtree_q([plan.org.path], field="home_org__path"), member_category=plan.category)
        total = covered.count()
        reached = (
            OutreachRecord.objects.filter(
                step__plan=plan, step__is_active=True, member__in=covered.values("pk"), done_on__lte=scope.as_of
            )
            .values("member")
            .annotate(done=Count("pk"))
            .filter(done__gte=plan.required)
            .count()
            if plan.required
            else total
        )
        entry = coverage.setdefault(plan.category, {"plans": [], "members": 0, "reached": 0})
        entry["plans"].append(plan.name)
        entry["members"] += total
        entry["reached"] += reached
    for entry in coverage.values():
        entry["missing"] = entry["members"] - entry["reached"]
        entry["share"] = share(entry["reached"], entry["members"])
    by_category = dict(members.order_by().values_list("member_category").annotate(n=Count("pk")))
    return {
        "classes": classes.count(),
        "sessions_held": session_counts["sessions"],
        "sessions_in_period": session_counts["in_period"],
        "attendance": {
            "expected": expected,
            "attended": attended,
            "rate": share(attended, expected),
        },
        "members_by_category": {category: by_category.get(category, 0) for category in MemberCategory.values},
        "outreach": coverage,
    }


register("study", study_figures)
