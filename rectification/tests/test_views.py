"""The ledger pages through the test client: the list with its filters, tabs, keyset pages,
sorts, HTMX partial and pinned query count; bulk decisions; a problem's page and every
workflow step posted to it; new problems; review rounds; special drives; inspections;
the statistics page.

The shared tree: district (supervisor, inspector, admin) → street (leader, street clerk)
→ community A (clerk A) and community B (clerk B). Problems sit in community A unless
told otherwise, so the street's leader and the district's supervisor are "the level above".

Assertions read element ids, names, links, status codes, the database and events, never
interface wording, which the translator may change at any time.
"""

from __future__ import annotations

import base64
import datetime
import json
import re
import struct
import zlib
from html import unescape as html_unescape

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import Attachment, Event
from core.services import item_attachments, item_events
from core.statistics import build_scope
from core.testing.factories import CampaignFactory, ChannelFactory
from core.testing.html import element, linked_pks
from core.testing.permissions import assert_page_scoped, client_for
from core.testing.queries import assert_query_count_stable
from rectification import services
from rectification.choices import (
    ClosureKind,
    DriveStatus,
    ExtensionStatus,
    ItemStatus,
    ListStatus,
    ProblemLevel,
    RoundDirection,
)
from rectification.models import (
    ExtensionRequest,
    Inspection,
    InspectionFinding,
    Measure,
    Problem,
    ProblemList,
    ProgressReport,
    ReviewRound,
    SpecialRectification,
)
from rectification.statistics import ledger_figures
from rectification.tests.factories import (
    DomainFactory,
    ExtensionRequestFactory,
    InspectionFactory,
    MeasureFactory,
    ProblemFactory,
    ProblemListFactory,
    SpecialRectificationFactory,
)

TODAY = timezone.localdate()
IN_A_MONTH = TODAY + datetime.timedelta(days=30)
LAST_WEEK = TODAY - datetime.timedelta(days=7)
# The ledger list's queries whatever the number of rows (session, user, grants for the
# scope, the filters' choices, the tab counts, one page of rows with its optional
# relations joined, its orgs and campaigns fetched apart, the page's measure counts; the
# tab counts read the roll-ups after checking for rows dated after today, one query more
# than counting live).
LIST_QUERIES = 14


# --- helpers ------------------------------------------------------------------------------


def png_bytes() -> bytes:
    """A valid 1×1 PNG, as a phone camera upload would start."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def photo(name: str = "现场照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def error_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == messages.ERROR]


def success_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == messages.SUCCESS]


def rows_of(response) -> set[int]:
    """The problems listed in the ledger's table body."""
    html = response.content.decode()
    body = element(html, "problem-rows")
    return linked_pks(body.html if body is not None else html, "/ledger/")


def ordered_rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/ledger/(\d+)/"', html)]


def tab_counts(response) -> list[int]:
    """The badges of the status tabs: all, rectifying, closure requested, closed, overdue."""
    tabs = element(response.content.decode(), "status-tabs")
    assert tabs is not None
    return [int(n) for n in re.findall(r'<span class="badge[^"]*">(\d+)</span>', tabs.html)]


def snapshot() -> dict[str, object]:
    """Everything a refused change must leave as it was."""
    return {
        "problems": list(Problem.objects.order_by("pk").values_list("status", "closure_kind", "deadline")),
        "measures": list(Measure.objects.order_by("pk").values_list("status", "closure_kind", "deadline")),
        "lists": list(ProblemList.objects.order_by("pk").values_list("status", "rounds_up")),
        "events": Event.objects.count(),
        "attachments": Attachment.objects.count(),
        "rounds": ReviewRound.objects.count(),
        "extensions": list(ExtensionRequest.objects.order_by("pk").values_list("status")),
        "reports": ProgressReport.objects.count(),
        "drives": list(SpecialRectification.objects.order_by("pk").values_list("status")),
        "findings": InspectionFinding.objects.count(),
    }


def actions(item) -> list[str]:  # type: ignore[no-untyped-def]
    return [event.action for event in item_events(item).order_by("id")]


def refreshed(item):  # type: ignore[no-untyped-def]
    return type(item).objects.get(pk=item.pk)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def campaign(tree):
    return CampaignFactory(org=tree.district)


@pytest.fixture
def problem(campaign, tree, people) -> Problem:
    """A problem of community A with two measures, entered through the service."""
    return services.problem_create(
        acting_user=people.clerk_a,
        campaign=campaign,
        org=tree.community_a,
        title="小区路灯长期不亮",
        level=ProblemLevel.GRASSROOTS,
        deadline=IN_A_MONTH,
        measures=[{"title": "排查线路"}, {"title": "更换灯具"}],
    )


@pytest.fixture
def bare_problem(campaign, tree, people) -> Problem:
    """A problem of community A without measures, so it may ask closure at once."""
    return services.problem_create(
        acting_user=people.clerk_a,
        campaign=campaign,
        org=tree.community_a,
        title="垃圾清运不及时",
        level=ProblemLevel.GRASSROOTS,
        deadline=IN_A_MONTH,
    )


def make(campaign, org, **fields) -> Problem:  # type: ignore[no-untyped-def]
    return ProblemFactory(campaign=campaign, org=org, **fields)


