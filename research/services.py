"""Every change to research work: the catalogue and its rounds, the register, visits and
their findings. Each runs in one transaction and writes its event."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Channel
from core.errors import Conflict, DomainError, PermissionDenied
from core.services import attachment_add, event_record, notification_send
from orgs.choices import ENTERING_ROLES, Role
from orgs.models import Org, User
from orgs.permissions import holds_role_over
from research.choices import ConflictKind, EntityKind, TopicStatus, VisitKind, VisitStatus
from research.models import Entity, Finding, ResearchTopic, SelectionRound, Visit

# The campaign office keeps the catalogue and the register (三员分立: the system
# administrator reads them but does not act on items).
CATALOGUE_ROLES = frozenset({Role.SUPERVISOR})
# Visits are planned and logged by the office, the leaders and the clerks who serve them.
VISIT_ROLES = ENTERING_ROLES
# The channel findings are filed under (调研发现), one of every campaign's defaults.
RESEARCH_CHANNEL_CODE = "research"
RESEARCH_CHANNEL_NAME = "调研发现"


def _require(user: Any, org: Org, roles: Iterable[str], message: str) -> None:
    if not holds_role_over(user, org, roles):
        raise PermissionDenied(message)


def _text(value: str, *, field: str, message: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    if len(value) > max_length:
        raise DomainError(_("At most %(count)s characters, please.") % {"count": max_length}, field=field)
    return value


# --- The topic catalogue ------------------------------------------------------------------


@transaction.atomic
def topic_create(
    *, campaign: Campaign, org: Org, area: str, title: str, acting_user: Any, proposer: str = ""
) -> ResearchTopic:
    """Add a candidate topic to the catalogue of ``campaign``."""
    _require(acting_user, org, CATALOGUE_ROLES, _("You may not change the research catalogue of this unit."))
    area = _text(area, field="area", message=_("A topic needs an area."), max_length=60)
    title = _text(title, field="title", message=_("A topic needs a title."), max_length=200)
    if ResearchTopic.objects.filter(campaign=campaign, title=title).exists():
        raise DomainError(_("This campaign already has a topic with this title."), field="title")
    topic = ResearchTopic.objects.create(
        campaign=campaign, org=org, area=area, title=title, proposer=(proposer or "").strip()[:100]
    )
    event_record(item=topic, actor=acting_user, action="created", to_status=topic.status, changes={"area": area})
    return topic


def _move_topics(topics: Iterable[ResearchTopic], *, target: str, acting_user: Any, comment: str) -> int:
    moved = 0
    for topic in topics:
        if topic.status == target:
            continue
        from_status = topic.status
        if ResearchTopic.objects.filter(pk=topic.pk, status=from_status).update(
            status=target, updated_at=timezone.now()
        ):
            topic.status = target
            event_record(
                item=topic,
                actor=acting_user,
                action="status_changed",
                from_status=from_status,
                to_status=target,
                comment=comment,
            )
            moved += 1
    return moved


@transaction.atomic
def selection_round_record(
    *,
    campaign: Campaign,
    org: Org,
    held_on: datetime.date,
    topics: Sequence[ResearchTopic],
    acting_user: Any,
    note: str = "",
    is_final: bool = False,
) -> SelectionRound:
    """Record a round of discussion and the shortlist it kept.

    Topics on the shortlist become shortlisted (selected, in the final round); topics
    shortlisted before and left out now go back among the candidates. Topics already
    assigned to a leader are not discussed again.
    """
    _require(acting_user, org, CATALOGUE_ROLES, _("You may not change the research catalogue of this unit."))
    topics = list(topics)
    if not topics:
        raise DomainError(_("A round keeps at least one topic."), field="topics")
    wrong = [
        t
        for t in topics
        if t.campaign_id != campaign.pk
        or t.status not in (TopicStatus.CANDIDATE, TopicStatus.SHORTLISTED, TopicStatus.SELECTED)
    ]
    if wrong:
        raise DomainError(
            _("“%(title)s” cannot be discussed in this round (already assigned, or another campaign's).")
            % {"title": wrong[0].title},
            field="topics",
        )
    number = (SelectionRound.objects.filter(campaign=campaign).aggregate(n=Max("number"))["n"] or 0) + 1
    selection = SelectionRound.objects.create(
        campaign=campaign,
        org=org,
        number=number,
        held_on=held_on,
        note=note.strip(),
        is_final=is_final,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    selection.topics.set(topics)
    kept = {t.pk for t in topics}
    comment = _("Round %(number)s") % {"number": number}
    dropped = ResearchTopic.objects.filter(
        campaign=campaign, status__in=[TopicStatus.SHORTLISTED, TopicStatus.SELECTED]
    ).exclude(pk__in=kept)
    _move_topics(list(dropped), target=TopicStatus.CANDIDATE, acting_user=acting_user, comment=comment)
    target = TopicStatus.SELECTED if is_final else TopicStatus.SHORTLISTED
    _move_topics(topics, target=target, acting_user=acting_user, comment=comment)
    event_record(
        item=selection,
        actor=acting_user,
        action="created",
        changes={"number": number, "topics": len(kept), "final": is_final},
    )
    return selection


@transaction.atomic
def topic_assign(*, topic: ResearchTopic, leader: User, acting_user: Any) -> ResearchTopic:
    """Give a selected topic to a county-level leader (a change of leader is allowed before the report)."""
    _require(acting_user, topic.org, CATALOGUE_ROLES, _("You may not change the research catalogue of this unit."))
    if not holds_role_over(leader, topic.org, [Role.LEADER]):
        raise DomainError(_("%(name)s holds no leader role over this unit.") % {"name": leader}, field="leader")
    current = ResearchTopic.objects.select_for_update().get(pk=topic.pk)
    if current.status not in (TopicStatus.SELECTED, TopicStatus.ASSIGNED):
        raise DomainError(_("Only a selected topic can be assigned to a leader."), field="leader")
    from_status = current.status
    ResearchTopic.objects.filter(pk=current.pk).update(
        status=TopicStatus.ASSIGNED, leader=leader, updated_at=timezone.now()
    )
    current.status, current.leader = TopicStatus.ASSIGNED, leader
    event_record(
        item=current,
        actor=acting_user,
        action="assigned",
        from_status=from_status,
        to_status=current.status,
        changes={"leader": leader.pk},
    )
    transaction.on_commit(
        lambda: notification_send(
            recipient_ids=[leader.pk],
            title=_("Research topic assigned to you: %(title)s") % {"title": current.title},
            url=current.get_absolute_url(),
        )
    )
    return current


@transaction.atomic
def topic_report(
    *, topic: ResearchTopic, file: UploadedFile, acting_user: Any, summary: str = "", characters: int = 0
) -> ResearchTopic:
    """File the research report of an assigned topic (the leader, or the office for them)."""
    current = ResearchTopic.objects.select_for_update().get(pk=topic.pk)
    if current.leader_id != getattr(acting_user, "pk", None):
        _require(
            acting_user,
            current.org,
            CATALOGUE_ROLES,
            _("Only the leader in charge or the campaign office files the report."),
        )
    if current.status not in (TopicStatus.ASSIGNED, TopicStatus.REPORTED):
        raise DomainError(_("A report is filed for a topic assigned to a leader."), field="file")
    if characters < 0:
        raise DomainError(_("The length cannot be negative."), field="characters")
    attachment_add(item=current, file=file, acting_user=acting_user)
    from_status = current.status
    ResearchTopic.objects.filter(pk=current.pk).update(
        status=TopicStatus.REPORTED,
        report_summary=summary.strip(),
        report_characters=characters,
        reported_at=timezone.now(),
        updated_at=timezone.now(),
    )
    current.refresh_from_db()
    event_record(
        item=current,
        actor=acting_user,
        action="reported",
        from_status=from_status,
        to_status=current.status,
        changes={"characters": characters, "file": file.name},
    )
    return current


# --- The register of enterprises and places -------------------------------------------------


@transaction.atomic
def entity_create(
    *,
    org: Org,
    name: str,
    acting_user: Any,
    kind: str = EntityKind.ENTERPRISE,
    credit_code: str = "",
    industry: str = "",
    address: str = "",
    contact: str = "",
    phone: str = "",
) -> Entity:
    """Register an enterprise or a place that leaders may visit."""
    _require(acting_user, org, VISIT_ROLES, _("You may not register enterprises for this unit."))
    name = _text(name, field="name", message=_("An enterprise or place needs a name."), max_length=150)
    if kind not in EntityKind.values:
        raise DomainError(_("Unknown kind."), field="kind")
    credit_code = (credit_code or "").strip().upper()
    if credit_code and len(credit_code) != 18:
        raise DomainError(_("A unified social credit code has 18 characters."), field="credit_code")
    if Entity.objects.filter(name=name).exists():
        raise DomainError(_("An enterprise or place with this name is already registered."), field="name")
    if credit_code and Entity.objects.filter(credit_code=credit_code).exists():
        raise DomainError(_("An enterprise with this credit code is already registered."), field="credit_code")
    entity = Entity.objects.create(
        org=org,
        name=name,
        kind=kind,
        credit_code=credit_code,
        industry=industry.strip()[:60],
        address=address.strip()[:200],
        contact=contact.strip()[:50],
        phone=phone.strip()[:20],
    )
    event_record(item=entity, actor=acting_user, action="created", changes={"name": name})
    return entity


# --- Visits ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitConflict:
    """Another visit too close to the one being planned, and why."""

    kind: str
    visit: Visit

    @property
    def message(self) -> str:
        values = {
            "leader": self.visit.leader.get_full_name(),
            "entity": self.visit.entity.name,
            "date": f"{timezone.localtime(self.visit.starts_at):%Y-%m-%d %H:%M}",
        }
        if self.kind == ConflictKind.CROWDING:
            return _("%(leader)s also visits %(entity)s on %(date)s.") % values
        return _("%(leader)s is already booked at %(entity)s on %(date)s.") % values


class VisitConflictWarning(DomainError):
    """The visit would crowd a place or double-book a leader; saving needs a confirmation."""

    def __init__(self, conflicts: list[VisitConflict]) -> None:
        super().__init__(
            _("Please check before saving: %(details)s") % {"details": " ".join(c.message for c in conflicts)},
            field="confirm",
            code="visit_conflict",
        )
        self.conflicts = conflicts


def crowding_days() -> int:
    """How many days apart two leaders' visits to one place still count as crowding."""
    return int(getattr(settings, "VISIT_CROWDING_DAYS", 7))


