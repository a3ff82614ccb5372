"""REST endpoints of campaigns and their channels."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers

from api.viewsets import ScopedReadOnlyViewSet
from campaigns.models import Campaign, Channel


class ChannelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Channel
        fields = ["id", "campaign", "code", "name", "order", "is_active"]


class CampaignSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    channels = ChannelSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "name", "short_name", "org", "start_date", "end_date", "status", "channels"]


class CampaignViewSet(ScopedReadOnlyViewSet):
    queryset_model = Campaign
    serializer_class = CampaignSerializer

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("org").prefetch_related("channels")


class ChannelViewSet(ScopedReadOnlyViewSet):
    serializer_class = ChannelSerializer

    def get_queryset(self) -> QuerySet:
        return Channel.objects.filter(campaign__in=Campaign.objects.visible_to(self.request.user)).order_by(
            "campaign", "order"
        )
