"""REST endpoints of micro-wishes and micro-projects for staff (read, scoped by
``visible_to``); the claim is a step a member makes on the phone page, the public side is
HTML only. Contact details of residents are left out of the API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets

from api.pagination import IdCursorPagination
from api.viewsets import ScopedViewSetMixin
from core.personal import person_name_field
from wishes.choices import WishStatus
from wishes.models import MicroProject, Wish

FIELDS = [
    "id",
    "title",
    "description",
    "status",
    "org",
    "org_name",
    "claimant",
    "claimed_at",
    "deadline",
    "fulfilled_at",
    "confirmed_at",
    "rating",
    "created_at",
]


class _ItemSerializer(serializers.ModelSerializer):
    # Plain text in the schema: an enum named "status" would collide with the ledger's.
    status = serializers.CharField(read_only=True, help_text=", ".join(WishStatus.values))
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    claimant = person_name_field(source="owner", allow_null=True, default=None)


class WishSerializer(_ItemSerializer):
    class Meta:
        model = Wish
        fields = [*FIELDS, "beneficiary", "source"]


class MicroProjectSerializer(_ItemSerializer):
    claimant_org = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = MicroProject
        fields = [*FIELDS, "claimant_org", "budget"]


class _ItemViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pagination_class = IdCursorPagination

    def scope_queryset(self, queryset: Any) -> Any:
        status = self.request.query_params.get("status")
        if status in WishStatus.values:
            queryset = queryset.filter(status=status)
        return queryset.select_related("org", "owner")


class WishViewSet(_ItemViewSet):
    """Micro-wishes of the caller's subtree (``?status=posted`` and so on)."""

    queryset_model = Wish
    serializer_class = WishSerializer


class MicroProjectViewSet(_ItemViewSet):
    """Livelihood micro-projects of the caller's subtree."""

    queryset_model = MicroProject
    serializer_class = MicroProjectSerializer

    def scope_queryset(self, queryset: Any) -> Any:
        return super().scope_queryset(queryset).select_related("claimant_org")


def register_routes(router: Any) -> None:
    router.register("wishes", WishViewSet, basename="wish")
    router.register("micro-projects", MicroProjectViewSet, basename="micro-project")
