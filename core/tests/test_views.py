"""The pages every user has, through the test client: the overview for each role, the
notifications, the working-day calendar and its import, and attachment downloads.

Also holds ``element`` and ``linked_pks``, the small HTML readers the other apps' view
tests use: assertions go by element id, names and links, never by interface wording.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import calendar
from core.models import Attachment, CalendarDay, CalendarDayKind, CalendarYear, Event, Notification
from core.services import attachment_add, item_events, notification_send
from core.testing.factories import UserFactory
from core.testing.html import element, linked_pks
from core.testing.permissions import client_for
from core.testing.spreadsheets import xlsx_bytes
from orgs.models import User

# --- Reading pages ---------------------------------------------------------------------


def test_element_reads_nested_markup():
    html = '<div id="a"><p>one <a href="/x/1/">two</a></p> <br><span id="b">three</span></div><p>four</p>'
    found = element(html, "a")
    assert found is not None
    assert found.text == "one two three" and found.links == ["/x/1/"]
    assert found.html.startswith('<div id="a">') and found.html.endswith("</div>")
    assert element(html, "b").text == "three"
    assert element(html, "missing") is None
    assert linked_pks(html, "/x/") == {1}


# --- Fixtures --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def count_text(html: str, element_id: str) -> str:
    found = element(html, element_id)
    assert found is not None, f"#{element_id} is not on the page"
    return found.text


# --- Anonymous visitors ----------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/notifications/", "/calendar/", "/attachments/1/"])
def test_anonymous_visitors_are_sent_to_log_in(db, url):
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_the_login_page_renders_for_anonymous_visitors(db):
    response = client_for(None).get("/login/")
    assert response.status_code == 200
    assert element(response.content.decode(), "id_username") is not None


# --- Home ------------------------------------------------------------------------------

ROLES = ["admin", "supervisor", "inspector", "leader", "street_clerk", "clerk_a", "clerk_b", "member_a"]


class TestHome:
    @pytest.mark.parametrize("who", ROLES)
    def test_renders_for_every_role(self, tree, people, who):
        user = getattr(people, who)
        response = client_for(user).get("/")
        assert response.status_code == 200
        html = response.content.decode()
        grants = element(html, "my-grants")
        assert grants is not None
        granted_at = user.grants.get().org
        assert granted_at.name in grants.text
        for element_id in ("count-orgs", "count-people", "count-members"):
            assert count_text(html, element_id).isdigit(), element_id

    @pytest.mark.parametrize(
        "who, orgs, people_count, members",
        [
            # community A and its grid; clerk_a and member_a
            ("clerk_a", "2", "2", "1"),
            # the whole district and the eight people of the fixture
            ("supervisor", "6", "8", "1"),
            # the street, both communities and the grid; all but the three at the district
            ("street_clerk", "4", "5", "1"),
            # a party member sees their orgs but reads nobody's record
            ("member_a", "1", "0", "0"),
        ],
    )
    def test_the_counts_follow_the_scope(self, tree, people, who, orgs, people_count, members):
        html = client_for(getattr(people, who)).get("/").content.decode()
        assert count_text(html, "count-orgs") == orgs
        assert count_text(html, "count-people") == people_count
        assert count_text(html, "count-members") == members

    def test_a_person_without_roles_gets_the_empty_state(self, tree):
        loner = UserFactory(username="loner", home_org=tree.grid_a)
        response = client_for(loner).get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert element(html, "my-grants") is None
        assert 'class="empty-state"' in html
        assert count_text(html, "count-orgs") == "0"
        assert count_text(html, "count-people") == "0"

    def test_an_installer_sees_the_whole_tree(self, tree, people):
        root = UserFactory(username="installer", is_superuser=True, is_staff=True)
        html = client_for(root).get("/").content.decode()
        assert count_text(html, "count-orgs") == "6"
        # The people of the register, as the statistics count them: the installer's own
        # account, which belongs to no org, is not one of them.
        assert count_text(html, "count-people") == str(User.objects.filter(home_org__isnull=False).count())
        assert User.objects.filter(home_org__isnull=True).count() == 1

    def test_large_counts_are_written_in_wan(self, tree, people, monkeypatch):
        """The counts go through cn_number: 12,000 people read 1.2万."""
        from core import views

        real = views.scope_summary

        def inflated(**kwargs):
            summary = real(**kwargs)
            summary["people"]["total"] = 12000
            return summary

        monkeypatch.setattr(views, "scope_summary", inflated)
        assert count_text(client_for(people.admin).get("/").content.decode(), "count-people") == "1.2万"

    def test_campaigns_under_way_are_linked(self, tree, people):
        from core.testing.factories import CampaignFactory

        active = CampaignFactory(org=tree.district, name="作风建设年", status="active")
        planned = CampaignFactory(org=tree.district, name="尚未开始", status="planned")
        html = client_for(people.clerk_a).get("/").content.decode()
        assert active.get_absolute_url() in html
        assert planned.get_absolute_url() not in html


# --- Notifications ---------------------------------------------------------------------


class TestNotifications:
    @pytest.fixture
    def notes(self, people):
        notification_send(recipient_ids=[people.clerk_a.pk], title="请于周五前报送台账", url="/campaigns/")
        notification_send(recipient_ids=[people.clerk_a.pk], title="整改事项已退回")
        notification_send(recipient_ids=[people.clerk_b.pk], title="居尚社区的提醒")

    def test_the_list_shows_only_the_users_own(self, tree, people, notes):
        response = client_for(people.clerk_a).get("/notifications/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "请于周五前报送台账" in html and "整改事项已退回" in html
        assert "居尚社区的提醒" not in html
        assert {note.recipient_id for note in response.context["page"]} == {people.clerk_a.pk}

    def test_mark_all_read_marks_only_the_users_own(self, tree, people, notes):
        client = client_for(people.clerk_a)
        assert response_has_mark_read_form(client)
        response = client.post("/notifications/read/")
        assert response.status_code == 302 and response["Location"] == "/notifications/"
        assert not Notification.objects.filter(recipient=people.clerk_a, read_at__isnull=True).exists()
        assert Notification.objects.filter(recipient=people.clerk_b, read_at__isnull=True).count() == 1
        assert not response_has_mark_read_form(client)

    def test_mark_all_read_needs_post(self, tree, people, notes):
        assert client_for(people.clerk_a).get("/notifications/read/").status_code == 405
        assert Notification.objects.filter(read_at__isnull=True).count() == 3

    def test_no_notifications_is_an_empty_state(self, tree, people):
        html = client_for(people.leader).get("/notifications/").content.decode()
        assert 'class="empty-state"' in html


def response_has_mark_read_form(client) -> bool:
    return 'action="/notifications/read/"' in client.get("/notifications/").content.decode()


# --- Calendar --------------------------------------------------------------------------


CALENDAR_HEADER = ["日期", "类型", "名称"]
DAYS_2027 = [
    [datetime.date(2027, 1, 1), "放假", "元旦"],
    [datetime.date(2027, 2, 6), "调休上班", "春节"],
    [datetime.date(2027, 2, 8), "放假", "春节"],
]


def calendar_upload(rows, name="2027年节假日.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes([CALENDAR_HEADER, *rows], sheet="2027"))


class TestCalendarPage:
    def test_2026_lists_national_day(self, tree, people):
        response = client_for(people.clerk_a).get("/calendar/?year=2026")
        assert response.status_code == 200
        html = response.content.decode()
        assert "国庆节" in html and "2026年10月1日" in html
        assert element(html, "no-calendar-data") is None

    def test_2027_says_it_has_no_data(self, tree, people):
        html = client_for(people.clerk_a).get("/calendar/?year=2027").content.decode()
        assert element(html, "no-calendar-data") is not None
        assert "国庆节" not in html

    @pytest.mark.parametrize("year", ["abc", "", "99999"])
    def test_a_bad_year_does_not_break_the_page(self, tree, people, year):
        assert client_for(people.clerk_a).get(f"/calendar/?year={year}").status_code == 200

    def test_the_working_day_calculator(self, tree, people):
        response = client_for(people.member_a).get("/calendar/?start=2026-09-30&days=5")
        result = element(response.content.decode(), "working-day-result")
        assert result is not None and "2026年10月13日" in result.text

    def test_the_calculator_rejects_garbage_without_a_result(self, tree, people):
        response = client_for(people.clerk_a).get("/calendar/?start=not-a-date&days=5")
        assert response.status_code == 200
        assert element(response.content.decode(), "working-day-result") is None
        assert response.context["form"].errors

    def test_only_admins_see_the_import_form(self, tree, people):
        assert 'action="/calendar/import/"' in client_for(people.admin).get("/calendar/").content.decode()
        assert 'action="/calendar/import/"' not in client_for(people.clerk_a).get("/calendar/").content.decode()


class TestCalendarImport:
    def test_an_admin_replaces_a_year(self, tree, people, django_capture_on_commit_callbacks):
        client = client_for(people.admin)
        # the page reads (and caches) 2027 before the import: the import must drop that
        assert element(client.get("/calendar/?year=2027").content.decode(), "no-calendar-data") is not None
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/calendar/import/", {"year": 2027, "file": calendar_upload(DAYS_2027)})
        assert response.status_code == 302 and response["Location"] == "/calendar/?year=2027"
        year = CalendarYear.objects.get(year=2027)
        assert year.source == CalendarYear.Source.IMPORT
        assert sorted(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind")) == [
            (datetime.date(2027, 1, 1), CalendarDayKind.HOLIDAY),
            (datetime.date(2027, 2, 6), CalendarDayKind.WORKDAY),
            (datetime.date(2027, 2, 8), CalendarDayKind.HOLIDAY),
        ]
        event = item_events(year).get()
        assert event.actor == people.admin and event.changes["days"] == 3
        html = client.get("/calendar/?year=2027").content.decode()
        assert element(html, "no-calendar-data") is None and "2027年1月1日" in html
        assert not calendar.is_working_day(datetime.date(2027, 1, 1))

    @pytest.mark.parametrize("who", ["clerk_a", "supervisor", "leader", "member_a"])
    def test_others_get_404_and_nothing_changes(self, tree, people, who):
        before = (CalendarDay.objects.count(), Event.objects.count())
        response = client_for(getattr(people, who)).post(
            "/calendar/import/", {"year": 2027, "file": calendar_upload(DAYS_2027)}
        )
        assert response.status_code == 404
        assert not CalendarYear.objects.filter(year=2027).exists()
        assert (CalendarDay.objects.count(), Event.objects.count()) == before

    def test_a_bad_file_is_a_message_and_changes_nothing(self, tree, people):
        from django.contrib import messages
        from django.contrib.messages import get_messages

        before = (CalendarDay.objects.count(), Event.objects.count())
        rows = [*DAYS_2027, [datetime.date(2028, 1, 1), "放假", "元旦"]]
        response = client_for(people.admin).post("/calendar/import/", {"year": 2027, "file": calendar_upload(rows)})
        assert response.status_code == 302 and response["Location"] == "/calendar/"
        assert [m for m in get_messages(response.wsgi_request) if m.level == messages.ERROR]
        assert not CalendarYear.objects.filter(year=2027).exists()
        assert (CalendarDay.objects.count(), Event.objects.count()) == before

    def test_a_missing_file_is_a_message(self, tree, people):
        from django.contrib.messages import get_messages

        response = client_for(people.admin).post("/calendar/import/", {"year": 2027})
        assert response.status_code == 302 and list(get_messages(response.wsgi_request))
        assert not CalendarYear.objects.filter(year=2027).exists()


# --- Attachments -----------------------------------------------------------------------


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _png() -> bytes:
    from core.tests.test_workflow import png_bytes

    return png_bytes()


@pytest.fixture
def attachments(tree, people):
    from core.tests.workflow_app.models import Ticket, TicketStatus

    ticket = Ticket.objects.create(org=tree.community_a, title="小区路灯不亮", status=TicketStatus.OPEN)
    image = attachment_add(
        item=ticket,
        file=SimpleUploadedFile("现场照片.png", _png(), content_type="image/png"),
        acting_user=people.clerk_a,
    )
    pdf = attachment_add(
        item=ticket,
        file=SimpleUploadedFile("整改报告.pdf", PDF, content_type="application/pdf"),
        acting_user=people.clerk_a,
    )
    return image, pdf


def _download(user, attachment: Attachment):
    response = client_for(user).get(f"/attachments/{attachment.pk}/")
    # Reading the stream to its end closes the file (the test client's wrapper does).
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


class TestAttachmentDownload:
    def test_an_image_is_served_inline(self, people, attachments):
        image, _pdf = attachments
        response, body = _download(people.clerk_a, image)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("inline")
        assert response["X-Content-Type-Options"] == "nosniff"
        with image.file.open("rb") as stored:
            assert body == stored.read()  # the photo as stored (re-encoded without metadata)

    def test_a_pdf_is_served_as_an_attachment(self, people, attachments):
        _image, pdf = attachments
        response, body = _download(people.street_clerk, pdf)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert "filename" in response["Content-Disposition"]
        assert body == PDF

    @pytest.mark.parametrize("who", ["clerk_b", "supervisor"])
    def test_visibility_follows_the_items_org(self, people, attachments, who):
        image, _pdf = attachments
        expected = 404 if who == "clerk_b" else 200
        assert _download(getattr(people, who), image)[0].status_code == expected

    def test_a_person_without_roles_gets_404(self, tree, attachments):
        loner = UserFactory(username="loner", home_org=tree.community_a)
        image, pdf = attachments
        assert _download(loner, image)[0].status_code == 404
        assert _download(loner, pdf)[0].status_code == 404

    def test_an_unknown_attachment_is_404(self, people, attachments):
        assert client_for(people.admin).get("/attachments/999999/").status_code == 404


def test_the_overview_counts_every_campaign_under_way_not_only_those_listed(tree, people):
    from core.testing.factories import CampaignFactory

    for n in range(7):
        CampaignFactory(org=tree.district, name=f"专项{n}")
    html = client_for(people.supervisor).get("/").content.decode()
    assert element(html, "count-campaigns").text == "7"
