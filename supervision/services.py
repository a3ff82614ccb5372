"""Every state change of supervision: the daily check with its reminders and escalations,
the manual reminder, the weekly dispatch meeting and its decisions, dispatch tasks and the
monthly roll-up. Each writes its events in the transaction that decides; messages go out
after commit (:mod:`supervision.delivery`)."""

from __future__ import annotations

import calendar as month_calendar
import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import calendar
from core.errors import DomainError, PermissionDenied
from core.models import Event, TrackedItem
from core.services import event_record, item_transition
from core.statistics import StatsScope, collect
from orgs.choices import Role
from orgs.models import Org
from orgs.permissions import holds_role_over
from supervision import delivery
from supervision.choices import (
    DecisionKind,
    DispatchStatus,
    EscalationStep,
    ReminderKind,
    WarningLevel,
)
from supervision.models import (
    DispatchDecision,
    DispatchEntry,
    DispatchMeeting,
    DispatchTask,
    Escalation,
    MonthlySnapshot,
    Reminder,
)
from supervision.warnings import Thresholds, open_items, overdue_working_days, thresholds, tracked_models

logger = logging.getLogger(__name__)
BATCH = 500
SUPERVISING_ROLES = frozenset({Role.SUPERVISOR})
DISPATCH_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER})
# Columns the daily check reads of each item: enough to decide and to write the rows.
CHECK_COLUMNS = ("pk", "deadline", "org_id", "owner_id", "title")


@dataclass
class DailyCheckResult:
    """What one daily check did (counts by level; skipped on a day off)."""

    date: datetime.date
    working_day: bool
    reminders: int = 0
    already_reminded: int = 0
    escalations: int = 0
    delivered: int = 0
    by_level: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "working_day": self.working_day,
            "reminders": self.reminders,
            "already_reminded": self.already_reminded,
            "escalations": self.escalations,
            "delivered": self.delivered,
            "by_level": self.by_level,
        }


def _event_row(
    *, content_type: ContentType, object_id: int, org_id: int, actor: Any, action: str, **extra: Any
) -> Event:
    """The event ``core.services.event_record`` writes, built for a bulk insert."""
    return Event(
        content_type=content_type,
        object_id=object_id,
        org_id=org_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        comment=extra.get("comment", ""),
        changes=extra.get("changes", {}),
    )


def _candidate_ids(model: type[TrackedItem], limits: Thresholds) -> list[int]:
    """Ids of ``model``'s open items inside the warning window, in id order.

    ``status IN (open) AND deadline <= yellow_until``: the (status, deadline) index finds
    them among a million rows without reading the others. Only the ids are read here (a
    few MB even for a province's overdue items); each batch then reads its rows by id.
    """
    return sorted(
        open_items(model).filter(deadline__isnull=False, deadline__lte=limits.yellow_until).values_list("pk", flat=True)
    )


def _batch_rows(model: type[TrackedItem], limits: Thresholds, ids: list[int]) -> list[dict[str, Any]]:
    """The columns the check needs of a batch, still open and warned as it is read."""
    return list(
        open_items(model)
        .filter(pk__in=ids, deadline__isnull=False, deadline__lte=limits.yellow_until)
        .order_by("pk")
        .values(*CHECK_COLUMNS)
    )


