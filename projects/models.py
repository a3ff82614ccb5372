"""Key projects (重点项目) with their 包抓 leader, team, stages, milestones, annual plans and
monthly investment reports; key tasks (重点工作); investment promotion (招商): visits,
events, signed deals and the funds in place month by month.

Money is ``Decimal`` in 万元 everywhere (four places, so one yuan is exact); imports
convert 亿元 on the way in and pages show amounts as offices write them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OrgScopedModel, TrackedItem
from core.workflow import Transition, Workflow
from orgs.choices import Role
from projects.choices import ProjectLevel, ProjectStage, PromotionKind, WorkStatus

# Who works on projects and tasks, who approves their closure (the level above).
WORKING_ROLES = frozenset({Role.CLERK, Role.LEADER, Role.SUPERVISOR})
APPROVING_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER})
CHECKING_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.INSPECTOR})
AMOUNT = {"max_digits": 18, "decimal_places": 4}


def _work_workflow() -> Workflow:
    """Key projects and key tasks close like every tracked item: evidence first, then the
    level above approves or sends back; a supervisor may reopen."""
    return Workflow(
        initial=WorkStatus.UNDER_WAY,
        transitions=[
            Transition(
                name="request_closure",
                sources=(WorkStatus.UNDER_WAY,),
                target=WorkStatus.CLOSURE_REQUESTED,
                label=_("Request closure"),
                roles=frozenset({Role.CLERK, Role.LEADER}),
                owner_may=True,
                needs_evidence=True,
            ),
            Transition(
                name="approve_closure",
                sources=(WorkStatus.CLOSURE_REQUESTED,),
                target=WorkStatus.CLOSED,
                label=_("Approve closure"),
                roles=APPROVING_ROLES,
                above=True,
            ),
            Transition(
                name="send_back",
                sources=(WorkStatus.CLOSURE_REQUESTED,),
                target=WorkStatus.UNDER_WAY,
                label=_("Send back"),
                roles=CHECKING_ROLES,
                above=True,
                needs_comment=True,
            ),
            Transition(
                name="reopen",
                sources=(WorkStatus.CLOSED,),
                target=WorkStatus.UNDER_WAY,
                label=_("Reopen"),
                roles=frozenset({Role.SUPERVISOR}),
                needs_comment=True,
            ),
        ],
    )


class KeyProject(TrackedItem):
    """A key project (重点项目): owned by a unit, 包抓 by a county-level leader, pushed by a
    project team (专班), moving through stages whose dates are kept; its investment is
    planned per year and reported per month. ``deadline`` is the planned completion."""

    code = models.CharField(_("project code"), max_length=40, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=ProjectLevel.choices)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=30, choices=WorkStatus.choices, default=WorkStatus.UNDER_WAY)
    stage = models.CharField(_("stage"), max_length=20, choices=ProjectStage.choices, default=ProjectStage.RESERVE)
    reserve_date = models.DateField(_("in reserve since"), null=True, blank=True)
    pipeline_date = models.DateField(_("entered the pipeline on"), null=True, blank=True)
    construction_date = models.DateField(_("construction started on"), null=True, blank=True)
    operation_date = models.DateField(_("in operation since"), null=True, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader in charge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team_name = models.CharField(_("project team"), max_length=100, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    total_investment = models.DecimalField(_("total investment (10,000 yuan)"), **AMOUNT, default=0)
    description = models.TextField(_("description"), blank=True)

    workflow = _work_workflow()
    closed_statuses = frozenset({WorkStatus.CLOSED})

    class Meta:
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        indexes = [
            models.Index(fields=["level", "stage"], name="keyproject_level_stage"),
            models.Index(fields=["title"], name="keyproject_title"),
            models.Index(fields=["status", "deadline"], name="keyproject_status_deadline"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_investment__gte=0),
                name="keyproject_total_not_negative",
                violation_error_message=_("The total investment cannot be negative."),
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.pk])


class TeamMember(models.Model):
    """A member of a project's team (专班): who, and what they do in it."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="members", verbose_name=_("project"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    duty = models.CharField(_("duty in the team"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["project", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "person"],
                name="unique_team_member",
                violation_error_message=_("This person is already in the project team."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.duty})"


