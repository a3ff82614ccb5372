"""Supervision in the REST API: warned items, reminders (list and manual send) and
dispatch meetings with their agendas. Reads are scoped; writes call the services."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from api.pagination import IdCursorPagination
from api.viewsets import ScopedViewSetMixin
from supervision import selectors, services
from supervision.choices import WarningLevel
from supervision.models import DispatchDecision, DispatchEntry, DispatchMeeting, Reminder
from supervision.warnings import escalation, model_by_label, thresholds, tracked_models

LEVEL_CHOICES = ["", WarningLevel.YELLOW, "overdue", WarningLevel.RED, WarningLevel.LEADER, WarningLevel.BULLETIN]


class WarnedItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.SerializerMethodField()
    title = serializers.CharField()
    org = serializers.CharField(source="org.code")
    owner = serializers.IntegerField(source="owner_id", allow_null=True)
    deadline = serializers.DateField()
    status = serializers.CharField()
    light = serializers.SerializerMethodField()
    level = serializers.SerializerMethodField()
    overdue_working_days = serializers.SerializerMethodField()

    def _state(self, item: Any) -> Any:
        cache = self.context.setdefault("escalations", {})
        if item.pk not in cache:
            cache[item.pk] = escalation(item, limits=self.context["limits"])
        return cache[item.pk]

    def get_kind(self, item: Any) -> str:
        return item._meta.label_lower

    def get_light(self, item: Any) -> str:
        return self._state(item).light

    def get_level(self, item: Any) -> str:
        return self._state(item).level

    def get_overdue_working_days(self, item: Any) -> int:
        return self._state(item).overdue_working_days


class DeadlineCursorPagination(CursorPagination):
    ordering = ("deadline", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class WarningViewSet(viewsets.GenericViewSet):
    """Open items due soon or overdue, of one kind (``kind``, e.g. ``rectification.problem``),
    nearest deadline first; ``level`` narrows to yellow, overdue, red, leader or bulletin."""

    serializer_class = WarnedItemSerializer
    pagination_class = DeadlineCursorPagination

    def _model(self) -> Any:
        label = self.request.query_params.get("kind", "")
        model = model_by_label(label) if label else tracked_models()[0]
        if model is None:
            raise Http404
        return model

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return tracked_models()[0].objects.none()
        level = self.request.query_params.get("level", "")
        if level not in LEVEL_CHOICES:
            level = ""
        self.limits = thresholds()
        return selectors.warned_items(user=self.request.user, model=self._model(), limits=self.limits, level=level)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["limits"] = getattr(self, "limits", None) or thresholds()
        return context

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, description="app_label.model of the items (default: the ledger's problems)"),
            OpenApiParameter("level", str, enum=LEVEL_CHOICES, description="one step of the ladder (default: all)"),
        ]
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ReminderSerializer(serializers.ModelSerializer):
    # Plain text, not an enum: the schema already has other "level" enums (problem levels).
    level = serializers.CharField(read_only=True, help_text="none, yellow, red, leader or bulletin")
    kind_of_item = serializers.CharField(source="content_type.model", read_only=True)
    org = serializers.CharField(source="org.code", read_only=True)

    class Meta:
        model = Reminder
        fields = [
            "id",
            "kind_of_item",
            "object_id",
            "org",
            "date",
            "kind",
            "level",
            "title",
            "deadline",
            "overdue_working_days",
            "note",
            "owner",
            "unit_head",
            "sent_by",
            "created_at",
            "delivered_at",
        ]


class ReminderSendSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="app_label.model of the item, e.g. rectification.measure")
    item = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ReminderViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reminders on items the caller sees, newest first; POST sends one by hand (supervisors)."""

    queryset_model = Reminder
    serializer_class = ReminderSerializer
    pagination_class = IdCursorPagination

    def scope_queryset(self, queryset: Any) -> Any:
        return queryset.select_related("org", "content_type")

    def get_serializer_class(self) -> Any:
        return ReminderSendSerializer if self.action == "create" else ReminderSerializer

    @extend_schema(request=ReminderSendSerializer, responses={201: ReminderSerializer})
    def create(self, request: Request) -> Response:
        data = ReminderSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        model = model_by_label(data.validated_data["kind"])
        if model is None:
            raise Http404
        item = (
            model.objects.visible_to(request.user).select_related("org").filter(pk=data.validated_data["item"]).first()
        )
        if item is None:
            raise Http404
        reminder = services.reminder_send(item=item, acting_user=request.user, note=data.validated_data.get("note", ""))
        reminder = self.get_queryset().get(pk=reminder.pk)
        return Response(ReminderSerializer(reminder).data, status=status.HTTP_201_CREATED)


class EntrySerializer(serializers.ModelSerializer):
    level = serializers.CharField(read_only=True, help_text="yellow, red, leader or bulletin")
    kind_of_item = serializers.CharField(source="content_type.model")
    org = serializers.CharField(source="org.code")

    class Meta:
        model = DispatchEntry
        fields = ["id", "kind_of_item", "object_id", "org", "title", "deadline", "level", "overdue_working_days"]


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DispatchDecision
        fields = ["id", "entry", "kind", "text", "measure", "task", "created_by", "created_at"]


class MeetingSerializer(serializers.ModelSerializer):
    org = serializers.CharField(source="org.code")
    entries = EntrySerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = DispatchMeeting
        fields = ["id", "org", "campaign", "date", "status", "minutes", "held_at", "entries", "decisions"]


class DecideSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["measure", "task", "note"])
    text = serializers.CharField(max_length=2000)
    entry = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    org = serializers.CharField(required=False, allow_blank=True, help_text="org code of the unit carrying it out")
    owner = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    deadline = serializers.DateField(required=False, allow_null=True)


class DispatchMeetingViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Weekly dispatch meetings with their frozen agendas and decisions."""

    queryset_model = DispatchMeeting
    serializer_class = MeetingSerializer
    pagination_class = IdCursorPagination

    def scope_queryset(self, queryset: Any) -> Any:
        return queryset.select_related("org").prefetch_related("entries__org", "entries__content_type", "decisions")

    @extend_schema(request=DecideSerializer, responses={201: DecisionSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        from orgs.models import Org, User

        meeting = self.get_object()
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        entry = meeting.entries.filter(pk=values["entry"]).first() if values.get("entry") else None
        org = Org.objects.visible_to(request.user).filter(code=values["org"]).first() if values.get("org") else None
        owner = (
            User.objects.visible_to(request.user).filter(pk=values["owner"]).first() if values.get("owner") else None
        )
        decision = services.dispatch_decide(
            meeting=meeting,
            acting_user=request.user,
            text=values["text"],
            kind=values["kind"],
            entry=entry,
            org=org,
            owner=owner,
            deadline=values.get("deadline"),
        )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


def register_routes(router: Any) -> None:
    router.register("warnings", WarningViewSet, basename="warning")
    router.register("reminders", ReminderViewSet, basename="reminder")
    router.register("dispatch-meetings", DispatchMeetingViewSet, basename="dispatch-meeting")