def _check_batch(
    *, model: type[TrackedItem], rows: list[dict[str, Any]], limits: Thresholds, result: DailyCheckResult
) -> None:
    """Decide and write the reminders and escalations of one batch, in one transaction."""
    content_type = ContentType.objects.get_for_model(model)
    ids = [row["pk"] for row in rows]
    heads = dict(Org.objects.filter(pk__in={row["org_id"] for row in rows}).values_list("pk", "head_id"))
    overdue_cache: dict[datetime.date, int] = {}
    with transaction.atomic():
        reminded = set(
            Reminder.objects.filter(content_type=content_type, object_id__in=ids, date=limits.today).values_list(
                "object_id", flat=True
            )
        )
        reached = set(
            Escalation.objects.filter(content_type=content_type, object_id__in=ids).values_list("object_id", "step")
        )
        reminders: list[Reminder] = []
        escalations: list[Escalation] = []
        events: list[Event] = []
        for row in rows:
            level = limits.level(row["deadline"])
            if level == WarningLevel.NONE:
                continue
            result.by_level[level] = result.by_level.get(level, 0) + 1
            deadline = row["deadline"]
            if deadline not in overdue_cache:
                overdue_cache[deadline] = overdue_working_days(deadline, limits.today)
            overdue = overdue_cache[deadline]
            if row["pk"] in reminded:
                result.already_reminded += 1
            else:
                reminders.append(
                    Reminder(
                        content_type=content_type,
                        object_id=row["pk"],
                        org_id=row["org_id"],
                        date=limits.today,
                        kind=ReminderKind.AUTOMATIC,
                        level=level,
                        title=row["title"][:300],
                        deadline=deadline,
                        overdue_working_days=overdue,
                        owner_id=row["owner_id"],
                        unit_head_id=heads.get(row["org_id"]),
                    )
                )
                events.append(
                    _event_row(
                        content_type=content_type,
                        object_id=row["pk"],
                        org_id=row["org_id"],
                        actor=None,
                        action="reminded",
                        changes={"level": level, "overdue_working_days": overdue, "kind": ReminderKind.AUTOMATIC},
                    )
                )
            steps = []
            if level in (WarningLevel.LEADER, WarningLevel.BULLETIN):
                steps.append(EscalationStep.LEADER)
            if level == WarningLevel.BULLETIN:
                steps.append(EscalationStep.BULLETIN)
            for step in steps:
                if (row["pk"], step) in reached:
                    continue
                escalations.append(
                    Escalation(
                        content_type=content_type,
                        object_id=row["pk"],
                        org_id=row["org_id"],
                        step=step,
                        date=limits.today,
                        title=row["title"][:300],
                    )
                )
                events.append(
                    _event_row(
                        content_type=content_type,
                        object_id=row["pk"],
                        org_id=row["org_id"],
                        actor=None,
                        action="escalated",
                        changes={"step": step, "overdue_working_days": overdue},
                    )
                )
        if escalations:
            _fill_leaders(escalations)
        Reminder.objects.bulk_create(reminders)
        Escalation.objects.bulk_create(escalations)
        Event.objects.bulk_create(events)
    result.reminders += len(reminders)
    result.escalations += len(escalations)


def _fill_leaders(escalations: list[Escalation]) -> None:
    """The people told at the "leader" step: head and leaders of the org above each unit,
    for the whole batch in three queries (parents found by their paths, not one by one)."""
    from core.scoping import PATH_STEP
    from orgs.models import RoleGrant

    wanted = [e for e in escalations if e.step == EscalationStep.LEADER]
    if not wanted:
        return
    paths = dict(Org.objects.filter(pk__in={e.org_id for e in wanted}).values_list("pk", "path"))
    parent_paths = {path[:-PATH_STEP] for path in paths.values() if len(path) > PATH_STEP}
    parents = {
        path: (pk, head)
        for pk, path, head in Org.objects.filter(path__in=parent_paths).values_list("pk", "path", "head_id")
    }
    leaders: dict[int, set[int]] = {pk: ({head} if head else set()) for pk, head in parents.values()}
    grants = RoleGrant.objects.filter(org_id__in=list(leaders), role=Role.LEADER).values_list("org_id", "user_id")
    for org_id, user_id in grants:
        leaders[org_id].add(user_id)
    for escalation in wanted:
        parent = parents.get(paths[escalation.org_id][:-PATH_STEP])
        escalation.recipient_ids = sorted(leaders[parent[0]]) if parent else []


