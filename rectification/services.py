"""Every change to the ledger: problems and measures, their progress, closure (销号) and
deadline extensions (延期), the review rounds of each unit's list (三上三下), special
drives (专项整治) and inspection rounds (督查). Each service checks who may act, validates,
writes in one transaction with its ``Event``, and queues notifications on commit.

Status changes of problems and measures go through ``core.services.item_transition``,
which locks the row and moves the status with a conditional update, so of two concurrent
decisions exactly one wins and the other is told the item changed.

Deadlines: while the unit's list is being drawn up or has been returned (drafting,
returned) the deadline of a problem or measure may be set freely; until the list is first
accepted the original deadline follows it. Once the list is submitted or accepted the
deadline moves only through an approved extension, and ``original_deadline`` is never
touched again, so statistics can count what was late against the first commitment. A
deadline that was never set may be set at any time (it becomes the original one).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.choices import CampaignStatus
from campaigns.models import Campaign, Channel
from core.errors import Conflict, DomainError, PermissionDenied
from core.scoping import subtree_q
from core.services import attachment_add, event_record, item_transition, notification_send
from orgs.choices import ENTERING_ROLES, Role
from orgs.models import Org, User
from orgs.permissions import holds_role_over
from rectification.choices import (
    ClosureKind,
    DriveStatus,
    ExtensionStatus,
    InspectionStatus,
    ItemStatus,
    ListStatus,
    ProblemLevel,
    RoundDirection,
)
from rectification.models import (
    APPROVING_ROLES,
    FIXING_ROLES,
    Domain,
    ExtensionRequest,
    Inspection,
    InspectionFinding,
    Measure,
    Problem,
    ProblemList,
    ProgressReport,
    ReviewRound,
    SpecialRectification,
)
from rectification.permissions import CREATING_ROLES

# CREATING_ROLES (clerk, leader, supervisor at the unit or above) enter and edit
# problems and measures; the pages offer the same rule from rectification.permissions.
# Who keeps a campaign's domains (the campaign office; domains configure a campaign,
# like its channels, so the system administrator keeps them too).
CAMPAIGN_MANAGING_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})
# Who sets up and concludes a special drive at its lead department.
DRIVE_MANAGING_ROLES = ENTERING_ROLES
DRIVE_CONCLUDING_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER})
# Who runs inspection rounds and records their findings.
INSPECTING_ROLES = frozenset({Role.INSPECTOR, Role.SUPERVISOR})

PROBLEM_EDITABLE_FIELDS = frozenset(
    {
        "title",
        "description",
        "level",
        "channel",
        "domain",
        "special_rectification",
        "owner",
        "immediate",
        "found_date",
        "deadline",
    }
)
MEASURE_EDITABLE_FIELDS = frozenset({"title", "org", "owner", "deadline"})
# Lists whose deadlines are still being negotiated with the reviewer.
OPEN_LIST_STATUSES = frozenset({ListStatus.DRAFTING, ListStatus.RETURNED})
BULK_ACTIONS = ("approve_closure", "send_back", "reopen")
# The most problems one bulk decision takes: each is a transition with its event, in one
# transaction, so a larger selection holds the write lock for seconds. A request carries
# a field per problem, which ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` (settings) lets through.
BULK_LIMIT = 1000

Item = Problem | Measure


# --------------------------------------------------------------------------- helpers


def _require(user: Any, org: Org, roles: Iterable[str], message: str, *, above: bool = False) -> None:
    if not holds_role_over(user, org, roles, above=above):
        raise PermissionDenied(message)


def _url(obj: Any) -> str:
    """The object's page, or nothing while no page is wired for it."""
    try:
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    except NoReverseMatch:
        return ""


def _notify_on_commit(
    *, recipient_ids: Iterable[int | None], acting_user: Any, title: str, body: str, url: str
) -> None:
    """Tell people once the change has committed; never the person who made it."""
    me = getattr(acting_user, "pk", None)
    recipients = sorted({pk for pk in recipient_ids if pk and pk != me})
    if recipients:
        transaction.on_commit(lambda: notification_send(recipient_ids=recipients, title=title, body=body, url=url))


