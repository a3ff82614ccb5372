"""Every change to study work: classes, sessions and attendance, the daily reminder and
summary, outreach checklists and the steps done per member. Each runs in one
transaction and writes its event."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from core.errors import Conflict, DomainError, PermissionDenied
from core.services import event_record, notification_send
from orgs.choices import ENTERING_ROLES, MemberCategory, Role
from orgs.models import Org, User
from orgs.permissions import holds_role_over
from study.choices import CheckInMethod, DispatchKind
from study.models import (
    Attendance,
    ClassPhase,
    DailyDispatch,
    OutreachPlan,
    OutreachRecord,
    OutreachStep,
    StudyClass,
    StudySession,
)

# Who runs classes and records outreach: the office, unit leaders and clerks.
MANAGING_ROLES = ENTERING_ROLES
# Who edits the checklists themselves.
PLAN_ROLES = frozenset({Role.SUPERVISOR})
CHECK_IN_SALT = "study.check-in"
# The checklists of the report, offered when a plan is set up without steps.
DEFAULT_CHECKLISTS: dict[str, tuple[str, tuple[str, ...]]] = {
    MemberCategory.OUTFLOW: ("三个一", ("寄送一套学习资料", "拨打一个电话", "征求一条建议")),
    MemberCategory.ELDERLY: ("四个一", ("送一套学习资料", "开展一次慰问帮扶", "征求一条意见建议", "确定一名帮联党员")),
    MemberCategory.SCATTERED: ("“小个专”党员学习", ("编入“小个专”片区支部", "加入“小个专”党建云平台")),
    MemberCategory.NEW_EMPLOYMENT: ("新就业群体党员服务", ("告知“红色驿站”学习服务点", "参加一次驿站学习")),
}


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _require(user: Any, org: Org, roles: Iterable[str], message: str) -> None:
    if not holds_role_over(user, org, roles):
        raise PermissionDenied(message)


# --- Classes and sessions -------------------------------------------------------------------


@transaction.atomic
def class_create(
    *,
    org: Org,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date,
    acting_user: Any,
    campaign: Campaign | None = None,
    description: str = "",
    members: Iterable[User] = (),
    phases: Sequence[tuple[str, datetime.date, datetime.date]] = (),
) -> StudyClass:
    """Open a class with its phases (name, first day, last day) and members."""
    _require(acting_user, org, MANAGING_ROLES, _("You may not run classes for this unit."))
    name = (name or "").strip()
    if not name:
        raise DomainError(_("A class needs a name."), field="name")
    if end_date < start_date:
        raise DomainError(_("The end date cannot be before the start date."), field="end_date")
    for phase_name, first, last in phases:
        if last < first or first < start_date or last > end_date:
            raise DomainError(
                _("The phase “%(name)s” must lie within the class's period.") % {"name": phase_name}, field="phases"
            )
    study_class = StudyClass.objects.create(
        org=org, campaign=campaign, name=name[:150], description=description, start_date=start_date, end_date=end_date
    )
    ClassPhase.objects.bulk_create(
        ClassPhase(study_class=study_class, number=number, name=phase_name, start_date=first, end_date=last)
        for number, (phase_name, first, last) in enumerate(phases, start=1)
    )
    members = list(members)
    study_class.members.set(members)
    event_record(
        item=study_class, actor=acting_user, action="created", changes={"members": len(members), "phases": len(phases)}
    )
    return study_class


@transaction.atomic
def class_set_members(*, study_class: StudyClass, members: Iterable[User], acting_user: Any) -> StudyClass:
    """Replace the class's member list."""
    _require(acting_user, study_class.org, MANAGING_ROLES, _("You may not run classes for this unit."))
    members = list(members)
    study_class.members.set(members)
    event_record(item=study_class, actor=acting_user, action="updated", changes={"members": len(members)})
    return study_class


@transaction.atomic
def session_create(
    *,
    study_class: StudyClass,
    date: datetime.date,
    topic: str,
    acting_user: Any,
    reading: str = "",
    place: str = "",
) -> StudySession:
    """Add a day's session; it falls in the class's period, in the phase covering its day."""
    _require(acting_user, study_class.org, MANAGING_ROLES, _("You may not run classes for this unit."))
    topic = (topic or "").strip()
    if not topic:
        raise DomainError(_("A session needs a topic."), field="topic")
    if not study_class.start_date <= date <= study_class.end_date:
        raise DomainError(_("The day must lie within the class's period."), field="date")
    phase = study_class.phases.filter(start_date__lte=date, end_date__gte=date).first()
    session = StudySession.objects.create(
        study_class=study_class,
        phase=phase,
        date=date,
        topic=topic[:200],
        reading=reading.strip(),
        place=place.strip()[:100],
    )
    event_record(
        item=study_class,
        actor=acting_user,
        action="session_added",
        org=study_class.org,
        changes={"session": session.pk},
    )
    return session


