"""The ledger: problems and the measures that fix them (一台账两清单), the special drives
that group them, the review rounds of each unit's list (三上三下) and inspection rounds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OrgScopedModel, OrgScopedQuerySet, TrackedItem
from core.pagination import DATE_MAX
from core.scoping import (
    BroadGreaterThanOrEqual,
    BroadLessThan,
    HiddenGreaterThanOrEqual,
    HiddenLessThan,
    subtree_q,
)
from core.workflow import Transition, Workflow
from orgs.choices import READING_ROLES, Role
from orgs.models import Org, PathField, grant_paths
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

# Who fixes, who approves, who may send back: the level above approves (above=True).
FIXING_ROLES = frozenset({Role.CLERK, Role.LEADER})
APPROVING_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER})
CHECKING_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.INSPECTOR})


# Scopes rooted this deep or above (a province, a city, a district) cover so many rows
# that SQLite should walk the order's index rather than read and sort the path range
# (``core.scoping``): a district's first page read ~1,700 index entries instead of
# sorting 30,000 rows (bench: 90-100 ms down to 5-8 ms in process).
BROAD_DEPTH = 3
# A text search keeps 1-3 % of the rows: walking the order's index through a district
# (3 % of a province) then reads ~60,000 rows for a page (340 ms, bench), while its path
# range is 30,000 rows to test and a few hundred to sort. Searches walk only at a province
# or a city.
SEARCH_BROAD_DEPTH = 2
# Reading every row of a scope (counting it, exporting it): the path range is the plan
# below a city, and walking an index in some order would only add rows to skip.
ALL_ROWS_BROAD_DEPTH = 2


class OrgPathField(PathField):
    """The owner org's path copied onto the row, so a subtree test reads no other table."""


for _lookup in (BroadGreaterThanOrEqual, BroadLessThan, HiddenGreaterThanOrEqual, HiddenLessThan):
    OrgPathField.register_lookup(_lookup)


class LedgerItemQuerySet(OrgScopedQuerySet):
    """Problems and measures are scoped by their own ``org_path``: no join to the org
    tree, and one index serves the scope and the ledger's order."""

    def visible_to(self, user, *, broad_depth: int = BROAD_DEPTH, searched: bool = False) -> LedgerItemQuerySet:  # type: ignore[no-untyped-def]
        """``searched``: a text search narrows the rows by its own index, which holds
        the subtrees too; the path ranges below the top level are hidden from the
        planner then (``core.scoping.subtree_q``'s ``hide_below_top``)."""
        paths = grant_paths(user, READING_ROLES)
        return self.filter(subtree_q(paths, field="org_path", broad_depth=broad_depth, hide_below_top=searched))

    def within(self, org, *, broad_depth: int = BROAD_DEPTH, searched: bool = False) -> LedgerItemQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(subtree_q([org.path], field="org_path", broad_depth=broad_depth, hide_below_top=searched))


