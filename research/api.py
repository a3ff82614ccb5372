"""REST endpoints of research work: topics, the register, visits (planned with the
crowding check, logged) and findings (entered in the ledger). Reads start from
``visible_to``; changes go through ``research.services``; refusals come back in the
API's one error shape (a crowding warning is a 400 with code ``visit_conflict`` until
the request says ``confirm: true``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, TextChoices
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.exceptions import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from api.fields import OrgCodeField
from api.pagination import IdCursorPagination
from api.viewsets import ScopedViewSetMixin
from campaigns.models import Campaign
from orgs.models import Org, User
from rectification.choices import ProblemLevel
from research import services
from research.choices import EntityKind, TopicStatus, VisitKind, VisitStatus
from research.models import Entity, Finding, ResearchTopic, Visit


def inline_choice_field(choices: type[TextChoices], **kwargs: Any) -> serializers.ChoiceField:
    """A choice field documented as a string with its values in the description: the
    many "kind" and "status" fields of different apps would otherwise fight over one
    enum component name in the schema."""
    field_class = extend_schema_field({"type": "string", "description": "One of: " + ", ".join(choices.values)})(
        type(f"{choices.__name__}Field", (serializers.ChoiceField,), {})
    )
    return field_class(choices=choices.choices, **kwargs)


class TopicSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status = inline_choice_field(TopicStatus, read_only=True)
    rounds = serializers.SerializerMethodField()

    class Meta:
        model = ResearchTopic
        fields = ["id", "campaign", "org", "area", "title", "proposer", "status", "leader", "reported_at", "rounds"]

    def get_rounds(self, topic: ResearchTopic) -> list[int]:
        return [selection.number for selection in topic.rounds.all()]


class EntitySerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = inline_choice_field(EntityKind, read_only=True)

    class Meta:
        model = Entity
        fields = ["id", "org", "name", "kind", "credit_code", "industry", "address"]


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = ["id", "visit", "description", "problem", "created_at"]


class VisitSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    findings = FindingSerializer(many=True, read_only=True)
    kind = inline_choice_field(VisitKind, read_only=True)
    status = inline_choice_field(VisitStatus, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "org",
            "campaign",
            "leader",
            "entity",
            "topic",
            "kind",
            "status",
            "starts_at",
            "ends_at",
            "purpose",
            "conflicts_confirmed",
            "people_met",
            "questionnaires",
            "petitions_received",
            "petitions_resolved",
            "summary",
            "logged_at",
            "findings",
        ]


class VisitPlanSerializer(serializers.Serializer):
    org = OrgCodeField()
    leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.none())
    entity = serializers.PrimaryKeyRelatedField(queryset=Entity.objects.none())
    kind = inline_choice_field(VisitKind, default=VisitKind.ENTERPRISE_VISIT)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.none(), required=False, allow_null=True)
    topic = serializers.PrimaryKeyRelatedField(queryset=ResearchTopic.objects.none(), required=False, allow_null=True)
    purpose = serializers.CharField(required=False, allow_blank=True, default="")
    confirm = serializers.BooleanField(
        default=False, help_text="Save even though the visit crowds a place or double-books the leader."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # the schema generator
            return
        user = request.user
        self.fields["org"].queryset = Org.objects.visible_to(user)
        self.fields["leader"].queryset = User.objects.visible_to(user)
        self.fields["entity"].queryset = Entity.objects.visible_to(user)
        self.fields["campaign"].queryset = Campaign.objects.visible_to(user)
        self.fields["topic"].queryset = ResearchTopic.objects.visible_to(user)


# The largest count the PositiveIntegerField columns hold on PostgreSQL; above it the
# database refused the row (a server error) where SQLite stored it.
MAX_COUNT = 2_147_483_647


class VisitLogSerializer(serializers.Serializer):
    people_met = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    questionnaires = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    petitions_received = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    petitions_resolved = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class VisitFindingInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=2000)


class FindingProblemSerializer(serializers.Serializer):
    org = OrgCodeField(help_text="The responsible unit.")
    level = serializers.ChoiceField(choices=ProblemLevel.choices)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["org"].queryset = Org.objects.visible_to(request.user)


class _ReadOnly(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pagination_class = IdCursorPagination


@extend_schema_view(
    list=extend_schema(
        summary="Research topics in the caller's scope", responses={200: TopicSerializer(many=True), **LIST_ERRORS}
    ),
    retrieve=extend_schema(summary="A research topic", responses={200: TopicSerializer, **READ_ERRORS}),
)
class TopicViewSet(_ReadOnly):
    queryset_model = ResearchTopic
    serializer_class = TopicSerializer

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = queryset.select_related("org").prefetch_related("rounds")
        status_filter = self.request.query_params.get("status")
        return queryset.filter(status=status_filter) if status_filter else queryset


@extend_schema_view(
    list=extend_schema(
        summary="Registered enterprises and places", responses={200: EntitySerializer(many=True), **LIST_ERRORS}
    ),
    retrieve=extend_schema(summary="An enterprise or place", responses={200: EntitySerializer, **READ_ERRORS}),
)
class EntityViewSet(_ReadOnly):
    queryset_model = Entity
    serializer_class = EntitySerializer

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("org")


@extend_schema_view(
    list=extend_schema(
        summary="Research visits in the caller's scope", responses={200: VisitSerializer(many=True), **LIST_ERRORS}
    ),
    retrieve=extend_schema(
        summary="A research visit with its findings", responses={200: VisitSerializer, **READ_ERRORS}
    ),
    create=extend_schema(
        summary="Plan a visit (warns of crowding and double-booking unless confirmed)",
        request=VisitPlanSerializer,
        responses={201: VisitSerializer, **WRITE_ERRORS},
    ),
)
class VisitViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset_model = Visit
    serializer_class = VisitSerializer
    pagination_class = IdCursorPagination

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("org").prefetch_related("findings")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = VisitPlanSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        visit = services.visit_plan(acting_user=request.user, **data.validated_data)
        return Response(VisitSerializer(self.get_queryset().get(pk=visit.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Log what a visit did", request=VisitLogSerializer, responses={200: VisitSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def log(self, request: Request, pk: str | None = None) -> Response:
        visit = self.get_object()
        data = VisitLogSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.visit_log(visit=visit, acting_user=request.user, **data.validated_data)
        return Response(VisitSerializer(self.get_queryset().get(pk=visit.pk)).data)

    @extend_schema(
        summary="Record a finding of the visit",
        request=VisitFindingInputSerializer,
        responses={201: FindingSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def findings(self, request: Request, pk: str | None = None) -> Response:
        visit = self.get_object()
        data = VisitFindingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = services.finding_add(visit=visit, acting_user=request.user, **data.validated_data)
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Findings of visits in the caller's scope", responses={200: FindingSerializer(many=True), **LIST_ERRORS}
    ),
    retrieve=extend_schema(
        summary="A finding with its problem in the ledger", responses={200: FindingSerializer, **READ_ERRORS}
    ),
)
class FindingViewSet(_ReadOnly):
    queryset_model = Finding
    serializer_class = FindingSerializer

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        problem = self.request.query_params.get("problem")
        return queryset.filter(problem_id=problem) if problem and problem.isdigit() else queryset

    @extend_schema(
        summary="Enter the finding in the problem ledger (channel 调研发现)",
        request=FindingProblemSerializer,
        responses={200: FindingSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="to-problem")
    def to_problem(self, request: Request, pk: str | None = None) -> Response:
        finding = self.get_object()
        data = FindingProblemSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        finding = services.finding_to_problem(finding=finding, acting_user=request.user, **data.validated_data)
        return Response(FindingSerializer(finding).data)


def register_routes(router: Any) -> None:
    router.register("research-topics", TopicViewSet, basename="research-topic")
    router.register("research-entities", EntityViewSet, basename="research-entity")
    router.register("research-visits", VisitViewSet, basename="research-visit")
    router.register("research-findings", FindingViewSet, basename="research-finding")
