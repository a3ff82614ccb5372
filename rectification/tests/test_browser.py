"""The ledger's review rounds and closure through Chromium, two people at two desks.

A community clerk imports the unit's ledger from Excel (a check first, then for real)
and submits the list; the street's leader returns it with a comment; the clerk fixes it
and submits again; the leader accepts; the clerk asks closure of one problem with a
photo; the leader approves; the statistics page shows one more problem rectified.

Assertions read element ids, form names and the database, never interface wording.
"""

from __future__ import annotations

import datetime
import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import include, path
from django.utils import timezone

from core.models import ImportJob
from core.services import item_attachments, item_events
from core.testing.browser import log_in
from core.testing.factories import CampaignFactory
from core.testing.spreadsheets import xlsx_bytes
from rectification.choices import ClosureKind, ItemStatus, ListStatus, RoundDirection
from rectification.models import Problem, ProblemList
from taizhang.urls import urlpatterns as site_urls

# The import pages, until they are wired into the site's URLs (then the site's own).
_wired = any(getattr(pattern, "namespace", None) == "ledger_import" for pattern in site_urls)
urlpatterns = site_urls if _wired else [path("ledger/", include("rectification.urls_import")), *site_urls]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]

IN_A_MONTH = timezone.localdate() + datetime.timedelta(days=30)


def png_bytes() -> bytes:
    """A valid 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reviewer_page(browser: Any) -> Iterator[Any]:
    """A second desk: the reviewer's own browser session beside the clerk's."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def ledger_file(target: Path) -> Path:
    """The unit's ledger as the office keeps it: a title row, one row per measure with the
    problem's 序号 repeated below its first row, and a problem without measures."""
    rows = [
        ["序号", "问题", "问题类别", "责任单位", "整改时限", "整改措施", "整改状态"],
        [1, "小区路灯长期不亮", "基层党组织", "AK-JM-XDC", IN_A_MONTH, "排查线路", "整改中"],
        [1, None, None, None, None, "更换灯具", None],
        [2, "垃圾清运不及时", "基层党组织", "现代城社区", IN_A_MONTH, None, "整改中"],
    ]
    target.write_bytes(xlsx_bytes(rows, sheet="台账", title_row="现代城社区主题教育问题整改台账"))
    return target


def import_the_ledger(page: Any, base_url: str, *, campaign, file: Path) -> None:  # type: ignore[no-untyped-def]
    """Upload the file, see the check come back clean, then import it for real."""
    page.goto(f"{base_url}/ledger/import/")
    assert page.locator("#id_dry_run").is_checked()
    page.locator("#id_campaign").select_option(str(campaign.pk))
    page.locator("#id_file").set_input_files(str(file))
    page.locator('form[enctype="multipart/form-data"] button').click()
    page.wait_for_url(re.compile(r".*/ledger/import/\d+/$"))
    page.wait_for_selector("#import-preview")
    assert not Problem.objects.exists()  # a check writes nothing
    page.locator('#import-progress form[action$="/confirm/"] button').click()
    page.wait_for_selector("#import-done")


def stat(page: Any, base_url: str, name: str) -> str:
    page.goto(f"{base_url}/ledger/statistics/")
    return page.locator(f"#stat-{name}").inner_text().strip()


def list_status(campaign, org) -> str:  # type: ignore[no-untyped-def]
    return ProblemList.objects.get(campaign=campaign, org=org).status


