"""Reads of study work, always scoped by ``visible_to``."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from core.scoping import subtree_q
from orgs.models import Org, User
from study.models import Attendance, OutreachPlan, OutreachRecord, StudyClass, StudySession


def classes_visible(*, user: Any, scope: Org | None = None) -> QuerySet[StudyClass]:
    """Classes the user runs (subtree) or attends, narrowed to the picked scope."""
    classes = StudyClass.objects.visible_to(user)
    if scope is not None:
        classes = classes.filter(subtree_q([scope.path], field="org__path"))
    return classes.annotate(
        member_count=Count("members", distinct=True), session_count=Count("sessions", distinct=True)
    )


def class_detail(*, user: Any, pk: int) -> StudyClass | None:
    return StudyClass.objects.visible_to(user).select_related("org", "campaign").filter(pk=pk).first()


def session_detail(*, user: Any, pk: int) -> StudySession | None:
    return (
        StudySession.objects.visible_to(user)
        .select_related("study_class", "study_class__org", "phase")
        .filter(pk=pk)
        .first()
    )


def session_roll(session: StudySession) -> list[tuple[User, Attendance | None]]:
    """Every member of the session's class with their attendance (``None``: absent)."""
    present = {a.member_id: a for a in session.attendances.all()}
    members = session.study_class.members.select_related("home_org").order_by("home_org__path", "real_name", "pk")
    return [(member, present.get(member.pk)) for member in members]


def sessions_of_member(*, member: Any, today: datetime.date) -> QuerySet[StudySession]:
    """A member's sessions around today, with whether they checked in (phone page)."""
    return (
        StudySession.objects.filter(study_class__members=member, date__gte=today - datetime.timedelta(days=14))
        .select_related("study_class")
        .annotate(attended=Exists(Attendance.objects.filter(session=OuterRef("pk"), member=member)))
        .order_by("date", "id")
    )


def plans_visible(*, user: Any) -> QuerySet[OutreachPlan]:
    """Plans the user works under (see ``OutreachPlan.objects.visible_to``)."""
    return (
        OutreachPlan.objects.visible_to(user)
        .select_related("org")
        .annotate(step_count=Count("steps", filter=Q(steps__is_active=True)))
        .order_by("org__path", "category")
    )


def plan_members(*, plan: OutreachPlan, user: Any, within: Org | None = None) -> QuerySet[User]:
    """Members a plan covers that the user may see: its category, living in its subtree."""
    members = User.objects.visible_to(user).filter(
        subtree_q([plan.org.path], field="home_org__path"), is_party_member=True, member_category=plan.category
    )
    if within is not None:
        members = members.filter(subtree_q([within.path], field="home_org__path"))
    return members


def coverage_missing(*, plan: OutreachPlan, user: Any, within: Org | None = None) -> QuerySet[User]:
    """Every member the plan covers with at least one active step not done (不掉队 list).

    One grouped query: each member's count of done active steps against the plan's
    count of active steps (a HAVING, so the database does the counting).
    """
    required = plan.steps.filter(is_active=True).count()
    return (
        plan_members(plan=plan, user=user, within=within)
        .annotate(
            steps_done=Count(
                "outreach_records", filter=Q(outreach_records__step__plan=plan, outreach_records__step__is_active=True)
            )
        )
        .filter(steps_done__lt=required)
        .select_related("home_org")
        .order_by("home_org__path", "real_name", "pk")
    )


def records_by_member(*, plan: OutreachPlan, members: list[User]) -> dict[int, dict[int, OutreachRecord]]:
    """For the members of one page: member id → step id → record."""
    found: dict[int, dict[int, OutreachRecord]] = {}
    for record in OutreachRecord.objects.filter(step__plan=plan, member__in=[m.pk for m in members]):
        found.setdefault(record.member_id, {})[record.step_id] = record
    return found


def plan_coverage(*, plan: OutreachPlan, user: Any, within: Org | None = None) -> dict[str, int]:
    """How many members a plan covers and how many are fully reached (two queries)."""
    members = plan_members(plan=plan, user=user, within=within)
    required = plan.steps.filter(is_active=True).count()
    total = members.count()
    reached = (
        OutreachRecord.objects.filter(step__plan=plan, step__is_active=True, member__in=members.values("pk"))
        .values("member")
        .annotate(done=Count("pk"))
        .filter(done__gte=required)
        .count()
        if required
        else total
    )
    return {"members": total, "reached": reached, "missing": total - reached, "steps": required}