def daily_check(*, today: datetime.date | None = None, deliver: bool = True) -> DailyCheckResult:
    """The daily check (每天有检查): on a working day, remind the owner and unit head of
    every open item that is yellow or red, at most once per item per day, and record
    the escalation steps reached; then deliver whatever is undelivered.

    Reads the ids of the warned items first, then works in batches of ``BATCH`` items,
    each its own transaction, so a run killed half-way
    keeps what it decided and the next run goes on without reminding anyone twice. On a
    day off (weekend or official holiday) nothing is decided or sent.
    """
    today = today or timezone.localdate()
    result = DailyCheckResult(date=today, working_day=calendar.is_working_day(today))
    if not result.working_day:
        return result
    limits = thresholds(today)
    for model in tracked_models():
        ids = _candidate_ids(model, limits)
        for start in range(0, len(ids), BATCH):
            rows = _batch_rows(model, limits, ids[start : start + BATCH])
            if not rows:
                continue
            for attempt in range(2):
                try:
                    _check_batch(model=model, rows=rows, limits=limits, result=result)
                    break
                except IntegrityError:
                    # Another run wrote some of these rows first: decide the batch again.
                    if attempt:
                        raise
    if deliver:
        result.delivered = delivery.reminders_deliver()
        delivery.escalations_deliver()
    return result


def _tracked(item: Any) -> None:
    if not isinstance(item, TrackedItem):
        raise DomainError(_("Only tracked items can be reminded."))


@transaction.atomic
def reminder_send(
    *, item: TrackedItem, acting_user: Any, note: str = "", today: datetime.date | None = None
) -> Reminder:
    """A supervisor reminds the owner and unit head of ``item`` by hand, with a note.

    Still at most one reminder per item per day: if the daily check (or someone else)
    already reminded it today, the supervisor is told so.
    """
    _tracked(item)
    if not holds_role_over(acting_user, item.org, SUPERVISING_ROLES):
        raise PermissionDenied(_("Only a supervisor over this unit may send a reminder."))
    if item.is_closed:
        raise DomainError(_("This item is closed; it needs no reminder."))
    today = today or timezone.localdate()
    note = (note or "").strip()
    if len(note) > 500:
        raise DomainError(_("Keep the note under 500 characters."), field="note")
    content_type = ContentType.objects.get_for_model(item)
    limits = thresholds(today)
    level = limits.level(item.deadline)
    overdue = overdue_working_days(item.deadline, today) if item.deadline else 0
    reminder = Reminder(
        content_type=content_type,
        object_id=item.pk,
        org=item.org,
        date=today,
        kind=ReminderKind.MANUAL,
        level=level,
        title=item.title[:300],
        deadline=item.deadline,
        overdue_working_days=overdue,
        note=note,
        owner_id=item.owner_id,
        unit_head_id=item.org.head_id,
        sent_by=acting_user,
    )
    try:
        with transaction.atomic():
            reminder.save()
    except IntegrityError:
        raise DomainError(_("This item has already been reminded today; one reminder a day is enough.")) from None
    event_record(
        item=item,
        actor=acting_user,
        action="reminded",
        comment=note,
        changes={"level": level, "overdue_working_days": overdue, "kind": ReminderKind.MANUAL},
    )
    transaction.on_commit(lambda: delivery.reminders_deliver([reminder.pk]))
    return reminder


# --------------------------------------------------------------------------- weekly dispatch


def _agenda(org: Org, campaign: Any, limits: Thresholds) -> list[DispatchEntry]:
    """The red and yellow open items of ``org``'s subtree (of ``campaign`` if given)."""
    from core.scoping import subtree_q

    entries = []
    for model in tracked_models():
        content_type = ContentType.objects.get_for_model(model)
        items = (
            open_items(model)
            .filter(subtree_q([org.path], field="org__path"))
            .filter(deadline__isnull=False, deadline__lte=limits.yellow_until)
        )
        if campaign is not None:
            items = items.filter(campaign=campaign)
        for row in items.order_by("deadline", "pk").values(*CHECK_COLUMNS):
            level = limits.level(row["deadline"])
            entries.append(
                DispatchEntry(
                    content_type=content_type,
                    object_id=row["pk"],
                    org_id=row["org_id"],
                    title=row["title"][:300],
                    deadline=row["deadline"],
                    level=level,
                    overdue_working_days=overdue_working_days(row["deadline"], limits.today),
                )
            )
    return entries


