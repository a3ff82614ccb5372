"""The suggestion API: scoped reads and the triage steps through the services."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from intake.choices import SuggestionStatus
from intake.tests.factories import suggestion_create

pytestmark = pytest.mark.django_db


def test_reads_are_scoped_and_answers_go_through_the_service(tree, people):
    mine = suggestion_create(community=tree.community_a)
    other = suggestion_create(community=tree.community_b)
    api = APIClient()
    api.force_authenticate(people.clerk_a)
    listed = api.get("/api/suggestions/").json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert api.get(f"/api/suggestions/{other.pk}/").status_code == 404
    refused = api.post(f"/api/suggestions/{mine.pk}/answer/", {"reply": " "}, format="json")
    assert refused.status_code == 400
    answered = api.post(f"/api/suggestions/{mine.pk}/answer/", {"reply": "已修好"}, format="json")
    assert answered.status_code == 200 and answered.json()["status"] == SuggestionStatus.ANSWERED
    stale = api.post(
        f"/api/suggestions/{mine.pk}/route/",
        {"org": tree.department.code, "expected_status": "received"},
        format="json",
    )
    assert stale.status_code == 409


def test_route_to_an_org_by_code(tree, people):
    suggestion = suggestion_create(community=tree.community_a)
    api = APIClient()
    api.force_authenticate(people.supervisor)
    response = api.post(f"/api/suggestions/{suggestion.pk}/route/", {"org": tree.department.code}, format="json")
    assert response.status_code == 200
    assert response.json()["org"] == tree.department.code and response.json()["escalated"] is True
