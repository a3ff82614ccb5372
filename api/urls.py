from importlib import import_module
from importlib.util import find_spec

from csp.constants import SELF
from csp.decorators import csp_update
from django.apps import apps
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.statistics import StatisticsView
from api.views import NotFoundView
from campaigns.api import CampaignViewSet, ChannelViewSet
from orgs.api import OrgViewSet, PersonViewSet, RoleGrantViewSet
from rectification.api import (
    ExtensionViewSet,
    InspectionViewSet,
    MeasureViewSet,
    ProblemListViewSet,
    ProblemViewSet,
    ReviewRoundViewSet,
    SpecialRectificationViewSet,
)

router = DefaultRouter()
router.register("orgs", OrgViewSet, basename="org")
router.register("people", PersonViewSet, basename="person")
router.register("grants", RoleGrantViewSet, basename="grant")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("channels", ChannelViewSet, basename="channel")
router.register("problems", ProblemViewSet, basename="problem")
router.register("measures", MeasureViewSet, basename="measure")
router.register("extensions", ExtensionViewSet, basename="extension")
router.register("special-rectifications", SpecialRectificationViewSet, basename="special-rectification")
router.register("problem-lists", ProblemListViewSet, basename="problem-list")
router.register("review-rounds", ReviewRoundViewSet, basename="review-round")
router.register("inspections", InspectionViewSet, basename="inspection")

# Apps that came later register their own endpoints: an ``<app>/api.py`` may define
# ``register_routes(router)``, called here in INSTALLED_APPS order.
for config in apps.get_app_configs():
    dotted = f"{config.name}.api"
    if config.name not in {"orgs", "campaigns", "rectification"} and find_spec(dotted) is not None:
        register_routes = getattr(import_module(dotted), "register_routes", None)
        if register_routes is not None:
            register_routes(router)

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads Swagger UI's start-up code from ?script= (same origin), so the
    # page needs no inline script under the Content-Security-Policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Redoc builds its search worker from a blob: URL; allowed on this page only
    # (taizhang/templates/drf_spectacular/redoc.html drops its inline script and fonts).
    path(
        "redoc/",
        csp_update({"worker-src": [SELF, "blob:"]})(SpectacularRedocView.as_view(url_name="api:schema")),
        name="redoc",
    ),
    path("statistics/", StatisticsView.as_view(), name="statistics"),
    path("", include(router.urls)),
    # Last: every other address ending in a slash answers the API's JSON 404 (without the
    # slash, APPEND_SLASH still redirects to the address with it).
    re_path(r"^.*/$", NotFoundView.as_view(), name="not-found"),
]
