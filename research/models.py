"""Research work (调研): the topic catalogue narrowed over selection rounds, the register
of enterprises and places, leaders' visits with what they found, and findings that go
into the problem ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OrgScopedModel
from research.choices import EntityKind, TopicStatus, VisitKind, VisitStatus


class ResearchTopic(OrgScopedModel):
    """A topic of the catalogue (调研课题指南): candidate, shortlisted in a round, selected
    by the leadership, assigned to a leader, reported on with an uploaded report."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.CharField(_("area"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    proposer = models.CharField(_("proposed by"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=TopicStatus.choices, default=TopicStatus.CANDIDATE)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="research_topics",
    )
    report_summary = models.TextField(_("report summary"), blank=True)
    report_characters = models.PositiveIntegerField(_("report length in characters"), default=0)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("research topic")
        verbose_name_plural = _("research topics")
        ordering = ["area", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "title"],
                name="research_topic_unique_title",
                violation_error_message=_("This campaign already has a topic with this title."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["assigned", "reported"]) | models.Q(leader__isnull=False),
                name="research_topic_assigned_has_leader",
                violation_error_message=_("An assigned topic needs a leader."),
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("research:topic_detail", args=[self.pk])


class SelectionRound(OrgScopedModel):
    """One round of discussion narrowing the catalogue; its shortlist is kept as it was."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    held_on = models.DateField(_("held on"))
    note = models.TextField(_("note"), blank=True)
    is_final = models.BooleanField(_("final round"), default=False)
    topics = models.ManyToManyField(ResearchTopic, verbose_name=_("shortlist"), related_name="rounds")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("selection round")
        verbose_name_plural = _("selection rounds")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"],
                name="selection_round_unique_number",
                violation_error_message=_("This campaign already has a round with this number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}#{self.number}"


class Entity(OrgScopedModel):
    """An enterprise or place leaders visit; ``org`` is the unit it lies in."""

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=EntityKind.choices, default=EntityKind.ENTERPRISE)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("enterprise or place")
        verbose_name_plural = _("enterprises and places")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="research_entity_unique_name",
                violation_error_message=_("An enterprise or place with this name is already registered."),
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="research_entity_unique_credit_code",
                violation_error_message=_("An enterprise with this credit code is already registered."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("research:entity_detail", args=[self.pk])


class Visit(OrgScopedModel):
    """A leader's visit (调研走访) to an enterprise or place: planned, then logged.

    ``org`` is the unit filing it (the leader's office, usually the zone). The log counts
    are what the statistics add up: people met, questionnaires collected, petitions
    received and resolved.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="research_visits"
    )
    entity = models.ForeignKey(
        Entity, verbose_name=_("enterprise or place"), on_delete=models.PROTECT, related_name="visits"
    )
    topic = models.ForeignKey(
        ResearchTopic,
        verbose_name=_("research topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=VisitKind.choices, default=VisitKind.ENTERPRISE_VISIT)
    status = models.CharField(_("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    purpose = models.TextField(_("purpose"), blank=True)
    conflicts_confirmed = models.BooleanField(_("saved despite warnings"), default=False)
    people_met = models.PositiveIntegerField(_("people met"), default=0)
    questionnaires = models.PositiveIntegerField(_("questionnaires collected"), default=0)
    petitions_received = models.PositiveIntegerField(_("petition cases received"), default=0)
    petitions_resolved = models.PositiveIntegerField(_("petition cases resolved"), default=0)
    summary = models.TextField(_("visit log"), blank=True)
    logged_at = models.DateTimeField(_("logged at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("research visit")
        verbose_name_plural = _("research visits")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="research_visit_ends_after_start",
                violation_error_message=_("A visit must end after it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(petitions_resolved__lte=models.F("petitions_received")),
                name="research_visit_resolved_within_received",
                violation_error_message=_("More petition cases resolved than received."),
            ),
        ]
        # The conflict checks look for visits of one place, or of one leader, around a time.
        indexes = [
            models.Index(fields=["entity", "starts_at"], name="research_visit_entity_time"),
            models.Index(fields=["leader", "starts_at"], name="research_visit_leader_time"),
            # The week calendar and the newest-first list over a whole scope.
            models.Index(fields=["starts_at", "id"], name="research_visit_time"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} · {self.starts_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("research:visit_detail", args=[self.pk])


class Finding(OrgScopedModel):
    """Something a visit found; it may become a problem of the ledger (channel 调研发现).

    The link lives here (``problem``) so the ledger's tables stay untouched; the problem
    reaches its findings through ``problem.research_findings``.
    """

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="findings")
    description = models.TextField(_("finding"))
    problem = models.ForeignKey(
        "rectification.Problem",
        verbose_name=_("problem in the ledger"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="research_findings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("research finding")
        verbose_name_plural = _("research findings")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.description[:50]

    def get_absolute_url(self) -> str:
        return reverse("research:visit_detail", args=[self.visit_id]) + f"#finding-{self.pk}"