def _plain(value: Any) -> Any:
    """A value as the event's JSON ``changes`` keeps it."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _clean_text(value: Any, *, field: str, message: str, max_length: int | None = None) -> str:
    text = str(value or "").strip()
    if not text:
        raise DomainError(message, field=field)
    if max_length and len(text) > max_length:
        raise DomainError(
            _("This text is too long: at most %(limit)s characters.") % {"limit": max_length}, field=field
        )
    return text


def _check_level(level: str, *, field: str = "level") -> None:
    if level not in ProblemLevel.values:
        raise DomainError(_("Unknown problem level."), field=field)


def _check_campaign_open(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise DomainError(_("This campaign is concluded; nothing can be added to it."), field="campaign")


def _check_org_in_campaign(campaign: Campaign, org: Org, *, field: str = "org") -> None:
    if not org.path.startswith(campaign.org.path):
        raise DomainError(
            _("“%(org)s” is not among the units of the campaign “%(campaign)s”.")
            % {"org": org.name, "campaign": campaign.name},
            field=field,
        )


def _check_channel(campaign: Campaign, channel: Channel | None, *, changed: bool = True) -> None:
    if channel is None:
        return
    if channel.campaign_id != campaign.pk:
        raise DomainError(_("This channel belongs to another campaign."), field="channel")
    if changed and not channel.is_active:
        raise DomainError(_("This channel is no longer in use."), field="channel")


def _check_domain(campaign: Campaign, domain: Domain | None, *, changed: bool = True) -> None:
    if domain is None:
        return
    if domain.campaign_id != campaign.pk:
        raise DomainError(_("This domain belongs to another campaign."), field="domain")
    if changed and not domain.is_active:
        raise DomainError(_("This domain is no longer in use."), field="domain")


def _check_drive(campaign: Campaign, drive: SpecialRectification | None) -> None:
    if drive is None:
        return
    if drive.campaign_id != campaign.pk:
        raise DomainError(_("This special rectification belongs to another campaign."), field="special_rectification")
    if drive.status != DriveStatus.UNDER_WAY:
        raise DomainError(
            _("The special rectification “%(name)s” is concluded.") % {"name": drive.name},
            field="special_rectification",
        )


# A deadline further off than this is a typo (2206 for 2026), not a plan.
DEADLINE_MAX_YEARS = 10


def _check_deadline(deadline: datetime.date | None, found_date: datetime.date | None) -> None:
    if deadline is not None and found_date is not None and deadline < found_date:
        raise DomainError(_("The deadline cannot be before the day the problem was found."), field="deadline")
    if deadline is not None and deadline.year > timezone.localdate().year + DEADLINE_MAX_YEARS:
        raise DomainError(
            _("A deadline more than %(years)s years ahead is not accepted; check the year.")
            % {"years": DEADLINE_MAX_YEARS},
            field="deadline",
        )


def _problem_list(campaign: Campaign, org: Org) -> ProblemList | None:
    return ProblemList.objects.filter(campaign=campaign, org=org).first()


def _list_ensure(campaign: Campaign, org: Org) -> ProblemList:
    """The unit's list in the campaign, created (drafting) on its first problem."""
    problem_list = _problem_list(campaign, org)
    if problem_list is not None:
        return problem_list
    try:
        with transaction.atomic():
            return ProblemList.objects.create(campaign=campaign, org=org, status=ListStatus.DRAFTING)
    except IntegrityError:
        # Another request created it in the meantime.
        return ProblemList.objects.get(campaign=campaign, org=org)


def _deadline_rule(problem: Problem) -> tuple[bool, bool]:
    """(whether the deadline may be set freely now, whether the original follows it)."""
    problem_list = _problem_list(problem.campaign, problem.org)
    if problem_list is None:
        return True, True
    was_accepted = problem_list.rounds.filter(outcome=ListStatus.ACCEPTED).exists()
    return problem_list.status in OPEN_LIST_STATUSES, not was_accepted


def _set_deadline(item: Item, problem: Problem, deadline: datetime.date | None, diff: dict[str, Any]) -> None:
    """Apply a deadline change outside extensions, by the rule in this module's docstring."""
    if deadline == item.deadline:
        return
    free, original_follows = _deadline_rule(problem)
    if not free and item.deadline is not None:
        raise DomainError(
            _("The list of this unit is under review or accepted; ask for an extension to change the deadline."),
            field="deadline",
        )
    diff["deadline"] = [_plain(item.deadline), _plain(deadline)]
    item.deadline = deadline
    if original_follows or item.original_deadline is None:
        if item.original_deadline != deadline:
            diff["original_deadline"] = [_plain(item.original_deadline), _plain(deadline)]
        item.original_deadline = deadline


