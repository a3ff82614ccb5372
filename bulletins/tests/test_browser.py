"""A supervisor drafts the week's bulletin, edits it, issues it and downloads the Word file,
in Chromium; a leader then reads it. Assertions read ids and the database, not wording."""

from __future__ import annotations

import pytest
from docx import Document

from bulletins.choices import BulletinStatus
from bulletins.models import Bulletin
from core.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_drafts_edits_issues_and_downloads(live_server, page, browser, people, ledger) -> None:
    base = live_server.url
    log_in(page, base, "supervisor")
    page.goto(f"{base}/bulletins/")
    page.fill("#id_org", "AK-JM")
    page.locator("#draft-submit").click()
    page.wait_for_selector("#edit-form")
    bulletin = Bulletin.objects.get()
    assert bulletin.org == ledger.street and bulletin.status == BulletinStatus.DRAFT
    assert page.locator("#bulletin-sheet [data-section]").count() == 4

    page.fill("#id_title", "建民街道整改工作周通报（浏览器）")
    page.fill("#id_requirements", "各社区本周五前反馈逾期问题整改情况。")
    page.locator("#save-draft").click()
    page.wait_for_selector("#edit-form")
    bulletin.refresh_from_db()
    assert bulletin.title == "建民街道整改工作周通报（浏览器）"
    assert "本周五前反馈" in page.locator("#bulletin-sheet").inner_text()

    page.locator("#issue").click()
    page.wait_for_selector('#bulletin-actions[data-status="issued"]')
    bulletin.refresh_from_db()
    assert (bulletin.status, bulletin.number) == (BulletinStatus.ISSUED, 1)
    assert page.locator("#edit-form").count() == 0

    with page.expect_download() as download_info:
        page.locator("#download-docx").click()
    document = Document(str(download_info.value.path()))
    assert document.paragraphs[0].text == "建民街道整改工作周通报（浏览器）"
    assert any("本周五前反馈" in paragraph.text for paragraph in document.paragraphs)

    # The street's leader reads the issued bulletin, without the editing tools.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    leader = context.new_page()
    try:
        log_in(leader, base, "leader")
        leader.goto(f"{base}/bulletins/")
        leader.locator(f'[data-bulletin="{bulletin.pk}"] a').click()
        leader.wait_for_selector("#bulletin-sheet")
        assert leader.locator("#issue").count() == 0 and leader.locator("#edit-form").count() == 0
    finally:
        context.close()
