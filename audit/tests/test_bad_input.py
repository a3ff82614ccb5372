"""Whatever is typed into the audit log's filters (or into a sign-in that the log then
holds) gives a page or a file, never a server error."""

import pytest
from django.urls import reverse

from orgs.choices import Role
from orgs.models import RoleGrant

pytestmark = pytest.mark.django_db


def test_odd_filters_and_control_characters_never_break_the_page_or_the_export(client, people, tree):
    RoleGrant.objects.create(user=people.inspector, org=tree.district, role=Role.AUDIT_ADMIN)
    client.force_login(people.inspector)
    queries = [
        "?date_from=xx&date_to=2026-13-45",
        "?category=zzz&action=%00",
        "?after=%00abc",
        "?after=99999999999999999999",
        "?q=%00",
    ]
    for q in queries:
        for name in ("audit:entry_list", "audit:entry_export"):
            r = client.get(reverse(name) + q)
            assert r.status_code < 500, (name, q, r.status_code)
    assert client.get("/audit/999999999999999999999/").status_code == 404
    # A user name with a control character, typed into a failed sign-in, reaches the file.
    client.logout()
    client.post(reverse("login"), {"username": "bad\x01name", "password": "x"})
    client.force_login(people.inspector)
    response = client.get(reverse("audit:entry_export"))
    assert response.status_code == 200 and response.content.startswith(b"PK")