@transaction.atomic
def session_set_notes(*, session: StudySession, notes: str, acting_user: Any) -> StudySession:
    """The clerk's notes on how a session went (they go into the daily summary)."""
    _require(acting_user, session.study_class.org, MANAGING_ROLES, _("You may not run classes for this unit."))
    StudySession.objects.filter(pk=session.pk).update(notes=notes.strip())
    session.notes = notes.strip()
    event_record(item=session.study_class, actor=acting_user, action="updated", changes={"session_notes": session.pk})
    return session


def check_in_token(session: StudySession) -> str:
    """The signed token of a session's check-in link (the same for every member)."""
    return signing.Signer(salt=CHECK_IN_SALT).sign(str(session.pk))


def session_from_token(token: str) -> StudySession:
    """The session a check-in token names; a forged or mangled token is refused."""
    try:
        pk = int(signing.Signer(salt=CHECK_IN_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        raise DomainError(
            _("This check-in link is not valid. Scan the code shown at the session again."), field="token"
        ) from None
    session = StudySession.objects.select_related("study_class").filter(pk=pk).first()
    if session is None:
        raise DomainError(_("This session no longer exists."), field="token")
    return session


def _attend(*, session: StudySession, member: User, method: str, acting_user: Any) -> Attendance:
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                session=session, member=member, method=method, recorded_by=_actor(acting_user)
            )
    except IntegrityError:
        raise Conflict(_("%(name)s has already checked in to this session.") % {"name": member}) from None
    event_record(
        item=session.study_class,
        actor=acting_user,
        action="checked_in",
        org=session.study_class.org,
        changes={"session": session.pk, "member": member.pk, "method": method},
    )
    return attendance


@transaction.atomic
def check_in(*, token: str, member: Any) -> Attendance:
    """A member checks in with the session's link or QR code: once, on the session's day.

    The unique (session, member) row makes a second check-in, even a simultaneous one,
    an "already checked in" answer rather than a second row.
    """
    if not getattr(member, "is_authenticated", False):
        raise PermissionDenied(_("Log in to check in."))
    session = session_from_token(token)
    if not session.study_class.members.filter(pk=member.pk).exists():
        raise PermissionDenied(_("You are not on the member list of this class."))
    if session.date != timezone.localdate():
        raise DomainError(
            _("Check-in is open on the day of the session (%(date)s).") % {"date": session.date.isoformat()},
            field="token",
        )
    return _attend(session=session, member=member, method=CheckInMethod.LINK, acting_user=member)


@transaction.atomic
def attendance_tick(*, session: StudySession, members: Iterable[User], acting_user: Any) -> int:
    """The clerk ticks members present from the list; those already present are skipped."""
    _require(acting_user, session.study_class.org, MANAGING_ROLES, _("You may not run classes for this unit."))
    allowed = set(session.study_class.members.values_list("pk", flat=True))
    present = set(session.attendances.values_list("member_id", flat=True))
    added = 0
    for member in members:
        if member.pk not in allowed:
            raise DomainError(
                _("%(name)s is not on the member list of this class.") % {"name": member}, field="members"
            )
        if member.pk in present:
            continue
        _attend(session=session, member=member, method=CheckInMethod.CLERK, acting_user=acting_user)
        present.add(member.pk)
        added += 1
    return added


# --- The daily reminder and summary ------------------------------------------------------------


def _reminder_text(sessions: list[StudySession]) -> str:
    lines = []
    for session in sessions:
        line = _("Today: %(topic)s.") % {"topic": session.topic}
        if session.reading:
            line += " " + _("Read: %(reading)s") % {"reading": session.reading}
        if session.place:
            line += " " + _("Place: %(place)s") % {"place": session.place}
        lines.append(line)
    return "\n".join(lines)


def _summary_text(study_class: StudyClass, sessions: list[StudySession]) -> str:
    members = list(study_class.members.order_by("real_name", "pk"))
    lines = []
    for session in sessions:
        present = set(session.attendances.values_list("member_id", flat=True))
        attended = [m.get_full_name() for m in members if m.pk in present]
        absent = [m.get_full_name() for m in members if m.pk not in present]
        lines.append(
            _("%(topic)s: %(present)s of %(total)s attended.")
            % {"topic": session.topic, "present": len(attended), "total": len(members)}
        )
        lines.append(_("Attended: %(names)s") % {"names": "、".join(attended) or "—"})
        lines.append(_("Absent: %(names)s") % {"names": "、".join(absent) or "—"})
        if session.notes:
            lines.append(_("Notes: %(notes)s") % {"notes": session.notes})
    return "\n".join(lines)


@transaction.atomic
def daily_dispatch_send(
    *, study_class: StudyClass, date: datetime.date, kind: str, acting_user: Any = None
) -> DailyDispatch | None:
    """Send a class's reminder (what to read today) or summary (who came, who did not)
    for ``date`` to its members, once: a second call for the same day sends nothing and
    returns ``None``. Days without a session send nothing either.

    ``acting_user`` ``None`` is the scheduled task; a person needs a managing role.
    """
    if acting_user is not None:
        _require(acting_user, study_class.org, MANAGING_ROLES, _("You may not run classes for this unit."))
    if kind not in DispatchKind.values:
        raise DomainError(_("Unknown kind."), field="kind")
    sessions = list(study_class.sessions.filter(date=date).order_by("id"))
    if not sessions:
        return None
    if kind == DispatchKind.REMINDER:
        title = _("%(name)s: today's reading (%(date)s)") % {"name": study_class.name, "date": date.isoformat()}
        body = _reminder_text(sessions)
    else:
        title = _("%(name)s: summary of %(date)s") % {"name": study_class.name, "date": date.isoformat()}
        body = _summary_text(study_class, sessions)
    recipients = list(study_class.members.values_list("pk", flat=True))
    try:
        with transaction.atomic():
            dispatch = DailyDispatch.objects.create(
                study_class=study_class, date=date, kind=kind, title=title[:200], body=body, recipients=len(recipients)
            )
    except IntegrityError:
        return None
    event_record(item=study_class, actor=acting_user, action=f"{kind}_sent", changes={"date": date.isoformat()})
    url = study_class.get_absolute_url()
    transaction.on_commit(lambda: notification_send(recipient_ids=recipients, title=title, body=body, url=url))
    return dispatch


def daily_dispatch_all(*, date: datetime.date, kind: str) -> int:
    """Send ``kind`` for ``date`` for every class with a session that day; returns how many
    were sent now (classes already sent are skipped)."""
    sent = 0
    for study_class in StudyClass.objects.filter(sessions__date=date).distinct():
        if daily_dispatch_send(study_class=study_class, date=date, kind=kind) is not None:
            sent += 1
    return sent


# --- Outreach -------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    org: Org,
    category: str,
    acting_user: Any,
    name: str = "",
    steps: Sequence[str] | None = None,
    description: str = "",
) -> OutreachPlan:
    """Set up the checklist of ``category`` for ``org``'s subtree; without ``steps`` the
    report's checklist for the category (三个一, 四个一 …) is used."""
    _require(acting_user, org, PLAN_ROLES, _("You may not edit outreach plans of this unit."))
    if category not in MemberCategory.values:
        raise DomainError(_("Unknown member category."), field="category")
    default_name, default_steps = DEFAULT_CHECKLISTS.get(category, ("", ()))
    name = (name or default_name).strip()
    steps = [s.strip() for s in (steps if steps is not None else default_steps) if s.strip()]
    if not name:
        raise DomainError(_("A plan needs a name."), field="name")
    if not steps:
        raise DomainError(_("A checklist needs at least one step."), field="steps")
    # Plans of one category do not nest, so every member is covered by one checklist.
    from core.scoping import ancestor_paths, subtree_q

    overlapping = OutreachPlan.objects.filter(category=category).filter(
        subtree_q([org.path], field="org__path") | Q(org__path__in=ancestor_paths(org.path))
    )
    if overlapping.exists():
        raise DomainError(_("A plan for this category already covers this unit or part of it."), field="category")
    plan = OutreachPlan.objects.create(org=org, category=category, name=name[:60], description=description)
    OutreachStep.objects.bulk_create(
        OutreachStep(plan=plan, order=order, title=title[:100]) for order, title in enumerate(steps, start=1)
    )
    event_record(item=plan, actor=acting_user, action="created", changes={"steps": steps})
    return plan


