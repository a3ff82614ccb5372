"""``/api/bulletins/``: scoped reads and the Word file."""

from __future__ import annotations

import pytest

from bulletins import services
from bulletins.choices import BulletinKind
from bulletins.tests.conftest import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_ledger_statistics")]


def test_api_lists_what_the_caller_may_read(client, people, ledger) -> None:
    draft = services.bulletin_draft(
        org=ledger.street, kind=BulletinKind.WEEK, as_of=TODAY, acting_user=people.supervisor
    )
    issued = services.bulletin_issue(
        bulletin=services.bulletin_draft(
            org=ledger.street, kind=BulletinKind.MONTH, as_of=TODAY, acting_user=people.supervisor
        ),
        acting_user=people.supervisor,
    )
    client.force_login(people.supervisor)
    ids = {row["id"] for row in client.get("/api/bulletins/").json()["results"]}
    assert ids == {draft.pk, issued.pk}
    client.force_login(people.leader)
    body = client.get("/api/bulletins/").json()
    assert [row["id"] for row in body["results"]] == [issued.pk]
    row = body["results"][0]
    assert row["org"] == "AK-JM" and row["number"] == 1
    assert row["figures"]["statistics"]["rectification"]["problems"]["total"] == 4
    assert client.get(f"/api/bulletins/{draft.pk}/").status_code == 404
    response = client.get(f"/api/bulletins/{issued.pk}/docx/")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    client.force_login(people.clerk_b)
    assert client.get(f"/api/bulletins/{issued.pk}/").status_code == 404
    client.logout()
    assert client.get("/api/bulletins/").status_code in (401, 403)
