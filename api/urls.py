from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api.statistics import StatisticsView
from campaigns.api import CampaignViewSet, ChannelViewSet
from orgs.api import OrgViewSet, PersonViewSet, RoleGrantViewSet

router = DefaultRouter()
router.register("orgs", OrgViewSet, basename="org")
router.register("people", PersonViewSet, basename="person")
router.register("grants", RoleGrantViewSet, basename="grant")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("channels", ChannelViewSet, basename="channel")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("statistics/", StatisticsView.as_view(), name="statistics"),
    path("", include(router.urls)),
]
