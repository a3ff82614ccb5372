"""The supervision and publication endpoints: scoped reads, services behind writes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rectification.tests.factories import ProblemFactory
from supervision import services
from supervision.models import Reminder


@pytest.fixture
def late(tree, people):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return ProblemFactory(
        org=tree.community_a,
        campaign__org=tree.district,
        owner=people.clerk_a,
        found_date=today - datetime.timedelta(days=40),
        deadline=today - datetime.timedelta(days=20),
    )


@pytest.mark.django_db
def test_warnings_endpoint(client, people, late) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people.supervisor)
    body = client.get("/api/warnings/", {"kind": "rectification.problem", "level": "overdue"}).json()
    assert [row["id"] for row in body["results"]] == [late.pk]
    assert body["results"][0]["light"] == "red" and body["results"][0]["overdue_working_days"] > 10
    assert client.get("/api/warnings/", {"level": "yellow"}).json()["results"] == []
    assert client.get("/api/warnings/", {"kind": "nope.nothing"}).status_code == 404
    client.force_login(people.clerk_b)
    assert client.get("/api/warnings/").json()["results"] == []


@pytest.mark.django_db
def test_reminder_endpoint(client, people, late) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people.clerk_a)
    payload = {"kind": "rectification.problem", "item": late.pk, "note": "请尽快"}
    assert client.post("/api/reminders/", payload, content_type="application/json").status_code == 403
    client.force_login(people.supervisor)
    response = client.post("/api/reminders/", payload, content_type="application/json")
    assert response.status_code == 201 and response.json()["note"] == "请尽快"
    again = client.post("/api/reminders/", payload, content_type="application/json")
    assert again.status_code == 400
    assert Reminder.objects.count() == 1
    assert [r["object_id"] for r in client.get("/api/reminders/").json()["results"]] == [late.pk]
    client.force_login(people.clerk_b)
    assert client.get("/api/reminders/").json()["results"] == []
    assert client.post("/api/reminders/", payload, content_type="application/json").status_code == 404


@pytest.mark.django_db
def test_dispatch_endpoint(client, people, tree, late) -> None:  # type: ignore[no-untyped-def]
    meeting = services.dispatch_prepare(org=tree.street, acting_user=people.supervisor)
    client.force_login(people.supervisor)
    body = client.get(f"/api/dispatch-meetings/{meeting.pk}/").json()
    assert [entry["object_id"] for entry in body["entries"]] == [late.pk]
    entry = body["entries"][0]["id"]
    response = client.post(
        f"/api/dispatch-meetings/{meeting.pk}/decide/",
        {"kind": "task", "text": "限期整改", "entry": entry, "deadline": str(timezone.localdate())},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["task"]
    client.force_login(people.clerk_b)
    assert client.get(f"/api/dispatch-meetings/{meeting.pk}/").status_code == 404


@pytest.mark.django_db
def test_publication_endpoint(client, people, late) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people.supervisor)
    payload = {"kind": "rectification.problem", "item": late.pk, "public_title": "背街小巷整治"}
    response = client.post("/api/publications/", payload, content_type="application/json")
    assert response.status_code == 201
    publication = response.json()["id"]
    withdrawn = client.post(f"/api/publications/{publication}/withdraw/", {}, content_type="application/json")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    client.force_login(people.clerk_a)
    assert client.post("/api/publications/", payload, content_type="application/json").status_code == 403
