"""The wish API: scoped reads without residents' contact details."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from wishes.tests.factories import wish_create

pytestmark = pytest.mark.django_db


def test_wish_endpoints_are_scoped(tree, people):
    mine = wish_create(community=tree.community_a)
    wish_create(community=tree.community_b)
    api = APIClient()
    api.force_authenticate(people.clerk_a)
    rows = api.get("/api/wishes/").json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert "submitter_phone" not in rows[0]
    assert api.get("/api/micro-projects/").status_code == 200