@transaction.atomic
def plan_step_add(*, plan: OutreachPlan, title: str, acting_user: Any) -> OutreachStep:
    """Add a step at the end of the checklist (members then miss it until it is done)."""
    _require(acting_user, plan.org, PLAN_ROLES, _("You may not edit outreach plans of this unit."))
    title = (title or "").strip()
    if not title:
        raise DomainError(_("A step needs a title."), field="title")
    order = (plan.steps.aggregate(n=Max("order"))["n"] or 0) + 1
    step = OutreachStep.objects.create(plan=plan, order=order, title=title[:100])
    event_record(item=plan, actor=acting_user, action="step_added", changes={"step": title})
    return step


@transaction.atomic
def plan_step_update(
    *, step: OutreachStep, acting_user: Any, title: str | None = None, is_active: bool | None = None
) -> OutreachStep:
    """Rename a step or retire it (records done stay; a retired step is no longer required)."""
    _require(acting_user, step.plan.org, PLAN_ROLES, _("You may not edit outreach plans of this unit."))
    changes: dict[str, Any] = {}
    if title is not None and title.strip() and title.strip() != step.title:
        changes["title"] = [step.title, title.strip()[:100]]
        step.title = title.strip()[:100]
    if is_active is not None and is_active != step.is_active:
        changes["is_active"] = [step.is_active, is_active]
        step.is_active = is_active
    if changes:
        step.save(update_fields=["title", "is_active"])
        event_record(item=step.plan, actor=acting_user, action="step_changed", changes=changes)
    return step


