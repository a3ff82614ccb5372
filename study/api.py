"""REST endpoints of study work: classes, sessions (with the member's check-in),
attendance (ticked by the clerk), outreach plans and the steps recorded per member.
Reads start from ``visible_to``; changes go through ``study.services``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet, TextChoices
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.exceptions import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from api.pagination import IdCursorPagination
from api.viewsets import ScopedViewSetMixin
from orgs.choices import MemberCategory
from orgs.models import User
from study import services
from study.choices import CheckInMethod
from study.models import Attendance, OutreachPlan, OutreachRecord, OutreachStep, StudyClass, StudySession


def inline_choice_field(choices: type[TextChoices], **kwargs: Any) -> serializers.ChoiceField:
    """A choice field documented as a string with its values in the description: the
    many "kind" and "status" fields of different apps would otherwise fight over one
    enum component name in the schema."""
    field_class = extend_schema_field({"type": "string", "description": "One of: " + ", ".join(choices.values)})(
        type(f"{choices.__name__}Field", (serializers.ChoiceField,), {})
    )
    return field_class(choices=choices.choices, **kwargs)


class ClassSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = StudyClass
        fields = ["id", "org", "campaign", "name", "start_date", "end_date", "member_count"]


class SessionSerializer(serializers.ModelSerializer):
    attended = serializers.IntegerField(read_only=True)

    class Meta:
        model = StudySession
        fields = ["id", "study_class", "phase", "date", "topic", "reading", "place", "notes", "attended"]


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["id", "session", "member", "method", "checked_in_at"]

    method = inline_choice_field(CheckInMethod, read_only=True)


class AttendanceInputSerializer(serializers.Serializer):
    session = serializers.PrimaryKeyRelatedField(queryset=StudySession.objects.none())
    member = serializers.PrimaryKeyRelatedField(queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # the schema generator
            return
        user = request.user
        self.fields["session"].queryset = StudySession.objects.visible_to(user)
        self.fields["member"].queryset = User.objects.visible_to(user)


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutreachStep
        fields = ["id", "order", "title", "is_active"]


class PlanSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    category = inline_choice_field(MemberCategory, read_only=True)

    class Meta:
        model = OutreachPlan
        fields = ["id", "org", "category", "name", "steps"]


class RecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutreachRecord
        fields = ["id", "step", "member", "done_on", "note", "created_at"]


class RecordInputSerializer(serializers.Serializer):
    step = serializers.PrimaryKeyRelatedField(queryset=OutreachStep.objects.none())
    member = serializers.PrimaryKeyRelatedField(queryset=User.objects.none())
    done_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # the schema generator
            return
        user = request.user
        self.fields["step"].queryset = OutreachStep.objects.filter(plan__in=OutreachPlan.objects.visible_to(user))
        self.fields["member"].queryset = User.objects.visible_to(user)


@extend_schema_view(
    list=extend_schema(
        summary="Study classes the caller runs or attends", responses={200: ClassSerializer(many=True), **LIST_ERRORS}
    ),
    retrieve=extend_schema(summary="A study class", responses={200: ClassSerializer, **READ_ERRORS}),
)
class ClassViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset_model = StudyClass
    serializer_class = ClassSerializer
    pagination_class = IdCursorPagination

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("org").annotate(member_count=Count("members", distinct=True))


@extend_schema_view(
    list=extend_schema(
        summary="Sessions of the classes the caller sees", responses={200: SessionSerializer(many=True), **LIST_ERRORS}
    ),
    retrieve=extend_schema(summary="A study session", responses={200: SessionSerializer, **READ_ERRORS}),
)
class SessionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset_model = StudySession
    serializer_class = SessionSerializer
    pagination_class = IdCursorPagination

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.annotate(attended=Count("attendances"))

    @extend_schema(
        summary="Check the caller in to the session (once; on the session's day)",
        request=None,
        responses={201: AttendanceSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        attendance = services.check_in(token=services.check_in_token(session), member=request.user)
        return Response(AttendanceSerializer(attendance).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Attendance the caller may see", responses={200: AttendanceSerializer(many=True), **LIST_ERRORS}
    ),
    retrieve=extend_schema(summary="One attendance", responses={200: AttendanceSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary="Mark a member present (the clerk's tick)",
        request=AttendanceInputSerializer,
        responses={201: AttendanceSerializer, **WRITE_ERRORS},
    ),
)
class AttendanceViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset_model = Attendance
    serializer_class = AttendanceSerializer
    pagination_class = IdCursorPagination

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = AttendanceInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        session, member = data.validated_data["session"], data.validated_data["member"]
        services.attendance_tick(session=session, members=[member], acting_user=request.user)
        attendance = Attendance.objects.get(session=session, member=member)
        return Response(AttendanceSerializer(attendance).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Outreach plans (checklists) in the caller's scope",
        responses={200: PlanSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="An outreach plan with its steps", responses={200: PlanSerializer, **READ_ERRORS}),
)
class PlanViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset_model = OutreachPlan
    serializer_class = PlanSerializer
    pagination_class = IdCursorPagination

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("org").prefetch_related("steps")


@extend_schema_view(
    list=extend_schema(
        summary="Outreach steps done per member", responses={200: RecordSerializer(many=True), **LIST_ERRORS}
    ),
    retrieve=extend_schema(summary="One outreach step done", responses={200: RecordSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary="Record an outreach step done for a member",
        request=RecordInputSerializer,
        responses={201: RecordSerializer, **WRITE_ERRORS},
    ),
)
class RecordViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset_model = OutreachRecord
    serializer_class = RecordSerializer
    pagination_class = IdCursorPagination

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = RecordInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        record = services.outreach_record(acting_user=request.user, **data.validated_data)
        return Response(RecordSerializer(record).data, status=status.HTTP_201_CREATED)


def register_routes(router: Any) -> None:
    router.register("study-classes", ClassViewSet, basename="study-class")
    router.register("study-sessions", SessionViewSet, basename="study-session")
    router.register("study-attendance", AttendanceViewSet, basename="study-attendance")
    router.register("outreach-plans", PlanViewSet, basename="outreach-plan")
    router.register("outreach-records", RecordViewSet, basename="outreach-record")
