"""``GET /api/statistics/``: every app's figures for the caller's scope.

The registry's :func:`core.statistics.collect`, the same figures as the dashboards and
``manage.py stats --json``. An org or campaign the caller cannot see answers 404, so
that its existence is not revealed; a malformed argument answers 400 naming it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.statistics import ScopeNotFound, build_scope, collect, providers

DATE_HELP = "YYYY-MM-DD"


class StatisticsView(APIView):
    """Figures of every app, keyed by app, for an org subtree, a campaign and a date."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="statistics_retrieve",
        summary="Statistics for an org subtree, a campaign and a date",
        description=(
            "Figures of every registered app (orgs, rectification, …) keyed by app name, counted "
            "over what the caller may see. Rates are fractions (0.5 is 50%) or null."
        ),
        parameters=[
            OpenApiParameter("org", OpenApiTypes.STR, description="Code of the org whose subtree is counted."),
            OpenApiParameter("campaign", OpenApiTypes.INT, description="Id of the campaign to count."),
            OpenApiParameter(
                "date", OpenApiTypes.DATE, description=f"Figures as of the end of this day ({DATE_HELP}; today)."
            ),
            OpenApiParameter(
                "period_start",
                OpenApiTypes.DATE,
                description="First day of the period for added/closed counts (default: Monday of the date's week).",
            ),
            OpenApiParameter(
                "period_end", OpenApiTypes.DATE, description="Last day of the period (default: the date)."
            ),
            OpenApiParameter(
                "apps",
                OpenApiTypes.STR,
                description="Only these apps' figures, comma-separated (e.g. rectification,orgs; default: every app).",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
        tags=["statistics"],
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        try:
            scope = build_scope(
                user=request.user,  # type: ignore[arg-type]
                org=params.get("org"),
                campaign=params.get("campaign"),
                date=params.get("date"),
                period_start=params.get("period_start"),
                period_end=params.get("period_end"),
            )
        except ScopeNotFound as error:
            raise NotFound(error.message) from error
        # Only the apps named (blank or absent: every app).
        names = [name.strip() for name in params.get("apps", "").split(",") if name.strip()] or None
        if names:
            unknown = sorted(set(names) - set(providers()))
            if unknown:
                raise ValidationError({"apps": [_("No such app: %(names)s.") % {"names": ", ".join(unknown)}]})
        return Response(collect(scope, names=names))
