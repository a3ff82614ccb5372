"""The three-colour warning and the escalation ladder (三色预警, 逐级督办), one rule for
every tracked item with a deadline.

- yellow: open and due within ``WARNING_YELLOW_WORKING_DAYS`` working days;
- red: open and past its deadline;
- leader: overdue by ``ESCALATE_LEADER_WORKING_DAYS`` working days or more: the head and
  the leaders of the org above are told (once);
- bulletin: overdue by ``ESCALATE_BULLETIN_WORKING_DAYS`` working days or more: the
  item is named in the weekly bulletin.

Working days follow the official calendar (:mod:`core.calendar`). Every threshold is a
date computed once per day (:class:`Thresholds`), so the same rule filters a million rows
in the database (``deadline <= cutoff``) and classifies one item in Python.

Other apps use :func:`escalation` for one item and :func:`thresholds` with
:func:`level_filter` for querysets; the bulletins name the items whose level is
``bulletin``.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

from core import calendar
from core.models import Light, TrackedItem
from supervision.choices import WarningLevel

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Escalation:
    """Where one item stands today: its light, its step on the ladder, and how many
    working days it is overdue (0 if not) or has left (``due_in``, ``None`` if overdue
    or without a deadline)."""

    light: str
    level: str
    overdue_working_days: int = 0
    due_in_working_days: int | None = None

    @property
    def is_warning(self) -> bool:
        return self.level != WarningLevel.NONE

    @property
    def leader_told(self) -> bool:
        return self.level in (WarningLevel.LEADER, WarningLevel.BULLETIN)

    @property
    def named_in_bulletin(self) -> bool:
        return self.level == WarningLevel.BULLETIN


def _working_days_back(today: datetime.date, count: int) -> datetime.date:
    """The latest day D with ``count`` working days in (D, today]: a deadline on or before
    D is overdue by at least ``count`` working days."""
    return calendar.working_days_back(today, count)


@dataclass(frozen=True)
class Thresholds:
    """The day's dates that decide every item's level by its deadline alone."""

    today: datetime.date
    # Deadlines up to this day are yellow (from today on); later ones green.
    yellow_until: datetime.date
    # Deadlines on or before these days have reached the step.
    leader_cutoff: datetime.date
    bulletin_cutoff: datetime.date

    def level(self, deadline: datetime.date | None) -> str:
        if deadline is None or deadline > self.yellow_until:
            return WarningLevel.NONE
        if deadline >= self.today:
            return WarningLevel.YELLOW
        if deadline <= self.bulletin_cutoff:
            return WarningLevel.BULLETIN
        if deadline <= self.leader_cutoff:
            return WarningLevel.LEADER
        return WarningLevel.RED


_kept: dict[tuple[Any, ...], tuple[float, Thresholds]] = {}


def thresholds(today: datetime.date | None = None) -> Thresholds:
    """The thresholds of ``today`` (default: the local date) under the configured days.

    Kept in process as the calendar years are (``core.calendar.LOCAL_SECONDS``): a list
    page asks once per row."""
    today = today or timezone.localdate()
    key = (
        today,
        settings.WARNING_YELLOW_WORKING_DAYS,
        settings.ESCALATE_LEADER_WORKING_DAYS,
        settings.ESCALATE_BULLETIN_WORKING_DAYS,
        calendar.generation(),
    )
    now = time.monotonic()
    kept = _kept.get(key)
    if kept is not None and now - kept[0] < calendar.LOCAL_SECONDS:
        return kept[1]
    if len(_kept) > 64:
        _kept.clear()
    found = _thresholds(today)
    _kept[key] = (now, found)
    return found


def _thresholds(today: datetime.date) -> Thresholds:
    yellow_days = settings.WARNING_YELLOW_WORKING_DAYS
    # A deadline is yellow while at most ``yellow_days`` working days lie in (today,
    # deadline]: up to the day before the next working day after that.
    yellow_until = calendar.add_working_days(today, yellow_days + 1) - ONE_DAY
    return Thresholds(
        today=today,
        yellow_until=yellow_until,
        leader_cutoff=_working_days_back(today, settings.ESCALATE_LEADER_WORKING_DAYS),
        bulletin_cutoff=_working_days_back(today, settings.ESCALATE_BULLETIN_WORKING_DAYS),
    )


def overdue_working_days(deadline: datetime.date, today: datetime.date) -> int:
    """Working days after the deadline up to today (0 when not overdue)."""
    if deadline >= today:
        return 0
    return calendar.working_days_between(deadline, today)


def escalation(item: Any, today: datetime.date | None = None, *, limits: Thresholds | None = None) -> Escalation:
    """The light and the escalation level of one tracked item today.

    Closed items are grey with no warning; items without a deadline are green. This is
    the one rule: the daily check, the warnings page, the dispatch agenda and the
    bulletins all decide with it (or with :func:`level_filter`, the same rule as a query).
    """
    limits = limits or thresholds(today)
    today = limits.today
    if getattr(item, "is_closed", False):
        return Escalation(light=Light.GREY, level=WarningLevel.NONE)
    deadline = getattr(item, "deadline", None)
    level = limits.level(deadline)
    if deadline is None:
        return Escalation(light=Light.GREEN, level=level)
    if deadline < today:
        return Escalation(light=Light.RED, level=level, overdue_working_days=overdue_working_days(deadline, today))
    due_in = calendar.working_days_between(today, deadline) if level == WarningLevel.YELLOW else None
    light = Light.YELLOW if level == WarningLevel.YELLOW else Light.GREEN
    return Escalation(light=light, level=level, due_in_working_days=due_in)


def open_statuses(model: type[TrackedItem]) -> list[str] | None:
    """The statuses in which ``model``'s items are open (``None``: the field has no choices)."""
    choices = model._meta.get_field("status").choices
    if not choices:
        return None
    return [value for value, _label in choices if value not in model.closed_statuses]