class Milestone(models.Model):
    """A step of a project with its deadline (开工, 主体封顶, 竣工验收 …)."""

    project = models.ForeignKey(
        KeyProject, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    title = models.CharField(_("milestone"), max_length=200)
    deadline = models.DateField(_("deadline"))
    done_on = models.DateField(_("reached on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "deadline", "id"]

    def __str__(self) -> str:
        return self.title


MONTHS = range(1, 13)


def month_field(month: int) -> str:
    """The roll-up column of ``InvestmentPlan`` holding what was reported for ``month``."""
    return f"month_{month}"


def reported_through(month: int) -> Any:
    """What was reported for months 1 to ``month`` of a plan's year, as an expression over
    its roll-up columns (0 for month 0)."""
    if month < 1:
        return models.Value(Decimal("0"), output_field=models.DecimalField(**AMOUNT))
    expression: Any = models.F(month_field(1))
    for number in range(2, min(month, 12) + 1):
        expression = expression + models.F(month_field(number))
    return models.ExpressionWrapper(expression, output_field=models.DecimalField(**AMOUNT))


class InvestmentPlan(models.Model):
    """A project's year (项目年度): the investment planned (年度计划投资, 0 while none is set)
    and, as a roll-up kept by the services that write ``InvestmentReport``, the amount
    reported for each month, so that year-to-date figures for any scope read one row per
    project instead of every monthly report (bench: 2,400,000 reports at province scale).
    All in 万元."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="plans", verbose_name=_("project"))
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("planned investment (10,000 yuan)"), **AMOUNT, default=0)
    month_1 = models.DecimalField(**AMOUNT, default=0, editable=False)
    month_2 = models.DecimalField(**AMOUNT, default=0, editable=False)
    month_3 = models.DecimalField(**AMOUNT, default=0, editable=False)
    month_4 = models.DecimalField(**AMOUNT, default=0, editable=False)
    month_5 = models.DecimalField(**AMOUNT, default=0, editable=False)
    month_6 = models.DecimalField(**AMOUNT, default=0, editable=False)
    month_7 = models.DecimalField(**AMOUNT, default=0, editable=False)
    month_8 = models.DecimalField(**AMOUNT, default=0, editable=False)
    month_9 = models.DecimalField(**AMOUNT, default=0, editable=False)
    month_10 = models.DecimalField(**AMOUNT, default=0, editable=False)
    month_11 = models.DecimalField(**AMOUNT, default=0, editable=False)
    month_12 = models.DecimalField(**AMOUNT, default=0, editable=False)

    class Meta:
        verbose_name = _("annual investment plan")
        verbose_name_plural = _("annual investment plans")
        ordering = ["project", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year"],
                name="unique_plan_year",
                violation_error_message=_("This project already has a plan for this year."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="plan_amount_not_negative",
                violation_error_message=_("A planned amount cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["year", "project"], name="plan_year_project")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}: {self.amount}"


class InvestmentReport(OrgScopedModel):
    """The investment a project completed in one month (月度完成投资), in 万元.

    ``org`` is the project's unit, copied so reports are scoped and summed without a
    join; a month is reported once (the constraint refuses a second report).
    """

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="reports", verbose_name=_("project"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    amount = models.DecimalField(_("investment completed (10,000 yuan)"), **AMOUNT)
    note = models.CharField(_("note"), max_length=300, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("monthly investment report")
        verbose_name_plural = _("monthly investment reports")
        ordering = ["project", "year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "month"],
                name="unique_report_month",
                violation_error_message=_("This month has already been reported for this project."),
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12),
                name="report_month_valid",
                violation_error_message=_("A month is a number from 1 to 12."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="report_amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["year", "month", "project"], name="report_year_month")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}-{self.month:02d}: {self.amount}"


class ProjectProblem(models.Model):
    """A problem a project met, sent to the ledger (问题清单) from the project's page."""

    project = models.ForeignKey(
        KeyProject, on_delete=models.CASCADE, related_name="problem_links", verbose_name=_("project")
    )
    problem = models.OneToOneField(
        "rectification.Problem", on_delete=models.CASCADE, related_name="+", verbose_name=_("problem")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("problem of a project")
        verbose_name_plural = _("problems of projects")
        ordering = ["project", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} → {self.problem_id}"


class KeyTask(TrackedItem):
    """A key task of the year (重点工作): owned by a unit and a person, overseen by a
    leader, due by its deadline, closed only with evidence approved by the level above."""

    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=30, choices=WorkStatus.choices, default=WorkStatus.UNDER_WAY)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader in charge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(_("description"), blank=True)

    workflow = _work_workflow()
    closed_statuses = frozenset({WorkStatus.CLOSED})

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        indexes = [models.Index(fields=["year", "status"], name="keytask_year_status")]

    def get_absolute_url(self) -> str:
        return reverse("projects:task_detail", args=[self.pk])


class TaskProgress(models.Model):
    """A progress note on a key task (进展情况)."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="notes", verbose_name=_("key task"))
    text = models.TextField(_("progress"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:40]


class PromotionEvent(OrgScopedModel):
    """A one-to-one promotion visit or a promotion event, led by a leader, aimed at
    target companies."""

    kind = models.CharField(_("kind"), max_length=10, choices=PromotionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leading leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    target_companies = models.TextField(_("target companies"), blank=True, help_text=_("One company per line."))
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("promotion visit or event")
        verbose_name_plural = _("promotion visits and events")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["kind", "date"], name="promotion_kind_date")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:promotion_list") + f"#promotion-{self.pk}"

    @property
    def companies(self) -> list[str]:
        return [line.strip() for line in self.target_companies.splitlines() if line.strip()]


class Deal(OrgScopedModel):
    """A signed investment deal (签约项目): the company, its industry and amount, when it
    was signed, the 项目管家 who looks after the company, and the funds in place by month."""

    company = models.CharField(_("company"), max_length=200)
    project_name = models.CharField(_("project"), max_length=200)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    amount = models.DecimalField(_("contract amount (10,000 yuan)"), **AMOUNT)
    signed_date = models.DateField(_("signed on"))
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project steward"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    promotion = models.ForeignKey(
        PromotionEvent,
        verbose_name=_("from the promotion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("signed deal")
        verbose_name_plural = _("signed deals")
        ordering = ["-signed_date", "-id"]
        indexes = [models.Index(fields=["signed_date"], name="deal_signed_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="deal_amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.project_name}"

    def get_absolute_url(self) -> str:
        return reverse("projects:deal_detail", args=[self.pk])


class DealFunding(models.Model):
    """Funds of a deal that arrived (到位资金) in one month, in 万元."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="fundings", verbose_name=_("deal"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    amount = models.DecimalField(_("funds in place (10,000 yuan)"), **AMOUNT)

    class Meta:
        verbose_name = _("funds in place")
        verbose_name_plural = _("funds in place")
        ordering = ["deal", "year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "year", "month"],
                name="unique_funding_month",
                violation_error_message=_("The funds of this month have already been recorded for this deal."),
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12),
                name="funding_month_valid",
                violation_error_message=_("A month is a number from 1 to 12."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="funding_amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deal_id} {self.year}-{self.month:02d}: {self.amount}"