class LedgerItem(TrackedItem):
    """What problems and measures share on top of ``TrackedItem``: the owner's path."""

    org_path = OrgPathField(_("owner org path"), max_length=255, default="", editable=False)

    objects = LedgerItemQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        """Copy the owner's path in the same statement (a subquery, no extra query), so
        every way of saving keeps it: services, factories, the admin. The org-move
        service rewrites it for whole subtrees; the importer writes it itself."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "org" in update_fields or "org_id" in update_fields:
            self.org_path = Subquery(Org.objects.filter(pk=self.org_id).values("path")[:1])
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "org_path"}
        super().save(*args, **kwargs)
        if "org_path" in self.__dict__ and not isinstance(self.__dict__["org_path"], str):
            del self.__dict__["org_path"]  # read back from the row when asked for


def _rectification_workflow(*, checks: tuple = ()) -> Workflow:
    """The same life for problems and measures: rectify, ask closure with evidence, the
    level above approves or sends back, a supervisor may reopen a closed item."""
    return Workflow(
        initial=ItemStatus.RECTIFYING,
        transitions=[
            Transition(
                name="request_closure",
                sources=(ItemStatus.RECTIFYING,),
                target=ItemStatus.CLOSURE_REQUESTED,
                label=_("Request closure"),
                roles=FIXING_ROLES,
                owner_may=True,
                needs_evidence=True,
                checks=checks,
            ),
            Transition(
                name="approve_closure",
                sources=(ItemStatus.CLOSURE_REQUESTED,),
                target=ItemStatus.CLOSED,
                label=_("Approve closure"),
                roles=APPROVING_ROLES,
                above=True,
            ),
            Transition(
                name="send_back",
                sources=(ItemStatus.CLOSURE_REQUESTED,),
                target=ItemStatus.RECTIFYING,
                label=_("Send back"),
                roles=CHECKING_ROLES,
                above=True,
                needs_comment=True,
            ),
            Transition(
                name="reopen",
                sources=(ItemStatus.CLOSED,),
                target=ItemStatus.RECTIFYING,
                label=_("Reopen"),
                roles=frozenset({Role.SUPERVISOR}),
                needs_comment=True,
            ),
        ],
    )


def _all_measures_closed(problem: Problem, request: object) -> None:
    from core.errors import DomainError

    open_measures = problem.measures.exclude(status=ItemStatus.CLOSED).count()
    if open_measures:
        raise DomainError(
            _("%(count)s measures of this problem are not closed yet; a problem closes after all its measures.")
            % {"count": open_measures}
        )


class Domain(models.Model):
    """A field of work problems are filed under (乡村振兴, 教育, 医疗, 住房 …), per campaign."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="domains", verbose_name=_("campaign")
    )
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["campaign", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"],
                name="unique_domain_name",
                violation_error_message=_("This campaign already has a domain with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SpecialRectification(OrgScopedModel):
    """A named drive (专项整治) in one domain, led by a department (its ``org``), grouping
    the problems it tackles; its progress is theirs."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="+", verbose_name=_("campaign")
    )
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=ProblemLevel.choices)
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, null=True, blank=True, related_name="drives", verbose_name=_("domain")
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DriveStatus.choices, default=DriveStatus.UNDER_WAY)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("special rectification")
        verbose_name_plural = _("special rectifications")
        ordering = ["campaign", "name"]

    def __str__(self) -> str:
        return self.name


class Problem(LedgerItem):
    """A problem found (问题清单): owned by a unit and a person, fixed by its measures,
    closed (销号) only with evidence and the approval of the level above."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=30, choices=ItemStatus.choices, default=ItemStatus.RECTIFYING)
    level = models.CharField(_("level"), max_length=20, choices=ProblemLevel.choices)
    channel = models.ForeignKey(
        "campaigns.Channel",
        verbose_name=_("source channel"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    domain = models.ForeignKey(
        Domain, verbose_name=_("domain"), on_delete=models.PROTECT, null=True, blank=True, related_name="problems"
    )
    special_rectification = models.ForeignKey(
        SpecialRectification,
        verbose_name=_("special rectification"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
    )
    description = models.TextField(_("description"), blank=True)
    found_date = models.DateField(_("found on"), default=timezone.localdate)
    immediate = models.BooleanField(
        _("fixed at once"), default=False, help_text=_("立行立改: fixed straight away, closed the same week.")
    )
    original_deadline = models.DateField(
        _("original deadline"), null=True, blank=True, help_text=_("Kept when an extension moves the deadline.")
    )
    closure_kind = models.CharField(_("how it ended"), max_length=20, choices=ClosureKind.choices, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The ledger's default order, "by deadline, those without one last", as a stored column
    # so an index serves it: an ORDER BY on COALESCE(...) sorted every row in scope (bench).
    sort_deadline = models.GeneratedField(
        expression=Coalesce("deadline", models.Value(DATE_MAX)),
        output_field=models.DateField(),
        db_persist=True,
    )

    workflow = _rectification_workflow(checks=(_all_measures_closed,))
    closed_statuses = frozenset({ItemStatus.CLOSED})

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        indexes = [
            models.Index(fields=["status", "deadline"], name="problem_status_deadline"),
            # A drive's progress, counted from the index alone (statistics).
            models.Index(
                fields=["special_rectification", "created_at", "status", "closure_kind", "closed_at"],
                name="problem_drive_progress",
            ),
            models.Index(fields=["sort_deadline", "id"], name="problem_sort_deadline"),
            models.Index(fields=["status", "sort_deadline", "id"], name="problem_status_sort_deadline"),
            # The open problems in the ledger's order, with the path to test the scope in
            # the index: the overdue page of a district walks it from the start instead of
            # reading every overdue row of the province (bench: 97 ms down to ~5 ms).
            models.Index(
                fields=["sort_deadline", "id", "org_path"],
                name="problem_open_sort",
                condition=~models.Q(status=ItemStatus.CLOSED),
            ),
            models.Index(fields=["campaign", "level", "status"], name="problem_campaign_level"),
            # One campaign's page in the ledger's order: a campaign whose deadlines all lie
            # late walked 100,000 rows of the sort index before its first (bench: 300 ms).
            models.Index(fields=["campaign", "sort_deadline", "id"], name="problem_campaign_sort"),
            # A district, a street, a community: its own rows in the ledger's order.
            models.Index(fields=["org_path", "sort_deadline", "id"], name="problem_org_path_sort"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=ItemStatus.CLOSED) | models.Q(closure_kind=""),
                name="problem_closure_kind_only_when_closed",
                violation_error_message=_("Only a closed problem has a closure outcome."),
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("rectification:problem_detail", args=[self.pk])


class Measure(LedgerItem):
    """A concrete step fixing a problem (整改措施), with its own owner, deadline and status."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="measures", verbose_name=_("problem"))
    status = models.CharField(_("status"), max_length=30, choices=ItemStatus.choices, default=ItemStatus.RECTIFYING)
    original_deadline = models.DateField(_("original deadline"), null=True, blank=True)
    closure_kind = models.CharField(_("how it ended"), max_length=20, choices=ClosureKind.choices, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    workflow = _rectification_workflow()
    closed_statuses = frozenset({ItemStatus.CLOSED})

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        indexes = [
            models.Index(fields=["status", "deadline"], name="measure_status_deadline"),
            models.Index(fields=["org_path", "id"], name="measure_org_path"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("rectification:problem_detail", args=[self.problem_id]) + f"#measure-{self.pk}"


class ProgressReport(models.Model):
    """An owner's report of progress on a problem or one of its measures, with evidence
    attached (``core.Attachment`` pointing at the report)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="reports", verbose_name=_("problem"))
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="reports", verbose_name=_("measure")
    )
    text = models.TextField(_("progress"))
    percent = models.PositiveSmallIntegerField(_("percent done"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__isnull=True) | models.Q(percent__lte=100),
                name="progress_percent_at_most_100",
                violation_error_message=_("Progress cannot exceed 100%."),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def org(self):  # type: ignore[no-untyped-def]
        """Attachments of a report belong to the problem's unit."""
        return self.problem.org


class ExtensionRequest(models.Model):
    """An owner asks the level above for a later deadline (延期); the original deadline
    stays on the item for the statistics."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="extensions")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="extensions")
    requested_deadline = models.DateField(_("requested deadline"))
    previous_deadline = models.DateField(_("deadline before"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("decision"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]
        constraints = [
            # One pending request per item at a time: two partial indexes, since SQLite
            # cannot treat NULL measures as equal (nulls_distinct) in one.
            models.UniqueConstraint(
                fields=["problem"],
                condition=models.Q(status="pending", measure__isnull=True),
                name="one_pending_problem_extension",
                violation_error_message=_("An extension request for this item is already waiting for a decision."),
            ),
            models.UniqueConstraint(
                fields=["measure"],
                condition=models.Q(status="pending", measure__isnull=False),
                name="one_pending_measure_extension",
                violation_error_message=_("An extension request for this item is already waiting for a decision."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id}/{self.measure_id}: {self.requested_deadline}"

    @property
    def item(self) -> Problem | Measure:
        return self.measure if self.measure_id else self.problem


class ProblemList(OrgScopedModel):
    """A unit's whole problem list in a campaign, as it goes up and down in review rounds
    (三上三下) until the reviewer accepts it. Re-examination (重新检视) reopens it."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=ListStatus.choices, default=ListStatus.DRAFTING)
    rounds_up = models.PositiveSmallIntegerField(_("rounds submitted"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("problem list")
        verbose_name_plural = _("problem lists")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "org"],
                name="one_problem_list_per_unit",
                violation_error_message=_("This unit already has a problem list in this campaign."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} · {self.campaign}"


class ReviewRound(models.Model):
    """One move of a list: submitted up by the unit, or sent down by the reviewer
    (returned with comments, or accepted). Every round is kept."""

    problem_list = models.ForeignKey(ProblemList, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    direction = models.CharField(_("direction"), max_length=4, choices=RoundDirection.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ListStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    measure_count = models.PositiveIntegerField(_("measures"), default=0)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["problem_list", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.problem_list} #{self.number} {self.direction}"


class Inspection(OrgScopedModel):
    """An inspection round (督查) over units, run by an inspector with a supervisor; its
    ``org`` is the body running it (the campaign office or discipline inspection)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("round"))
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("inspector")
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("supervisor")
    )
    units = models.ManyToManyField("orgs.Org", related_name="+", verbose_name=_("units inspected"))

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"],
                name="unique_inspection_round",
                violation_error_message=_("This campaign already has an inspection round with this number."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class InspectionFinding(OrgScopedModel):
    """A problem an inspection found in a unit (its ``org``), fed back to the unit head;
    it may order the unit to re-examine its list (责令重新检视)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    description = models.TextField(_("finding"))
    fed_back_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("fed back to"),
    )
    fed_back_on = models.DateField(_("fed back on"), null=True, blank=True)
    orders_reexamination = models.BooleanField(_("orders re-examination"), default=False)
    problem = models.ForeignKey(
        Problem, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings", verbose_name=_("problem")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        ordering = ["inspection", "id"]

    def __str__(self) -> str:
        return self.description[:50]


# --------------------------------------------------------------------------- roll-ups
# Kept by database triggers (``rectification.tallies``) in the transaction of every write
# to problems and measures, whatever writes it: services, the importer's plain rows, an
# org move's UPDATE, factories. Rebuilt from the items by ``manage.py rebuild_tallies``.


class LedgerTally(models.Model):
    """How many problems (``kind`` "p") or measures ("m") of each kind lie in the subtree
    of ``node`` (an org path down to ``tallies.TALLY_DEPTH``): the province's, cities'
    and districts' counts for the tab titles and today's figures, read in one index
    range instead of counting a million rows. Measures take their problem's campaign
    and level. Dates of closed items are ``DATE_MAX`` (they are never overdue)."""

    kind = models.CharField(max_length=1)
    node = PathField(max_length=16)
    campaign_id = models.IntegerField()
    level = models.CharField(max_length=20)
    status = models.CharField(max_length=30)
    closure_kind = models.CharField(max_length=20)
    immediate = models.SmallIntegerField()
    open_deadline = models.DateField()
    open_first_deadline = models.DateField()
    closed_late = models.SmallIntegerField()
    closed_late_original = models.SmallIntegerField()
    extended = models.SmallIntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "kind",
                    "node",
                    "campaign_id",
                    "level",
                    "status",
                    "closure_kind",
                    "immediate",
                    "open_deadline",
                    "open_first_deadline",
                    "closed_late",
                    "closed_late_original",
                    "extended",
                ],
                name="ledger_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.node} {self.status}: {self.n}"


class LedgerDayTally(models.Model):
    """Per subtree, campaign and local day: items added, closed, closed as rectified, and
    "shut" (closed items at the later of their adding and closing day), from which the
    period figures, the number open at a day's start and the weekly trend are sums."""

    kind = models.CharField(max_length=1)
    node = PathField(max_length=16)
    campaign_id = models.IntegerField()
    day = models.DateField()
    added = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    rectified = models.IntegerField(default=0)
    shut = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "node", "campaign_id", "day"], name="ledger_day_tally_key")
        ]
        # Whether anything is dated after a day (a clock set back): ``tally_nodes``.
        indexes = [models.Index(fields=["day", "node"], name="ledger_day_tally_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.node} {self.day}: +{self.added} -{self.closed}"


class ProblemSourceTally(models.Model):
    """Problems per subtree, campaign, channel and domain (0: none), for the figures by
    source channel and by domain."""

    node = PathField(max_length=16)
    campaign_id = models.IntegerField()
    channel_id = models.IntegerField()
    domain_id = models.IntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["node", "campaign_id", "channel_id", "domain_id"], name="problem_source_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.node} {self.channel_id}/{self.domain_id}: {self.n}"
