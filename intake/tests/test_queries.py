"""The suggestion list makes the same number of queries for 3 rows as for 30 (no N+1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.queries import capture_queries
from intake.tests.factories import suggestion_create

pytestmark = pytest.mark.django_db


def test_list_queries_do_not_grow_with_rows(client, tree, people):
    client.force_login(people.clerk_a)
    url = reverse("intake:suggestion_list") + "?status=all"
    for _ in range(3):
        suggestion_create(community=tree.community_a)
    client.get(url)
    few = capture_queries(client.get, url)
    for _ in range(27):
        suggestion_create(community=tree.community_a)
    many = capture_queries(client.get, url)
    assert len(many) == len(few), "\n".join(many)
