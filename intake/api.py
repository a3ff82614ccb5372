"""REST endpoints of the public's suggestions for staff: read (scoped by ``visible_to``,
filtered by status, channel and kind) and the two everyday triage steps, route and answer,
through the same services as the pages. Refusals come back in the API's one error shape."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from api.exceptions import WRITE_ERRORS
from api.fields import OrgCodeField
from api.pagination import IdCursorPagination
from api.viewsets import ScopedViewSetMixin
from intake import services
from intake.choices import IntakeChannel, SuggestionKind, SuggestionStatus
from intake.models import Suggestion
from orgs.models import Org


class SuggestionSerializer(serializers.ModelSerializer):
    # Plain text in the schema: an enum named "status" would collide with the ledger's.
    status = serializers.CharField(read_only=True, help_text=", ".join(SuggestionStatus.values))
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    community = serializers.SlugRelatedField(slug_field="code", read_only=True)
    answered_by_org = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "title",
            "content",
            "kind",
            "channel",
            "status",
            "community",
            "org",
            "received_on",
            "deadline",
            "escalated",
            "problem",
            "duplicate_of",
            "reply",
            "answered_at",
            "answered_by_org",
            "satisfied",
            "created_at",
        ]


class RouteSerializer(serializers.Serializer):
    org = OrgCodeField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    # The status the caller saw (a 409 if it moved since); the service checks it.
    expected_status = serializers.CharField(required=False, max_length=30)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["org"].queryset = Org.objects.filter(is_active=True)
        return fields


class AnswerSerializer(serializers.Serializer):
    reply = serializers.CharField()
    # The status the caller saw (a 409 if it moved since); the service checks it.
    expected_status = serializers.CharField(required=False, max_length=30)


class SuggestionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Suggestions, complaints and requests owned in or coming from the caller's subtree
    (``?status=``, ``?channel=``, ``?kind=``)."""

    queryset_model = Suggestion
    serializer_class = SuggestionSerializer
    pagination_class = IdCursorPagination

    def scope_queryset(self, queryset: Any) -> Any:
        params = self.request.query_params
        for name, values in (
            ("status", SuggestionStatus.values),
            ("channel", IntakeChannel.values),
            ("kind", SuggestionKind.values),
        ):
            if params.get(name) in values:
                queryset = queryset.filter(**{name: params[name]})
        return queryset.select_related("org", "community", "answered_by_org")

    def _item(self) -> Suggestion:
        # DRF's lookup: a path id that is no number is an unknown item (404), not a
        # server error; the list's query filters do not apply to one item's actions.
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(request=RouteSerializer, responses={200: SuggestionSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def route(self, request: Request, pk: str) -> Response:
        item = self._item()
        data = RouteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        moved = services.suggestion_route(
            suggestion=item,
            acting_user=request.user,
            org=data.validated_data["org"],
            comment=data.validated_data["comment"],
            expected_status=data.validated_data.get("expected_status"),
        )
        return Response(SuggestionSerializer(self.get_queryset().get(pk=moved.pk)).data)

    @extend_schema(request=AnswerSerializer, responses={200: SuggestionSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        item = self._item()
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.suggestion_answer(
            suggestion=item,
            acting_user=request.user,
            reply=data.validated_data["reply"],
            expected_status=data.validated_data.get("expected_status"),
        )
        return Response(SuggestionSerializer(self.get_queryset().get(pk=item.pk)).data)


def register_routes(router: Any) -> None:
    router.register("suggestions", SuggestionViewSet, basename="suggestion")