@transaction.atomic
def outreach_record(
    *, step: OutreachStep, member: User, done_on: datetime.date, acting_user: Any, note: str = ""
) -> OutreachRecord:
    """Record that ``step`` was done for ``member`` on ``done_on``."""
    if member.home_org is None or not holds_role_over(acting_user, member.home_org, MANAGING_ROLES):
        raise PermissionDenied(_("You may not record outreach for this member."))
    plan = step.plan
    if member.member_category != plan.category or not member.home_org.path.startswith(plan.org.path):
        raise DomainError(_("%(name)s is not covered by this plan.") % {"name": member}, field="member")
    if not step.is_active:
        raise DomainError(_("This step is no longer in use."), field="step")
    if done_on > timezone.localdate():
        raise DomainError(_("The day cannot be in the future."), field="done_on")
    try:
        with transaction.atomic():
            record = OutreachRecord.objects.create(
                step=step,
                member=member,
                done_on=done_on,
                note=(note or "").strip()[:300],
                recorded_by=_actor(acting_user),
            )
    except IntegrityError:
        raise Conflict(_("This step is already recorded for this member.")) from None
    event_record(
        item=plan,
        actor=acting_user,
        action="outreach_recorded",
        org=member.home_org,
        changes={"member": member.pk, "step": step.pk, "done_on": done_on.isoformat()},
    )
    return record


@transaction.atomic
def outreach_record_bulk(
    *, step: OutreachStep, members: Sequence[User], done_on: datetime.date, acting_user: Any, note: str = ""
) -> int:
    """Record one step for many members at once (material mailed to a whole list on one
    day); members who already have it are skipped. Returns how many were recorded.

    Every member is checked as :func:`outreach_record` checks one; the rows and their
    events are written in two statements, so a list of hundreds stays quick.
    """
    from django.contrib.contenttypes.models import ContentType

    from core.models import Event

    plan = step.plan
    if not step.is_active:
        raise DomainError(_("This step is no longer in use."), field="step")
    if done_on > timezone.localdate():
        raise DomainError(_("The day cannot be in the future."), field="done_on")
    done = set(OutreachRecord.objects.filter(step=step).values_list("member_id", flat=True))
    records, events = [], []
    content_type = ContentType.objects.get_for_model(plan)
    for member in members:
        if member.home_org is None or not holds_role_over(acting_user, member.home_org, MANAGING_ROLES):
            raise PermissionDenied(_("You may not record outreach for %(name)s.") % {"name": member})
        if member.member_category != plan.category or not member.home_org.path.startswith(plan.org.path):
            raise DomainError(_("%(name)s is not covered by this plan.") % {"name": member}, field="members")
        if member.pk in done:
            continue
        done.add(member.pk)
        records.append(
            OutreachRecord(
                step=step, member=member, done_on=done_on, note=note.strip()[:300], recorded_by=_actor(acting_user)
            )
        )
        events.append(
            Event(
                content_type=content_type,
                object_id=plan.pk,
                org=member.home_org,
                actor=_actor(acting_user),
                action="outreach_recorded",
                changes={"member": member.pk, "step": step.pk, "done_on": done_on.isoformat()},
            )
        )
    OutreachRecord.objects.bulk_create(records)
    Event.objects.bulk_create(events)
    return len(records)
