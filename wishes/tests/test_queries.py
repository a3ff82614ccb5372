"""List pages make the same number of queries for 3 rows as for 30 (no N+1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.queries import capture_queries
from wishes import services
from wishes.tests.factories import wish_create

pytestmark = pytest.mark.django_db


def _grow(tree, people, count):
    for _ in range(count):
        wish = wish_create(community=tree.community_a)
        services.item_claim(item=wish, acting_user=people.member_a)


@pytest.mark.parametrize(
    ("url_name", "args", "login"),
    [
        ("wishes_public:wall", ("AK-JM-XDC",), None),
        ("wishes:wish_list", (), "clerk_a"),
        ("wishes:wish_list", (), "member_a"),
    ],
)
def test_list_queries_do_not_grow_with_rows(client, tree, people, url_name, args, login):
    if login:
        client.force_login(getattr(people, login))
    url = reverse(url_name, args=args) + "?status=all"
    _grow(tree, people, 3)
    client.get(url)  # warm the per-process caches (content types, calendar)
    few = capture_queries(client.get, url)
    _grow(tree, people, 27)
    many = capture_queries(client.get, url)
    assert len(many) == len(few), "\n".join(many)
