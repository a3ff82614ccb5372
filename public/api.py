"""Publications in the REST API: the office's list (scoped), publish and withdraw."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.pagination import IdCursorPagination
from api.viewsets import ScopedViewSetMixin
from public import services
from public.models import Publication


class PublicationSerializer(serializers.ModelSerializer):
    kind_of_item = serializers.CharField(source="content_type.model", read_only=True)
    org = serializers.CharField(source="org.code", read_only=True)

    class Meta:
        model = Publication
        fields = [
            "id",
            "kind_of_item",
            "object_id",
            "org",
            "public_title",
            "summary",
            "published_by",
            "published_at",
            "withdrawn_at",
        ]


class PublishSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="app_label.model of the item, e.g. rectification.problem")
    item = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    public_title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class PublicationViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Items published on the public progress page (live and withdrawn), newest first."""

    queryset_model = Publication
    serializer_class = PublicationSerializer
    pagination_class = IdCursorPagination

    def scope_queryset(self, queryset: Any) -> Any:
        return queryset.select_related("org", "content_type")

    @extend_schema(request=PublishSerializer, responses={201: PublicationSerializer})
    def create(self, request: Request) -> Response:
        from supervision.warnings import model_by_label

        data = PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        model = model_by_label(data.validated_data["kind"])
        if model is None:
            raise Http404
        item = model.objects.visible_to(request.user).filter(pk=data.validated_data["item"]).first()
        if item is None:
            raise Http404
        publication = services.publication_publish(
            item=item,
            acting_user=request.user,
            public_title=data.validated_data["public_title"],
            summary=data.validated_data.get("summary", ""),
        )
        return Response(PublicationSerializer(publication).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WithdrawSerializer, responses={200: PublicationSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        publication = self.get_object()
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        publication = services.publication_withdraw(
            publication=publication, acting_user=request.user, reason=data.validated_data.get("reason", "")
        )
        return Response(PublicationSerializer(publication).data)


def register_routes(router: Any) -> None:
    router.register("publications", PublicationViewSet, basename="publication")
