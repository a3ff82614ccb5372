"""Every change to key projects, key tasks and investment promotion. Each service checks
who may act, validates, writes in one transaction with its ``Event`` and queues
notifications on commit; views, the API, the importer and the demo all call these.

Status changes (closure with evidence, approval by the level above, send back, reopen)
go through ``core.services.item_transition``: a locked row and a conditional UPDATE, so
of two concurrent decisions exactly one wins. Stage changes lock the project row and
move the stage with a conditional UPDATE for the same reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from core.errors import Conflict, DomainError, PermissionDenied
from core.models import Event
from core.services import event_record, item_transition, notification_send
from orgs.models import Org, User
from orgs.permissions import holds_role_over
from projects.choices import STAGE_DATE_FIELDS, ProjectLevel, ProjectStage, PromotionKind, WorkStatus
from projects.models import (
    WORKING_ROLES,
    Deal,
    DealFunding,
    InvestmentPlan,
    InvestmentReport,
    KeyProject,
    KeyTask,
    Milestone,
    ProjectProblem,
    PromotionEvent,
    TaskProgress,
    TeamMember,
    month_field,
)

Item = KeyProject | KeyTask
STAGE_ORDER = list(ProjectStage.values)
# The largest amount a cell may hold, in 万元 (a trillion yuan): beyond is a typing slip.
AMOUNT_MAX = Decimal("100000000")


def _require(user: Any, org: Org, message: str) -> None:
    if not holds_role_over(user, org, WORKING_ROLES):
        raise PermissionDenied(message)


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _text(value: Any, *, field: str, message: str, max_length: int) -> str:
    text = str(value or "").strip()
    if not text:
        raise DomainError(message, field=field)
    if len(text) > max_length:
        raise DomainError(_("At most %(count)s characters.") % {"count": max_length}, field=field)
    return text


def _amount(value: Any, *, field: str) -> Decimal:
    """An amount in 万元: a non-negative number below a trillion yuan."""
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise DomainError(_("Write the amount as a number."), field=field) from None
    if not amount.is_finite() or amount < 0:
        raise DomainError(_("An amount cannot be negative."), field=field)
    if amount >= AMOUNT_MAX:
        raise DomainError(_("This amount is too large; amounts are in 10,000 yuan (万元)."), field=field)
    return amount.quantize(Decimal("0.0001"))


def check_month(year: int, month: int, *, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if not 1 <= int(month) <= 12:
        raise DomainError(_("A month is a number from 1 to 12."), field="month")
    if not 2000 <= int(year) <= today.year:
        raise DomainError(_("The year %(year)s cannot be reported.") % {"year": year}, field="year")
    if (int(year), int(month)) > (today.year, today.month):
        raise DomainError(_("A month in the future cannot be reported."), field="month")


def _notify(*, recipient_ids: Iterable[int | None], acting_user: Any, title: str, url: str) -> None:
    me = getattr(acting_user, "pk", None)
    recipients = sorted({pk for pk in recipient_ids if pk and pk != me})
    if recipients:
        transaction.on_commit(lambda: notification_send(recipient_ids=recipients, title=title, url=url))


# --------------------------------------------------------------------------- key projects


@transaction.atomic
def project_create(
    *,
    acting_user: Any,
    org: Org,
    title: str,
    level: str,
    industry: str = "",
    code: str = "",
    leader: User | None = None,
    owner: User | None = None,
    team_name: str = "",
    location: str = "",
    total_investment: Any = 0,
    deadline: datetime.date | None = None,
    stage: str = ProjectStage.RESERVE,
    stage_date: datetime.date | None = None,
    campaign: Campaign | None = None,
    description: str = "",
) -> KeyProject:
    """Put a project on the key-project list of ``org`` at ``stage`` (reached on
    ``stage_date``, today by default)."""
    _require(acting_user, org, _("You may not enter key projects for this unit."))
    title = _text(title, field="title", message=_("A project needs a name."), max_length=300)
    if level not in ProjectLevel.values:
        raise DomainError(_("Unknown project level."), field="level")
    if stage not in ProjectStage.values:
        raise DomainError(_("Unknown project stage."), field="stage")
    stage_date = stage_date or timezone.localdate()
    if stage_date > timezone.localdate():
        raise DomainError(_("A stage cannot be reached in the future."), field="stage_date")
    code = (code or "").strip()
    if code and KeyProject.objects.filter(code=code).exists():
        raise DomainError(_("Another project already has the code “%(code)s”.") % {"code": code}, field="code")
    project = KeyProject.objects.create(
        org=org,
        campaign=campaign,
        title=title,
        code=code,
        level=level,
        industry=(industry or "").strip()[:60],
        leader=leader,
        owner=owner,
        team_name=(team_name or "").strip()[:100],
        location=(location or "").strip()[:200],
        total_investment=_amount(total_investment or 0, field="total_investment"),
        deadline=deadline,
        stage=stage,
        description=description or "",
        status=WorkStatus.UNDER_WAY,
        created_by=_actor(acting_user),
        **{STAGE_DATE_FIELDS[ProjectStage(stage)]: stage_date},
    )
    event_record(
        item=project,
        actor=acting_user,
        action="created",
        to_status=project.status,
        changes={"title": title, "level": level, "stage": stage, "stage_date": stage_date.isoformat()},
    )
    _notify(
        recipient_ids=[project.leader_id, project.owner_id],
        acting_user=acting_user,
        title=_("You are in charge of the key project “%(title)s”.") % {"title": title},
        url=project.get_absolute_url(),
    )
    return project


PROJECT_EDITABLE_FIELDS = frozenset(
    {"title", "industry", "leader", "owner", "team_name", "location", "total_investment", "deadline", "description"}
)


@transaction.atomic
def project_update(*, project: KeyProject, acting_user: Any, **changes: Any) -> KeyProject:
    """Change what a project says; never its stage or status (those have their own steps)."""
    unknown = set(changes) - PROJECT_EDITABLE_FIELDS
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    _require(acting_user, project.org, _("You may not change key projects of this unit."))
    project = KeyProject.objects.select_for_update().get(pk=project.pk)
    if "title" in changes:
        changes["title"] = _text(changes["title"], field="title", message=_("A project needs a name."), max_length=300)
    if "total_investment" in changes:
        changes["total_investment"] = _amount(changes["total_investment"] or 0, field="total_investment")
    diff = {}
    for name, value in changes.items():
        old = getattr(project, name)
        if old != value:
            diff[name] = [_plain(old), _plain(value)]
            setattr(project, name, value)
    if diff:
        project.save()
        event_record(item=project, actor=acting_user, action="updated", changes=diff)
    return project


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@transaction.atomic
def project_stage_set(
    *,
    project: KeyProject,
    stage: str,
    acting_user: Any,
    date: datetime.date | None = None,
    comment: str = "",
    expected_stage: str | None = None,
) -> KeyProject:
    """Move a project to ``stage`` (储备 → 入库 → 在建 → 建成投产), recording the day it was
    reached and an event. Moving back is allowed only with a reason (a project dropped
    from the pipeline); the later stage's date is then cleared.

    ``expected_stage`` is the stage the user saw: if someone moved the project since,
    the user is told instead of overwriting it.
    """
    _require(acting_user, project.org, _("You may not change the stage of this project."))
    if stage not in ProjectStage.values:
        raise DomainError(_("Unknown project stage."), field="stage")
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise DomainError(_("A stage cannot be reached in the future."), field="date")
    current = KeyProject.objects.select_for_update().get(pk=project.pk)
    seen = expected_stage if expected_stage is not None else project.stage
    if current.stage != seen:
        raise Conflict(_("This project was moved to another stage by someone else. Reload the page and try again."))
    if stage == current.stage:
        raise DomainError(_("The project is already at this stage."), field="stage")
    backwards = STAGE_ORDER.index(stage) < STAGE_ORDER.index(current.stage)
    comment = (comment or "").strip()
    if backwards and not comment:
        raise DomainError(_("Say why the project goes back to an earlier stage."), field="comment")
    fields: dict[str, Any] = {"stage": stage, STAGE_DATE_FIELDS[ProjectStage(stage)]: date}
    if backwards:
        for later in STAGE_ORDER[STAGE_ORDER.index(stage) + 1 :]:
            fields[STAGE_DATE_FIELDS[ProjectStage(later)]] = None
    else:
        for earlier in STAGE_ORDER[: STAGE_ORDER.index(stage)]:
            earlier_date = getattr(current, STAGE_DATE_FIELDS[ProjectStage(earlier)])
            if earlier_date is not None and earlier_date > date:
                raise DomainError(
                    _("The project reached an earlier stage on %(date)s; this stage cannot come before it.")
                    % {"date": earlier_date.isoformat()},
                    field="date",
                )
    moved = KeyProject.objects.filter(pk=current.pk, stage=current.stage).update(updated_at=timezone.now(), **fields)
    if moved != 1:
        raise Conflict(_("This project was moved to another stage by someone else. Reload the page and try again."))
    event_record(
        item=current,
        actor=acting_user,
        action="stage_changed",
        comment=comment,
        changes={"stage": [current.stage, stage], "date": date.isoformat()},
    )
    for name, value in fields.items():
        setattr(current, name, value)
        setattr(project, name, value)
    _notify(
        recipient_ids=[current.leader_id, current.owner_id],
        acting_user=acting_user,
        title=_("“%(title)s” is now “%(stage)s”.") % {"title": current.title, "stage": ProjectStage(stage).label},
        url=current.get_absolute_url(),
    )
    return current


@transaction.atomic
def team_member_add(*, project: KeyProject, person: User, duty: str, acting_user: Any) -> TeamMember:
    """Add ``person`` to the project team (专班) with their duty."""
    _require(acting_user, project.org, _("You may not change the team of this project."))
    try:
        with transaction.atomic():
            member = TeamMember.objects.create(project=project, person=person, duty=(duty or "").strip()[:60])
    except IntegrityError:
        raise DomainError(_("This person is already in the project team."), field="person") from None
    event_record(
        item=project, actor=acting_user, action="team_member_added", changes={"person": person.pk, "duty": member.duty}
    )
    _notify(
        recipient_ids=[person.pk],
        acting_user=acting_user,
        title=_("You are in the team of the key project “%(title)s”.") % {"title": project.title},
        url=project.get_absolute_url(),
    )
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, acting_user: Any) -> None:
    project = member.project
    _require(acting_user, project.org, _("You may not change the team of this project."))
    person_id = member.person_id
    member.delete()
    event_record(item=project, actor=acting_user, action="team_member_removed", changes={"person": person_id})


@transaction.atomic
def milestone_add(*, project: KeyProject, title: str, deadline: datetime.date, acting_user: Any) -> Milestone:
    """A step of the project with its deadline."""
    _require(acting_user, project.org, _("You may not change the milestones of this project."))
    title = _text(title, field="title", message=_("A milestone needs a name."), max_length=200)
    if deadline is None:
        raise DomainError(_("A milestone needs a deadline."), field="deadline")
    milestone = Milestone.objects.create(project=project, title=title, deadline=deadline)
    event_record(
        item=project,
        actor=acting_user,
        action="milestone_added",
        changes={"milestone": title, "deadline": deadline.isoformat()},
    )
    return milestone


@transaction.atomic
def milestone_reach(*, milestone: Milestone, acting_user: Any, date: datetime.date | None = None) -> Milestone:
    """Mark a milestone reached (once: a second click changes nothing)."""
    project = milestone.project
    _require(acting_user, project.org, _("You may not change the milestones of this project."))
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise DomainError(_("A milestone cannot be reached in the future."), field="date")
    moved = Milestone.objects.filter(pk=milestone.pk, done_on__isnull=True).update(done_on=date)
    if moved != 1:
        raise Conflict(_("This milestone is already marked reached."))
    milestone.done_on = date
    event_record(
        item=project,
        actor=acting_user,
        action="milestone_reached",
        changes={"milestone": milestone.title, "date": date.isoformat()},
    )
    return milestone


@transaction.atomic
def investment_plan_set(*, project: KeyProject, year: int, amount: Any, acting_user: Any) -> InvestmentPlan:
    """Set the investment planned for ``project`` in ``year`` (万元)."""
    _require(acting_user, project.org, _("You may not set the plan of this project."))
    if not 2000 <= int(year) <= 2100:
        raise DomainError(_("The year %(year)s cannot be planned.") % {"year": year}, field="year")
    amount = _amount(amount, field="amount")
    plan = InvestmentPlan.objects.select_for_update().filter(project=project, year=year).first()
    old = plan.amount if plan else None
    if plan is None:
        plan = InvestmentPlan.objects.create(project=project, year=year, amount=amount)
    elif plan.amount != amount:
        plan.amount = amount
        plan.save(update_fields=["amount"])
    if old != amount:
        event_record(
            item=project,
            actor=acting_user,
            action="plan_set",
            changes={"year": int(year), "amount": [_plain(old), str(amount)]},
        )
    return plan


@transaction.atomic
def investment_report_add(
    *, project: KeyProject, year: int, month: int, amount: Any, acting_user: Any, note: str = ""
) -> InvestmentReport:
    """Report the investment ``project`` completed in ``month`` of ``year`` (万元); a month
    is reported once."""
    _require(acting_user, project.org, _("You may not report investment for this project."))
    check_month(year, month)
    amount = _amount(amount, field="amount")
    try:
        with transaction.atomic():
            report = InvestmentReport.objects.create(
                project=project,
                org_id=project.org_id,
                year=year,
                month=month,
                amount=amount,
                note=(note or "").strip()[:300],
                reported_by=_actor(acting_user),
            )
    except IntegrityError:
        raise DomainError(
            _("%(year)s-%(month)02d has already been reported for this project.") % {"year": year, "month": month},
            field="month",
        ) from None
    _rollup(project_id=project.pk, year=int(year), month=int(month), amount=amount)
    event_record(
        item=project,
        actor=acting_user,
        action="investment_reported",
        changes={"year": int(year), "month": int(month), "amount": str(amount)},
    )
    return report


def _rollup(*, project_id: int, year: int, month: int, amount: Decimal) -> None:
    """Keep the month's amount on the project's year (``InvestmentPlan``), creating the
    year without a plan (amount 0) when the report comes first."""
    plan, _created = InvestmentPlan.objects.get_or_create(project_id=project_id, year=year, defaults={"amount": 0})
    InvestmentPlan.objects.filter(pk=plan.pk).update(**{month_field(month): amount})


@dataclass(frozen=True)
class ReportLine:
    """One checked row of a monthly return, ready to write."""

    project_id: int
    org_id: int
    amount: Decimal
    plan: Decimal | None = None


@transaction.atomic
def investment_reports_import(
    *, lines: Sequence[ReportLine], year: int, month: int, acting_user: Any, note: str = ""
) -> int:
    """Write a checked monthly return: one report per line (and the annual plan where the
    return gives one), with one event per project, in one transaction.

    The importer has checked every row; the database's unique constraint still refuses a
    month reported meanwhile by someone else, and the whole return is then rolled back.
    Rows are written in batches, not one service call each: a return of 5,000 projects
    is one request (bench/projects_import.py).
    """
    check_month(year, month)
    now = timezone.now()
    actor = _actor(acting_user)
    try:
        with transaction.atomic():
            InvestmentReport.objects.bulk_create(
                [
                    InvestmentReport(
                        project_id=line.project_id,
                        org_id=line.org_id,
                        year=year,
                        month=month,
                        amount=line.amount,
                        note=note[:300],
                        reported_by=actor,
                        created_at=now,
                    )
                    for line in lines
                ],
                batch_size=1000,
            )
    except IntegrityError:
        raise Conflict(
            _("Someone reported this month for some of these projects meanwhile; nothing was imported. Check again.")
        ) from None
    # The month (and the plan where the return gives one) on each project's year: one
    # read of the years there are, then batched updates and inserts.
    column = month_field(month)
    existing = {
        plan.project_id: plan
        for plan in InvestmentPlan.objects.filter(year=year, project_id__in=[line.project_id for line in lines])
    }
    changed, added = [], []
    for line in lines:
        plan = existing.get(line.project_id)
        if plan is None:
            plan = InvestmentPlan(project_id=line.project_id, year=year, amount=line.plan or 0)
            added.append(plan)
        else:
            changed.append(plan)
            if line.plan is not None:
                plan.amount = line.plan
        setattr(plan, column, line.amount)
    # One UPDATE per year row through executemany (bulk_update's CASE over thousands of
    # rows cost most of a 5,000-project import in the bench), then the new rows.
    table, quote = InvestmentPlan._meta.db_table, connection.ops.quote_name
    update = f"UPDATE {quote(table)} SET {quote(column)} = %s, {quote('amount')} = %s WHERE {quote('id')} = %s"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if changed:
                cursor.executemany(update, [(getattr(p, column), p.amount, p.pk) for p in changed])
            InvestmentPlan.objects.bulk_create(added, batch_size=1000)
    except IntegrityError:
        raise Conflict(
            _("Someone reported this month for some of these projects meanwhile; nothing was imported. Check again.")
        ) from None
    content_type = ContentType.objects.get_for_model(KeyProject)
    Event.objects.bulk_create(
        [
            Event(
                content_type=content_type,
                object_id=line.project_id,
                org_id=line.org_id,
                actor=actor,
                action="investment_reported",
                comment=note,
                changes={
                    "year": int(year),
                    "month": int(month),
                    "amount": str(line.amount),
                    **({"plan": str(line.plan)} if line.plan is not None else {}),
                    "imported": True,
                },
                created_at=now,
            )
            for line in lines
        ],
        batch_size=1000,
    )
    return len(lines)


@transaction.atomic
def project_problem_raise(
    *,
    project: KeyProject,
    acting_user: Any,
    campaign: Campaign,
    title: str,
    level: str,
    description: str = "",
    deadline: datetime.date | None = None,
) -> ProjectProblem:
    """Send a problem the project met to the ledger (rectification's ``problem_create``),
    keeping the link on the project's side; the weekly dispatch picks it up by its
    deadline like every other problem."""
    from rectification.services import problem_create

    problem = problem_create(
        acting_user=acting_user,
        campaign=campaign,
        org=project.org,
        title=title,
        level=level,
        owner=project.owner,
        deadline=deadline,
        description=description,
    )
    link = ProjectProblem.objects.create(project=project, problem=problem)
    event_record(
        item=project,
        actor=acting_user,
        action="problem_raised",
        changes={"problem": problem.pk, "title": problem.title},
    )
    return link


# --------------------------------------------------------------------------- closure


def item_request_closure(
    *,
    item: Item,
    acting_user: Any,
    evidence: Iterable[UploadedFile] = (),
    comment: str = "",
    expected_status: str | None = None,
) -> Item:
    """The unit asks for closure of a project or task, with evidence."""
    return item_transition(
        item=item,
        action="request_closure",
        acting_user=acting_user,
        comment=comment,
        evidence=evidence,
        expected_status=expected_status,
    )


def item_decide(
    *, item: Item, action: str, acting_user: Any, comment: str = "", expected_status: str | None = None
) -> Item:
    """Approve closure, send back or reopen (the level above, or a supervisor)."""
    if action not in ("approve_closure", "send_back", "reopen"):
        raise DomainError(_("Unknown action."), field="action")
    return item_transition(
        item=item, action=action, acting_user=acting_user, comment=comment, expected_status=expected_status
    )


# --------------------------------------------------------------------------- key tasks


@transaction.atomic
def key_task_create(
    *,
    acting_user: Any,
    org: Org,
    title: str,
    year: int,
    deadline: datetime.date | None = None,
    owner: User | None = None,
    leader: User | None = None,
    campaign: Campaign | None = None,
    description: str = "",
) -> KeyTask:
    """Put a task on the year's list of key tasks of ``org``."""
    _require(acting_user, org, _("You may not enter key tasks for this unit."))
    title = _text(title, field="title", message=_("A key task needs a title."), max_length=300)
    if not 2000 <= int(year) <= 2100:
        raise DomainError(_("The year %(year)s cannot be planned.") % {"year": year}, field="year")
    task = KeyTask.objects.create(
        org=org,
        campaign=campaign,
        title=title,
        year=year,
        deadline=deadline,
        owner=owner,
        leader=leader,
        description=description or "",
        status=WorkStatus.UNDER_WAY,
        created_by=_actor(acting_user),
    )
    event_record(
        item=task, actor=acting_user, action="created", to_status=task.status, changes={"title": title, "year": year}
    )
    _notify(
        recipient_ids=[task.owner_id, task.leader_id],
        acting_user=acting_user,
        title=_("You are responsible for the key task “%(title)s”.") % {"title": title},
        url=task.get_absolute_url(),
    )
    return task


@transaction.atomic
def key_task_progress(*, task: KeyTask, text: str, acting_user: Any) -> TaskProgress:
    """A progress note on a key task, by its owner or the unit."""
    if task.owner_id != getattr(acting_user, "pk", None):
        _require(acting_user, task.org, _("You may not report progress on this task."))
    if task.status == WorkStatus.CLOSED:
        raise DomainError(_("This task is closed; reopen it first."))
    text = _text(text, field="text", message=_("Say what was done."), max_length=5000)
    note = TaskProgress.objects.create(task=task, text=text, reported_by=_actor(acting_user))
    event_record(item=task, actor=acting_user, action="progress_reported", comment=text)
    return note


# --------------------------------------------------------------------------- promotion


@transaction.atomic
def promotion_create(
    *,
    acting_user: Any,
    org: Org,
    kind: str,
    title: str,
    date: datetime.date,
    leader: User | None = None,
    place: str = "",
    target_companies: str = "",
    outcome: str = "",
) -> PromotionEvent:
    """Record a promotion visit or event."""
    _require(acting_user, org, _("You may not record promotion for this unit."))
    if kind not in PromotionKind.values:
        raise DomainError(_("Unknown kind of promotion."), field="kind")
    title = _text(title, field="title", message=_("Give the visit or event a title."), max_length=200)
    if date is None:
        raise DomainError(_("Give the date."), field="date")
    promotion = PromotionEvent.objects.create(
        org=org,
        kind=kind,
        title=title,
        date=date,
        leader=leader,
        place=(place or "").strip()[:200],
        target_companies=target_companies or "",
        outcome=outcome or "",
        created_by=_actor(acting_user),
    )
    event_record(item=promotion, actor=acting_user, action="created", changes={"kind": kind, "title": title})
    return promotion


@transaction.atomic
def deal_create(
    *,
    acting_user: Any,
    org: Org,
    company: str,
    project_name: str,
    amount: Any,
    signed_date: datetime.date,
    industry: str = "",
    manager: User | None = None,
    promotion: PromotionEvent | None = None,
) -> Deal:
    """Record a signed deal and the 项目管家 who looks after the company."""
    _require(acting_user, org, _("You may not record deals for this unit."))
    company = _text(company, field="company", message=_("Name the company."), max_length=200)
    project_name = _text(project_name, field="project_name", message=_("Name the project."), max_length=200)
    if signed_date is None or signed_date > timezone.localdate():
        raise DomainError(_("Give the day the deal was signed (not in the future)."), field="signed_date")
    deal = Deal.objects.create(
        org=org,
        company=company,
        project_name=project_name,
        industry=(industry or "").strip()[:60],
        amount=_amount(amount, field="amount"),
        signed_date=signed_date,
        manager=manager,
        promotion=promotion,
        created_by=_actor(acting_user),
    )
    event_record(
        item=deal, actor=acting_user, action="created", changes={"company": company, "amount": str(deal.amount)}
    )
    _notify(
        recipient_ids=[deal.manager_id],
        acting_user=acting_user,
        title=_("You are the project steward of “%(company)s”.") % {"company": company},
        url=deal.get_absolute_url(),
    )
    return deal


@transaction.atomic
def deal_manager_set(*, deal: Deal, manager: User | None, acting_user: Any) -> Deal:
    """Assign the 项目管家 of a signed company."""
    _require(acting_user, deal.org, _("You may not change deals of this unit."))
    old = deal.manager_id
    Deal.objects.filter(pk=deal.pk).update(manager=manager)
    deal.manager = manager
    event_record(
        item=deal, actor=acting_user, action="manager_set", changes={"manager": [old, getattr(manager, "pk", None)]}
    )
    _notify(
        recipient_ids=[getattr(manager, "pk", None)],
        acting_user=acting_user,
        title=_("You are the project steward of “%(company)s”.") % {"company": deal.company},
        url=deal.get_absolute_url(),
    )
    return deal


@transaction.atomic
def deal_funding_record(*, deal: Deal, year: int, month: int, amount: Any, acting_user: Any) -> DealFunding:
    """Record the funds of ``deal`` that arrived in a month (once per month)."""
    _require(acting_user, deal.org, _("You may not change deals of this unit."))
    check_month(year, month)
    amount = _amount(amount, field="amount")
    try:
        with transaction.atomic():
            funding = DealFunding.objects.create(deal=deal, year=year, month=month, amount=amount)
    except IntegrityError:
        raise DomainError(
            _("The funds of %(year)s-%(month)02d have already been recorded for this deal.")
            % {"year": year, "month": month},
            field="month",
        ) from None
    event_record(
        item=deal,
        actor=acting_user,
        action="funds_recorded",
        changes={"year": int(year), "month": int(month), "amount": str(amount)},
    )
    return funding
