"""REST endpoints of the ledger: problems and measures with their workflow steps, special
rectifications, problem lists with their review rounds, inspection rounds and deadline
extensions. Reads start from ``visible_to`` (an item outside the caller's scope is a
404); every change goes through ``rectification.services``; refusals come back as
400/403/409 bodies of one shape, :class:`ErrorSerializer`.

Lists page with a cursor over the primary key (newest first): page 500 costs what page
1 costs and nothing counts the rows.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.exceptions import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from api.fields import OrgCodeField
from api.pagination import IdCursorPagination
from api.viewsets import ScopedViewSetMixin
from campaigns.models import Campaign, Channel
from core.models import Light
from core.personal import person_name_field
from orgs.models import Org, User
from rectification import search, services
from rectification.choices import (
    ClosureKind,
    DriveStatus,
    ExtensionStatus,
    InspectionStatus,
    ItemStatus,
    ListStatus,
)
from rectification.filters import ProblemFilterSet
from rectification.models import (
    Domain,
    ExtensionRequest,
    Inspection,
    InspectionFinding,
    Measure,
    Problem,
    ProblemList,
    ProgressReport,
    ReviewRound,
    SpecialRectification,
)

# --------------------------------------------------------------------------- errors


# --------------------------------------------------------------------------- shared parts


class ScopedFilterBackend(django_filters.rest_framework.DjangoFilterBackend):
    """django-filter with the caller passed to FilterSets whose dropdowns are scoped."""

    def get_filterset_kwargs(self, request: Request, queryset: QuerySet, view: Any) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if getattr(view, "filterset_takes_user", False):
            kwargs["user"] = request.user
        return kwargs


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An id given as a whole number (the schema says integer, ``1.5`` is refused), within
    the range of a 64-bit key: SQLite cannot even bind a larger one."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class LedgerViewSetMixin(ScopedViewSetMixin):
    """Scoped reads, cursor pages, scoped filters, and refusals of one shape."""

    pagination_class = IdCursorPagination
    filter_backends = [ScopedFilterBackend]
    # JSON in; only the steps that carry evidence files also take multipart.
    parser_classes = [JSONParser]

    def _user(self) -> Any:
        return self.request.user  # type: ignore[attr-defined]

    def _input(self, serializer_class: type[serializers.Serializer], **kwargs: Any) -> dict[str, Any]:
        """Validated input of the request, parsed by ``serializer_class``."""
        serializer = serializer_class(
            data=self.request.data,  # type: ignore[attr-defined]
            context=self.get_serializer_context(),  # type: ignore[attr-defined]
            **kwargs,
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _output(self, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
        """The object as the detail endpoint shows it, read again through the scope."""
        instance = self.get_queryset().filter(pk=pk).first()
        if instance is None:
            raise Http404
        serializer = self.get_serializer(instance)  # type: ignore[attr-defined]
        return Response(serializer.data, status=code)


def _scoped_user(serializer: serializers.Serializer) -> Any:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class ScopedInputSerializer(serializers.Serializer):
    """Input whose related choices are narrowed to what the caller sees.

    ``scoped_fields`` maps a field name to a function of the user returning the
    queryset to choose from; without a request (schema generation) nothing is offered.
    """

    scoped_fields: dict[str, Any] = {}

    def get_fields(self) -> dict[str, serializers.Field]:
        # Narrowed here rather than in __init__: a nested serializer (the measures of a new
        # problem) reaches the request only once bound to its parent.
        fields = super().get_fields()
        user = _scoped_user(self)
        for name, choices in self.scoped_fields.items():
            field = fields[name]
            target = getattr(field, "child_relation", field)
            target.queryset = choices(user) if user is not None else target.queryset.none()
        return fields


def _visible_orgs(user: Any) -> QuerySet[Org]:
    return Org.objects.visible_to(user)


def _visible_people(user: Any) -> QuerySet[User]:
    return User.objects.visible_to(user)


def _visible_campaigns(user: Any) -> QuerySet[Campaign]:
    return Campaign.objects.visible_to(user)


def _campaign_channels(user: Any) -> QuerySet[Channel]:
    return Channel.objects.filter(campaign__in=Campaign.objects.visible_to(user))


def _campaign_domains(user: Any) -> QuerySet[Domain]:
    return Domain.objects.filter(campaign__in=Campaign.objects.visible_to(user))


def _campaign_drives(user: Any) -> QuerySet[SpecialRectification]:
    """A unit files its problems under any drive of a campaign it works in, whichever
    department leads the drive."""
    return SpecialRectification.objects.filter(campaign__in=Campaign.objects.visible_to(user))


def _visible_problems(user: Any) -> QuerySet[Problem]:
    return Problem.objects.visible_to(user)


def _org_field(**kwargs: Any) -> OrgCodeField:
    return OrgCodeField(**kwargs)


def _person_field(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), **kwargs)


class PersonRefSerializer(serializers.ModelSerializer):
    """A responsible person, without personal data beyond the name (masked outside the
    caller's reading scope)."""

    real_name = person_name_field(source="*")

    class Meta:
        model = User
        fields = ["id", "real_name"]


class TrackedItemSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    owner = PersonRefSerializer(read_only=True, allow_null=True)
    light = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=Light.choices))
    def get_light(self, item: Problem | Measure) -> str:
        return str(item.light())