def _measure_build(*, problem: Problem, acting_user: Any, data: Mapping[str, Any]) -> Measure:
    """Validate one measure of ``problem`` and save it, with its event."""
    unknown = set(data) - {"title", "org", "owner", "deadline"}
    if unknown:
        raise DomainError(_("These fields cannot be set here: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    title = _clean_text(data.get("title"), field="measures", message=_("A measure needs a title."), max_length=300)
    org = data.get("org") or problem.org
    if org.pk != problem.org_id:
        _check_org_in_campaign(problem.campaign, org, field="org")
        _require(acting_user, org, CREATING_ROLES, _("You may not give measures to this unit."))
    deadline = data.get("deadline")
    _check_deadline(deadline, problem.found_date)
    measure = Measure.objects.create(
        problem=problem,
        campaign=problem.campaign,
        org=org,
        title=title,
        owner=data.get("owner"),
        deadline=deadline,
        original_deadline=deadline,
        status=ItemStatus.RECTIFYING,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    event_record(
        item=measure,
        actor=acting_user,
        action="created",
        to_status=measure.status,
        changes={"title": title, "problem": problem.pk, "deadline": _plain(deadline)},
    )
    return measure


def _problem_of(item: Item) -> Problem:
    return item.problem if isinstance(item, Measure) else item


# --------------------------------------------------------------------------- problems


@transaction.atomic
def problem_create(
    *,
    acting_user: Any,
    campaign: Campaign,
    org: Org,
    title: str,
    level: str,
    owner: User | None = None,
    deadline: datetime.date | None = None,
    channel: Channel | None = None,
    domain: Domain | None = None,
    special_rectification: SpecialRectification | None = None,
    description: str = "",
    found_date: datetime.date | None = None,
    immediate: bool = False,
    measures: Iterable[Mapping[str, Any]] = (),
) -> Problem:
    """Enter a problem of ``org`` in ``campaign`` with its measures (rolling: at any time).

    The unit's problem list is created on its first problem; a problem added to a list
    already accepted stays in it without a new review round.
    """
    _require(acting_user, org, CREATING_ROLES, _("You may not enter problems for this unit."))
    title = _clean_text(title, field="title", message=_("A problem needs a title."), max_length=300)
    _check_level(level)
    _check_campaign_open(campaign)
    _check_org_in_campaign(campaign, org)
    _check_channel(campaign, channel)
    _check_domain(campaign, domain)
    _check_drive(campaign, special_rectification)
    found_date = found_date or timezone.localdate()
    if found_date > timezone.localdate():
        raise DomainError(_("The day the problem was found cannot be in the future."), field="found_date")
    _check_deadline(deadline, found_date)
    problem_list = _list_ensure(campaign, org)
    problem = Problem.objects.create(
        campaign=campaign,
        org=org,
        title=title,
        level=level,
        owner=owner,
        deadline=deadline,
        original_deadline=deadline,
        channel=channel,
        domain=domain,
        special_rectification=special_rectification,
        description=description or "",
        found_date=found_date,
        immediate=immediate,
        status=ItemStatus.RECTIFYING,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    event_record(
        item=problem,
        actor=acting_user,
        action="created",
        to_status=problem.status,
        changes={"title": title, "level": level, "deadline": _plain(deadline), "list_status": problem_list.status},
    )
    for data in measures:
        _measure_build(problem=problem, acting_user=acting_user, data=data)
    _notify_on_commit(
        recipient_ids=[problem.owner_id],
        acting_user=acting_user,
        title=_("You are responsible for the problem “%(title)s”.") % {"title": title},
        body=problem.description,
        url=_url(problem),
    )
    return problem


@transaction.atomic
def problem_update(*, problem: Problem, acting_user: Any, **changes: Any) -> Problem:
    """Change what a problem says; never its status (that is the workflow's) and its
    deadline only by the rule in this module's docstring."""
    unknown = set(changes) - PROBLEM_EDITABLE_FIELDS
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    _require(acting_user, problem.org, CREATING_ROLES, _("You may not change problems of this unit."))
    problem = Problem.objects.select_for_update().select_related("campaign", "org").get(pk=problem.pk)
    if problem.status == ItemStatus.CLOSED:
        raise DomainError(_("This problem is closed; a supervisor must reopen it before it is changed."))
    campaign = problem.campaign
    if "title" in changes:
        changes["title"] = _clean_text(
            changes["title"], field="title", message=_("A problem needs a title."), max_length=300
        )
    if "level" in changes:
        _check_level(changes["level"])
    if "channel" in changes:
        _check_channel(campaign, changes["channel"], changed=changes["channel"] != problem.channel)
    if "domain" in changes:
        _check_domain(campaign, changes["domain"], changed=changes["domain"] != problem.domain)
    if "special_rectification" in changes and changes["special_rectification"] != problem.special_rectification:
        _check_drive(campaign, changes["special_rectification"])
    if changes.get("found_date") and changes["found_date"] > timezone.localdate():
        raise DomainError(_("The day the problem was found cannot be in the future."), field="found_date")
    if "found_date" in changes and not changes["found_date"]:
        raise DomainError(_("Give the day the problem was found."), field="found_date")
    _check_deadline(changes.get("deadline", problem.deadline), changes.get("found_date", problem.found_date))
    diff: dict[str, Any] = {}
    if "deadline" in changes:
        _set_deadline(problem, problem, changes.pop("deadline"), diff)
    for key, value in changes.items():
        if key == "description":
            value = value or ""
        if getattr(problem, key) != value:
            diff[key] = [_plain(getattr(problem, key)), _plain(value)]
            setattr(problem, key, value)
    if diff:
        problem.save()
        event_record(item=problem, actor=acting_user, action="updated", changes=diff)
    return problem


@transaction.atomic
def measure_add(
    *,
    problem: Problem,
    acting_user: Any,
    title: str,
    org: Org | None = None,
    owner: User | None = None,
    deadline: datetime.date | None = None,
) -> Measure:
    """Add a measure to a problem still being rectified.

    A problem whose closure is asked for or granted takes no new measure: it would
    leave a closed problem with an open measure. Send it back or reopen it first.
    """
    _require(acting_user, problem.org, CREATING_ROLES, _("You may not add measures to this problem."))
    problem = Problem.objects.select_for_update().select_related("campaign", "org").get(pk=problem.pk)
    if problem.status != ItemStatus.RECTIFYING:
        raise DomainError(
            _("The problem is “%(status)s”; it must be sent back or reopened before a measure is added.")
            % {"status": problem.get_status_display()}
        )
    measure = _measure_build(
        problem=problem,
        acting_user=acting_user,
        data={"title": title, "org": org, "owner": owner, "deadline": deadline},
    )
    event_record(item=problem, actor=acting_user, action="measure_added", changes={"measure": measure.title})
    _notify_on_commit(
        recipient_ids=[measure.owner_id],
        acting_user=acting_user,
        title=_("You are responsible for the measure “%(title)s”.") % {"title": measure.title},
        body=problem.title,
        url=_url(measure),
    )
    return measure


@transaction.atomic
def measure_update(*, measure: Measure, acting_user: Any, **changes: Any) -> Measure:
    """Change a measure's title, unit, owner or deadline (never its status)."""
    unknown = set(changes) - MEASURE_EDITABLE_FIELDS
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    problem = Problem.objects.select_related("campaign", "org").get(pk=measure.problem_id)
    _require(acting_user, problem.org, CREATING_ROLES, _("You may not change measures of this problem."))
    measure = Measure.objects.select_for_update().select_related("org").get(pk=measure.pk)
    if measure.status == ItemStatus.CLOSED:
        raise DomainError(_("This measure is closed; a supervisor must reopen it before it is changed."))
    if "title" in changes:
        changes["title"] = _clean_text(
            changes["title"], field="title", message=_("A measure needs a title."), max_length=300
        )
    if "org" in changes:
        changes["org"] = changes["org"] or problem.org
        if changes["org"].pk != measure.org_id:
            _check_org_in_campaign(problem.campaign, changes["org"])
            _require(acting_user, changes["org"], CREATING_ROLES, _("You may not give measures to this unit."))
    diff: dict[str, Any] = {}
    if "deadline" in changes:
        _check_deadline(changes["deadline"], problem.found_date)
        _set_deadline(measure, problem, changes.pop("deadline"), diff)
    for key, value in changes.items():
        if getattr(measure, key) != value:
            diff[key] = [_plain(getattr(measure, key)), _plain(value)]
            setattr(measure, key, value)
    if diff:
        measure.save()
        event_record(item=measure, actor=acting_user, action="updated", changes=diff)
    return measure


@transaction.atomic
def progress_report(
    *,
    item: Item,
    acting_user: Any,
    text: str,
    percent: int | None = None,
    evidence: Iterable[UploadedFile] = (),
) -> ProgressReport:
    """An owner, or the unit's clerk or leader, reports progress with evidence files."""
    if not (
        (getattr(acting_user, "is_authenticated", False) and item.owner_id == acting_user.pk)
        or holds_role_over(acting_user, item.org, FIXING_ROLES)
    ):
        raise PermissionDenied(_("You may not report progress on this item."))
    if item.status == ItemStatus.CLOSED:
        raise DomainError(_("This item is closed; progress is no longer reported on it."))
    text = _clean_text(text, field="text", message=_("Say what has been done."))
    if percent is not None and not 0 <= percent <= 100:
        raise DomainError(_("Progress is a percentage from 0 to 100."), field="percent")
    problem = _problem_of(item)
    report = ProgressReport.objects.create(
        problem=problem,
        measure=item if isinstance(item, Measure) else None,
        text=text,
        percent=percent,
        reported_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    files = [attachment_add(item=report, file=upload, acting_user=acting_user) for upload in evidence]
    event_record(
        item=item,
        actor=acting_user,
        action="progress_reported",
        comment=text,
        changes={"report": report.pk, "percent": percent, "files": len(files)},
    )
    return report


# --------------------------------------------------------------------------- closure (销号)


def item_request_closure(
    *,
    item: Item,
    acting_user: Any,
    evidence: Iterable[UploadedFile] = (),
    comment: str = "",
    expected_status: str | None = None,
) -> Item:
    """The unit (its clerk or leader, or the owner) asks for closure with evidence; a
    problem only once all its measures are closed."""
    return item_transition(
        item=item,
        action="request_closure",
        acting_user=acting_user,
        comment=comment,
        evidence=evidence,
        expected_status=expected_status,
    )


@transaction.atomic
def item_approve_closure(
    *,
    item: Item,
    acting_user: Any,
    closure_kind: str = ClosureKind.RECTIFIED,
    comment: str = "",
    expected_status: str | None = None,
) -> Item:
    """The level above closes the item, recording how it ended.

    Only ``rectified`` counts in rates; any other ending (duplicate, not actionable,
    explained) needs a comment saying why. The outcome and the time are written in the
    same transaction as the status, and added to the event of the closure.
    """
    if closure_kind not in ClosureKind.values:
        raise DomainError(_("Unknown way of closing."), field="closure_kind")
    comment = (comment or "").strip()
    if closure_kind != ClosureKind.RECTIFIED and not comment:
        raise DomainError(_("Say why the item is closed without being rectified."), field="comment")
    # The outcome and time go into the same conditional UPDATE as the status, and into
    # the event, so the timeline shows how the item ended even after a reopening.
    return item_transition(
        item=item,
        action="approve_closure",
        acting_user=acting_user,
        comment=comment,
        expected_status=expected_status,
        fields={"closure_kind": closure_kind, "closed_at": timezone.now()},
    )


def item_send_back(*, item: Item, acting_user: Any, comment: str, expected_status: str | None = None) -> Item:
    """The level above (or an inspector) refuses the closure, saying why."""
    return item_transition(
        item=item, action="send_back", acting_user=acting_user, comment=comment, expected_status=expected_status
    )


@transaction.atomic
def item_reopen(*, item: Item, acting_user: Any, comment: str, expected_status: str | None = None) -> Item:
    """A supervisor reopens a closed item (rolling closure); its outcome is cleared.

    A measure is reopened only while its problem is being rectified (reopen or send
    back the problem first), so that a closed problem never has an open measure.
    """
    if isinstance(item, Measure):
        problem_status = Problem.objects.filter(pk=item.problem_id).values_list("status", flat=True).get()
        if problem_status == ItemStatus.CLOSED:
            raise DomainError(_("The problem of this measure is closed; reopen the problem first."))
    return item_transition(
        item=item,
        action="reopen",
        acting_user=acting_user,
        comment=comment,
        expected_status=expected_status,
        fields={"closure_kind": "", "closed_at": None},
    )


@transaction.atomic
def problems_bulk_transition(
    *,
    problems: Iterable[Problem],
    action: str,
    acting_user: Any,
    comment: str = "",
    closure_kind: str = ClosureKind.RECTIFIED,
) -> int:
    """Approve, send back or reopen several problems at once: all or nothing.

    The first refusal names the problem and undoes every change made before it.
    """
    if action not in BULK_ACTIONS:
        raise DomainError(_("This action cannot be done on several problems at once."), field="action")
    # A fixed order, so two supervisors acting on overlapping selections lock rows in
    # the same order and never deadlock.
    chosen = sorted({problem.pk: problem for problem in problems}.values(), key=lambda problem: problem.pk)
    if not chosen:
        raise DomainError(_("Select at least one problem."), field="problems")
    if len(chosen) > BULK_LIMIT:
        raise DomainError(
            _("%(count)s problems are selected; at most %(limit)s can be decided at once. Nothing was changed.")
            % {"count": len(chosen), "limit": BULK_LIMIT},
            field="problems",
        )
    for problem in chosen:
        try:
            if action == "approve_closure":
                item_approve_closure(item=problem, acting_user=acting_user, closure_kind=closure_kind, comment=comment)
            elif action == "send_back":
                item_send_back(item=problem, acting_user=acting_user, comment=comment)
            else:
                item_reopen(item=problem, acting_user=acting_user, comment=comment)
        except DomainError as error:
            message = _("“%(title)s”: %(error)s Nothing was changed.") % {
                "title": problem.title,
                "error": error.message,
            }
            if isinstance(error, Conflict | PermissionDenied):
                raise type(error)(message, field=error.field) from error
            raise DomainError(message, field=error.field, code=error.code) from error
    return len(chosen)


# --------------------------------------------------------------------------- extensions (延期)


@transaction.atomic
def extension_request(
    *, item: Item, acting_user: Any, requested_deadline: datetime.date, reason: str
) -> ExtensionRequest:
    """The owner or the unit asks the level above for a later deadline."""
    if not (
        (getattr(acting_user, "is_authenticated", False) and item.owner_id == acting_user.pk)
        or holds_role_over(acting_user, item.org, FIXING_ROLES)
    ):
        raise PermissionDenied(_("You may not ask for an extension of this item."))
    current = type(item).objects.select_for_update().get(pk=item.pk)
    if current.status == ItemStatus.CLOSED:
        raise DomainError(_("This item is closed; it needs no extension."))
    reason = _clean_text(reason, field="reason", message=_("Please give a reason."))
    if requested_deadline is None:
        raise DomainError(_("Give the new deadline."), field="requested_deadline")
    if current.deadline is not None and requested_deadline <= current.deadline:
        raise DomainError(
            _("The new deadline must be after the current one (%(date)s).") % {"date": current.deadline.isoformat()},
            field="requested_deadline",
        )
    if requested_deadline < timezone.localdate():
        raise DomainError(_("The new deadline cannot be in the past."), field="requested_deadline")
    problem_id = current.problem_id if isinstance(current, Measure) else current.pk
    measure_id = current.pk if isinstance(current, Measure) else None
    pending = ExtensionRequest.objects.filter(
        problem_id=problem_id, measure_id=measure_id, status=ExtensionStatus.PENDING
    )
    if pending.exists():
        raise DomainError(
            _("An extension request for this item is already waiting for a decision."), field="requested_deadline"
        )
    try:
        with transaction.atomic():
            extension = ExtensionRequest.objects.create(
                problem_id=problem_id,
                measure_id=measure_id,
                requested_deadline=requested_deadline,
                previous_deadline=current.deadline,
                reason=reason,
                requested_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            )
    except IntegrityError:
        raise DomainError(
            _("An extension request for this item is already waiting for a decision."), field="requested_deadline"
        ) from None
    event_record(
        item=current,
        actor=acting_user,
        action="extension_requested",
        comment=reason,
        changes={"extension": extension.pk, "deadline": [_plain(current.deadline), _plain(requested_deadline)]},
    )
    return extension


@transaction.atomic
def extension_decide(
    *, extension: ExtensionRequest, acting_user: Any, approve: bool, comment: str = ""
) -> ExtensionRequest:
    """The level above grants or refuses an extension (a refusal says why).

    Approval moves the item's deadline; its original deadline stays as it was, so late
    items are still counted against the first commitment. Of two decisions made at once
    one wins; the other is told the request was decided meanwhile.
    """
    item = extension.item
    _require(acting_user, item.org, APPROVING_ROLES, _("You may not decide on this extension request."), above=True)
    comment = (comment or "").strip()
    if not approve and not comment:
        raise DomainError(_("Please give a reason."), field="comment")
    locked = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if locked.status != ExtensionStatus.PENDING:
        raise Conflict(
            _("This extension request has already been decided (“%(status)s”). Reload the page.")
            % {"status": locked.get_status_display()}
        )
    current = type(item).objects.select_for_update().get(pk=item.pk)
    if approve and current.status == ItemStatus.CLOSED:
        raise DomainError(_("This item was closed meanwhile; it needs no extension."))
    now = timezone.now()
    status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    decided = ExtensionRequest.objects.filter(pk=locked.pk, status=ExtensionStatus.PENDING).update(
        status=status, decided_by=acting_user, decided_at=now, decision_comment=comment
    )
    if decided != 1:
        raise Conflict(_("This extension request has already been decided. Reload the page."))
    changes: dict[str, Any] = {"extension": locked.pk}
    if approve:
        changes["deadline"] = [_plain(current.deadline), _plain(locked.requested_deadline)]
        fields: dict[str, Any] = {"deadline": locked.requested_deadline, "updated_at": now}
        if current.original_deadline is None:
            fields["original_deadline"] = current.deadline
        type(current).objects.filter(pk=current.pk).update(**fields)
        for key, value in fields.items():
            setattr(current, key, value)
    event_record(
        item=current,
        actor=acting_user,
        action="extension_approved" if approve else "extension_refused",
        comment=comment,
        changes=changes,
    )
    _notify_on_commit(
        recipient_ids=[locked.requested_by_id, current.owner_id],
        acting_user=acting_user,
        title=(_("Extension approved: “%(title)s”") if approve else _("Extension refused: “%(title)s”"))
        % {"title": current.title},
        body=comment,
        url=_url(current),
    )
    locked.refresh_from_db()
    return locked


# --------------------------------------------------------------------------- review rounds (三上三下)


def _round_write(
    *, problem_list: ProblemList, acting_user: Any, direction: str, outcome: str, comment: str, number: int
) -> ReviewRound:
    problems = Problem.objects.filter(campaign_id=problem_list.campaign_id, org_id=problem_list.org_id)
    return ReviewRound.objects.create(
        problem_list=problem_list,
        number=number,
        direction=direction,
        outcome=outcome,
        comment=comment,
        problem_count=problems.count(),
        measure_count=Measure.objects.filter(problem__in=problems).count(),
        actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )


def _list_move(*, problem_list: ProblemList, sources: Iterable[str], target: str, **fields: Any) -> None:
    """Move the list's status with a conditional update: of two concurrent moves one wins."""
    moved = ProblemList.objects.filter(pk=problem_list.pk, status__in=list(sources)).update(
        status=target, updated_at=timezone.now(), **fields
    )
    if moved != 1:
        raise Conflict(_("This list was changed by someone else. Reload the page and try again."))


@transaction.atomic
def problem_list_submit(*, campaign: Campaign, org: Org, acting_user: Any, comment: str = "") -> ReviewRound:
    """The unit submits its whole list, problems with their measures, to its reviewer."""
    _require(acting_user, org, FIXING_ROLES, _("You may not submit the problem list of this unit."))
    if not Problem.objects.filter(campaign=campaign, org=org).exists():
        raise DomainError(_("The list has no problems yet; enter at least one before submitting it."))
    problem_list = ProblemList.objects.select_for_update().get(pk=_list_ensure(campaign, org).pk)
    if problem_list.status not in OPEN_LIST_STATUSES:
        raise DomainError(
            _("The list is “%(status)s”; only a list being drawn up or returned can be submitted.")
            % {"status": problem_list.get_status_display()}
        )
    from_status = problem_list.status
    _list_move(
        problem_list=problem_list, sources=OPEN_LIST_STATUSES, target=ListStatus.SUBMITTED, rounds_up=F("rounds_up") + 1
    )
    problem_list.refresh_from_db()
    review_round = _round_write(
        problem_list=problem_list,
        acting_user=acting_user,
        direction=RoundDirection.UP,
        outcome=ListStatus.SUBMITTED,
        comment=(comment or "").strip(),
        number=problem_list.rounds_up,
    )
    event_record(
        item=problem_list,
        actor=acting_user,
        action="list_submitted",
        from_status=from_status,
        to_status=problem_list.status,
        comment=review_round.comment,
        changes={"round": review_round.number, "problems": review_round.problem_count},
    )
    return review_round


def _list_decide(*, problem_list: ProblemList, acting_user: Any, comment: str, outcome: str) -> ReviewRound:
    """The reviewer (the level above, or the campaign office) sends the list down."""
    _require(
        acting_user,
        problem_list.org,
        APPROVING_ROLES,
        _("Only the level above reviews the problem list of this unit."),
        above=True,
    )
    comment = (comment or "").strip()
    if outcome == ListStatus.RETURNED and not comment:
        raise DomainError(_("Say what the unit must revise."), field="comment")
    locked = ProblemList.objects.select_for_update().get(pk=problem_list.pk)
    if locked.status != ListStatus.SUBMITTED and problem_list.status == ListStatus.SUBMITTED:
        # The reviewer saw it submitted; another reviewer (or an inspection) moved it since.
        raise Conflict(
            _("This list was changed by someone else (now “%(status)s”). Reload the page and try again.")
            % {"status": locked.get_status_display()}
        )
    if locked.status != ListStatus.SUBMITTED:
        raise DomainError(
            _("The list is “%(status)s”; only a submitted list can be reviewed.")
            % {"status": locked.get_status_display()}
        )
    _list_move(problem_list=locked, sources=[ListStatus.SUBMITTED], target=outcome)
    locked.refresh_from_db()
    review_round = _round_write(
        problem_list=locked,
        acting_user=acting_user,
        direction=RoundDirection.DOWN,
        outcome=outcome,
        comment=comment,
        number=locked.rounds_up,
    )
    event_record(
        item=locked,
        actor=acting_user,
        action="list_returned" if outcome == ListStatus.RETURNED else "list_accepted",
        from_status=ListStatus.SUBMITTED,
        to_status=outcome,
        comment=comment,
        changes={"round": review_round.number},
    )
    submitter = (
        locked.rounds.filter(direction=RoundDirection.UP)
        .order_by("-created_at", "-id")
        .values_list("actor_id", flat=True)
    ).first()
    _notify_on_commit(
        recipient_ids=[submitter, locked.org.head_id],
        acting_user=acting_user,
        title=(
            _("Problem list returned for revision: %(org)s")
            if outcome == ListStatus.RETURNED
            else _("Problem list accepted: %(org)s")
        )
        % {"org": locked.org.name},
        body=comment,
        url="",
    )
    problem_list.status = locked.status
    return review_round


@transaction.atomic
def problem_list_return(*, problem_list: ProblemList, acting_user: Any, comment: str) -> ReviewRound:
    """The reviewer returns a submitted list with comments (one of 三上三下's downs)."""
    return _list_decide(
        problem_list=problem_list, acting_user=acting_user, comment=comment, outcome=ListStatus.RETURNED
    )


@transaction.atomic
def problem_list_accept(*, problem_list: ProblemList, acting_user: Any, comment: str = "") -> ReviewRound:
    """The reviewer accepts a submitted list."""
    return _list_decide(
        problem_list=problem_list, acting_user=acting_user, comment=comment, outcome=ListStatus.ACCEPTED
    )


# --------------------------------------------------------------------------- domains and drives


@transaction.atomic
def domain_add(*, campaign: Campaign, name: str, acting_user: Any) -> Domain:
    """Add a domain (教育, 医疗 …) that the campaign's problems are filed under."""
    _require(acting_user, campaign.org, CAMPAIGN_MANAGING_ROLES, _("You may not manage domains of this campaign."))
    name = _clean_text(name, field="name", message=_("A domain needs a name."), max_length=60)
    if Domain.objects.filter(campaign=campaign, name=name).exists():
        raise DomainError(_("This campaign already has a domain with this name."), field="name")
    order = (campaign.domains.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    try:
        with transaction.atomic():
            domain = Domain.objects.create(campaign=campaign, name=name, order=order)
    except IntegrityError:
        raise DomainError(_("This campaign already has a domain with this name."), field="name") from None
    event_record(item=campaign, actor=acting_user, action="domain_added", changes={"domain": name})
    return domain


@transaction.atomic
def special_rectification_create(
    *,
    campaign: Campaign,
    org: Org,
    name: str,
    level: str,
    acting_user: Any,
    domain: Domain | None = None,
    description: str = "",
) -> SpecialRectification:
    """Open a special drive (专项整治) led by the department ``org``."""
    _require(acting_user, org, DRIVE_MANAGING_ROLES, _("You may not set up special rectifications for this unit."))
    name = _clean_text(name, field="name", message=_("A special rectification needs a name."), max_length=200)
    _check_level(level)
    _check_campaign_open(campaign)
    _check_org_in_campaign(campaign, org)
    _check_domain(campaign, domain)
    drive = SpecialRectification.objects.create(
        campaign=campaign, org=org, name=name, level=level, domain=domain, description=description or ""
    )
    event_record(
        item=drive, actor=acting_user, action="created", to_status=drive.status, changes={"name": name, "level": level}
    )
    return drive


@transaction.atomic
def special_rectification_conclude(
    *, special_rectification: SpecialRectification, acting_user: Any, comment: str = ""
) -> SpecialRectification:
    """Conclude a drive once every problem it groups is closed."""
    drive = special_rectification
    _require(acting_user, drive.org, DRIVE_CONCLUDING_ROLES, _("You may not conclude this special rectification."))
    locked = SpecialRectification.objects.select_for_update().get(pk=drive.pk)
    if locked.status != DriveStatus.UNDER_WAY:
        raise DomainError(_("This special rectification is already concluded."))
    still_open = locked.problems.exclude(status=ItemStatus.CLOSED).count()
    if still_open:
        raise DomainError(
            _("%(count)s problems of this special rectification are not closed yet.") % {"count": still_open}
        )
    SpecialRectification.objects.filter(pk=locked.pk).update(status=DriveStatus.CONCLUDED)
    event_record(
        item=locked,
        actor=acting_user,
        action="concluded",
        from_status=DriveStatus.UNDER_WAY,
        to_status=DriveStatus.CONCLUDED,
        comment=(comment or "").strip(),
    )
    locked.status = drive.status = DriveStatus.CONCLUDED
    return locked


# --------------------------------------------------------------------------- inspections (督查)


@transaction.atomic
def inspection_create(
    *,
    campaign: Campaign,
    org: Org,
    number: int,
    title: str,
    start_date: datetime.date,
    inspector: User | None,
    supervisor: User | None,
    units: Iterable[Org],
    acting_user: Any,
    end_date: datetime.date | None = None,
) -> Inspection:
    """Plan an inspection round run by ``org`` over ``units``."""
    _require(acting_user, org, INSPECTING_ROLES, _("You may not run inspection rounds here."))
    title = _clean_text(title, field="title", message=_("An inspection round needs a title."), max_length=200)
    units = list(units)
    if not units:
        raise DomainError(_("Choose the units to inspect."), field="units")
    for unit in units:
        _require(
            acting_user,
            unit,
            INSPECTING_ROLES,
            _("You may not inspect “%(org)s”.") % {"org": unit.name},
        )
    if number is None or number < 1:
        raise DomainError(_("The round needs a number from 1 up."), field="number")
    if Inspection.objects.filter(campaign=campaign, number=number).exists():
        raise DomainError(_("This campaign already has an inspection round with this number."), field="number")
    if end_date is not None and end_date < start_date:
        raise DomainError(_("The end date cannot be before the start date."), field="end_date")
    if inspector is not None and not holds_role_over(inspector, org, {Role.INSPECTOR}):
        raise DomainError(_("The inspector must hold the inspector role here."), field="inspector")
    if supervisor is not None and not holds_role_over(supervisor, org, {Role.SUPERVISOR}):
        raise DomainError(_("The supervisor must hold the supervisor role here."), field="supervisor")
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(
                campaign=campaign,
                org=org,
                number=number,
                title=title,
                start_date=start_date,
                end_date=end_date,
                inspector=inspector,
                supervisor=supervisor,
            )
    except IntegrityError:
        raise DomainError(
            _("This campaign already has an inspection round with this number."), field="number"
        ) from None
    inspection.units.set(units)
    event_record(
        item=inspection,
        actor=acting_user,
        action="created",
        to_status=inspection.status,
        changes={"title": title, "number": number, "units": [unit.code for unit in units]},
    )
    return inspection


@transaction.atomic
def inspection_finding_add(
    *,
    inspection: Inspection,
    org: Org,
    description: str,
    acting_user: Any,
    fed_back_to: User | None = None,
    fed_back_on: datetime.date | None = None,
    orders_reexamination: bool = False,
) -> InspectionFinding:
    """Record what an inspection found in a unit and feed it back to the unit head.

    With ``orders_reexamination`` the unit must re-examine (重新检视): its problem list
    goes back to "returned" with a round sent down carrying the finding, so the unit
    revises it and submits it again.
    """
    _require(acting_user, org, INSPECTING_ROLES, _("You may not record findings for this unit."))
    if not inspection.units.filter(pk=org.pk).exists():
        raise DomainError(_("“%(org)s” is not among the units of this round.") % {"org": org.name}, field="org")
    description = _clean_text(description, field="description", message=_("Describe what was found."))
    fed_back_to = fed_back_to or org.head
    if fed_back_to is not None and fed_back_on is None:
        fed_back_on = timezone.localdate()
    finding = InspectionFinding.objects.create(
        inspection=inspection,
        org=org,
        description=description,
        fed_back_to=fed_back_to,
        fed_back_on=fed_back_on,
        orders_reexamination=orders_reexamination,
    )
    event_record(
        item=inspection,
        actor=acting_user,
        action="finding_added",
        org=org,
        comment=description,
        changes={"finding": finding.pk, "org": org.code, "orders_reexamination": orders_reexamination},
    )
    if orders_reexamination:
        _list_reexamine(campaign=inspection.campaign, org=org, acting_user=acting_user, comment=description)
    title = (
        _("Inspection “%(title)s”: re-examine your problem list")
        if orders_reexamination
        else _("Inspection “%(title)s”: a finding for your unit")
    ) % {"title": inspection.title}
    _notify_on_commit(
        recipient_ids=[fed_back_to.pk if fed_back_to else None],
        acting_user=acting_user,
        title=title,
        body=description,
        url=_url(inspection),
    )
    return finding


def _list_reexamine(*, campaign: Campaign, org: Org, acting_user: Any, comment: str) -> ReviewRound:
    """Reopen the unit's list for a new review round (重新检视)."""
    problem_list = ProblemList.objects.select_for_update().get(pk=_list_ensure(campaign, org).pk)
    from_status = problem_list.status
    _list_move(problem_list=problem_list, sources=ListStatus.values, target=ListStatus.RETURNED)
    problem_list.status = ListStatus.RETURNED
    review_round = _round_write(
        problem_list=problem_list,
        acting_user=acting_user,
        direction=RoundDirection.DOWN,
        outcome=ListStatus.RETURNED,
        comment=comment,
        number=problem_list.rounds_up,
    )
    event_record(
        item=problem_list,
        actor=acting_user,
        action="reexamination_ordered",
        from_status=from_status,
        to_status=ListStatus.RETURNED,
        comment=comment,
        changes={"round": review_round.number},
    )
    return review_round


# Where an inspection round may go next: planned → under way → concluded.
INSPECTION_MOVES = {
    "start": (InspectionStatus.PLANNED, InspectionStatus.UNDER_WAY),
    "conclude": (InspectionStatus.UNDER_WAY, InspectionStatus.CONCLUDED),
}


@transaction.atomic
def inspection_move(*, inspection: Inspection, action: str, acting_user: Any, comment: str = "") -> Inspection:
    """Start a planned round or conclude one under way (the inspector or a supervisor).

    Concluding records the end date (today unless one was set); of two concurrent moves
    exactly one wins.
    """
    if action not in INSPECTION_MOVES:
        raise DomainError(_("Unknown action."), field="action")
    _require(acting_user, inspection.org, INSPECTING_ROLES, _("You may not run inspection rounds here."))
    source, target = INSPECTION_MOVES[action]
    fields: dict[str, Any] = {"status": target}
    if target == InspectionStatus.CONCLUDED:
        fields["end_date"] = inspection.end_date or timezone.localdate()
    moved = Inspection.objects.filter(pk=inspection.pk, status=source).update(**fields)
    if moved != 1:
        current = Inspection.objects.get(pk=inspection.pk)
        raise Conflict(_("The round is “%(status)s”; reload the page.") % {"status": current.get_status_display()})
    event_record(
        item=inspection,
        actor=acting_user,
        action="inspection_started" if action == "start" else "inspection_concluded",
        from_status=source,
        to_status=target,
        comment=comment,
    )
    for name, value in fields.items():
        setattr(inspection, name, value)
    return inspection


# --------------------------------------------------------------------------- org moves


def org_paths_rewrite(*, old_path: str, new_path: str, **kwargs: Any) -> None:
    """After ``orgs.services.org_move`` (in its transaction): the moved subtree's problems
    and measures get the new paths, one UPDATE per table."""
    if old_path == new_path:
        return
    rest = Substr("org_path", len(old_path) + 1)
    for model in (Problem, Measure):
        model.objects.filter(subtree_q([old_path], field="org_path")).update(org_path=Concat(Value(new_path), rest))