def visit_conflicts(
    *,
    leader: User,
    entity: Entity,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    exclude_pk: int | None = None,
) -> list[VisitConflict]:
    """Visits that make this one a problem: another leader at the same place within the
    window (扎堆、多头、重复调研) or the same leader elsewhere at an overlapping time.

    Looked up over every visit, not only the ones the planner sees: the warning is about
    the place and the leader, whoever planned the other visit. One query, served by the
    (entity, starts_at) and (leader, starts_at) indexes.
    """
    window = datetime.timedelta(days=crowding_days())
    crowding = Q(entity=entity, starts_at__lt=ends_at + window, ends_at__gt=starts_at - window) & ~Q(leader=leader)
    double_booked = Q(leader=leader, starts_at__lt=ends_at, ends_at__gt=starts_at)
    others = (
        Visit.objects.filter(crowding | double_booked)
        .exclude(status=VisitStatus.CANCELLED)
        .select_related("leader", "entity")
        .order_by("starts_at", "id")
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    conflicts = []
    for other in others:
        if other.leader_id == leader.pk:
            conflicts.append(VisitConflict(kind=ConflictKind.DOUBLE_BOOKED, visit=other))
        else:
            conflicts.append(VisitConflict(kind=ConflictKind.CROWDING, visit=other))
    return conflicts


def _check_leader(leader: User, org: Org) -> None:
    if not holds_role_over(leader, org, [Role.LEADER]):
        raise DomainError(_("%(name)s holds no leader role over this unit.") % {"name": leader}, field="leader")


@transaction.atomic
def visit_plan(
    *,
    org: Org,
    leader: User,
    entity: Entity,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    acting_user: Any,
    kind: str = VisitKind.ENTERPRISE_VISIT,
    campaign: Campaign | None = None,
    topic: ResearchTopic | None = None,
    purpose: str = "",
    confirm: bool = False,
) -> Visit:
    """Put a visit on a leader's schedule.

    Raises :class:`VisitConflictWarning` when it crowds a place or double-books the
    leader, unless ``confirm`` says the planner has seen the warning and saves anyway.
    """
    _require(acting_user, org, VISIT_ROLES, _("You may not plan visits for this unit."))
    _check_leader(leader, org)
    if kind not in VisitKind.values:
        raise DomainError(_("Unknown kind."), field="kind")
    if ends_at <= starts_at:
        raise DomainError(_("A visit must end after it starts."), field="ends_at")
    if topic is not None and campaign is not None and topic.campaign_id != campaign.pk:
        raise DomainError(_("The topic belongs to another campaign."), field="topic")
    conflicts = visit_conflicts(leader=leader, entity=entity, starts_at=starts_at, ends_at=ends_at)
    if conflicts and not confirm:
        raise VisitConflictWarning(conflicts)
    visit = Visit.objects.create(
        org=org,
        campaign=campaign or (topic.campaign if topic else None),
        leader=leader,
        entity=entity,
        topic=topic,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=(purpose or "").strip(),
        conflicts_confirmed=bool(conflicts),
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    event_record(
        item=visit,
        actor=acting_user,
        action="created",
        to_status=visit.status,
        changes={"conflicts": [c.visit.pk for c in conflicts]} if conflicts else {},
    )
    if leader.pk != getattr(acting_user, "pk", None):
        transaction.on_commit(
            lambda: notification_send(
                recipient_ids=[leader.pk],
                title=_("Research visit planned: %(entity)s") % {"entity": entity.name},
                url=visit.get_absolute_url(),
            )
        )
    return visit


def _may_log(user: Any, visit: Visit) -> bool:
    return visit.leader_id == getattr(user, "pk", None) or holds_role_over(user, visit.org, VISIT_ROLES)


@transaction.atomic
def visit_log(
    *,
    visit: Visit,
    acting_user: Any,
    people_met: int = 0,
    questionnaires: int = 0,
    petitions_received: int = 0,
    petitions_resolved: int = 0,
    summary: str = "",
) -> Visit:
    """Record what a visit did; a planned visit becomes done, a done one is corrected."""
    if not _may_log(acting_user, visit):
        raise PermissionDenied(_("You may not log this visit."))
    for name, value in (
        ("people_met", people_met),
        ("questionnaires", questionnaires),
        ("petitions_received", petitions_received),
        ("petitions_resolved", petitions_resolved),
    ):
        if value is None or value < 0:
            raise DomainError(_("Counts cannot be negative."), field=name)
    if petitions_resolved > petitions_received:
        raise DomainError(_("More petition cases resolved than received."), field="petitions_resolved")
    current = Visit.objects.select_for_update().get(pk=visit.pk)
    if current.status == VisitStatus.CANCELLED:
        raise DomainError(_("A cancelled visit cannot be logged."))
    from_status = current.status
    fields = {
        "people_met": people_met,
        "questionnaires": questionnaires,
        "petitions_received": petitions_received,
        "petitions_resolved": petitions_resolved,
        "summary": (summary or "").strip(),
    }
    changes = {
        name: [getattr(current, name), value] for name, value in fields.items() if getattr(current, name) != value
    }
    Visit.objects.filter(pk=current.pk).update(
        status=VisitStatus.DONE, logged_at=timezone.now(), updated_at=timezone.now(), **fields
    )
    current.refresh_from_db()
    event_record(
        item=current,
        actor=acting_user,
        action="logged" if from_status == VisitStatus.PLANNED else "updated",
        from_status=from_status,
        to_status=current.status,
        changes=changes,
    )
    return current


@transaction.atomic
def visit_cancel(*, visit: Visit, acting_user: Any, comment: str = "") -> Visit:
    """Take a planned visit off the schedule (it stays on record, struck through)."""
    if not _may_log(acting_user, visit):
        raise PermissionDenied(_("You may not change this visit."))
    moved = Visit.objects.filter(pk=visit.pk, status=VisitStatus.PLANNED).update(
        status=VisitStatus.CANCELLED, updated_at=timezone.now()
    )
    if not moved:
        raise Conflict(_("Only a planned visit can be cancelled."))
    visit.refresh_from_db()
    event_record(
        item=visit,
        actor=acting_user,
        action="cancelled",
        from_status=VisitStatus.PLANNED,
        to_status=visit.status,
        comment=comment,
    )
    return visit


@transaction.atomic
def finding_add(*, visit: Visit, description: str, acting_user: Any) -> Finding:
    """Note something the visit found."""
    if not _may_log(acting_user, visit):
        raise PermissionDenied(_("You may not log this visit."))
    description = _text(description, field="description", message=_("Describe what was found."), max_length=2000)
    finding = Finding.objects.create(
        visit=visit,
        org=visit.org,
        description=description,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    event_record(item=visit, actor=acting_user, action="finding_added", comment=description[:200])
    return finding


def research_channel(*, campaign: Campaign, acting_user: Any) -> Channel:
    """The campaign's channel 调研发现, added through the campaign's service if missing."""
    from campaigns.services import channel_add

    channel = (
        Channel.objects.filter(campaign=campaign)
        .filter(Q(code=RESEARCH_CHANNEL_CODE) | Q(name=RESEARCH_CHANNEL_NAME))
        .order_by("id")
        .first()
    )
    if channel is None:
        channel = channel_add(
            campaign=campaign, name=RESEARCH_CHANNEL_NAME, code=RESEARCH_CHANNEL_CODE, acting_user=acting_user
        )
    return channel


@transaction.atomic
def finding_to_problem(
    *,
    finding: Finding,
    acting_user: Any,
    org: Org,
    level: str,
    title: str = "",
    owner: User | None = None,
    deadline: datetime.date | None = None,
    campaign: Campaign | None = None,
) -> Finding:
    """Enter a finding in the problem ledger of ``org`` under the channel 调研发现.

    The finding row is locked first, so of two people turning it into a problem at once
    one succeeds and the other is told it is already in the ledger.
    """
    from rectification.services import problem_create

    current = Finding.objects.select_for_update().select_related("visit").get(pk=finding.pk)
    if current.problem_id is not None:
        raise Conflict(_("This finding is already in the problem ledger."))
    campaign = campaign or current.visit.campaign
    if campaign is None:
        raise DomainError(_("Pick the campaign whose ledger the problem goes into."), field="campaign")
    channel = research_channel(campaign=campaign, acting_user=acting_user)
    problem = problem_create(
        acting_user=acting_user,
        campaign=campaign,
        org=org,
        title=(title or current.description)[:300],
        level=level,
        owner=owner,
        deadline=deadline,
        channel=channel,
        description=_("Found on the research visit to %(entity)s on %(date)s: %(text)s")
        % {
            "entity": current.visit.entity.name,
            "date": f"{timezone.localtime(current.visit.starts_at):%Y-%m-%d}",
            "text": current.description,
        },
        found_date=min(timezone.localdate(current.visit.starts_at), timezone.localdate()),
    )
    Finding.objects.filter(pk=current.pk).update(problem=problem)
    current.problem = problem
    event_record(item=current.visit, actor=acting_user, action="finding_filed", changes={"problem": problem.pk})
    return current
