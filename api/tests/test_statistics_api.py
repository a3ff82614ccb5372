"""``GET /api/statistics/``: the registry's figures for the caller's scope."""

from __future__ import annotations

import pytest
from django.urls import Resolver404, include, path, resolve

from api.statistics import StatisticsView
from core.testing.factories import CampaignFactory
from core.testing.permissions import client_for
from core.testing.queries import assert_query_count_stable
from orgs import statistics as org_statistics  # noqa: F401  (registers, as OrgsConfig.ready() does)
from rectification import statistics as ledger_statistics  # noqa: F401  (as RectificationConfig.ready() does)
from rectification.choices import ProblemLevel
from rectification.models import Problem

URL = "/api/statistics/"

# Used only until api/urls.py routes the view itself (see the fixture below).
urlpatterns = [
    path("api/statistics/", StatisticsView.as_view(), name="statistics"),
    path("", include("taizhang.urls")),
]


@pytest.fixture(autouse=True)
def _routed(settings):  # type: ignore[no-untyped-def]
    """Test through the project's own route where it exists, else through this module's."""
    try:
        routed = getattr(resolve(URL).func, "view_class", None) is StatisticsView
    except Resolver404:
        routed = False
    if not routed:
        settings.ROOT_URLCONF = __name__


@pytest.fixture
def campaign(tree, people):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(org=tree.district)
    for org in (tree.community_a, tree.grid_a, tree.community_b, tree.department):
        Problem.objects.create(campaign=campaign, org=org, title="问题", level=ProblemLevel.GRASSROOTS)
    return campaign


def problems_total(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:500]
    return response.json()["rectification"]["problems"]["total"]


def test_figures_are_bounded_by_the_callers_grants(campaign, people):
    assert problems_total(client_for(people.supervisor).get(URL)) == 4
    assert problems_total(client_for(people.leader).get(URL)) == 3  # the street
    assert problems_total(client_for(people.clerk_a).get(URL)) == 2  # community A and its grid
    assert problems_total(client_for(people.clerk_b).get(URL)) == 1
    assert problems_total(client_for(people.member_a).get(URL)) == 0  # members read no ledger


def test_an_org_narrows_within_what_the_caller_sees(campaign, people):
    client = client_for(people.leader)
    assert problems_total(client.get(URL, {"org": "AK-JM-JS", "campaign": campaign.pk})) == 1
    body = client.get(URL, {"org": "AK-JM-XDC", "date": "2099-01-01"}).json()
    assert body["rectification"]["scope"]["org"] == "AK-JM-XDC"
    assert body["rectification"]["scope"]["as_of"] == "2099-01-01"
    assert body["orgs"]["orgs"] == 2


def test_an_invisible_org_or_campaign_is_not_found(campaign, people, tree):
    client = client_for(people.clerk_b)
    assert client.get(URL, {"org": "AK-JM-XDC"}).status_code == 404  # the sibling
    assert client.get(URL, {"org": "AK-JJ"}).status_code == 404
    assert client.get(URL, {"org": "NOPE"}).status_code == 404
    assert client.get(URL, {"campaign": 999999}).status_code == 404
    own = CampaignFactory(org=tree.community_a)
    assert client.get(URL, {"campaign": own.pk}).status_code == 404


def test_a_malformed_argument_is_a_400_naming_it(campaign, people):
    response = client_for(people.supervisor).get(URL, {"date": "2023-12-32"})
    assert response.status_code == 400
    assert response.json()["field"] == "date"
    assert client_for(people.supervisor).get(URL, {"campaign": "x"}).json()["field"] == "campaign"


def test_anonymous_callers_are_refused(campaign):
    assert client_for(None).get(URL).status_code == 403


def test_the_query_count_does_not_grow_with_rows(campaign, people, tree):
    client = client_for(people.supervisor)

    def add_rows() -> None:
        for _ in range(10):
            Problem.objects.create(campaign=campaign, org=tree.community_b, title="问题", level=ProblemLevel.LEADERSHIP)

    assert_query_count_stable(lambda: client.get(URL, {"org": "AK", "campaign": campaign.pk}), add_rows=add_rows)


def test_the_schema_documents_the_parameters(people):
    response = client_for(people.admin).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    operation = response.json()["paths"].get(URL, {}).get("get")
    if operation is None:
        pytest.skip("api/urls.py does not route /api/statistics/ yet")
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"org", "campaign", "date", "period_start", "period_end"} <= names


def test_apps_picks_the_providers_and_names_an_unknown_one(campaign, people):
    client = client_for(people.supervisor)
    every = client.get(URL).json()
    assert {"orgs", "rectification"} <= set(every)
    only = client.get(URL, {"apps": "rectification"})
    assert only.status_code == 200 and set(only.json()) == {"rectification"}
    assert only.json()["rectification"] == every["rectification"]
    assert set(client.get(URL, {"apps": "orgs, rectification"}).json()) == {"orgs", "rectification"}
    assert set(client.get(URL, {"apps": " , "}).json()) == set(every)  # blank: every app
    refused = client.get(URL, {"apps": "rectification,nonsense"})
    assert refused.status_code == 400 and "nonsense" in refused.content.decode()
