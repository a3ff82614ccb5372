"""Shared building blocks: org-scoped items, their event log, attachments, notifications
and the official working-day calendar."""

from __future__ import annotations

import datetime
import uuid
from pathlib import PurePath
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import subtree_q

if TYPE_CHECKING:
    from core.workflow import Workflow


class OrgScopedQuerySet(models.QuerySet):
    """Reads of anything owned by an org go through ``visible_to``."""

    def visible_to(self, user) -> OrgScopedQuerySet:  # type: ignore[no-untyped-def]
        """Rows owned by an org in a subtree where ``user`` holds any role."""
        from orgs.choices import READING_ROLES
        from orgs.models import grant_paths

        return self.filter(subtree_q(grant_paths(user, READING_ROLES), field="org__path"))

    def within(self, org) -> OrgScopedQuerySet:  # type: ignore[no-untyped-def]
        """Rows owned by ``org`` or any org below it (the scope picked in the top bar)."""
        return self.filter(subtree_q([org.path], field="org__path"))


class OrgScopedModel(models.Model):
    """Anything owned by an org; its manager offers ``visible_to(user)``."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("owner org"), on_delete=models.PROTECT, related_name="+")

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class Light(models.TextChoices):
    """The three-colour warning (三色预警) plus grey for closed items."""

    GREEN = "green", _("On track")
    YELLOW = "yellow", _("Due soon")
    RED = "red", _("Overdue")
    GREY = "grey", _("Closed")


class TrackedItem(OrgScopedModel):
    """Base of every item the ledger tracks: owned by a unit and a person, with a deadline
    and a status that only the item's workflow changes (see ``core.workflow``)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=30)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    workflow: ClassVar[Workflow]
    # Statuses in which the item counts as finished (grey light, no warnings).
    closed_statuses: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in self.closed_statuses

    def light(self, today: datetime.date | None = None, *, warn_days: int = 3) -> str:
        """Green, yellow within ``warn_days`` working days of the deadline, red after it."""
        from core.calendar import working_days_between

        if self.is_closed:
            return Light.GREY
        if self.deadline is None:
            return Light.GREEN
        today = today or timezone.localdate()
        if today > self.deadline:
            return Light.RED
        # No run of holidays and weekends is long enough for a deadline a month away to
        # be within a few working days: skip counting day by day (deadlines can be years off).
        if (self.deadline - today).days > warn_days + 31:
            return Light.GREEN
        if working_days_between(today, self.deadline) <= warn_days:
            return Light.YELLOW
        return Light.GREEN


# Labels of the actions services record besides workflow transitions (whose labels come
# from the item's workflow).
ACTION_LABELS = {
    "created": _("Created"),
    "updated": _("Updated"),
    "imported": _("Imported"),
    "moved": _("Moved"),
    "activated": _("Reactivated"),
    "deactivated": _("Deactivated"),
    "password_set": _("Password set"),
    "head_set": _("Unit head named"),
    "role_granted": _("Role granted"),
    "role_revoked": _("Role revoked"),
    "channel_added": _("Channel added"),
    "channel_updated": _("Channel changed"),
    "calendar_replaced": _("Calendar replaced"),
    "list_submitted": _("List submitted for review"),
    "list_returned": _("List returned for revision"),
    "list_accepted": _("List accepted"),
    "reexamination_ordered": _("Re-examination ordered"),
    "finding_added": _("Inspection finding recorded"),
    "measure_added": _("Measure added"),
    "progress_reported": _("Progress reported"),
    "extension_requested": _("Extension requested"),
    "extension_approved": _("Extension approved"),
    "extension_refused": _("Extension refused"),
    "domain_added": _("Domain added"),
    "concluded": _("Concluded"),
    "inspection_started": _("Inspection round started"),
    "inspection_concluded": _("Inspection round concluded"),
}


class Event(models.Model):
    """One change of one item: who, when, what action, from which status to which.

    The timeline of an item is its events. Events are written only by services, in the
    same transaction as the change they record, and never edited.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    org = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("org"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=50)
    from_status = models.CharField(_("from"), max_length=30, blank=True)
    to_status = models.CharField(_("to"), max_length=30, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.content_type_id}:{self.object_id}"

    def _model(self) -> type[models.Model] | None:
        return ContentType.objects.get_for_id(self.content_type_id).model_class()

    @property
    def action_label(self) -> str:
        workflow = getattr(self._model(), "workflow", None)
        if workflow is not None and self.action in workflow.transitions:
            return str(workflow.transitions[self.action].label)
        return str(ACTION_LABELS.get(self.action, self.action))

    def _status_label(self, value: str) -> str:
        model = self._model()
        try:
            choices = dict(model._meta.get_field("status").choices or ())  # type: ignore[union-attr]
        except Exception:
            choices = {}
        return str(choices.get(value, value))

    @property
    def from_label(self) -> str:
        return self._status_label(self.from_status) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return self._status_label(self.to_status) if self.to_status else ""


def attachment_path(instance: Attachment, filename: str) -> str:
    """Random name under a dated folder; the original name is kept in a column only."""
    suffix = PurePath(filename).suffix.lower()[:10]
    today = timezone.localdate()
    return f"attachments/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(OrgScopedModel):
    """A file attached to an item as evidence; served only to those who see the item."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    media_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


class Notification(models.Model):
    """An in-app message to one person, optionally about one item."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday")
    WORKDAY = "workday", _("Adjusted working day")


class CalendarYear(models.Model):
    """A year of the official calendar that Taizhang holds data for.

    A year without a row here falls back to "Monday to Friday" and pages say so.
    """

    class Source(models.TextChoices):
        PACKAGE = "package", _("chinese-calendar package")
        IMPORT = "import", _("Imported file")
        MANUAL = "manual", _("Entered by hand")

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from the plain week: a public holiday on a weekday, or an
    adjusted working day (调休) on a weekend."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


def import_path(instance: ImportJob, filename: str) -> str:
    """Random name under a dated folder; the original name is kept in a column only."""
    suffix = PurePath(filename).suffix.lower()[:10]
    today = timezone.localdate()
    return f"imports/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ImportJob(models.Model):
    """A spreadsheet import run in the background: the uploaded file, how far the worker
    got and what came out (counts and the problems found, ready to show).

    While a job runs, its progress lives in the cache (``progress_key``): the import's own
    transaction holds SQLite's write lock, so the worker cannot update this row until the
    end, and an update made inside that transaction would be invisible to the page and
    rolled back with it. The final state is written to the row when the job ends. Jobs
    are seen only by the person who started them (and superusers).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("org"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=import_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    dry_run = models.BooleanField(_("check only"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="importjob_creator_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name}"

    @property
    def progress_key(self) -> str:
        return f"import-job-progress:{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def progress(self) -> tuple[int, int]:
        """(done, total) as the worker last reported it: the cache while running, the row
        once finished or when the cache has nothing."""
        from django.core.cache import cache

        if not self.is_finished:
            reported = cache.get(self.progress_key)
            if reported:
                return reported
        return self.done, self.total

    @property
    def percent(self) -> int:
        done, total = self.progress()
        if self.is_finished:
            return 100
        return min(99, done * 100 // total) if total else 0