def post_action(user, problem: Problem, action: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    return client_for(user).post(f"/ledger/{problem.pk}/{action}/", data or {})


# --- the ledger list ----------------------------------------------------------------------


class TestLedgerScope:
    def test_the_list_follows_the_scoping_contract(self, db):
        assert_page_scoped("/ledger/", make_item=lambda org: ProblemFactory(org=org), text=lambda p: f"/ledger/{p.pk}/")

    def test_a_clerk_of_community_a_never_sees_bs_problems(self, campaign, tree, people):
        in_a = make(campaign, tree.community_a)
        in_grid = make(campaign, tree.grid_a)
        in_b = make(campaign, tree.community_b)
        assert rows_of(client_for(people.clerk_a).get("/ledger/")) == {in_a.pk, in_grid.pk}
        assert rows_of(client_for(people.clerk_b).get("/ledger/")) == {in_b.pk}
        assert rows_of(client_for(people.leader).get("/ledger/")) == {in_a.pk, in_grid.pk, in_b.pk}
        # asking for B's subtree by code shows nothing rather than B's rows
        assert rows_of(client_for(people.clerk_a).get("/ledger/?org=AK-JM-JS")) == set()

    def test_anonymous_visitors_are_sent_to_log_in(self, tree):
        for url in ("/ledger/", "/ledger/new/", "/ledger/statistics/", "/ledger/lists/", "/ledger/drives/"):
            response = client_for(None).get(url)
            assert response.status_code == 302 and response["Location"].startswith("/login/"), url


class TestLedgerFilters:
    def test_search_matches_title_and_description(self, campaign, tree, people):
        by_title = make(campaign, tree.community_a, title="楼道堆物占用消防通道")
        by_description = make(campaign, tree.community_a, title="其他问题", description="消防通道堵塞")
        make(campaign, tree.community_a, title="路灯不亮")
        response = client_for(people.clerk_a).get("/ledger/", {"q": "消防通道"})
        assert rows_of(response) == {by_title.pk, by_description.pk}

    def test_campaign(self, campaign, tree, people):
        other = CampaignFactory(org=tree.district)
        first = make(campaign, tree.community_a)
        second = make(other, tree.community_a)
        client = client_for(people.clerk_a)
        assert rows_of(client.get("/ledger/", {"campaign": campaign.pk})) == {first.pk}
        assert rows_of(client.get("/ledger/", {"campaign": other.pk})) == {second.pk}

    def test_an_invisible_campaign_is_not_a_choice(self, campaign, tree, people):
        make(campaign, tree.community_a)
        elsewhere = CampaignFactory(org=tree.community_b)
        response = client_for(people.clerk_a).get("/ledger/", {"campaign": elsewhere.pk})
        assert response.status_code == 200
        assert "campaign" in response.context["filter"].form.errors

    def test_level(self, campaign, tree, people):
        grassroots = make(campaign, tree.community_a, level=ProblemLevel.GRASSROOTS)
        leadership = make(campaign, tree.community_a, level=ProblemLevel.LEADERSHIP)
        client = client_for(people.clerk_a)
        assert rows_of(client.get("/ledger/", {"level": "grassroots"})) == {grassroots.pk}
        assert rows_of(client.get("/ledger/", {"level": "leadership"})) == {leadership.pk}

    def test_channel(self, campaign, tree, people):
        hotline, visits = ChannelFactory(campaign=campaign), ChannelFactory(campaign=campaign)
        by_hotline = make(campaign, tree.community_a, channel=hotline)
        make(campaign, tree.community_a, channel=visits)
        make(campaign, tree.community_a)
        assert rows_of(client_for(people.clerk_a).get("/ledger/", {"channel": hotline.pk})) == {by_hotline.pk}

    def test_domain(self, campaign, tree, people):
        education, health = DomainFactory(campaign=campaign, name="教育"), DomainFactory(campaign=campaign, name="医疗")
        in_education = make(campaign, tree.community_a, domain=education)
        make(campaign, tree.community_a, domain=health)
        assert rows_of(client_for(people.clerk_a).get("/ledger/", {"domain": education.pk})) == {in_education.pk}

    def test_status(self, campaign, tree, people):
        rectifying = make(campaign, tree.community_a)
        requested = make(campaign, tree.community_a, status=ItemStatus.CLOSURE_REQUESTED)
        closed = make(
            campaign,
            tree.community_a,
            status=ItemStatus.CLOSED,
            closure_kind=ClosureKind.RECTIFIED,
            closed_at=timezone.now(),
        )
        client = client_for(people.clerk_a)
        assert rows_of(client.get("/ledger/", {"status": "rectifying"})) == {rectifying.pk}
        assert rows_of(client.get("/ledger/", {"status": "closure_requested"})) == {requested.pk}
        assert rows_of(client.get("/ledger/", {"status": "closed"})) == {closed.pk}

    def test_org_code_takes_the_subtree(self, campaign, tree, people):
        in_a = make(campaign, tree.community_a)
        in_grid = make(campaign, tree.grid_a)
        in_b = make(campaign, tree.community_b)
        client = client_for(people.leader)
        assert rows_of(client.get("/ledger/", {"org": "AK-JM-XDC"})) == {in_a.pk, in_grid.pk}
        assert rows_of(client.get("/ledger/", {"org": "AK-JM-JS"})) == {in_b.pk}
        assert rows_of(client.get("/ledger/", {"org": "NO-SUCH-CODE"})) == set()

    def test_overdue(self, campaign, tree, people):
        late = make(campaign, tree.community_a, found_date=LAST_WEEK - datetime.timedelta(days=7), deadline=LAST_WEEK)
        closed_late = make(
            campaign,
            tree.community_a,
            found_date=LAST_WEEK - datetime.timedelta(days=7),
            deadline=LAST_WEEK,
            status=ItemStatus.CLOSED,
            closure_kind=ClosureKind.RECTIFIED,
            closed_at=timezone.now(),
        )
        on_time = make(campaign, tree.community_a)
        client = client_for(people.clerk_a)
        assert rows_of(client.get("/ledger/", {"overdue": "true"})) == {late.pk}
        assert rows_of(client.get("/ledger/", {"overdue": "false"})) == {closed_late.pk, on_time.pk}

    def test_immediate(self, campaign, tree, people):
        at_once = make(campaign, tree.community_a, immediate=True)
        later = make(campaign, tree.community_a)
        client = client_for(people.clerk_a)
        assert rows_of(client.get("/ledger/", {"immediate": "true"})) == {at_once.pk}
        assert rows_of(client.get("/ledger/", {"immediate": "false"})) == {later.pk}

    def test_special_rectification(self, campaign, tree, people):
        drive = SpecialRectificationFactory(campaign=campaign, org=tree.department)
        grouped = make(campaign, tree.community_a, special_rectification=drive)
        make(campaign, tree.community_a)
        response = client_for(people.clerk_a).get("/ledger/", {"special_rectification": drive.pk})
        assert rows_of(response) == {grouped.pk}

    def test_filters_combine(self, campaign, tree, people):
        wanted = make(campaign, tree.community_a, level=ProblemLevel.LEADERSHIP, immediate=True)
        make(campaign, tree.community_a, level=ProblemLevel.LEADERSHIP)
        make(campaign, tree.community_a, immediate=True)
        response = client_for(people.clerk_a).get("/ledger/", {"level": "leadership", "immediate": "true"})
        assert rows_of(response) == {wanted.pk}


class TestLedgerTabsPagesAndSorts:
    def test_the_status_tabs_count_what_the_filters_leave(self, campaign, tree, people):
        make(campaign, tree.community_a)
        make(campaign, tree.community_a, level=ProblemLevel.LEADERSHIP)
        make(campaign, tree.community_a, status=ItemStatus.CLOSURE_REQUESTED)
        make(
            campaign,
            tree.community_a,
            status=ItemStatus.CLOSED,
            closure_kind=ClosureKind.RECTIFIED,
            closed_at=timezone.now(),
        )
        make(campaign, tree.community_a, found_date=LAST_WEEK - datetime.timedelta(days=1), deadline=LAST_WEEK)
        make(campaign, tree.community_b)  # out of clerk A's scope
        client = client_for(people.clerk_a)
        assert tab_counts(client.get("/ledger/")) == [5, 3, 1, 1, 1]
        assert tab_counts(client.get("/ledger/", {"level": "leadership"})) == [1, 1, 0, 0, 0]
        # the tab picked narrows the rows, not the counts of the tabs beside it
        response = client.get("/ledger/", {"status": "closed"})
        assert len(rows_of(response)) == 1
        assert tab_counts(response)[0] == 1

    def test_a_search_fetches_its_tab_counts_after_the_page(self, campaign, tree, people):
        make(campaign, tree.community_a, title="雨季排水不畅")
        make(campaign, tree.community_a, title="排水管网堵塞", status=ItemStatus.CLOSURE_REQUESTED)
        make(campaign, tree.community_a, title="路灯不亮")
        make(campaign, tree.community_b, title="排水沟破损")  # out of clerk A's scope
        client = client_for(people.clerk_a)
        response = client.get("/ledger/", {"q": "排水", "level": "grassroots"})
        assert len(rows_of(response)) == 2
        tabs = element(response.content.decode(), "status-tabs")
        assert tabs is not None and tab_counts(response) == [] and "…" in tabs.html
        url = html_unescape(re.search(r'hx-get="([^"]+)"', tabs.html).group(1))
        assert url.startswith(reverse("rectification:problem_counts")) and "level=grassroots" in url
        counted = client.get(url, headers={"HX-Request": "true"})
        assert tab_counts(counted) == [2, 1, 1, 0, 0]
        assert "hx-get" not in counted.content.decode()
        # the links of the tabs fetched keep the search
        assert "q=%E6%8E%92%E6%B0%B4" in element(counted.content.decode(), "status-tabs").html

    @pytest.mark.parametrize(
        ("sort", "order"),
        [
            ("deadline", lambda p: (p.deadline or datetime.date.max, p.pk)),
            ("-created", lambda p: (-p.created_at.timestamp(), -p.pk)),
            ("-found", lambda p: (-p.found_date.toordinal(), -p.pk)),
        ],
    )
    def test_keyset_pages_walk_every_row_once_in_order(self, campaign, tree, people, sort, order):
        base = timezone.now() - datetime.timedelta(days=3)
        for n in range(123):
            # few distinct keys, so that ties are broken by the id across page edges
            deadline = None if n % 11 == 0 else TODAY + datetime.timedelta(days=n % 4)
            make(
                campaign,
                tree.grid_a if n % 2 else tree.community_a,
                deadline=deadline,
                original_deadline=deadline,
                found_date=TODAY - datetime.timedelta(days=n % 3),
                created_at=base + datetime.timedelta(minutes=n // 3),
            )
        make(campaign, tree.community_b)  # never listed for clerk A
        client = client_for(people.clerk_a)
        seen: list[int] = []
        url = f"/ledger/?sort={sort}"
        pages = 0
        while url:
            response = client.get(url)
            html = response.content.decode()
            page_rows = ordered_rows(element(html, "problem-rows").html)
            assert len(page_rows) <= 50
            seen.extend(page_rows)
            pages += 1
            next_link = element(html, "next-page")
            href = html_unescape(re.search(r'href="([^"]*)"', next_link.html).group(1)) if next_link else ""
            url = f"/ledger/{href}" if href else ""
            if href:
                assert "after=" in href and f"sort={sort}" in href
            assert pages <= 5
        visible = Problem.objects.filter(org__in=[tree.community_a, tree.grid_a])
        assert pages == 3
        assert len(seen) == len(set(seen)) == 123
        assert seen == [p.pk for p in sorted(visible, key=order)]

    def test_a_garbled_cursor_reads_as_the_first_page(self, campaign, tree, people):
        first = make(campaign, tree.community_a)
        response = client_for(people.clerk_a).get("/ledger/", {"after": "!!not-a-cursor"})
        assert response.status_code == 200
        assert rows_of(response) == {first.pk}

    @pytest.mark.parametrize(
        ("sort", "values"),
        [("deadline", ["abc", 1]), ("-created", ["abc", 1]), ("-created", [5, 1]), ("-found", ["2024-99-99", 1])],
    )
    def test_a_forged_cursor_reads_as_the_first_page(self, campaign, tree, people, sort, values):
        first = make(campaign, tree.community_a)
        forged = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
        client = client_for(people.clerk_a)
        client.raise_request_exception = False
        response = client.get("/ledger/", {"sort": sort, "after": forged})
        assert response.status_code == 200
        assert rows_of(response) == {first.pk}

    def test_an_unknown_sort_falls_back_to_the_deadline(self, campaign, tree, people):
        later = make(campaign, tree.community_a, deadline=IN_A_MONTH)
        sooner = make(campaign, tree.community_a, deadline=TODAY + datetime.timedelta(days=3))
        response = client_for(people.clerk_a).get("/ledger/", {"sort": "title; drop table"})
        assert response.status_code == 200
        assert ordered_rows(element(response.content.decode(), "problem-rows").html) == [sooner.pk, later.pk]

    def test_htmx_gets_the_rows_only(self, campaign, tree, people):
        shown = make(campaign, tree.community_a)
        response = client_for(people.clerk_a).get("/ledger/", HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html and element(html, "status-tabs") is None
        assert linked_pks(html, "/ledger/") == {shown.pk}
        assert response.templates[0].name == "rectification/partials/problem_rows.html"

    def test_the_list_query_count_is_pinned_and_does_not_grow(self, campaign, tree, people):
        make(campaign, tree.community_a)
        client = client_for(people.supervisor)
        client.get("/ledger/")  # warm the content-type and session caches

        def add_rows() -> None:
            drive = SpecialRectificationFactory(campaign=campaign, org=tree.department)
            channel = ChannelFactory(campaign=campaign)
            domain = DomainFactory(campaign=campaign)
            for n in range(30):
                item = make(
                    campaign,
                    tree.grid_a if n % 2 else tree.community_b,
                    owner=people.clerk_a,
                    channel=channel,
                    domain=domain,
                    special_rectification=drive,
                )
                MeasureFactory(problem=item)

        count = assert_query_count_stable(lambda: client.get("/ledger/"), add_rows=add_rows, label="/ledger/")
        assert count == LIST_QUERIES, count

    def test_the_bulk_checkboxes_are_for_approvers_only(self, campaign, tree, people):
        shown = make(campaign, tree.community_a, status=ItemStatus.CLOSURE_REQUESTED)
        supervisor_html = client_for(people.supervisor).get("/ledger/").content.decode()
        clerk_html = client_for(people.clerk_a).get("/ledger/").content.decode()
        assert f'name="problem" value="{shown.pk}"' in supervisor_html
        assert 'name="problem"' not in clerk_html


class TestPickedScope:
    """The scope picked in the top bar narrows the ledger's pages (and their counts)."""

    @pytest.fixture
    def leader(self, tree, people):
        client = client_for(people.leader)
        assert client.post("/orgs/scope/", {"org": tree.community_a.pk}).status_code == 302
        return client

    def test_the_list_and_its_tabs(self, leader, campaign, tree):
        in_a = make(campaign, tree.community_a)
        make(campaign, tree.community_b)
        response = leader.get("/ledger/")
        assert rows_of(response) == {in_a.pk}
        assert tab_counts(response)[0] == 1

    def test_the_statistics(self, leader, campaign, tree, people):
        make(campaign, tree.community_a)
        make(campaign, tree.community_b)
        html = leader.get("/ledger/statistics/").content.decode()
        assert element(html, "stat-problems").text == "1"

    def test_the_review_rounds_index(self, leader, campaign, tree):
        in_a = ProblemListFactory(campaign=campaign, org=tree.community_a)
        ProblemListFactory(campaign=campaign, org=tree.community_b)
        html = leader.get("/ledger/lists/").content.decode()
        assert linked_pks(html, "/ledger/lists/") == {in_a.pk}

    def test_the_review_rounds_tab_counts(self, leader, campaign, tree):
        ProblemListFactory(campaign=campaign, org=tree.community_a)
        ProblemListFactory(campaign=campaign, org=tree.community_b)
        tabs = element(leader.get("/ledger/lists/").content.decode(), "list-tabs")
        drafting = re.findall(r'<span class="badge[^"]*">(\d+)</span>', tabs.html)[0]
        assert drafting == "1"


class TestBulk:
    @pytest.fixture
    def requested(self, campaign, tree):
        return [make(campaign, tree.community_a, status=ItemStatus.CLOSURE_REQUESTED) for _ in range(3)]

    def test_a_supervisor_approves_several_at_once(self, requested, people):
        response = client_for(people.supervisor).post(
            "/ledger/bulk/", {"problem": [p.pk for p in requested[:2]], "action": "approve_closure"}
        )
        assert response.status_code == 302 and response["Location"] == "/ledger/"
        assert success_messages(response)
        assert [refreshed(p).status for p in requested] == [
            ItemStatus.CLOSED,
            ItemStatus.CLOSED,
            ItemStatus.CLOSURE_REQUESTED,
        ]
        assert refreshed(requested[0]).closure_kind == ClosureKind.RECTIFIED
        assert actions(requested[0]) == ["approve_closure"] and actions(requested[2]) == []

    def test_sending_back_needs_a_comment(self, requested, people):
        before = snapshot()
        response = client_for(people.supervisor).post(
            "/ledger/bulk/", {"problem": [p.pk for p in requested], "action": "send_back"}
        )
        assert error_messages(response) and snapshot() == before
        response = client_for(people.supervisor).post(
            "/ledger/bulk/", {"problem": [p.pk for p in requested], "action": "send_back", "comment": "证据不足"}
        )
        assert not error_messages(response)
        assert {refreshed(p).status for p in requested} == {ItemStatus.RECTIFYING}
        assert Event.objects.filter(action="send_back", comment="证据不足").count() == 3

    def test_all_or_nothing(self, campaign, tree, requested, people):
        still_rectifying = make(campaign, tree.community_a)
        before = snapshot()
        response = client_for(people.supervisor).post(
            "/ledger/bulk/", {"problem": [*(p.pk for p in requested), still_rectifying.pk], "action": "approve_closure"}
        )
        assert response.status_code == 302
        assert error_messages(response)
        assert snapshot() == before

    def test_a_clerk_may_not_decide(self, requested, people):
        before = snapshot()
        response = client_for(people.clerk_a).post(
            "/ledger/bulk/", {"problem": [p.pk for p in requested], "action": "approve_closure"}
        )
        assert error_messages(response) and snapshot() == before

    def test_problems_out_of_sight_are_not_touched(self, requested, people):
        before = snapshot()
        response = client_for(people.clerk_b).post(
            "/ledger/bulk/", {"problem": [p.pk for p in requested], "action": "approve_closure"}
        )
        assert error_messages(response) and snapshot() == before

    def test_an_unknown_action_is_refused(self, requested, people):
        before = snapshot()
        response = client_for(people.supervisor).post(
            "/ledger/bulk/", {"problem": [p.pk for p in requested], "action": "delete"}
        )
        assert error_messages(response) and snapshot() == before

    def test_more_than_the_limit_is_refused_with_a_message(self, requested, people, monkeypatch):
        monkeypatch.setattr(services, "BULK_LIMIT", 2)
        before = snapshot()
        response = client_for(people.supervisor).post(
            "/ledger/bulk/", {"problem": [p.pk for p in requested], "action": "approve_closure"}
        )
        assert any("3" in message and "2" in message for message in error_messages(response))
        assert snapshot() == before

    def test_a_thousand_selected_problems_reach_the_service(self, requested, people):
        """A field per problem: a thousand (the limit) and the form's own fields parse."""
        ids = [p.pk for p in requested] + list(range(10**6, 10**6 + services.BULK_LIMIT - len(requested)))
        response = client_for(people.supervisor).post("/ledger/bulk/", {"problem": ids, "action": "approve_closure"})
        assert response.status_code == 302 and success_messages(response)
        assert {refreshed(p).status for p in requested} == {ItemStatus.CLOSED}

    def test_returns_to_the_page_it_came_from(self, requested, people):
        response = client_for(people.supervisor).post(
            "/ledger/bulk/",
            {"problem": [requested[0].pk], "action": "approve_closure", "next": "/ledger/?status=closure_requested"},
        )
        assert response["Location"] == "/ledger/?status=closure_requested"

    def test_never_redirects_to_another_site(self, requested, people):
        response = client_for(people.supervisor).post(
            "/ledger/bulk/",
            {"problem": [requested[0].pk], "action": "approve_closure", "next": "https://evil.example/"},
        )
        assert response.status_code == 302
        assert not response["Location"].startswith(("http://", "https://", "//"))

    def test_get_is_not_allowed(self, people, tree):
        assert client_for(people.supervisor).get("/ledger/bulk/").status_code == 405


# --- a problem's page ---------------------------------------------------------------------


class TestProblemDetail:
    def test_shows_measures_and_timeline(self, problem, people):
        response = client_for(people.clerk_a).get(f"/ledger/{problem.pk}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert element(html, "problem-status") is not None
        measures = element(html, "measures")
        for measure in problem.measures.all():
            assert f'id="measure-{measure.pk}"' in measures.html
        events = list(response.context["events"])
        assert {event.action for event in events} == {"created"}
        assert len(events) == 3  # the problem and its two measures

    def test_hidden_outside_the_scope(self, problem, people):
        assert client_for(people.clerk_b).get(f"/ledger/{problem.pk}/").status_code == 404
        assert client_for(people.leader).get(f"/ledger/{problem.pk}/").status_code == 200
        assert client_for(people.clerk_a).get("/ledger/999999/").status_code == 404

    def test_the_clerk_is_offered_closure_of_measures_and_the_leader_nothing_yet(self, problem, people):
        clerk_html = client_for(people.clerk_a).get(f"/ledger/{problem.pk}/").content.decode()
        leader_html = client_for(people.leader).get(f"/ledger/{problem.pk}/").content.decode()
        assert 'data-action="request_closure"' in clerk_html
        assert 'data-action="approve_closure"' not in leader_html

    def test_anything_but_post_is_refused_for_actions(self, problem, people):
        assert client_for(people.clerk_a).get(f"/ledger/{problem.pk}/approve_closure/").status_code == 405

    def test_an_unknown_action_is_404(self, problem, people):
        before = snapshot()
        assert post_action(people.supervisor, problem, "delete").status_code == 404
        assert snapshot() == before

    def test_actions_on_a_hidden_problem_are_404(self, bare_problem, people):
        before = snapshot()
        response = post_action(people.clerk_b, bare_problem, "request_closure", {"evidence": photo()})
        assert response.status_code == 404 and snapshot() == before


class TestClosureActions:
    def test_request_closure_with_a_photo(self, bare_problem, people):
        response = post_action(
            people.clerk_a, bare_problem, "request_closure", {"evidence": photo(), "comment": "已修复"}
        )
        assert response.status_code == 302 and response["Location"] == f"/ledger/{bare_problem.pk}/"
        assert success_messages(response)
        assert refreshed(bare_problem).status == ItemStatus.CLOSURE_REQUESTED
        event = item_events(bare_problem).get(action="request_closure")
        assert (event.actor, event.comment, event.to_status) == (people.clerk_a, "已修复", ItemStatus.CLOSURE_REQUESTED)
        attachment = item_attachments(bare_problem).get()
        assert attachment.media_type == "image/png"
        # the photo is on the page as closure evidence
        html = client_for(people.leader).get(f"/ledger/{bare_problem.pk}/").content.decode()
        assert reverse("attachment_download", args=[attachment.pk]) in html

    def test_request_closure_without_evidence_is_refused(self, bare_problem, people):
        before = snapshot()
        response = post_action(people.clerk_a, bare_problem, "request_closure")
        assert response.status_code == 302 and error_messages(response)
        assert snapshot() == before

    def test_a_file_that_is_not_a_picture_is_refused(self, bare_problem, people):
        before = snapshot()
        fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00not a picture", content_type="image/png")
        response = post_action(people.clerk_a, bare_problem, "request_closure", {"evidence": fake})
        assert error_messages(response) and snapshot() == before

    def test_a_problem_with_open_measures_cannot_ask_closure(self, problem, people):
        before = snapshot()
        response = post_action(people.clerk_a, problem, "request_closure", {"evidence": photo()})
        assert error_messages(response) and snapshot() == before

    def test_request_closure_of_a_measure(self, problem, people):
        measure = problem.measures.order_by("id").first()
        response = post_action(people.clerk_a, problem, "request_closure", {"evidence": photo(), "measure": measure.pk})
        assert success_messages(response)
        assert refreshed(measure).status == ItemStatus.CLOSURE_REQUESTED
        assert refreshed(problem).status == ItemStatus.RECTIFYING
        assert "request_closure" in actions(measure)

    def test_a_measure_of_another_problem_is_404(self, problem, bare_problem, campaign, tree, people):
        other_measure = MeasureFactory(problem=bare_problem)
        before = snapshot()
        for action, data in [
            ("request_closure", {"evidence": photo()}),
            ("approve_closure", {"closure_kind": "rectified"}),
            ("send_back", {"comment": "不行"}),
            ("reopen", {"comment": "重开"}),
            ("progress", {"text": "进展"}),
            ("extension", {"requested_deadline": (IN_A_MONTH + datetime.timedelta(days=9)).isoformat(), "reason": "x"}),
        ]:
            response = post_action(people.supervisor, problem, action, {**data, "measure": other_measure.pk})
            assert response.status_code == 404, action
        assert snapshot() == before

    def test_approve_closure_with_an_outcome(self, bare_problem, people):
        services.item_request_closure(item=bare_problem, acting_user=people.clerk_a, evidence=[photo()])
        response = post_action(
            people.leader, bare_problem, "approve_closure", {"closure_kind": "duplicate", "comment": "与12号问题重复"}
        )
        assert success_messages(response)
        closed = refreshed(bare_problem)
        assert (closed.status, closed.closure_kind) == (ItemStatus.CLOSED, ClosureKind.DUPLICATE)
        assert closed.closed_at is not None
        event = item_events(bare_problem).get(action="approve_closure")
        assert event.changes["closure_kind"] == "duplicate" and event.actor == people.leader

    def test_approve_closure_without_a_reason_for_a_non_fix_is_refused(self, bare_problem, people):
        services.item_request_closure(item=bare_problem, acting_user=people.clerk_a, evidence=[photo()])
        before = snapshot()
        response = post_action(people.leader, bare_problem, "approve_closure", {"closure_kind": "not_actionable"})
        assert error_messages(response) and snapshot() == before

    def test_an_unknown_outcome_is_refused(self, bare_problem, people):
        services.item_request_closure(item=bare_problem, acting_user=people.clerk_a, evidence=[photo()])
        before = snapshot()
        response = post_action(people.leader, bare_problem, "approve_closure", {"closure_kind": "made_up"})
        assert error_messages(response) and snapshot() == before

    def test_the_unit_may_not_approve_its_own_closure(self, bare_problem, people):
        services.item_request_closure(item=bare_problem, acting_user=people.clerk_a, evidence=[photo()])
        before = snapshot()
        response = post_action(people.clerk_a, bare_problem, "approve_closure", {"closure_kind": "rectified"})
        assert error_messages(response) and snapshot() == before

    def test_send_back_needs_a_comment(self, bare_problem, people):
        services.item_request_closure(item=bare_problem, acting_user=people.clerk_a, evidence=[photo()])
        before = snapshot()
        response = post_action(people.leader, bare_problem, "send_back")
        assert error_messages(response) and snapshot() == before
        response = post_action(people.leader, bare_problem, "send_back", {"comment": "照片看不清"})
        assert success_messages(response)
        assert refreshed(bare_problem).status == ItemStatus.RECTIFYING
        assert item_events(bare_problem).get(action="send_back").comment == "照片看不清"

    def test_reopen_by_a_supervisor_only_with_a_reason(self, bare_problem, people):
        services.item_request_closure(item=bare_problem, acting_user=people.clerk_a, evidence=[photo()])
        services.item_approve_closure(item=bare_problem, acting_user=people.leader)
        before = snapshot()
        assert error_messages(post_action(people.leader, bare_problem, "reopen", {"comment": "群众再次反映"}))
        assert error_messages(post_action(people.supervisor, bare_problem, "reopen"))
        assert snapshot() == before
        response = post_action(people.supervisor, bare_problem, "reopen", {"comment": "群众再次反映"})
        assert success_messages(response)
        reopened = refreshed(bare_problem)
        assert (reopened.status, reopened.closure_kind, reopened.closed_at) == (ItemStatus.RECTIFYING, "", None)
        assert actions(bare_problem)[-1] == "reopen"


class TestProgressExtensionsMeasures:
    def test_progress_with_evidence(self, problem, people):
        measure = problem.measures.order_by("id").first()
        response = post_action(
            people.clerk_a,
            problem,
            "progress",
            {"text": "已更换3盏灯", "percent": "60", "measure": measure.pk, "evidence": photo()},
        )
        assert success_messages(response)
        report = ProgressReport.objects.get()
        assert (report.problem, report.measure, report.percent, report.reported_by) == (
            problem,
            measure,
            60,
            people.clerk_a,
        )
        assert item_attachments(report).count() == 1
        assert item_events(measure).get(action="progress_reported").changes["files"] == 1

    def test_progress_without_text_or_beyond_100_is_refused(self, problem, people):
        before = snapshot()
        assert error_messages(post_action(people.clerk_a, problem, "progress", {"text": ""}))
        assert error_messages(post_action(people.clerk_a, problem, "progress", {"text": "x", "percent": "150"}))
        assert snapshot() == before

    def test_progress_by_someone_outside_the_unit_is_refused(self, problem, people):
        before = snapshot()
        assert error_messages(post_action(people.supervisor, problem, "progress", {"text": "代报"}))
        assert snapshot() == before

    def test_extension_asked_then_approved(self, problem, people):
        later = IN_A_MONTH + datetime.timedelta(days=30)
        response = post_action(
            people.clerk_a, problem, "extension", {"requested_deadline": later.isoformat(), "reason": "需协调资金"}
        )
        assert success_messages(response)
        extension = ExtensionRequest.objects.get()
        assert (extension.status, extension.requested_deadline) == (ExtensionStatus.PENDING, later)
        assert "extension_requested" in actions(problem)
        # the clerk may not decide it; the leader above may
        before = snapshot()
        assert error_messages(post_action(people.clerk_a, problem, "extension_approve", {"extension": extension.pk}))
        assert snapshot() == before
        response = post_action(people.leader, problem, "extension_approve", {"extension": extension.pk})
        assert success_messages(response)
        moved = refreshed(problem)
        assert (moved.deadline, moved.original_deadline) == (later, IN_A_MONTH)
        assert refreshed(extension).status == ExtensionStatus.APPROVED
        assert actions(problem)[-1] == "extension_approved"

    def test_extension_refused_needs_a_reason(self, problem, people):
        extension = ExtensionRequestFactory(problem=problem)
        before = snapshot()
        assert error_messages(post_action(people.leader, problem, "extension_refuse", {"extension": extension.pk}))
        assert snapshot() == before
        response = post_action(
            people.leader, problem, "extension_refuse", {"extension": extension.pk, "comment": "理由不充分"}
        )
        assert success_messages(response)
        assert refreshed(extension).status == ExtensionStatus.REFUSED
        assert refreshed(problem).deadline == IN_A_MONTH
        assert actions(problem)[-1] == "extension_refused"

    def test_an_extension_earlier_than_the_deadline_is_refused(self, problem, people):
        before = snapshot()
        response = post_action(
            people.clerk_a, problem, "extension", {"requested_deadline": TODAY.isoformat(), "reason": "提前"}
        )
        assert error_messages(response) and snapshot() == before

    def test_an_extension_of_another_problem_is_404(self, problem, bare_problem, people):
        other = ExtensionRequestFactory(problem=bare_problem)
        before = snapshot()
        response = post_action(people.leader, problem, "extension_approve", {"extension": other.pk})
        assert response.status_code == 404 and snapshot() == before
        assert post_action(people.leader, problem, "extension_refuse", {"extension": "abc"}).status_code == 404

    def test_measure_add(self, problem, people):
        response = post_action(
            people.clerk_a, problem, "measure_add", {"title": "设立巡查制度", "deadline": IN_A_MONTH.isoformat()}
        )
        assert success_messages(response)
        measure = problem.measures.get(title="设立巡查制度")
        assert (measure.org, measure.deadline, measure.status) == (problem.org, IN_A_MONTH, ItemStatus.RECTIFYING)
        assert actions(problem)[-1] == "measure_added"
        assert actions(measure) == ["created"]

    def test_measure_add_refused_without_title_or_while_closure_is_asked(self, bare_problem, people):
        before = snapshot()
        assert error_messages(post_action(people.clerk_a, bare_problem, "measure_add", {"title": ""}))
        services.item_request_closure(item=bare_problem, acting_user=people.clerk_a, evidence=[photo()])
        before = snapshot()
        assert error_messages(post_action(people.clerk_a, bare_problem, "measure_add", {"title": "补充措施"}))
        assert snapshot() == before

    def test_measure_add_by_someone_without_a_creating_role_is_refused(self, problem, people):
        before = snapshot()
        # an inspector reads the problem but does not enter measures
        assert error_messages(post_action(people.inspector, problem, "measure_add", {"title": "补充措施"}))
        assert snapshot() == before
        # a member of the grid below does not even see the community's problem
        assert post_action(people.member_a, problem, "measure_add", {"title": "补充措施"}).status_code == 404
        assert snapshot() == before


# --- a new problem ------------------------------------------------------------------------


class TestProblemCreate:
    def data(self, campaign, **changes):  # type: ignore[no-untyped-def]
        return {
            "campaign": campaign.pk,
            "org": "AK-JM-XDC",
            "title": "停车难",
            "level": "grassroots",
            "deadline": IN_A_MONTH.isoformat(),
            "found_date": TODAY.isoformat(),
            "measures": "划定临时车位\n\n  错峰共享单位车位  \n",
            **changes,
        }

    def test_a_problem_with_one_measure_per_line(self, campaign, tree, people):
        response = client_for(people.clerk_a).post("/ledger/new/", self.data(campaign))
        created = Problem.objects.get(title="停车难")
        assert response.status_code == 302 and response["Location"] == f"/ledger/{created.pk}/"
        assert (created.org, created.campaign, created.deadline) == (tree.community_a, campaign, IN_A_MONTH)
        assert list(created.measures.order_by("id").values_list("title", "deadline")) == [
            ("划定临时车位", IN_A_MONTH),
            ("错峰共享单位车位", IN_A_MONTH),
        ]
        assert actions(created) == ["created"]
        assert ProblemList.objects.get(campaign=campaign, org=tree.community_a).status == ListStatus.DRAFTING

    def test_the_org_code_is_limited_to_the_users_scope(self, campaign, tree, people):
        before = snapshot()
        for code in ("AK-JM-JS", "AK-JM", "NO-SUCH"):
            response = client_for(people.clerk_a).post("/ledger/new/", self.data(campaign, org=code))
            assert response.status_code == 200
            assert "org" in response.context["form"].errors, code
        assert snapshot() == before
        # the grid below community A is in scope
        response = client_for(people.clerk_a).post("/ledger/new/", self.data(campaign, org="AK-JM-XDC-01"))
        assert response.status_code == 302
        assert Problem.objects.get(title="停车难").org == tree.grid_a

    def test_a_service_refusal_shows_on_the_form(self, campaign, tree, people):
        before = snapshot()
        response = client_for(people.clerk_a).post(
            "/ledger/new/", self.data(campaign, deadline=(TODAY - datetime.timedelta(days=1)).isoformat())
        )
        assert response.status_code == 200
        assert "deadline" in response.context["form"].errors
        assert snapshot() == before

    def test_a_member_may_not_enter_problems(self, campaign, tree, people):
        before = snapshot()
        response = client_for(people.member_a).post("/ledger/new/", self.data(campaign, org="AK-JM-XDC-01"))
        assert response.status_code == 200 and response.context["form"].errors
        assert snapshot() == before

    def test_the_form_offers_only_visible_active_campaigns(self, campaign, tree, people):
        elsewhere = CampaignFactory(org=tree.community_b)
        concluded = CampaignFactory(org=tree.district, status="closed")
        choices = set(client_for(people.clerk_a).get("/ledger/new/").context["form"].fields["campaign"].queryset)
        assert campaign in choices and elsewhere not in choices and concluded not in choices


# --- review rounds (三上三下) -------------------------------------------------------------


class TestReviewRounds:
    @pytest.fixture
    def problem_list(self, problem, campaign, tree) -> ProblemList:
        return ProblemList.objects.get(campaign=campaign, org=tree.community_a)

    def test_the_index_is_scoped(self, problem_list, campaign, tree, people):
        other = ProblemListFactory(campaign=campaign, org=tree.community_b)
        clerk_a = linked_pks(client_for(people.clerk_a).get("/ledger/lists/").content.decode(), "/ledger/lists/")
        leader = linked_pks(client_for(people.leader).get("/ledger/lists/").content.decode(), "/ledger/lists/")
        assert clerk_a == {problem_list.pk}
        assert leader == {problem_list.pk, other.pk}
        filtered = client_for(people.leader).get("/ledger/lists/", {"status": "submitted"}).content.decode()
        assert linked_pks(filtered, "/ledger/lists/") == set()

    def test_the_detail_is_404_outside_the_scope(self, problem_list, people):
        assert client_for(people.clerk_b).get(f"/ledger/lists/{problem_list.pk}/").status_code == 404
        before = snapshot()
        assert client_for(people.clerk_b).post(f"/ledger/lists/{problem_list.pk}/submit/").status_code == 404
        assert snapshot() == before

    def test_submit_return_resubmit_accept(self, problem, problem_list, people):
        url = f"/ledger/lists/{problem_list.pk}/"
        clerk, leader = client_for(people.clerk_a), client_for(people.leader)
        html = clerk.get(url).content.decode()
        assert element(html, "submit-list") is not None and element(html, "accept-list") is None
        assert linked_pks(html, "/ledger/") >= {problem.pk}

        response = clerk.post(f"{url}submit/", {"comment": "请审核"})
        assert response.status_code == 302 and response["Location"] == url
        assert refreshed(problem_list).status == ListStatus.SUBMITTED
        html = leader.get(url).content.decode()
        assert element(html, "return-list") is not None and element(html, "accept-list") is not None
        assert element(clerk.get(url).content.decode(), "submit-list") is None

        # the unit cannot accept its own list; a return needs a comment
        before = snapshot()
        assert error_messages(clerk.post(f"{url}accept/"))
        assert error_messages(leader.post(f"{url}return/"))
        assert snapshot() == before

        assert success_messages(leader.post(f"{url}return/", {"comment": "措施不具体"}))
        assert refreshed(problem_list).status == ListStatus.RETURNED
        assert success_messages(clerk.post(f"{url}submit/", {"comment": "已修改"}))
        assert success_messages(leader.post(f"{url}accept/"))
        accepted = refreshed(problem_list)
        assert (accepted.status, accepted.rounds_up) == (ListStatus.ACCEPTED, 2)
        rounds = list(accepted.rounds.order_by("id").values_list("number", "direction", "outcome", "comment"))
        assert rounds == [
            (1, RoundDirection.UP, ListStatus.SUBMITTED, "请审核"),
            (1, RoundDirection.DOWN, ListStatus.RETURNED, "措施不具体"),
            (2, RoundDirection.UP, ListStatus.SUBMITTED, "已修改"),
            (2, RoundDirection.DOWN, ListStatus.ACCEPTED, ""),
        ]
        assert actions(accepted) == ["list_submitted", "list_returned", "list_submitted", "list_accepted"]
        assert element(leader.get(url).content.decode(), "rounds").html.count("<li") == 4

    def test_an_unknown_list_action_is_404(self, problem_list, people):
        assert client_for(people.leader).post(f"/ledger/lists/{problem_list.pk}/delete/").status_code == 404


# --- special rectifications (专项整治) ----------------------------------------------------


class TestDrives:
    def test_the_index_is_scoped(self, campaign, tree, people):
        drive = SpecialRectificationFactory(campaign=campaign, org=tree.department)
        supervisor = client_for(people.supervisor).get("/ledger/drives/").content.decode()
        clerk = client_for(people.clerk_a).get("/ledger/drives/").content.decode()
        link = f"/ledger/?special_rectification={drive.pk}"
        assert link in supervisor and link not in clerk

    def test_create(self, campaign, tree, people):
        domain = DomainFactory(campaign=campaign)
        response = client_for(people.supervisor).post(
            "/ledger/drives/",
            {
                "campaign": campaign.pk,
                "org": "AK-JJ",
                "name": "欠薪专项整治",
                "level": "department",
                "domain": domain.pk,
            },
        )
        assert response.status_code == 302 and response["Location"] == "/ledger/drives/"
        drive = SpecialRectification.objects.get(name="欠薪专项整治")
        assert (drive.org, drive.domain, drive.status) == (tree.department, domain, DriveStatus.UNDER_WAY)
        assert actions(drive) == ["created"]

    def test_create_outside_the_scope_is_refused(self, campaign, tree, people):
        before = snapshot()
        response = client_for(people.clerk_a).post(
            "/ledger/drives/", {"campaign": campaign.pk, "org": "AK-JJ", "name": "越权", "level": "department"}
        )
        assert response.status_code == 200 and "org" in response.context["form"].errors
        assert snapshot() == before

    def test_conclude_once_every_problem_is_closed(self, campaign, tree, people):
        drive = SpecialRectificationFactory(campaign=campaign, org=tree.department)
        open_problem = make(campaign, tree.community_a, special_rectification=drive)
        before = snapshot()
        response = client_for(people.supervisor).post(f"/ledger/drives/{drive.pk}/conclude/")
        assert response.status_code == 302 and error_messages(response)
        assert snapshot() == before
        Problem.objects.filter(pk=open_problem.pk).update(
            status=ItemStatus.CLOSED, closure_kind=ClosureKind.RECTIFIED, closed_at=timezone.now()
        )
        response = client_for(people.supervisor).post(f"/ledger/drives/{drive.pk}/conclude/", {"comment": "全部整改"})
        assert success_messages(response)
        assert refreshed(drive).status == DriveStatus.CONCLUDED
        assert actions(drive) == ["concluded"]

    def test_conclude_out_of_sight_is_404(self, campaign, tree, people):
        drive = SpecialRectificationFactory(campaign=campaign, org=tree.department)
        assert client_for(people.clerk_a).post(f"/ledger/drives/{drive.pk}/conclude/").status_code == 404
        assert refreshed(drive).status == DriveStatus.UNDER_WAY


# --- inspection rounds (督查) -------------------------------------------------------------


class TestInspections:
    def test_the_index_is_scoped(self, campaign, tree, people):
        inspection = InspectionFactory(campaign=campaign, org=tree.district, units=[tree.community_a])
        seen = linked_pks(
            client_for(people.inspector).get("/ledger/inspections/").content.decode(), "/ledger/inspections/"
        )
        hidden = linked_pks(
            client_for(people.clerk_a).get("/ledger/inspections/").content.decode(), "/ledger/inspections/"
        )
        assert seen == {inspection.pk} and hidden == set()
        assert client_for(people.clerk_a).get(f"/ledger/inspections/{inspection.pk}/").status_code == 404

    def test_create(self, campaign, tree, people):
        response = client_for(people.inspector).post(
            "/ledger/inspections/",
            {
                "campaign": campaign.pk,
                "org": "AK",
                "number": "1",
                "title": "第一轮督查",
                "start_date": TODAY.isoformat(),
                "inspector": "inspector",
                "supervisor": "supervisor",
                "units": "AK-JM-XDC，AK-JM-JS",
            },
        )
        inspection = Inspection.objects.get(title="第一轮督查")
        assert response.status_code == 302 and response["Location"] == f"/ledger/inspections/{inspection.pk}/"
        assert set(inspection.units.all()) == {tree.community_a, tree.community_b}
        assert (inspection.inspector, inspection.supervisor) == (people.inspector, people.supervisor)
        assert actions(inspection) == ["created"]

    def test_create_by_a_clerk_is_refused(self, campaign, tree, people):
        before = snapshot()
        response = client_for(people.street_clerk).post(
            "/ledger/inspections/",
            {
                "campaign": campaign.pk,
                "org": "AK-JM",
                "number": "1",
                "title": "越权督查",
                "start_date": TODAY.isoformat(),
                "units": "AK-JM-XDC",
            },
        )
        assert response.status_code == 200 and response.context["form"].errors
        assert not Inspection.objects.exists() and snapshot() == before

    def test_a_finding_ordering_reexamination_reopens_the_units_list(self, problem, campaign, tree, people):
        services.problem_list_submit(campaign=campaign, org=tree.community_a, acting_user=people.clerk_a)
        problem_list = ProblemList.objects.get(campaign=campaign, org=tree.community_a)
        services.problem_list_accept(problem_list=problem_list, acting_user=people.leader)
        inspection = InspectionFactory(
            campaign=campaign, org=tree.district, units=[tree.community_a], inspector=people.inspector
        )
        url = f"/ledger/inspections/{inspection.pk}/"
        assert element(client_for(people.inspector).get(url).content.decode(), "findings") is not None
        response = client_for(people.inspector).post(
            url, {"org": tree.community_a.pk, "description": "台账措施空泛", "orders_reexamination": "on"}
        )
        assert response.status_code == 302 and response["Location"] == url
        finding = InspectionFinding.objects.get()
        assert (finding.org, finding.orders_reexamination) == (tree.community_a, True)
        reopened = refreshed(problem_list)
        assert reopened.status == ListStatus.RETURNED
        last = reopened.rounds.order_by("-id").first()
        assert (last.direction, last.outcome, last.comment) == (
            RoundDirection.DOWN,
            ListStatus.RETURNED,
            "台账措施空泛",
        )
        assert actions(reopened)[-1] == "reexamination_ordered"
        assert actions(inspection) == ["finding_added"]

    def test_a_finding_for_a_unit_not_inspected_is_refused(self, campaign, tree, people):
        inspection = InspectionFactory(campaign=campaign, org=tree.district, units=[tree.community_a])
        before = snapshot()
        response = client_for(people.inspector).post(
            f"/ledger/inspections/{inspection.pk}/", {"org": tree.community_b.pk, "description": "越界"}
        )
        assert response.status_code == 200 and "org" in response.context["form"].errors
        assert snapshot() == before

    def test_a_clerk_may_not_record_findings(self, campaign, tree, people):
        inspection = InspectionFactory(campaign=campaign, org=tree.street, units=[tree.community_a])
        before = snapshot()
        response = client_for(people.street_clerk).post(
            f"/ledger/inspections/{inspection.pk}/", {"org": tree.community_a.pk, "description": "越权"}
        )
        assert response.status_code == 200 and response.context["form"].errors
        assert snapshot() == before


# --- statistics ---------------------------------------------------------------------------


class TestStatistics:
    @pytest.fixture
    def ledger(self, campaign, tree, people):
        """Problems in A (one rectified, one overdue, one at once) and one in B."""
        make(
            campaign,
            tree.community_a,
            status=ItemStatus.CLOSED,
            closure_kind=ClosureKind.RECTIFIED,
            closed_at=timezone.now(),
        )
        make(
            campaign,
            tree.community_a,
            status=ItemStatus.CLOSED,
            closure_kind=ClosureKind.DUPLICATE,
            closed_at=timezone.now(),
        )
        make(campaign, tree.grid_a, found_date=LAST_WEEK - datetime.timedelta(days=3), deadline=LAST_WEEK)
        at_once = make(campaign, tree.community_a, immediate=True)
        MeasureFactory(problem=at_once)
        make(
            campaign,
            tree.community_b,
            status=ItemStatus.CLOSED,
            closure_kind=ClosureKind.RECTIFIED,
            closed_at=timezone.now(),
        )

    @staticmethod
    def figures(response) -> dict[str, str]:
        html = response.content.decode()
        return {
            name: element(html, f"stat-{name}").text
            for name in ("problems", "measures", "rectified", "overdue", "immediate")
        }

    @staticmethod
    def expected(user, org: str | None) -> dict[str, str]:
        figures = ledger_figures(scope=build_scope(user=user, org=org))
        problems, measures = figures["problems"], figures["measures"]
        return {
            "problems": str(problems["total"]),
            "measures": str(measures["total"]),
            "rectified": str(problems["rectified"]),
            "overdue": str(problems["overdue"]),
            "immediate": str(problems["immediate"]),
        }

    @pytest.mark.parametrize(
        ("who", "org"), [("leader", None), ("leader", "AK-JM-XDC"), ("clerk_a", None), ("supervisor", "AK-JM-JS")]
    )
    def test_the_figures_are_those_of_the_scope(self, ledger, people, who, org):
        user = getattr(people, who)
        response = client_for(user).get("/ledger/statistics/", {"org": org} if org else {})
        assert response.status_code == 200
        assert self.figures(response) == self.expected(user, org)

    def test_hand_counted(self, ledger, people):
        assert self.figures(client_for(people.clerk_a).get("/ledger/statistics/")) == {
            "problems": "4",
            "measures": "1",
            "rectified": "1",
            "overdue": "1",
            "immediate": "1",
        }
        assert self.figures(client_for(people.leader).get("/ledger/statistics/"))["rectified"] == "2"

    def test_an_invisible_or_unknown_org_is_404(self, ledger, people):
        assert client_for(people.clerk_a).get("/ledger/statistics/", {"org": "AK-JM-JS"}).status_code == 404
        assert client_for(people.clerk_a).get("/ledger/statistics/", {"org": "NO-SUCH"}).status_code == 404

    def test_a_bad_date_keeps_the_page_and_says_so(self, ledger, people):
        response = client_for(people.clerk_a).get("/ledger/statistics/", {"date": "2026-13-45"})
        assert response.status_code == 200 and response.context["error"]
        assert self.figures(response) == self.expected(people.clerk_a, None)

    def test_an_invisible_or_garbled_campaign(self, ledger, tree, people):
        elsewhere = CampaignFactory(org=tree.community_b)
        client = client_for(people.clerk_a)
        assert client.get("/ledger/statistics/", {"campaign": elsewhere.pk}).status_code == 404
        response = client.get("/ledger/statistics/", {"campaign": "abc"})
        assert response.status_code == 200 and response.context["error"]

    @pytest.mark.parametrize("params", [{"date": "9999-12-31"}, {"date": "0001-01-01"}, {"from": "0001-01-01"}])
    def test_a_date_out_of_range_keeps_the_page(self, ledger, people, params):
        client = client_for(people.clerk_a)
        client.raise_request_exception = False
        response = client.get("/ledger/statistics/", params)
        assert response.status_code == 200 and response.context["error"]

    def test_a_campaign_narrows_the_figures(self, ledger, campaign, tree, people):
        other = CampaignFactory(org=tree.district)
        make(other, tree.community_a)
        all_campaigns = self.figures(client_for(people.clerk_a).get("/ledger/statistics/"))
        one = self.figures(client_for(people.clerk_a).get("/ledger/statistics/", {"campaign": campaign.pk}))
        assert (all_campaigns["problems"], one["problems"]) == ("5", "4")
