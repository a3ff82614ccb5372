import datetime

import pytest
from django.utils import timezone

from core.testing.permissions import api_rows, assert_api_list_scoped, client_for
from projects.choices import ProjectStage
from projects.models import InvestmentReport, KeyProject
from projects.tests.factories import (
    DealFactory,
    InvestmentReportFactory,
    KeyProjectFactory,
    KeyTaskFactory,
    PromotionEventFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/api/key-projects/", lambda org: KeyProjectFactory(org=org)),
        ("/api/investment-reports/", lambda org: InvestmentReportFactory(project=KeyProjectFactory(org=org))),
        ("/api/key-tasks/", lambda org: KeyTaskFactory(org=org)),
        ("/api/promotion-events/", lambda org: PromotionEventFactory(org=org)),
        ("/api/deals/", lambda org: DealFactory(org=org)),
    ],
)
def test_every_list_is_scoped(url, make):
    assert_api_list_scoped(url, make_item=make)


def test_create_project_and_change_stage(tree, people):
    client = client_for(people.clerk_a)
    response = client.post(
        "/api/key-projects/",
        {
            "org": tree.community_a.code,
            "title": "智能制造基地",
            "project_level": "municipal",
            "stage": "pipeline",
            "leader": people.leader.pk,  # the street's leader, above the clerk's community
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["project_level"] == "municipal" and body["pipeline_date"] == timezone.localdate().isoformat()
    assert body["leader"]["id"] == people.leader.pk
    moved = client.post(
        f"/api/key-projects/{body['id']}/stage/",
        {"stage": "construction", "expected_stage": "pipeline"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["stage"] == ProjectStage.CONSTRUCTION
    stale = client.post(
        f"/api/key-projects/{body['id']}/stage/",
        {"stage": "operation", "expected_stage": "pipeline"},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"


def test_report_twice_is_a_400_naming_the_month(tree, people):
    project = KeyProjectFactory(org=tree.community_a)
    client = client_for(people.clerk_a)
    payload = {"project": project.pk, "year": 2026, "month": 9, "amount": "125.5"}
    assert client.post("/api/investment-reports/", payload, content_type="application/json").status_code == 201
    again = client.post("/api/investment-reports/", payload, content_type="application/json")
    assert again.status_code == 400 and again.json()["field"] == "month"
    assert InvestmentReport.objects.count() == 1


def test_report_for_a_project_out_of_scope_is_refused(tree, people):
    project = KeyProjectFactory(org=tree.community_b)
    response = client_for(people.clerk_a).post(
        "/api/investment-reports/",
        {"project": project.pk, "year": 2026, "month": 9, "amount": "1"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "project"


def test_deal_with_funding(tree, people):
    client = client_for(people.clerk_a)
    created = client.post(
        "/api/deals/",
        {
            "org": tree.community_a.code,
            "company": "秦硒科技有限公司",
            "project_name": "富硒深加工",
            "amount": "30000",
            "signed_date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "manager": people.member_a.pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    today = timezone.localdate()
    funded = client.post(
        f"/api/deals/{created.json()['id']}/funding/",
        {"year": today.year, "month": today.month, "amount": "1200"},
        content_type="application/json",
    )
    assert funded.status_code == 200
    assert funded.json()["funds_in_place"] == "1200.0000"
    assert funded.json()["manager"]["id"] == people.member_a.pk


def test_filters_apply(tree, people):
    KeyProjectFactory(org=tree.community_a, level="provincial")
    KeyProjectFactory(org=tree.community_a, level="district")
    rows = api_rows(client_for(people.clerk_a).get("/api/key-projects/?level=provincial"))
    assert [row["project_level"] for row in rows] == ["provincial"]
    assert KeyProject.objects.count() == 2


def test_schema_lists_the_endpoints(people):
    paths = client_for(people.admin).get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in (
        "/api/key-projects/",
        "/api/key-projects/{id}/stage/",
        "/api/investment-reports/",
        "/api/deals/{id}/funding/",
    ):
        assert path in paths