@transaction.atomic
def dispatch_prepare(
    *, org: Org, acting_user: Any, date: datetime.date | None = None, campaign: Any = None
) -> DispatchMeeting:
    """Prepare the weekly dispatch meeting (每周一调度) of ``org`` on ``date``: its agenda is
    every red and yellow item of the subtree that day, frozen in the meeting."""
    if acting_user is not None and not holds_role_over(acting_user, org, DISPATCH_ROLES):
        raise PermissionDenied(_("Only a supervisor or a leader of this org may prepare its dispatch meeting."))
    date = date or timezone.localdate()
    if DispatchMeeting.objects.filter(org=org, date=date).exists():
        raise DomainError(_("This org already has a dispatch meeting on this day."), field="date")
    meeting = DispatchMeeting.objects.create(
        org=org, campaign=campaign, date=date, created_by=acting_user if acting_user else None
    )
    entries = _agenda(org, campaign, thresholds(date))
    for entry in entries:
        entry.meeting = meeting
    DispatchEntry.objects.bulk_create(entries, batch_size=BATCH)
    event_record(item=meeting, actor=acting_user, action="created", changes={"agenda": len(entries)})
    return meeting


def _require_dispatch(meeting: DispatchMeeting, acting_user: Any) -> None:
    if not holds_role_over(acting_user, meeting.org, DISPATCH_ROLES):
        raise PermissionDenied(_("Only a supervisor or a leader of this org may record this meeting."))


@transaction.atomic
def dispatch_decide(
    *,
    meeting: DispatchMeeting,
    acting_user: Any,
    text: str,
    kind: str,
    entry: DispatchEntry | None = None,
    org: Org | None = None,
    owner: Any = None,
    deadline: datetime.date | None = None,
) -> DispatchDecision:
    """Record a decision of the meeting. A "measure" adds a measure to the problem the
    agenda item is (or belongs to); a "task" creates a dispatch task with its owner unit,
    person and deadline; a "note" is recorded only. All in one transaction with events."""
    _require_dispatch(meeting, acting_user)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the decision."), field="text")
    if kind not in DecisionKind.values:
        raise DomainError(_("Choose what the decision becomes."), field="kind")
    if entry is not None and entry.meeting_id != meeting.pk:
        raise DomainError(_("This agenda item belongs to another meeting."), field="entry")
    if kind != DecisionKind.NOTE and deadline is None:
        raise DomainError(_("A measure or a task needs a deadline."), field="deadline")
    if deadline is not None and deadline < meeting.date:
        raise DomainError(_("The deadline cannot be before the meeting."), field="deadline")
    decision = DispatchDecision(meeting=meeting, entry=entry, kind=kind, text=text, created_by=acting_user)
    if kind == DecisionKind.MEASURE:
        decision.measure = _decision_measure(entry, acting_user, text, org, owner, deadline)
    elif kind == DecisionKind.TASK:
        decision.task = _decision_task(meeting, acting_user, text, org, owner, deadline, entry)
    decision.save()
    event_record(
        item=meeting,
        actor=acting_user,
        action="dispatch_decided",
        comment=text,
        changes={"kind": kind, "entry": entry.pk if entry else None},
    )
    return decision


def _decision_measure(entry: Any, acting_user: Any, text: str, org: Any, owner: Any, deadline: Any) -> Any:
    from rectification.models import Measure, Problem
    from rectification.services import measure_add

    item = entry.item if entry is not None else None
    if isinstance(item, Measure):
        item = item.problem
    if not isinstance(item, Problem):
        raise DomainError(_("A new measure must be about a problem of the agenda."), field="entry")
    return measure_add(problem=item, acting_user=acting_user, title=text, org=org, owner=owner, deadline=deadline)


def _decision_task(
    meeting: DispatchMeeting, acting_user: Any, text: str, org: Any, owner: Any, deadline: Any, entry: Any
) -> DispatchTask:
    org = org or (entry.org if entry is not None else None)
    if org is None:
        raise DomainError(_("Name the unit that carries out the task."), field="org")
    if not org.is_within(meeting.org):
        raise DomainError(_("The task's unit must be inside the meeting's org."), field="org")
    if owner is not None and (owner.home_org_id is None or not owner.home_org.is_within(meeting.org)):
        raise DomainError(_("The responsible person must belong to the meeting's org."), field="owner")
    task = DispatchTask.objects.create(
        org=org,
        campaign=meeting.campaign,
        meeting=meeting,
        title=text[:300],
        owner=owner,
        deadline=deadline,
        created_by=acting_user,
    )
    event_record(item=task, actor=acting_user, action="created", changes={"meeting": meeting.pk})
    if owner is not None and owner.pk != getattr(acting_user, "pk", None):
        title = _("You are responsible for the dispatch task “%(title)s”.") % {"title": task.title}
        url = task.get_absolute_url()
        recipients = [owner.pk]
        from core.services import notification_send

        transaction.on_commit(lambda: notification_send(recipient_ids=recipients, title=title, url=url))
    return task


