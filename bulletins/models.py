"""The weekly and monthly bulletin (通报): its text, its frozen figures, its issue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bulletins.choices import BulletinKind, BulletinStatus
from core.models import OrgScopedModel


class Bulletin(OrgScopedModel):
    """One bulletin of an org's subtree for a period, with the figures taken when drafted.

    ``figures`` holds everything the bulletin prints that comes from data (the statistics,
    the panels' paragraphs, the ranking tables, the overdue items named), taken when the
    draft is made and again on each explicit regeneration; the three text sections are
    what a supervisor edits. Once issued (a number 第N期 in the org's series for the kind
    and year), nothing changes: the services refuse, and their conditional UPDATE matches
    drafts only.
    """

    kind = models.CharField(_("kind of bulletin"), max_length=10, choices=BulletinKind.choices)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    as_of = models.DateField(_("figures as of"))
    status = models.CharField(
        _("bulletin status"), max_length=10, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT
    )
    year = models.PositiveIntegerField(_("year of the series"))
    number = models.PositiveIntegerField(_("issue number"), null=True, blank=True)
    title = models.CharField(_("bulletin title"), max_length=200)
    headline = models.TextField(_("overall progress"), blank=True)
    analysis = models.TextField(_("units compared"), blank=True)
    requirements = models.TextField(_("next steps required"), blank=True)
    figures = models.JSONField(_("frozen figures"), default=dict, blank=True)
    figures_taken_at = models.DateTimeField(_("figures taken at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-as_of", "-id"]
        indexes = [models.Index(fields=["status", "-as_of"])]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "kind", "year", "number"],
                condition=Q(number__isnull=False),
                name="bulletin_number_unique_in_series",
                violation_error_message=_("This issue number is already taken in the series."),
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")) & Q(period_end__lte=F("as_of")),
                name="bulletin_period_before_as_of",
                violation_error_message=_("The period must start before it ends and end by the date of the figures."),
            ),
            models.CheckConstraint(
                condition=Q(status=BulletinStatus.DRAFT) | Q(number__isnull=False, issued_at__isnull=False),
                name="bulletin_issued_has_number",
                violation_error_message=_("An issued bulletin has an issue number and a time of issue."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bulletins:detail", args=[self.pk])

    @property
    def is_issued(self) -> bool:
        return self.status == BulletinStatus.ISSUED
