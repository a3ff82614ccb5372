"""Study (学习): reading classes with phases, sessions and attendance, their daily
reminders and summaries, and outreach checklists per member category (三个一, 四个一)
done member by member so that no one is left behind (不掉队)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OrgScopedModel, OrgScopedQuerySet
from core.scoping import subtree_q
from orgs.choices import MemberCategory
from study.choices import CheckInMethod, DispatchKind


class StudyClassQuerySet(OrgScopedQuerySet):
    def visible_to(self, user) -> StudyClassQuerySet:  # type: ignore[no-untyped-def]
        """Classes of the user's subtrees, and the classes the user is a member of."""
        from orgs.choices import READING_ROLES
        from orgs.models import grant_paths

        mine = models.Q(pk__in=[]) if not getattr(user, "is_authenticated", False) else models.Q(members=user)
        return self.filter(subtree_q(grant_paths(user, READING_ROLES), field="org__path") | mine).distinct()


class StudyClass(OrgScopedModel):
    """A reading class (读书班, 党员大课堂) run by ``org`` for its members."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="study_classes", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = StudyClassQuerySet.as_manager()

    class Meta:
        verbose_name = _("study class")
        verbose_name_plural = _("study classes")
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="study_class_period_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("study:class_detail", args=[self.pk])


class ClassPhase(models.Model):
    """One phase of a class ("3+4": a first phase of three days, a second of four)."""

    study_class = models.ForeignKey(StudyClass, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(_("phase"))
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("class phase")
        verbose_name_plural = _("class phases")
        ordering = ["study_class", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["study_class", "number"],
                name="study_phase_unique_number",
                violation_error_message=_("This class already has a phase with this number."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="study_phase_period_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> SessionQuerySet:  # type: ignore[no-untyped-def]
        """Sessions of the classes the user sees (see ``StudyClass.objects.visible_to``)."""
        return self.filter(study_class__in=StudyClass.objects.visible_to(user).values("pk"))


class StudySession(models.Model):
    """One day's session of a class: its topic and what to read, held on ``date``."""

    study_class = models.ForeignKey(
        StudyClass, verbose_name=_("study class"), on_delete=models.CASCADE, related_name="sessions"
    )
    phase = models.ForeignKey(
        ClassPhase, verbose_name=_("phase"), null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    reading = models.TextField(_("what to read"), blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("study session")
        verbose_name_plural = _("study sessions")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["study_class", "date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("study:session_detail", args=[self.pk])


class AttendanceQuerySet(models.QuerySet):
    def visible_to(self, user) -> AttendanceQuerySet:  # type: ignore[no-untyped-def]
        """Attendance of sessions the user sees; a member sees only their own."""
        from orgs.choices import READING_ROLES
        from orgs.models import grant_paths

        managed = subtree_q(grant_paths(user, READING_ROLES), field="session__study_class__org__path")
        own = models.Q(member=user) if getattr(user, "is_authenticated", False) else models.Q(pk__in=[])
        return self.filter(managed | own)


class Attendance(models.Model):
    """A member present at a session: checked in once, by link or ticked by the clerk."""

    session = models.ForeignKey(
        StudySession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="study_attendances"
    )
    method = models.CharField(_("how"), max_length=10, choices=CheckInMethod.choices)
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "checked_in_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                name="study_attendance_once",
                violation_error_message=_("Already checked in to this session."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.member_id}"


class DailyDispatch(models.Model):
    """The reminder or summary a class sent on one day: one row per class, day and kind,
    so sending twice (a retried task, a clerk pressing the button) sends nothing more."""

    study_class = models.ForeignKey(StudyClass, on_delete=models.CASCADE, related_name="dispatches")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=DispatchKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    recipients = models.PositiveIntegerField(_("sent to"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("daily message")
        verbose_name_plural = _("daily messages")
        ordering = ["-date", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["study_class", "date", "kind"],
                name="study_dispatch_once_a_day",
                violation_error_message=_("This message was already sent for that day."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class OutreachPlanQuerySet(OrgScopedQuerySet):
    def visible_to(self, user) -> OutreachPlanQuerySet:  # type: ignore[no-untyped-def]
        """Plans set up in the user's subtrees, and plans above them that cover people
        they manage (a community clerk works under the zone's 三个一)."""
        from core.scoping import ancestor_paths
        from orgs.choices import READING_ROLES
        from orgs.models import grant_paths

        paths = grant_paths(user, READING_ROLES)
        above = {ancestor for path in paths for ancestor in ancestor_paths(path)}
        return self.filter(subtree_q(paths, field="org__path") | models.Q(org__path__in=above))


class OutreachPlan(OrgScopedModel):
    """The checklist for one member category across ``org``'s subtree (三个一, 四个一)."""

    category = models.CharField(_("member category"), max_length=20, choices=MemberCategory.choices)
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OutreachPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("outreach plan")
        verbose_name_plural = _("outreach plans")
        ordering = ["org", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "category"],
                name="study_outreach_plan_once_per_category",
                violation_error_message=_("This unit already has an outreach plan for this category."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("study:plan_detail", args=[self.pk])


class OutreachStep(models.Model):
    """One item of a checklist ("寄送一套学习资料"); retired steps stay for history."""

    plan = models.ForeignKey(OutreachPlan, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("step"), max_length=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("outreach step")
        verbose_name_plural = _("outreach steps")
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.title


class OutreachRecordQuerySet(models.QuerySet):
    def visible_to(self, user) -> OutreachRecordQuerySet:  # type: ignore[no-untyped-def]
        """Records of members living in the user's subtrees, and a member's own."""
        from orgs.choices import READING_ROLES
        from orgs.models import grant_paths

        managed = subtree_q(grant_paths(user, READING_ROLES), field="member__home_org__path")
        own = models.Q(member=user) if getattr(user, "is_authenticated", False) else models.Q(pk__in=[])
        return self.filter(managed | own)


class OutreachRecord(models.Model):
    """One step done for one member: when, by whom, with a note."""

    step = models.ForeignKey(OutreachStep, verbose_name=_("step"), on_delete=models.PROTECT, related_name="records")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="outreach_records"
    )
    done_on = models.DateField(_("done on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OutreachRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("outreach record")
        verbose_name_plural = _("outreach records")
        ordering = ["member", "step"]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "member"],
                name="study_outreach_step_once_per_member",
                violation_error_message=_("This step is already recorded for this member."),
            ),
        ]
        indexes = [models.Index(fields=["member", "step"])]

    def __str__(self) -> str:
        return f"{self.step_id}:{self.member_id}"
