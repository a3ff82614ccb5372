"""``/api/bulletins/``: bulletins the caller may read, and each one's Word file.

Read-only: drafting, editing and issuing go through the pages (and the services they
call). The figures are the ones frozen in the bulletin, not counted again.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request

from bulletins.documents import DOCX_TYPE, docx_response
from bulletins.models import Bulletin
from bulletins.selectors import bulletins_visible


class BulletinSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "kind",
            "status",
            "org",
            "org_name",
            "campaign",
            "period_start",
            "period_end",
            "as_of",
            "year",
            "number",
            "title",
            "headline",
            "analysis",
            "requirements",
            "figures",
            "figures_taken_at",
            "issued_at",
        ]
        read_only_fields = fields


class BulletinViewSet(viewsets.ReadOnlyModelViewSet):
    """Issued bulletins in the caller's scope; drafts too for supervisors."""

    serializer_class = BulletinSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[Bulletin]:
        return bulletins_visible(user=self.request.user).order_by("-as_of", "-id")

    @extend_schema(responses={(200, DOCX_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def docx(self, request: Request, pk: Any = None) -> HttpResponse:
        """The bulletin as a Word file (.docx)."""
        return docx_response(self.get_object(), public=False, user=request.user)


def register_routes(router: Any) -> None:
    router.register("bulletins", BulletinViewSet, basename="bulletin")