def open_items(model: type[TrackedItem], queryset: models.QuerySet | None = None) -> models.QuerySet:
    """Open items of ``model`` (of ``queryset`` if given), as ``status IN (...)`` so the
    (status, deadline) index serves."""
    statuses = open_statuses(model)
    queryset = model.objects.all() if queryset is None else queryset
    if statuses is None:
        return queryset.exclude(status__in=model.closed_statuses)
    return queryset.filter(status__in=statuses)


def level_filter(level: str, limits: Thresholds, *, field: str = "deadline") -> models.Q:
    """The deadline range of ``level`` (on open items), for ``filter()``; "warned" (any)
    is the whole window. Every range is on ``deadline`` alone, so an index serves it
    (``field`` names another column holding it: the roll-ups' ``open_deadline``)."""

    def q(**bounds: object) -> models.Q:
        return models.Q(**{f"{field}__{lookup}": value for lookup, value in bounds.items()})

    if level == WarningLevel.YELLOW:
        return q(gte=limits.today, lte=limits.yellow_until)
    if level == WarningLevel.RED:
        return q(lt=limits.today, gt=limits.leader_cutoff)
    if level == WarningLevel.LEADER:
        return q(lte=limits.leader_cutoff, gt=limits.bulletin_cutoff)
    if level == WarningLevel.BULLETIN:
        return q(lte=limits.bulletin_cutoff)
    if level == "overdue":
        return q(lt=limits.today)
    return q(lte=limits.yellow_until)


@cache
def _tracked_models() -> tuple[type[TrackedItem], ...]:
    found = []
    for model in apps.get_models():
        if issubclass(model, TrackedItem) and not model._meta.abstract and not model._meta.proxy:
            found.append(model)
    # INSTALLED_APPS order, then the order the models are defined in (problems first).
    return tuple(found)


def tracked_models() -> tuple[type[TrackedItem], ...]:
    """Every concrete model of tracked items with a deadline, found at run time, so items
    of apps that land later are warned and reminded without code here."""
    return _tracked_models()


def model_by_label(label: str) -> type[TrackedItem] | None:
    """The tracked model named ``app_label.modelname`` (as in URLs and the API), or ``None``."""
    for model in tracked_models():
        if model._meta.label_lower == label.lower():
            return model
    return None
