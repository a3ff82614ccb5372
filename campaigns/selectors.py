"""Reads of campaigns, always through ``visible_to``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from campaigns.models import Campaign, Channel


def campaigns_visible(*, user: Any) -> QuerySet[Campaign]:
    """Campaigns the user works under, with their channel counts."""
    return Campaign.objects.visible_to(user).select_related("org").annotate(channel_count=Count("channels"))


def campaign_channels(campaign: Campaign) -> QuerySet[Channel]:
    return campaign.channels.order_by("order", "id")
