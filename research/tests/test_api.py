"""The research API: scoped lists, planning with the crowding warning, logs and findings."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.testing.factories import CampaignFactory, ChannelFactory, person_with_role
from core.testing.permissions import api_rows, assert_api_list_scoped, client_for
from research.models import Visit
from research.tests.factories import EntityFactory, TopicFactory, VisitFactory

pytestmark = pytest.mark.django_db
DAY = timezone.localdate() + datetime.timedelta(days=10)


@pytest.mark.parametrize(
    ("url", "make_item"),
    [
        ("/api/research-visits/", lambda org: VisitFactory(org=org, entity=EntityFactory(org=org))),
        ("/api/research-topics/", lambda org: TopicFactory(org=org)),
        ("/api/research-entities/", lambda org: EntityFactory(org=org)),
    ],
)
def test_lists_follow_the_scoping_contract(url, make_item):
    assert_api_list_scoped(url, make_item=make_item)


def test_planning_warns_then_saves_when_confirmed(tree, people):
    first = person_with_role("leader", tree.district, username="api_leader_one")
    second = person_with_role("leader", tree.district, username="api_leader_two")
    entity = EntityFactory(org=tree.community_a)
    client = client_for(people.supervisor)

    def body(leader, **extra):
        return {
            "org": "AK",
            "leader": leader.pk,
            "entity": entity.pk,
            "starts_at": f"{DAY.isoformat()}T09:00:00+08:00",
            "ends_at": f"{DAY.isoformat()}T11:00:00+08:00",
            **extra,
        }

    assert client.post("/api/research-visits/", body(first), content_type="application/json").status_code == 201
    refused = client.post("/api/research-visits/", body(second), content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "visit_conflict"
    saved = client.post("/api/research-visits/", body(second, confirm=True), content_type="application/json")
    assert saved.status_code == 201
    assert saved.json()["conflicts_confirmed"] is True
    assert Visit.objects.count() == 2


def test_log_finding_and_problem(tree, people):
    campaign = CampaignFactory(org=tree.district)
    ChannelFactory(campaign=campaign, code="research", name="调研发现")
    visit = VisitFactory(
        org=tree.street, leader=people.leader, entity=EntityFactory(org=tree.street), campaign=campaign
    )
    client = client_for(people.leader)
    logged = client.post(
        f"/api/research-visits/{visit.pk}/log/",
        {"people_met": 4, "questionnaires": 2, "petitions_received": 1, "petitions_resolved": 1},
        content_type="application/json",
    )
    assert logged.status_code == 200 and logged.json()["status"] == "done"
    finding = client.post(
        f"/api/research-visits/{visit.pk}/findings/", {"description": "用工缺口大"}, content_type="application/json"
    )
    assert finding.status_code == 201
    finding_id = finding.json()["id"]
    filed = client.post(
        f"/api/research-findings/{finding_id}/to-problem/",
        {"org": tree.community_a.code, "level": "grassroots"},
        content_type="application/json",
    )
    assert filed.status_code == 200
    problem = filed.json()["problem"]
    assert problem
    listed = api_rows(client.get(f"/api/research-findings/?problem={problem}"))
    assert [row["id"] for row in listed] == [finding_id]
    again = client.post(
        f"/api/research-findings/{finding_id}/to-problem/",
        {"org": tree.community_a.code, "level": "grassroots"},
        content_type="application/json",
    )
    assert again.status_code == 409
