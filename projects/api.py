"""REST endpoints of key projects, monthly investment reports, key tasks, promotion visits
and events, and signed deals. Reads start from ``visible_to`` (an object outside the
caller's scope is a 404); writes go through ``projects.services``; refusals come back in
the API's one error shape (``api.exceptions``). Lists page with a cursor over the id.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.exceptions import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from api.fields import OrgCodeField
from api.pagination import IdCursorPagination
from api.viewsets import ScopedViewSetMixin
from core.personal import person_name_field
from orgs.models import Org, User
from projects import services
from projects.choices import ProjectLevel, ProjectStage, PromotionKind, WorkStatus
from projects.filters import DealFilterSet, ProjectFilterSet, PromotionFilterSet, TaskFilterSet
from projects.forms import leaders_for
from projects.models import Deal, DealFunding, InvestmentReport, KeyProject, KeyTask, PromotionEvent
from projects.selectors import deals_visible

# --------------------------------------------------------------------------- output


class ProjectPersonSerializer(serializers.ModelSerializer):
    """A person, by id and name only (masked outside the caller's reading scope)."""

    real_name = person_name_field(source="*")

    class Meta:
        model = User
        fields = ["id", "real_name"]


class ScopedOutputSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)


# Choice fields carry names of their own (project_level, work_status, promotion_kind): the
# schema names each enum after its field, and "level", "status" and "kind" already name
# other choice sets (the ledger's) in the one schema.
def _work_status() -> serializers.ChoiceField:
    return serializers.ChoiceField(source="status", choices=WorkStatus.choices, read_only=True)