# --------------------------------------------------------------------------- problems and measures


class MeasureSerializer(TrackedItemSerializer):
    class Meta:
        model = Measure
        fields = [
            "id",
            "problem",
            "campaign",
            "org",
            "org_name",
            "title",
            "status",
            "light",
            "owner",
            "deadline",
            "original_deadline",
            "closure_kind",
            "closed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProgressReportSerializer(serializers.ModelSerializer):
    reported_by = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "measure", "text", "percent", "reported_by", "created_at"]
        read_only_fields = fields


class ProblemSerializer(TrackedItemSerializer):
    class Meta:
        model = Problem
        fields = [
            "id",
            "campaign",
            "org",
            "org_name",
            "title",
            "description",
            "level",
            "status",
            "light",
            "owner",
            "deadline",
            "original_deadline",
            "found_date",
            "immediate",
            "channel",
            "domain",
            "special_rectification",
            "closure_kind",
            "closed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProblemDetailSerializer(ProblemSerializer):
    measures = MeasureSerializer(many=True, read_only=True)
    reports = ProgressReportSerializer(many=True, read_only=True)

    class Meta(ProblemSerializer.Meta):
        fields = [*ProblemSerializer.Meta.fields, "measures", "reports"]
        read_only_fields = fields


class MeasureInputSerializer(ScopedInputSerializer):
    """One measure entered with its problem; unit and deadline default to the problem's unit
    and no deadline."""

    title = serializers.CharField(max_length=300)
    org = _org_field(required=False, allow_null=True, help_text="Code of the unit carrying out the measure.")
    owner = _person_field(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)

    scoped_fields = {"org": _visible_orgs, "owner": _visible_people}


class ProblemCreateSerializer(ScopedInputSerializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.none())
    org = _org_field(help_text="Code of the unit that owns the problem.")
    title = serializers.CharField(max_length=300)
    level = serializers.ChoiceField(choices=Problem._meta.get_field("level").choices)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    owner = _person_field(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    found_date = serializers.DateField(required=False, allow_null=True, help_text="Today when left out.")
    immediate = serializers.BooleanField(required=False, default=False)
    channel = serializers.PrimaryKeyRelatedField(queryset=Channel.objects.none(), required=False, allow_null=True)
    domain = serializers.PrimaryKeyRelatedField(queryset=Domain.objects.none(), required=False, allow_null=True)
    special_rectification = serializers.PrimaryKeyRelatedField(
        queryset=SpecialRectification.objects.none(), required=False, allow_null=True
    )
    measures = MeasureInputSerializer(many=True, required=False)

    scoped_fields = {
        "campaign": _visible_campaigns,
        "org": _visible_orgs,
        "owner": _visible_people,
        "channel": _campaign_channels,
        "domain": _campaign_domains,
        "special_rectification": _campaign_drives,
    }


class ProblemUpdateSerializer(ScopedInputSerializer):
    """What a problem says; its status changes only through the workflow actions."""

    title = serializers.CharField(max_length=300, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    level = serializers.ChoiceField(choices=Problem._meta.get_field("level").choices, required=False)
    owner = _person_field(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    found_date = serializers.DateField(required=False)
    immediate = serializers.BooleanField(required=False)
    channel = serializers.PrimaryKeyRelatedField(queryset=Channel.objects.none(), required=False, allow_null=True)
    domain = serializers.PrimaryKeyRelatedField(queryset=Domain.objects.none(), required=False, allow_null=True)
    special_rectification = serializers.PrimaryKeyRelatedField(
        queryset=SpecialRectification.objects.none(), required=False, allow_null=True
    )

    scoped_fields = {
        "owner": _visible_people,
        "channel": _campaign_channels,
        "domain": _campaign_domains,
        "special_rectification": _campaign_drives,
    }


class MeasureCreateSerializer(MeasureInputSerializer):
    problem = serializers.PrimaryKeyRelatedField(queryset=Problem.objects.none())

    scoped_fields = {**MeasureInputSerializer.scoped_fields, "problem": _visible_problems}


class MeasureUpdateSerializer(ScopedInputSerializer):
    title = serializers.CharField(max_length=300, required=False)
    org = _org_field(
        required=False, allow_null=True, help_text="Code of the unit; null gives it back to the problem's."
    )
    owner = _person_field(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)

    scoped_fields = {"org": _visible_orgs, "owner": _visible_people}


@extend_schema_field({"type": "array", "items": {"type": "string", "format": "binary"}})
class EvidenceField(serializers.ListField):
    """Evidence files (photos, scans, documents) sent as multipart parts of one name."""

    child = serializers.FileField()


EXPECTED_STATUS_HELP = "The status the caller saw; if the item moved since, the answer is 409."


class ClosureRequestSerializer(serializers.Serializer):
    evidence = EvidenceField(required=False, default=list, help_text="At least one file is required.")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    expected_status = serializers.ChoiceField(
        choices=ItemStatus.choices, required=False, help_text=EXPECTED_STATUS_HELP
    )


class ClosureApprovalSerializer(serializers.Serializer):
    closure_kind = serializers.ChoiceField(
        choices=ClosureKind.choices,
        default=ClosureKind.RECTIFIED,
        help_text="Any ending but rectified needs a comment saying why.",
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    expected_status = serializers.ChoiceField(
        choices=ItemStatus.choices, required=False, help_text=EXPECTED_STATUS_HELP
    )


class TransitionCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, help_text="Why; required (a blank one is refused).")
    expected_status = serializers.ChoiceField(
        choices=ItemStatus.choices, required=False, help_text=EXPECTED_STATUS_HELP
    )


class ProgressInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)
    percent = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
    evidence = EvidenceField(required=False, default=list)


class ExtensionInputSerializer(serializers.Serializer):
    requested_deadline = serializers.DateField()
    reason = serializers.CharField(allow_blank=True)


class ExtensionSerializer(serializers.ModelSerializer):
    requested_by = PersonRefSerializer(read_only=True, allow_null=True)
    decided_by = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "problem",
            "measure",
            "requested_deadline",
            "previous_deadline",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_comment",
        ]
        read_only_fields = fields


class ExtensionDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required to refuse.")


def workflow_actions(item_serializer: type[serializers.Serializer], noun: str) -> type:
    """The workflow steps of a problem or a measure as POST actions on its detail route.

    Each answers the item as it stands after the step (progress and extension answer
    what they created, since the client needs its id).
    """

    def item_schema(summary: str, request: Any) -> Any:
        return extend_schema(
            summary=summary % {"noun": noun}, request=request, responses={200: item_serializer, **WRITE_ERRORS}
        )

    class WorkflowActions:
        @item_schema(
            "Ask for closure (销号) of the %(noun)s with evidence files",
            {"multipart/form-data": ClosureRequestSerializer, "application/json": ClosureRequestSerializer},
        )
        @action(
            detail=True,
            methods=["post"],
            url_path="request-closure",
            parser_classes=[MultiPartParser, JSONParser],
        )
        def request_closure(self, request: Request, pk: str | None = None) -> Response:
            item = self.get_object()
            data = self._input(ClosureRequestSerializer)
            services.item_request_closure(item=item, acting_user=request.user, **data)
            return self._output(item.pk)

        @item_schema("Approve the closure of the %(noun)s (the level above)", ClosureApprovalSerializer)
        @action(detail=True, methods=["post"], url_path="approve-closure")
        def approve_closure(self, request: Request, pk: str | None = None) -> Response:
            item = self.get_object()
            data = self._input(ClosureApprovalSerializer)
            services.item_approve_closure(item=item, acting_user=request.user, **data)
            return self._output(item.pk)

        @item_schema("Send the %(noun)s back for rework (重新检视)", TransitionCommentSerializer)
        @action(detail=True, methods=["post"], url_path="send-back")
        def send_back(self, request: Request, pk: str | None = None) -> Response:
            item = self.get_object()
            data = self._input(TransitionCommentSerializer)
            services.item_send_back(item=item, acting_user=request.user, **data)
            return self._output(item.pk)

        @item_schema("Reopen the closed %(noun)s (a supervisor)", TransitionCommentSerializer)
        @action(detail=True, methods=["post"])
        def reopen(self, request: Request, pk: str | None = None) -> Response:
            item = self.get_object()
            data = self._input(TransitionCommentSerializer)
            services.item_reopen(item=item, acting_user=request.user, **data)
            return self._output(item.pk)

        @item_schema(
            "Report progress on the %(noun)s, with evidence files",
            {
                "multipart/form-data": ProgressInputSerializer,
                "application/json": ProgressInputSerializer,
            },
        )
        @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, JSONParser])
        def progress(self, request: Request, pk: str | None = None) -> Response:
            item = self.get_object()
            data = self._input(ProgressInputSerializer)
            services.progress_report(item=item, acting_user=request.user, **data)
            return self._output(item.pk)

        @extend_schema(
            summary=f"Ask the level above for a later deadline of the {noun} (延期)",
            request=ExtensionInputSerializer,
            responses={201: ExtensionSerializer, **WRITE_ERRORS},
        )
        @action(detail=True, methods=["post"])
        def extension(self, request: Request, pk: str | None = None) -> Response:
            item = self.get_object()
            data = self._input(ExtensionInputSerializer)
            extension = services.extension_request(item=item, acting_user=request.user, **data)
            return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    return WorkflowActions


