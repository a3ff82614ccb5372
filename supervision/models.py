"""Supervision (督办): the reminders of the daily check, the escalation ladder, the weekly
dispatch meeting with its decisions and tasks, and the frozen monthly snapshots."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OrgScopedModel, TrackedItem
from core.workflow import Transition, Workflow
from orgs.choices import Role
from supervision.choices import (
    DecisionKind,
    DispatchStatus,
    EscalationStep,
    ReminderKind,
    TaskStatus,
    WarningLevel,
)


class ItemReference(models.Model):
    """A reference to any tracked item (problem, measure, task, wish…) by content type and id."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True

    def item_url(self) -> str:
        """The item's page, or nothing if it has none (or is gone)."""
        item = self.item
        if item is None or not hasattr(item, "get_absolute_url"):
            return ""
        return item.get_absolute_url()


class Reminder(ItemReference, OrgScopedModel):
    """A reminder (催办) about one item on one day: to its owner and its unit head, in the
    app, by e-mail and to the chat-group robot.

    The row is written in the transaction that decides to remind, and the database keeps
    it to one per item per day. Delivery happens after commit: a run claims undelivered
    rows by stamping them (``delivery_token``), so a worker killed half-way re-runs the
    check without sending any reminder twice.
    """

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    level = models.CharField(_("warning"), max_length=12, choices=WarningLevel.choices)
    title = models.CharField(_("item"), max_length=300)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    overdue_working_days = models.IntegerField(_("working days overdue"), default=0)
    note = models.TextField(_("note"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_head = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivery_token = models.CharField(max_length=32, blank=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivery = models.JSONField(_("delivery"), default=dict, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "date"],
                name="reminder_one_per_item_per_day",
                violation_error_message=_("This item has already been reminded today."),
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="reminder_created"),
            models.Index(fields=["delivered_at", "id"], name="reminder_undelivered"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class Escalation(ItemReference, OrgScopedModel):
    """A step of the escalation ladder reached by one item, recorded once per item and step.

    ``leader``: the head and the leaders of the org above were told. ``bulletin``: the
    item is named in the weekly bulletin (the bulletins decide with the same rule,
    :func:`supervision.warnings.escalation`).
    """

    step = models.CharField(_("step"), max_length=12, choices=EscalationStep.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("item"), max_length=300)
    recipient_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivery_token = models.CharField(max_length=32, blank=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "step"],
                name="escalation_once_per_item_and_step",
                violation_error_message=_("This item has already reached this step."),
            ),
        ]
        indexes = [models.Index(fields=["delivered_at", "id"], name="escalation_undelivered")]

    def __str__(self) -> str:
        return f"{self.step} {self.title}"


class DispatchMeeting(OrgScopedModel):
    """The weekly dispatch meeting (每周一调度) of one org: its agenda is the red and yellow
    items of its subtree on the day it was prepared, grouped by unit and frozen then."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateField(_("meeting date"))
    status = models.CharField(_("status"), max_length=10, choices=DispatchStatus.choices, default=DispatchStatus.DRAFT)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispatch meeting")
        verbose_name_plural = _("dispatch meetings")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "date"],
                name="dispatch_one_per_org_per_day",
                violation_error_message=_("This org already has a dispatch meeting on this day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.date}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:dispatch_detail", args=[self.pk])


class DispatchEntry(ItemReference):
    """One red or yellow item on a dispatch meeting's agenda, as it stood that day."""

    meeting = models.ForeignKey(DispatchMeeting, on_delete=models.CASCADE, related_name="entries")
    org = models.ForeignKey("orgs.Org", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("item"), max_length=300)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    level = models.CharField(_("warning"), max_length=12, choices=WarningLevel.choices)
    overdue_working_days = models.IntegerField(_("working days overdue"), default=0)

    class Meta:
        verbose_name = _("dispatch agenda item")
        verbose_name_plural = _("dispatch agenda items")
        ordering = ["meeting", "org__path", "deadline", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "content_type", "object_id"], name="dispatch_entry_once_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return self.title


def _task_workflow() -> Workflow:
    """A dispatch task: the owner reports it done with evidence, the level above accepts
    it or sends it back."""
    return Workflow(
        initial=TaskStatus.IN_PROGRESS,
        transitions=[
            Transition(
                name="report_done",
                sources=(TaskStatus.IN_PROGRESS,),
                target=TaskStatus.COMPLETION_REQUESTED,
                label=_("Report done"),
                roles=frozenset({Role.CLERK, Role.LEADER}),
                owner_may=True,
                needs_evidence=True,
            ),
            Transition(
                name="accept",
                sources=(TaskStatus.COMPLETION_REQUESTED,),
                target=TaskStatus.DONE,
                label=_("Accept as done"),
                roles=frozenset({Role.SUPERVISOR, Role.LEADER}),
                above=True,
            ),
            Transition(
                name="send_back",
                sources=(TaskStatus.COMPLETION_REQUESTED,),
                target=TaskStatus.IN_PROGRESS,
                label=_("Send back"),
                roles=frozenset({Role.SUPERVISOR, Role.LEADER}),
                above=True,
                needs_comment=True,
            ),
        ],
    )


class DispatchTask(TrackedItem):
    """A task decided at a dispatch meeting (调度交办): an owner unit and person, a deadline,
    done only with evidence accepted by the level above. Warned and reminded like any item."""

    status = models.CharField(_("status"), max_length=30, choices=TaskStatus.choices, default=TaskStatus.IN_PROGRESS)
    meeting = models.ForeignKey(
        DispatchMeeting, verbose_name=_("dispatch meeting"), on_delete=models.PROTECT, related_name="tasks"
    )
    description = models.TextField(_("description"), blank=True)

    workflow = _task_workflow()
    closed_statuses = frozenset({TaskStatus.DONE})

    class Meta:
        verbose_name = _("dispatch task")
        verbose_name_plural = _("dispatch tasks")
        indexes = [models.Index(fields=["status", "deadline"], name="dispatchtask_status_deadline")]

    def get_absolute_url(self) -> str:
        return reverse("supervision:task_detail", args=[self.pk])


class DispatchDecision(models.Model):
    """A decision taken at a dispatch meeting; it became a measure or a task, or is a note."""

    meeting = models.ForeignKey(DispatchMeeting, on_delete=models.CASCADE, related_name="decisions")
    entry = models.ForeignKey(
        DispatchEntry, verbose_name=_("about"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DecisionKind.choices)
    text = models.TextField(_("decision"))
    measure = models.ForeignKey(
        "rectification.Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task = models.ForeignKey(DispatchTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dispatch decision")
        verbose_name_plural = _("dispatch decisions")
        ordering = ["meeting", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class MonthlySnapshot(OrgScopedModel):
    """The figures of one org for one month (每月一汇总), frozen when the month is rolled up.

    ``figures`` is what :func:`core.statistics.collect` gave for the org's subtree at the
    month's end; the row is never updated, so last month's numbers do not move when
    items change later.
    """

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    figures = models.JSONField(_("figures"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("monthly snapshot")
        verbose_name_plural = _("monthly snapshots")
        ordering = ["-month", "org__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "month"],
                name="snapshot_one_per_org_per_month",
                violation_error_message=_("This org's figures for this month are already frozen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.month:%Y-%m}"
