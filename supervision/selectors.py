"""Reads of supervision, always scoped: warned items, reminders, meetings, snapshots."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from core.models import TrackedItem
from supervision.models import DispatchMeeting, DispatchTask, MonthlySnapshot, Reminder
from supervision.warnings import Thresholds, level_filter, open_items


def warned_items(
    *, user: Any, model: type[TrackedItem], limits: Thresholds, level: str = "", scope: Any = None
) -> QuerySet:
    """Open items of ``model`` the user sees that are yellow, red or escalated (``level``
    narrows to one step, or "overdue" to every red one), nearest deadline first."""
    items = open_items(model, model.objects.visible_to(user))
    if scope is not None:
        items = items.within(scope)
    return items.filter(level_filter(level, limits), deadline__isnull=False).select_related("org", "owner")


def reminders_visible(*, user: Any, scope: Any = None) -> QuerySet[Reminder]:
    reminders = Reminder.objects.visible_to(user)
    if scope is not None:
        reminders = reminders.within(scope)
    # The items themselves (for their links) in one query per kind, not one per row.
    return reminders.select_related("org", "owner", "unit_head", "sent_by", "content_type").prefetch_related("item")


def item_reminders(item: Any) -> QuerySet[Reminder]:
    """The reminders of one item, newest first."""
    return Reminder.objects.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk).order_by(
        "-date", "-id"
    )


def meetings_visible(*, user: Any, scope: Any = None) -> QuerySet[DispatchMeeting]:
    meetings = DispatchMeeting.objects.visible_to(user)
    if scope is not None:
        meetings = meetings.within(scope)
    return meetings.select_related("org", "campaign")


def tasks_visible(*, user: Any) -> QuerySet[DispatchTask]:
    return DispatchTask.objects.visible_to(user).select_related("org", "owner", "meeting")


def snapshot_for(*, org: Any, month: datetime.date) -> MonthlySnapshot | None:
    """The frozen figures of ``org`` for the month containing ``month``, or ``None`` if that
    month was not rolled up for this org (orgs below the snapshot depth never are).
    Dashboards and bulletins read last month's figures here; callers check the org is
    visible to the user (it is their scope)."""
    return MonthlySnapshot.objects.filter(org=org, month=month.replace(day=1)).first()
