"""Campaigns of work and the channels through which their problems come in."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.choices import CampaignStatus
from core.models import OrgScopedModel, OrgScopedQuerySet
from core.scoping import ancestor_paths, subtree_q
from core.workflow import Transition, Workflow
from orgs.choices import Role


class CampaignQuerySet(OrgScopedQuerySet):
    def visible_to(self, user) -> CampaignQuerySet:  # type: ignore[no-untyped-def]
        """Campaigns run by an org in the user's subtrees, or by an org above them.

        A community clerk works under the district's campaign, so campaigns of every
        ancestor of a granted org are visible too; ancestors come from the path string.
        """
        from orgs.models import grant_paths

        paths = grant_paths(user)
        above = {ancestor for path in paths for ancestor in ancestor_paths(path)}
        return self.filter(subtree_q(paths, field="org__path") | models.Q(org__path__in=above))

    def active(self) -> CampaignQuerySet:
        return self.filter(status=CampaignStatus.ACTIVE)


class Campaign(OrgScopedModel):
    """A campaign with a period (主题教育, 专项工作); most tracked items belong to one."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    workflow = Workflow(
        initial=CampaignStatus.PLANNED,
        transitions=[
            Transition(
                name="start",
                sources=(CampaignStatus.PLANNED,),
                target=CampaignStatus.ACTIVE,
                label=_("Start"),
                roles=frozenset({Role.ADMIN, Role.SUPERVISOR}),
            ),
            Transition(
                name="conclude",
                sources=(CampaignStatus.ACTIVE,),
                target=CampaignStatus.CLOSED,
                label=_("Conclude"),
                roles=frozenset({Role.ADMIN, Role.SUPERVISOR}),
                needs_comment=True,
            ),
            Transition(
                name="reopen",
                sources=(CampaignStatus.CLOSED,),
                target=CampaignStatus.ACTIVE,
                label=_("Reopen"),
                roles=frozenset({Role.SUPERVISOR}),
                needs_comment=True,
            ),
        ],
    )
    closed_statuses = frozenset({CampaignStatus.CLOSED})

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="campaign_period_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:campaign_detail", args=[self.pk])


class Channel(models.Model):
    """A channel through which problems are found (信访, 12345 热线, 巡察 …), per campaign."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="channels", verbose_name=_("campaign")
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["campaign", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "code"],
                name="unique_channel_code",
                violation_error_message=_("This campaign already has a channel with this code."),
            ),
            models.UniqueConstraint(
                fields=["campaign", "name"],
                name="unique_channel_name",
                violation_error_message=_("This campaign already has a channel with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