@transaction.atomic
def dispatch_hold(*, meeting: DispatchMeeting, acting_user: Any, minutes: str = "") -> DispatchMeeting:
    """Mark the meeting held, with its minutes; a held meeting's agenda stays as it was."""
    _require_dispatch(meeting, acting_user)
    moved = DispatchMeeting.objects.filter(pk=meeting.pk, status=DispatchStatus.DRAFT).update(
        status=DispatchStatus.HELD, held_at=timezone.now(), minutes=(minutes or "").strip()
    )
    if moved != 1:
        raise DomainError(_("This meeting has already been held."))
    meeting.refresh_from_db()
    event_record(
        item=meeting,
        actor=acting_user,
        action="dispatch_held",
        from_status=DispatchStatus.DRAFT,
        to_status=DispatchStatus.HELD,
        comment=meeting.minutes,
    )
    return meeting


def weekly_dispatch(*, date: datetime.date | None = None, org_code: str | None = None) -> list[DispatchMeeting]:
    """The weekly job: prepare the dispatch meeting of ``org_code`` (default: every root
    org) for ``date``; an org that already has one that day is left as it is."""
    date = date or timezone.localdate()
    if org_code:
        orgs = list(Org.objects.filter(code=org_code))
        if not orgs:
            raise DomainError(_("No org with code “%(code)s”.") % {"code": org_code}, field="org")
    else:
        orgs = list(Org.objects.get_root_nodes().filter(is_active=True))
    meetings = []
    for org in orgs:
        existing = DispatchMeeting.objects.filter(org=org, date=date).first()
        meetings.append(existing or dispatch_prepare(org=org, acting_user=None, date=date))
    return meetings


def task_transition(
    *,
    task: DispatchTask,
    action: str,
    acting_user: Any,
    comment: str = "",
    evidence: Iterable[UploadedFile] = (),
    expected_status: str | None = None,
) -> DispatchTask:
    """A workflow step of a dispatch task (report done with evidence, accept, send back)."""
    return item_transition(
        item=task,
        action=action,
        acting_user=acting_user,
        comment=comment,
        evidence=evidence,
        expected_status=expected_status,
    )


# --------------------------------------------------------------------------- monthly roll-up


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    return first, last


def snapshot_orgs(depth: int | None = None) -> list[Org]:
    """The orgs whose figures are frozen each month: the top ``depth`` levels of the tree
    (``SUPERVISION_SNAPSHOT_DEPTH``, default 2: the district and its departments and
    streets), which bounds the cost at province scale."""
    depth = depth or getattr(settings, "SUPERVISION_SNAPSHOT_DEPTH", 2)
    return list(Org.objects.filter(depth__lte=depth, is_active=True).order_by("path"))


def monthly_rollup(*, month: datetime.date, depth: int | None = None) -> int:
    """Freeze the figures of every snapshot org for ``month`` (每月一汇总); returns how many
    snapshots were written. An org already frozen for the month is left untouched, so
    re-running a month writes nothing new; a month not yet over is refused."""
    first, last = month_bounds(month)
    if last >= timezone.localdate():
        raise DomainError(_("A month is rolled up once it is over."), field="month")
    written = 0
    frozen = set(MonthlySnapshot.objects.filter(month=first).values_list("org_id", flat=True))
    for org in snapshot_orgs(depth):
        if org.pk in frozen:
            continue
        scope = StatsScope(user=None, org=org, campaign=None, as_of=last, period_start=first, period_end=last)
        figures = collect(scope)
        with transaction.atomic():
            _snapshot, created = MonthlySnapshot.objects.get_or_create(
                org=org, month=first, defaults={"figures": figures}
            )
        written += int(created)
    return written