class KeyProjectSerializer(ScopedOutputSerializer):
    leader = ProjectPersonSerializer(read_only=True, allow_null=True)
    owner = ProjectPersonSerializer(read_only=True, allow_null=True)
    project_level = serializers.ChoiceField(source="level", choices=ProjectLevel.choices, read_only=True)
    work_status = _work_status()

    class Meta:
        model = KeyProject
        fields = [
            "id",
            "code",
            "title",
            "project_level",
            "industry",
            "org",
            "org_name",
            "leader",
            "owner",
            "team_name",
            "location",
            "total_investment",
            "stage",
            "reserve_date",
            "pipeline_date",
            "construction_date",
            "operation_date",
            "deadline",
            "work_status",
            "campaign",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class InvestmentReportSerializer(ScopedOutputSerializer):
    class Meta:
        model = InvestmentReport
        fields = ["id", "project", "org", "org_name", "year", "month", "amount", "note", "created_at"]
        read_only_fields = fields


class KeyTaskSerializer(ScopedOutputSerializer):
    leader = ProjectPersonSerializer(read_only=True, allow_null=True)
    owner = ProjectPersonSerializer(read_only=True, allow_null=True)
    work_status = _work_status()

    class Meta:
        model = KeyTask
        fields = [
            "id",
            "year",
            "title",
            "description",
            "org",
            "org_name",
            "leader",
            "owner",
            "deadline",
            "work_status",
            "created_at",
        ]
        read_only_fields = fields


class PromotionEventSerializer(ScopedOutputSerializer):
    leader = ProjectPersonSerializer(read_only=True, allow_null=True)
    promotion_kind = serializers.ChoiceField(source="kind", choices=PromotionKind.choices, read_only=True)

    class Meta:
        model = PromotionEvent
        fields = [
            "id",
            "promotion_kind",
            "title",
            "date",
            "org",
            "org_name",
            "leader",
            "place",
            "target_companies",
            "outcome",
        ]
        read_only_fields = fields


class DealFundingSerializer(serializers.ModelSerializer):
    class Meta:
        model = DealFunding
        fields = ["year", "month", "amount"]
        read_only_fields = fields


class DealSerializer(ScopedOutputSerializer):
    manager = ProjectPersonSerializer(read_only=True, allow_null=True)
    funds_in_place = serializers.DecimalField(source="funds", max_digits=18, decimal_places=4, read_only=True)
    fundings = DealFundingSerializer(many=True, read_only=True)

    class Meta:
        model = Deal
        fields = [
            "id",
            "company",
            "project_name",
            "industry",
            "amount",
            "signed_date",
            "org",
            "org_name",
            "manager",
            "promotion",
            "funds_in_place",
            "fundings",
        ]
        read_only_fields = fields


# --------------------------------------------------------------------------- input


class ScopedInputSerializer(serializers.Serializer):
    """Orgs and people are chosen among those the caller sees (nothing without a request)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for name, field in fields.items():
            if name == "leader":
                field.queryset = leaders_for(user) if user else User.objects.none()  # type: ignore[attr-defined]
            elif isinstance(field, OrgCodeField):
                field.queryset = Org.objects.visible_to(user) if user else Org.objects.none()
            elif isinstance(field, serializers.PrimaryKeyRelatedField) and field.queryset is not None:
                model = field.queryset.model
                field.queryset = model.objects.visible_to(user) if user else model.objects.none()
        return fields


def _person(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), required=False, allow_null=True, **kwargs)


class KeyProjectCreateSerializer(ScopedInputSerializer):
    org = OrgCodeField(help_text="Code of the unit that owns the project.")
    title = serializers.CharField(max_length=300)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    project_level = serializers.ChoiceField(choices=ProjectLevel.choices)
    industry = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    leader = _person(help_text="Id of the leader in charge (包抓领导); any leader the caller sees.")
    owner = _person()
    team_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    total_investment = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0, default=0)
    deadline = serializers.DateField(required=False, allow_null=True)
    stage = serializers.ChoiceField(choices=ProjectStage.choices, default=ProjectStage.RESERVE)
    stage_date = serializers.DateField(required=False, allow_null=True)


class StageSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=ProjectStage.choices)
    date = serializers.DateField(required=False, allow_null=True, help_text="Today when left out.")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    expected_stage = serializers.CharField(
        required=False, max_length=20, help_text="The stage the caller saw (a stage value); a 409 if it changed."
    )


class ReportCreateSerializer(ScopedInputSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=KeyProject.objects.none())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)
    amount = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0, help_text="In 万元.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class KeyTaskCreateSerializer(ScopedInputSerializer):
    org = OrgCodeField()
    title = serializers.CharField(max_length=300)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    deadline = serializers.DateField(required=False, allow_null=True)
    owner = _person()
    leader = _person()
    description = serializers.CharField(required=False, allow_blank=True, default="")


class PromotionCreateSerializer(ScopedInputSerializer):
    org = OrgCodeField()
    promotion_kind = serializers.ChoiceField(choices=PromotionKind.choices)
    title = serializers.CharField(max_length=200)
    date = serializers.DateField()
    leader = _person()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    target_companies = serializers.CharField(required=False, allow_blank=True, default="")
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


class DealCreateSerializer(ScopedInputSerializer):
    org = OrgCodeField()
    company = serializers.CharField(max_length=200)
    project_name = serializers.CharField(max_length=200)
    industry = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0, help_text="In 万元.")
    signed_date = serializers.DateField()
    manager = _person(help_text="Id of the project steward (项目管家).")


class FundingCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)
    amount = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0, help_text="In 万元.")


# --------------------------------------------------------------------------- viewsets


class ProjectsViewSetMixin(ScopedViewSetMixin):
    pagination_class = IdCursorPagination
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    parser_classes = [JSONParser]
    http_method_names = ["get", "post", "head", "options"]

    def _input(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _output(self, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
        instance = self.get_queryset().filter(pk=pk).first()
        if instance is None:
            raise Http404
        return Response(self.get_serializer(instance).data, status=code)  # type: ignore[attr-defined]


@extend_schema_view(
    list=extend_schema(
        summary="Key projects in the caller's scope", responses={200: KeyProjectSerializer(many=True), **LIST_ERRORS}
    ),
    retrieve=extend_schema(summary="A key project", responses={200: KeyProjectSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary="Add a key project",
        request=KeyProjectCreateSerializer,
        responses={201: KeyProjectSerializer, **WRITE_ERRORS},
    ),
    stage=extend_schema(
        summary="Move the project to another stage (the date is recorded)",
        request=StageSerializer,
        responses={200: KeyProjectSerializer, **WRITE_ERRORS},
    ),
)
class KeyProjectViewSet(
    ProjectsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Key projects (重点项目), filtered as on the list page."""

    queryset_model = KeyProject
    serializer_class = KeyProjectSerializer
    filterset_class = ProjectFilterSet

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("org", "leader", "owner")

    def create(self, request: Request) -> Response:
        data = self._input(KeyProjectCreateSerializer)
        data["level"] = data.pop("project_level")
        project = services.project_create(acting_user=request.user, **data)
        return self._output(project.pk, code=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def stage(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        data = self._input(StageSerializer)
        services.project_stage_set(project=project, acting_user=request.user, **data)
        return self._output(project.pk)


class ReportFilterSet(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id")
    year = django_filters.NumberFilter()
    month = django_filters.NumberFilter()

    class Meta:
        model = InvestmentReport
        fields = ["project", "year", "month"]


@extend_schema_view(
    list=extend_schema(
        summary="Monthly investment reports in the caller's scope",
        responses={200: InvestmentReportSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="A monthly report", responses={200: InvestmentReportSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary="Report a project's investment of one month (once per month)",
        request=ReportCreateSerializer,
        responses={201: InvestmentReportSerializer, **WRITE_ERRORS},
    ),
)
class InvestmentReportViewSet(
    ProjectsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Monthly investment reports (月度投资), in 万元."""

    queryset_model = InvestmentReport
    serializer_class = InvestmentReportSerializer
    filterset_class = ReportFilterSet

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("org")

    def create(self, request: Request) -> Response:
        data = self._input(ReportCreateSerializer)
        report = services.investment_report_add(acting_user=request.user, **data)
        return self._output(report.pk, code=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Key tasks in the caller's scope", responses={200: KeyTaskSerializer(many=True), **LIST_ERRORS}
    ),
    retrieve=extend_schema(summary="A key task", responses={200: KeyTaskSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary="Add a key task of the year",
        request=KeyTaskCreateSerializer,
        responses={201: KeyTaskSerializer, **WRITE_ERRORS},
    ),
)
class KeyTaskViewSet(ProjectsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Key tasks (重点工作)."""

    queryset_model = KeyTask
    serializer_class = KeyTaskSerializer
    filterset_class = TaskFilterSet

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("org", "leader", "owner")

    def create(self, request: Request) -> Response:
        task = services.key_task_create(acting_user=request.user, **self._input(KeyTaskCreateSerializer))
        return self._output(task.pk, code=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Promotion visits and events in the caller's scope",
        responses={200: PromotionEventSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="A promotion visit or event", responses={200: PromotionEventSerializer, **READ_ERRORS}
    ),
    create=extend_schema(
        summary="Record a promotion visit or event",
        request=PromotionCreateSerializer,
        responses={201: PromotionEventSerializer, **WRITE_ERRORS},
    ),
)
class PromotionEventViewSet(
    ProjectsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """One-to-one promotion visits and promotion events (招商)."""

    queryset_model = PromotionEvent
    serializer_class = PromotionEventSerializer
    filterset_class = PromotionFilterSet

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("org", "leader")

    def create(self, request: Request) -> Response:
        data = self._input(PromotionCreateSerializer)
        data["kind"] = data.pop("promotion_kind")
        promotion = services.promotion_create(acting_user=request.user, **data)
        return self._output(promotion.pk, code=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Signed deals in the caller's scope", responses={200: DealSerializer(many=True), **LIST_ERRORS}
    ),
    retrieve=extend_schema(
        summary="A signed deal with its funds in place", responses={200: DealSerializer, **READ_ERRORS}
    ),
    create=extend_schema(
        summary="Record a signed deal", request=DealCreateSerializer, responses={201: DealSerializer, **WRITE_ERRORS}
    ),
    funding=extend_schema(
        summary="Record the funds of a deal that arrived in one month",
        request=FundingCreateSerializer,
        responses={200: DealSerializer, **WRITE_ERRORS},
    ),
)
class DealViewSet(ProjectsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Signed deals (签约项目) with their project steward and funds in place."""

    queryset_model = Deal
    serializer_class = DealSerializer
    filterset_class = DealFilterSet

    def get_queryset(self) -> QuerySet:
        return deals_visible(user=self.request.user).prefetch_related("fundings")

    def create(self, request: Request) -> Response:
        deal = services.deal_create(acting_user=request.user, **self._input(DealCreateSerializer))
        return self._output(deal.pk, code=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def funding(self, request: Request, pk: str | None = None) -> Response:
        deal = self.get_object()
        services.deal_funding_record(deal=deal, acting_user=request.user, **self._input(FundingCreateSerializer))
        return self._output(deal.pk)


def register_routes(router: Any) -> None:
    """Called by ``api/urls.py``."""
    router.register("key-projects", KeyProjectViewSet, basename="key-project")
    router.register("investment-reports", InvestmentReportViewSet, basename="investment-report")
    router.register("key-tasks", KeyTaskViewSet, basename="key-task")
    router.register("promotion-events", PromotionEventViewSet, basename="promotion-event")
    router.register("deals", DealViewSet, basename="deal")