@extend_schema_view(
    list=extend_schema(
        summary="Problems in the caller's scope, newest first",
        responses={200: ProblemSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="A problem with its measures and progress reports",
        responses={200: ProblemDetailSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Enter a problem with its measures",
        request=ProblemCreateSerializer,
        responses={201: ProblemDetailSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change what a problem says (not its status)",
        request=ProblemUpdateSerializer,
        responses={200: ProblemDetailSerializer, **WRITE_ERRORS},
    ),
)
class ProblemViewSet(
    workflow_actions(ProblemDetailSerializer, "problem"),  # type: ignore[misc]
    LedgerViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The problem list (问题清单) of the caller's units, filtered as on the ledger page."""

    queryset_model = Problem
    filterset_class = ProblemFilterSet
    filterset_takes_user = True
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return ProblemSerializer if self.action == "list" else ProblemDetailSerializer

    def _searched(self) -> bool:
        return self.action == "list" and search.indexed(self.request.query_params.get("q", ""))

    def visible_options(self) -> dict[str, Any]:
        # A text search finds the caller's subtrees through its own index (``search``).
        return {"searched": self._searched()}

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        # The list shows ids of campaign, channel, domain and drive: only org and owner. The
        # org is fetched apart (one small query), not inner-joined: with the org tree
        # joined, SQLite drove a province's newest-first page from the 50,000 orgs (2.5 s,
        # bench). An outer join (the owner may be empty) keeps the problems first.
        if self.action == "list" and self._searched():
            # PostgreSQL expects a handful of rows from a search and would join the owner
            # to every match before sorting (4,864 in a city, bench): fetched apart too.
            return queryset.prefetch_related("org", "owner")
        if self.action == "list":
            return queryset.select_related("owner").prefetch_related("org")
        queryset = queryset.select_related("org", "owner")
        measures = Measure.objects.select_related("org", "owner").order_by("id")
        reports = ProgressReport.objects.select_related("reported_by").order_by("-created_at", "-id")
        return queryset.prefetch_related(Prefetch("measures", queryset=measures), Prefetch("reports", queryset=reports))

    def create(self, request: Request) -> Response:
        data = self._input(ProblemCreateSerializer)
        measures = [dict(measure) for measure in data.pop("measures", [])]
        problem = services.problem_create(acting_user=request.user, measures=measures, **data)
        return self._output(problem.pk, code=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        problem = self.get_object()
        changes = self._input(ProblemUpdateSerializer, partial=True)
        services.problem_update(problem=problem, acting_user=request.user, **changes)
        return self._output(problem.pk)


class MeasureFilterSet(django_filters.FilterSet):
    problem = IdFilter(field_name="problem_id")
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices)

    class Meta:
        model = Measure
        fields = ["problem", "status"]


@extend_schema_view(
    list=extend_schema(
        summary="Measures in the caller's scope, newest first",
        responses={200: MeasureSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="A measure", responses={200: MeasureSerializer, **READ_ERRORS}),
    create=extend_schema(
        summary="Add a measure to a problem being rectified",
        request=MeasureCreateSerializer,
        responses={201: MeasureSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a measure's title, unit, owner or deadline",
        request=MeasureUpdateSerializer,
        responses={200: MeasureSerializer, **WRITE_ERRORS},
    ),
)
class MeasureViewSet(
    workflow_actions(MeasureSerializer, "measure"),  # type: ignore[misc]
    LedgerViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The measure list (整改措施清单): measures carried out by the caller's units."""

    queryset_model = Measure
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        # The org fetched apart, not inner-joined: as for problems, that join can turn a
        # page of fifty into a walk of every org.
        return queryset.select_related("owner").prefetch_related("org")

    def create(self, request: Request) -> Response:
        data = self._input(MeasureCreateSerializer)
        measure = services.measure_add(acting_user=request.user, **data)
        return self._output(measure.pk, code=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        measure = self.get_object()
        changes = self._input(MeasureUpdateSerializer, partial=True)
        services.measure_update(measure=measure, acting_user=request.user, **changes)
        return self._output(measure.pk)


# --------------------------------------------------------------------------- extensions


class ExtensionFilterSet(django_filters.FilterSet):
    problem = IdFilter(field_name="problem_id")
    status = django_filters.ChoiceFilter(choices=ExtensionStatus.choices)

    class Meta:
        model = ExtensionRequest
        fields = ["problem", "status"]


@extend_schema_view(
    list=extend_schema(
        summary="Extension requests on items in the caller's scope",
        responses={200: ExtensionSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="An extension request", responses={200: ExtensionSerializer, **READ_ERRORS}),
)
class ExtensionViewSet(LedgerViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Requests for a later deadline (延期), decided by the level above."""

    serializer_class = ExtensionSerializer
    filterset_class = ExtensionFilterSet

    def get_queryset(self) -> QuerySet:
        """Requests on a problem or a measure the caller sees."""
        user = self.request.user
        on_problem = Q(measure__isnull=True, problem__in=Problem.objects.visible_to(user))
        on_measure = Q(measure__in=Measure.objects.visible_to(user))
        return ExtensionRequest.objects.filter(on_problem | on_measure).select_related("requested_by", "decided_by")

    @extend_schema(
        summary="Grant or refuse an extension (a refusal says why)",
        request=ExtensionDecisionSerializer,
        responses={200: ExtensionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        extension = self.get_object()
        data = self._input(ExtensionDecisionSerializer)
        services.extension_decide(extension=extension, acting_user=request.user, **data)
        return self._output(extension.pk)


# --------------------------------------------------------------------------- special rectifications


class SpecialRectificationSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = SpecialRectification
        fields = ["id", "campaign", "org", "org_name", "name", "level", "domain", "description", "status", "created_at"]
        read_only_fields = fields


class SpecialRectificationCreateSerializer(ScopedInputSerializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.none())
    org = _org_field(help_text="Code of the department leading the drive.")
    name = serializers.CharField(max_length=200)
    level = serializers.ChoiceField(choices=SpecialRectification._meta.get_field("level").choices)
    domain = serializers.PrimaryKeyRelatedField(queryset=Domain.objects.none(), required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")

    scoped_fields = {"campaign": _visible_campaigns, "org": _visible_orgs, "domain": _campaign_domains}


class SpecialRectificationFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id")
    status = django_filters.ChoiceFilter(choices=DriveStatus.choices)

    class Meta:
        model = SpecialRectification
        fields = ["campaign", "status"]


@extend_schema_view(
    list=extend_schema(
        summary="Special rectifications (专项整治) led by the caller's units",
        responses={200: SpecialRectificationSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="A special rectification", responses={200: SpecialRectificationSerializer, **READ_ERRORS}
    ),
    create=extend_schema(
        summary="Open a special rectification led by a department",
        request=SpecialRectificationCreateSerializer,
        responses={201: SpecialRectificationSerializer, **WRITE_ERRORS},
    ),
)
class SpecialRectificationViewSet(
    LedgerViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset_model = SpecialRectification
    serializer_class = SpecialRectificationSerializer
    filterset_class = SpecialRectificationFilterSet

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("org")

    def create(self, request: Request) -> Response:
        data = self._input(SpecialRectificationCreateSerializer)
        drive = services.special_rectification_create(acting_user=request.user, **data)
        return self._output(drive.pk, code=status.HTTP_201_CREATED)


# --------------------------------------------------------------------------- problem lists (三上三下)


class ReviewRoundSerializer(serializers.ModelSerializer):
    actor = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ReviewRound
        fields = [
            "id",
            "problem_list",
            "number",
            "direction",
            "outcome",
            "comment",
            "problem_count",
            "measure_count",
            "actor",
            "created_at",
        ]
        read_only_fields = fields


class ProblemListSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    rounds = ReviewRoundSerializer(many=True, read_only=True)

    class Meta:
        model = ProblemList
        fields = ["id", "campaign", "org", "org_name", "status", "rounds_up", "updated_at", "rounds"]
        read_only_fields = fields


class ListCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required when returning a list."
    )


class ProblemListFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id")
    status = django_filters.ChoiceFilter(choices=ListStatus.choices)

    class Meta:
        model = ProblemList
        fields = ["campaign", "status"]


def _list_action_schema(summary: str) -> Any:
    return extend_schema(
        summary=summary, request=ListCommentSerializer, responses={200: ProblemListSerializer, **WRITE_ERRORS}
    )


@extend_schema_view(
    list=extend_schema(
        summary="Problem lists of the caller's units with their review rounds",
        responses={200: ProblemListSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="A unit's problem list with its review rounds", responses={200: ProblemListSerializer, **READ_ERRORS}
    ),
)
class ProblemListViewSet(LedgerViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Each unit's whole list, going up and down in review rounds until accepted."""

    queryset_model = ProblemList
    serializer_class = ProblemListSerializer
    filterset_class = ProblemListFilterSet

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        rounds = ReviewRound.objects.select_related("actor").order_by("created_at", "id")
        return queryset.select_related("org", "campaign").prefetch_related(Prefetch("rounds", queryset=rounds))

    @_list_action_schema("Submit the unit's list to its reviewer (one of 三上)")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        problem_list = self.get_object()
        data = self._input(ListCommentSerializer)
        services.problem_list_submit(
            campaign=problem_list.campaign, org=problem_list.org, acting_user=request.user, **data
        )
        return self._output(problem_list.pk)

    @_list_action_schema("Return a submitted list for revision, saying what to revise (one of 三下)")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        problem_list = self.get_object()
        data = self._input(ListCommentSerializer)
        services.problem_list_return(problem_list=problem_list, acting_user=request.user, **data)
        return self._output(problem_list.pk)

    @_list_action_schema("Accept a submitted list")
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        problem_list = self.get_object()
        data = self._input(ListCommentSerializer)
        services.problem_list_accept(problem_list=problem_list, acting_user=request.user, **data)
        return self._output(problem_list.pk)


class ReviewRoundFilterSet(django_filters.FilterSet):
    problem_list = IdFilter(field_name="problem_list_id")
    direction = django_filters.ChoiceFilter(choices=ReviewRound._meta.get_field("direction").choices)

    class Meta:
        model = ReviewRound
        fields = ["problem_list", "direction"]


@extend_schema_view(
    list=extend_schema(
        summary="Review rounds of the caller's units' lists, newest first",
        responses={200: ReviewRoundSerializer(many=True), **LIST_ERRORS},
    ),
)
class ReviewRoundViewSet(LedgerViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ReviewRoundSerializer
    filterset_class = ReviewRoundFilterSet

    def get_queryset(self) -> QuerySet:
        """Rounds of the lists the caller sees."""
        lists = ProblemList.objects.visible_to(self.request.user)
        return ReviewRound.objects.filter(problem_list__in=lists).select_related("actor")


# --------------------------------------------------------------------------- inspections (督查)


class InspectionFindingSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    fed_back_to = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = InspectionFinding
        fields = [
            "id",
            "inspection",
            "org",
            "org_name",
            "description",
            "fed_back_to",
            "fed_back_on",
            "orders_reexamination",
            "problem",
            "created_at",
        ]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    inspector = PersonRefSerializer(read_only=True, allow_null=True)
    supervisor = PersonRefSerializer(read_only=True, allow_null=True)
    units = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    findings = InspectionFindingSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "campaign",
            "org",
            "number",
            "title",
            "start_date",
            "end_date",
            "status",
            "inspector",
            "supervisor",
            "units",
            "findings",
        ]
        read_only_fields = fields


class InspectionCreateSerializer(ScopedInputSerializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.none())
    org = _org_field(help_text="Code of the body running the round.")
    number = serializers.IntegerField(min_value=1, max_value=32767)
    title = serializers.CharField(max_length=200)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)
    inspector = _person_field(required=False, allow_null=True, default=None)
    supervisor = _person_field(required=False, allow_null=True, default=None)
    units = OrgCodeField(many=True, help_text="Codes of the units inspected.")

    scoped_fields = {
        "campaign": _visible_campaigns,
        "org": _visible_orgs,
        "inspector": _visible_people,
        "supervisor": _visible_people,
        "units": _visible_orgs,
    }


class FindingInputSerializer(ScopedInputSerializer):
    org = _org_field(help_text="Code of the unit the finding concerns (one of the round's units).")
    description = serializers.CharField(allow_blank=True)
    fed_back_to = _person_field(required=False, allow_null=True, help_text="The unit head when left out.")
    fed_back_on = serializers.DateField(required=False, allow_null=True)
    orders_reexamination = serializers.BooleanField(required=False, default=False)

    scoped_fields = {"org": _visible_orgs, "fed_back_to": _visible_people}


class InspectionFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id")
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices)

    class Meta:
        model = Inspection
        fields = ["campaign", "status"]


@extend_schema_view(
    list=extend_schema(
        summary="Inspection rounds (督查) run by the caller's bodies, with their findings",
        responses={200: InspectionSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="An inspection round with its findings", responses={200: InspectionSerializer, **READ_ERRORS}
    ),
    create=extend_schema(
        summary="Plan an inspection round over units",
        request=InspectionCreateSerializer,
        responses={201: InspectionSerializer, **WRITE_ERRORS},
    ),
)
class InspectionViewSet(LedgerViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset_model = Inspection
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        findings = InspectionFinding.objects.select_related("org", "fed_back_to").order_by("id")
        return queryset.select_related("org", "inspector", "supervisor").prefetch_related(
            Prefetch("units", queryset=Org.objects.order_by("path")), Prefetch("findings", queryset=findings)
        )

    def create(self, request: Request) -> Response:
        data = self._input(InspectionCreateSerializer)
        inspection = services.inspection_create(acting_user=request.user, **data)
        return self._output(inspection.pk, code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record a finding in one of the round's units (it may order re-examination)",
        request=FindingInputSerializer,
        responses={201: InspectionFindingSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="add-finding")
    def add_finding(self, request: Request, pk: str | None = None) -> Response:
        inspection = self.get_object()
        data = self._input(FindingInputSerializer)
        finding = services.inspection_finding_add(inspection=inspection, acting_user=request.user, **data)
        finding = InspectionFinding.objects.select_related("org", "fed_back_to").get(pk=finding.pk)
        return Response(InspectionFindingSerializer(finding).data, status=status.HTTP_201_CREATED)
