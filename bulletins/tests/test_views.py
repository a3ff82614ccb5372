"""Bulletin pages through Django's client: who sees what, the draft's edit and issue, downloads."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from audit.models import AuditEntry
from bulletins import services
from bulletins.choices import BulletinKind, BulletinStatus
from bulletins.models import Bulletin
from bulletins.tests.conftest import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_ledger_statistics")]


@pytest.fixture
def draft(ledger, people) -> Bulletin:
    return services.bulletin_draft(
        org=ledger.street, kind=BulletinKind.WEEK, as_of=TODAY, acting_user=people.supervisor
    )


@pytest.fixture
def issued(ledger, people) -> Bulletin:
    bulletin = services.bulletin_draft(
        org=ledger.district, kind=BulletinKind.WEEK, as_of=TODAY, acting_user=people.supervisor
    )
    return services.bulletin_issue(bulletin=bulletin, acting_user=people.supervisor)


def listed(client) -> set[int]:
    response = client.get(reverse("bulletins:list"))
    assert response.status_code == 200
    return {bulletin.pk for bulletin in response.context["page"]}


def test_supervisor_drafts_from_the_list_page(client, people, ledger) -> None:
    client.force_login(people.supervisor)
    response = client.post(reverse("bulletins:create"), {"kind": "month", "org": "AK-JM", "as_of": TODAY.isoformat()})
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == bulletin.get_absolute_url()
    assert (bulletin.kind, bulletin.org, bulletin.status) == ("month", ledger.street, BulletinStatus.DRAFT)


def test_a_bad_draft_request_says_why(client, people, ledger) -> None:
    client.force_login(people.supervisor)
    response = client.post(
        reverse("bulletins:create"), {"kind": "week", "org": "NOPE", "as_of": "2026-02-30"}, follow=True
    )
    assert not Bulletin.objects.exists()
    assert len(list(response.context["messages"])) == 2


def test_leader_cannot_draft(client, people, ledger) -> None:
    client.force_login(people.leader)
    client.post(reverse("bulletins:create"), {"kind": "week", "org": "AK-JM", "as_of": TODAY.isoformat()})
    assert not Bulletin.objects.exists()
    assert client.get(reverse("bulletins:list")).context["form"] is None


def test_drafts_are_for_supervisors_issued_for_every_reader_in_scope(client, people, draft, issued) -> None:
    client.force_login(people.supervisor)
    assert listed(client) == {draft.pk, issued.pk}
    client.force_login(people.leader)  # the street's leader: the district's issued bulletin is above the street
    assert listed(client) == set()
    assert client.get(reverse("bulletins:detail", args=[draft.pk])).status_code == 404
    client.force_login(people.clerk_a)
    assert listed(client) == set()
    client.force_login(people.admin)  # a reading role at the district
    assert listed(client) == {issued.pk}
    assert client.get(reverse("bulletins:docx", args=[issued.pk])).status_code == 200
    client.force_login(people.member_a)
    assert client.get(reverse("bulletins:list")).status_code == 403


def test_leader_reads_the_street_bulletin_once_issued(client, people, draft) -> None:
    services.bulletin_issue(bulletin=draft, acting_user=people.supervisor)
    client.force_login(people.leader)
    assert listed(client) == {draft.pk}
    response = client.get(reverse("bulletins:detail", args=[draft.pk]))
    assert response.status_code == 200 and response.context["form"] is None
    assert 'id="issue"' not in response.content.decode()


def test_edit_regenerate_and_issue_through_the_page(client, people, draft) -> None:
    client.force_login(people.supervisor)
    page = client.get(reverse("bulletins:detail", args=[draft.pk]))
    assert page.context["may_edit"] and 'id="edit-form"' in page.content.decode()
    client.post(
        reverse("bulletins:edit", args=[draft.pk]),
        {"title": "建民街道第47周通报", "headline": "总体平稳", "analysis": "好", "requirements": "抓紧"},
    )
    draft.refresh_from_db()
    assert (draft.title, draft.headline) == ("建民街道第47周通报", "总体平稳")
    client.post(reverse("bulletins:regenerate", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.headline != "总体平稳" and draft.title == "建民街道第47周通报"
    client.post(reverse("bulletins:issue", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == BulletinStatus.ISSUED and draft.number == 1
    response = client.post(reverse("bulletins:edit", args=[draft.pk]), {"title": "改"}, follow=True)
    draft.refresh_from_db()
    assert draft.title == "建民街道第47周通报"
    assert list(response.context["messages"])


def test_state_changes_are_posts_only(client, people, draft) -> None:
    client.force_login(people.supervisor)
    assert client.get(reverse("bulletins:issue", args=[draft.pk])).status_code == 405
    assert Bulletin.objects.get(pk=draft.pk).status == BulletinStatus.DRAFT


def test_word_file_and_printable_page(client, people, draft) -> None:
    client.force_login(people.supervisor)
    response = client.get(reverse("bulletins:docx", args=[draft.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert Document(io.BytesIO(response.content)).paragraphs[0].text == draft.title
    # The staff copy names people: its download is an export in the audit log.
    entry = AuditEntry.objects.get(action="export_personal")
    assert entry.actor == people.supervisor and entry.changes["what"] == "bulletins.bulletin"
    assert entry.changes["filters"] == {"bulletin": draft.pk}
    page = client.get(reverse("bulletins:print", args=[draft.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="bulletin-sheet"' in html and 'id="sidebar"' not in html
    assert "bulletins/bulletin.css" in html


def test_public_pages_show_issued_bulletins_without_names(client, people, draft, issued) -> None:
    response = client.get(reverse("bulletins_public:list"))
    assert response.status_code == 200
    assert [b.pk for b in response.context["page"]] == [issued.pk]
    assert client.get(reverse("bulletins_public:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("bulletins_public:docx", args=[draft.pk])).status_code == 404
    detail = client.get(reverse("bulletins_public:detail", args=[issued.pk])).content.decode()
    assert "居尚社区积水问题长期未解决" in detail
    assert people.clerk_b.get_full_name() not in detail
    office = Document(io.BytesIO(client.get(reverse("bulletins_public:docx", args=[issued.pk])).content))
    assert not AuditEntry.objects.filter(category="data").exists()  # the public copy has no personal data
    assert people.clerk_b.get_full_name() not in "\n".join(p.text for p in office.paragraphs) + "".join(
        cell.text for table in office.tables for row in table.rows for cell in row.cells
    )


def test_public_start_page_links_the_bulletins(client) -> None:
    html = client.get(reverse("public:start")).content.decode()
    assert 'id="public-menu-bulletins"' in html
