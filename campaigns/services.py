"""Changes to campaigns and their channels; each writes its event."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from campaigns.choices import DEFAULT_CHANNELS, CampaignStatus
from campaigns.models import Campaign, Channel
from core.errors import DomainError, PermissionDenied
from core.services import event_record, item_transition
from orgs.choices import Role
from orgs.models import Org
from orgs.permissions import holds_role_over

MANAGING_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})


def _require_manager(user: Any, org: Org) -> None:
    if not holds_role_over(user, org, MANAGING_ROLES):
        raise PermissionDenied(_("You may not manage campaigns of this org."))


def _check_period(start_date: datetime.date, end_date: datetime.date) -> None:
    if end_date < start_date:
        raise DomainError(_("The end date cannot be before the start date."), field="end_date")


@transaction.atomic
def campaign_create(
    *,
    org: Org,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date,
    acting_user: Any,
    short_name: str = "",
    description: str = "",
    with_default_channels: bool = True,
) -> Campaign:
    """Open a campaign run by ``org``, with the usual feedback channels to edit."""
    _require_manager(acting_user, org)
    if not name.strip():
        raise DomainError(_("A campaign needs a name."), field="name")
    _check_period(start_date, end_date)
    campaign = Campaign.objects.create(
        org=org,
        name=name.strip(),
        short_name=short_name.strip(),
        description=description,
        start_date=start_date,
        end_date=end_date,
        status=CampaignStatus.PLANNED,
    )
    if with_default_channels:
        # Channel names are data: stored in the office's language, whatever the language
        # of the page that opened the campaign.
        with translation.override(settings.LANGUAGE_CODE):
            Channel.objects.bulk_create(
                Channel(campaign=campaign, code=code, name=str(label), order=index)
                for index, (code, label) in enumerate(DEFAULT_CHANNELS, start=1)
            )
    event_record(
        item=campaign,
        actor=acting_user,
        action="created",
        to_status=campaign.status,
        changes={"name": campaign.name, "period": [start_date.isoformat(), end_date.isoformat()]},
    )
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, acting_user: Any, **changes: Any) -> Campaign:
    """Change a campaign's name, description or period."""
    _require_manager(acting_user, campaign.org)
    allowed = {"name", "short_name", "description", "start_date", "end_date"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)})
    if "name" in changes and not str(changes["name"]).strip():
        raise DomainError(_("A campaign needs a name."), field="name")
    _check_period(changes.get("start_date", campaign.start_date), changes.get("end_date", campaign.end_date))
    diff = {k: [str(getattr(campaign, k)), str(v)] for k, v in changes.items() if getattr(campaign, k) != v}
    for key, value in changes.items():
        setattr(campaign, key, value)
    campaign.save()
    if diff:
        event_record(item=campaign, actor=acting_user, action="updated", changes=diff)
    return campaign


def campaign_transition(*, campaign: Campaign, action: str, acting_user: Any, comment: str = "") -> Campaign:
    """Start, conclude or reopen a campaign through the shared workflow."""
    return item_transition(item=campaign, action=action, acting_user=acting_user, comment=comment)


@transaction.atomic
def channel_add(*, campaign: Campaign, name: str, acting_user: Any, code: str = "") -> Channel:
    """Add a feedback channel to a campaign."""
    _require_manager(acting_user, campaign.org)
    name = name.strip()
    if not name:
        raise DomainError(_("A channel needs a name."), field="name")
    code = code.strip() or slugify(name, allow_unicode=False) or f"channel-{campaign.channels.count() + 1}"
    order = (campaign.channels.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    try:
        with transaction.atomic():
            channel = Channel.objects.create(campaign=campaign, name=name, code=code, order=order)
    except IntegrityError:
        raise DomainError(_("This campaign already has a channel with this name or code."), field="name") from None
    event_record(item=campaign, actor=acting_user, action="channel_added", changes={"channel": name})
    return channel


@transaction.atomic
def channel_update(
    *, channel: Channel, acting_user: Any, name: str | None = None, is_active: bool | None = None
) -> Channel:
    """Rename a channel or take it out of use (kept for items already filed under it)."""
    _require_manager(acting_user, channel.campaign.org)
    diff: dict[str, list[Any]] = {}
    if name is not None and name.strip() != channel.name:
        if not name.strip():
            raise DomainError(_("A channel needs a name."), field="name")
        diff["name"] = [channel.name, name.strip()]
        channel.name = name.strip()
    if is_active is not None and is_active != channel.is_active:
        diff["is_active"] = [channel.is_active, is_active]
        channel.is_active = is_active
    try:
        with transaction.atomic():
            channel.save()
    except IntegrityError:
        raise DomainError(_("This campaign already has a channel with this name or code."), field="name") from None
    if diff:
        event_record(item=channel.campaign, actor=acting_user, action="channel_updated", changes=diff)
    return channel