def test_review_rounds_and_closure_with_a_photo(live_server, page, reviewer_page, tree, people, tmp_path):
    base = live_server.url
    campaign = CampaignFactory(org=tree.district)
    clerk, leader = page, reviewer_page
    for desk in (clerk, leader):
        desk.on("dialog", lambda dialog: dialog.accept())

    log_in(clerk, base, "clerk_a")
    log_in(leader, base, "leader")
    import_the_ledger(clerk, base, campaign=campaign, file=ledger_file(tmp_path / "现代城社区台账.xlsx"))
    assert ImportJob.objects.filter(created_by=people.clerk_a).count() == 2  # the check, then the import
    problem_list = ProblemList.objects.get(campaign=campaign, org=tree.community_a)
    list_url = f"{base}/ledger/lists/{problem_list.pk}/"
    streetlight = Problem.objects.get(title="小区路灯长期不亮")
    rubbish = Problem.objects.get(title="垃圾清运不及时")
    assert list(streetlight.measures.order_by("id").values_list("title", flat=True)) == ["排查线路", "更换灯具"]
    assert (problem_list.status, rubbish.org, rubbish.measures.count()) == (ListStatus.DRAFTING, tree.community_a, 0)

    assert stat(leader, base, "problems") == "2"
    assert stat(leader, base, "rectified") == "0"

    # the clerk finds the unit's list among the review rounds and submits it
    clerk.goto(f"{base}/ledger/lists/")
    clerk.locator(f'#problem-lists a[href="/ledger/lists/{problem_list.pk}/"]').click()
    clerk.wait_for_url(list_url)
    clerk.locator("#submit-list textarea[name=comment]").fill("请审核")
    clerk.locator("#submit-list button").click()
    clerk.wait_for_url(list_url)
    assert list_status(campaign, tree.community_a) == ListStatus.SUBMITTED
    assert clerk.locator("#submit-list").count() == 0

    # the leader of the street above returns it with a comment
    leader.goto(list_url)
    leader.locator("#return-list textarea[name=comment]").fill("路灯问题措施不具体，请补充")
    leader.locator("#return-list button").click()
    leader.wait_for_url(list_url)
    assert list_status(campaign, tree.community_a) == ListStatus.RETURNED
    assert "路灯问题措施不具体" in leader.locator("#rounds").inner_text()

    # the clerk reads the comment, adds a measure to the problem and submits again
    clerk.goto(list_url)
    assert "路灯问题措施不具体" in clerk.locator("#rounds").inner_text()
    clerk.goto(f"{base}/ledger/{streetlight.pk}/")
    measure_form = clerk.locator(f'form[action="/ledger/{streetlight.pk}/measure_add/"]')
    measure_form.locator("input[name=title]").fill("每周巡查一次路灯")
    measure_form.locator("button").click()
    clerk.wait_for_url(f"{base}/ledger/{streetlight.pk}/")
    assert streetlight.measures.filter(title="每周巡查一次路灯").exists()
    clerk.goto(list_url)
    clerk.locator("#submit-list textarea[name=comment]").fill("已补充措施")
    clerk.locator("#submit-list button").click()
    clerk.wait_for_url(list_url)
    assert list_status(campaign, tree.community_a) == ListStatus.SUBMITTED

    # the leader accepts
    leader.goto(list_url)
    leader.locator("#accept-list button").click()
    leader.wait_for_url(list_url)
    accepted = ProblemList.objects.get(pk=problem_list.pk)
    assert (accepted.status, accepted.rounds_up) == (ListStatus.ACCEPTED, 2)
    assert list(accepted.rounds.order_by("id").values_list("direction", "outcome")) == [
        (RoundDirection.UP, ListStatus.SUBMITTED),
        (RoundDirection.DOWN, ListStatus.RETURNED),
        (RoundDirection.UP, ListStatus.SUBMITTED),
        (RoundDirection.DOWN, ListStatus.ACCEPTED),
    ]
    assert leader.locator("#return-list").count() == 0 and leader.locator("#accept-list").count() == 0

    # the clerk asks closure of the problem without measures, with a photo from the site
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(png_bytes())
    clerk.goto(f"{base}/ledger/{rubbish.pk}/")
    closure = clerk.locator('form.action-form[data-action="request_closure"]').first
    closure.locator("input[name=evidence]").set_input_files(str(photo))
    closure.locator("textarea[name=comment]").fill("已安排每日清运")
    closure.locator("button").click()
    clerk.wait_for_url(f"{base}/ledger/{rubbish.pk}/")
    rubbish.refresh_from_db()
    assert rubbish.status == ItemStatus.CLOSURE_REQUESTED
    attachment = item_attachments(rubbish).get()
    assert attachment.media_type == "image/png" and attachment.original_name == "现场照片.png"
    # the photo is now shown on the problem's page, for the reviewer to look at
    leader.goto(f"{base}/ledger/{rubbish.pk}/")
    assert leader.locator(f'a[href="/attachments/{attachment.pk}/"]').count() == 1
    assert stat(leader, base, "rectified") == "0"

    # the leader approves the closure as rectified
    leader.goto(f"{base}/ledger/{rubbish.pk}/")
    approve = leader.locator('form.action-form[data-action="approve_closure"]').first
    approve.locator("select[name=closure_kind]").select_option(ClosureKind.RECTIFIED)
    approve.locator("button").click()
    leader.wait_for_url(f"{base}/ledger/{rubbish.pk}/")
    rubbish.refresh_from_db()
    assert (rubbish.status, rubbish.closure_kind) == (ItemStatus.CLOSED, ClosureKind.RECTIFIED)
    assert [e.action for e in item_events(rubbish).order_by("id")] == ["imported", "request_closure", "approve_closure"]

    # the statistics show the change, for the leader and for the clerk alike
    assert stat(leader, base, "problems") == "2"
    assert stat(leader, base, "rectified") == "1"
    assert stat(clerk, base, "rectified") == "1"
