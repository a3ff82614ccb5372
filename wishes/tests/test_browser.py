"""A wish from the resident's phone to its confirmation, through Chromium on a
phone-sized screen: the resident posts a wish and notes the query code; a party member
logs in on the phone, claims it on the wall and reports it fulfilled with a photo; the
resident opens the code page, sees the photo and confirms with a rating.

Assertions read element ids and the database, never interface wording.
"""

from __future__ import annotations

import pytest

from core.testing.browser import log_in
from wishes.choices import WishStatus
from wishes.models import Wish
from wishes.tests.factories import photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_resident_posts_member_claims_and_fulfils_resident_confirms(
    phone_page, live_server, tree, people, captcha_passes, tmp_path
):
    base = live_server.url
    page = phone_page
    # The resident, not logged in, from the public start page.
    page.goto(f"{base}/public/wishes/")
    page.click("#post-wish")
    page.select_option("#id_community", str(tree.community_a.pk))
    page.fill("#id_title", "给独居的王奶奶买一台收音机")
    page.fill("#id_beneficiary", "独居老人王奶奶")
    page.fill("#id_submitter_name", "王小明")
    page.fill("#id_submitter_phone", "139 1234 5678")
    page.fill("#id_captcha_1", "PASSED")
    page.click("#submit-wish")
    code = page.inner_text("#query-code").strip()
    wish = Wish.objects.get()
    assert code == wish.query_code and wish.submitter_phone == "13912345678"

    # A party member of the community, on the phone, claims it from the wall.
    context = page.context
    context.clear_cookies()
    log_in(page, base, people.member_a.username)
    page.goto(f"{base}/wishes/")
    page.click(f"[data-wish='{wish.pk}']")
    page.click("#claim")
    page.wait_for_selector("#fulfil-form")
    assert Wish.objects.get(pk=wish.pk).owner == people.member_a
    picture = tmp_path / "radio.jpg"
    picture.write_bytes(photo().read())
    page.set_input_files("#id_photos", str(picture))
    page.fill("#id_note", "已送到王奶奶家并教会使用")
    page.click("#fulfil")
    page.wait_for_selector("#photos img")
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.FULFILLED

    # The resident again, with only the code.
    context.clear_cookies()
    page.goto(f"{base}/public/wishes/query/")
    page.fill("#id_code", code.lower())
    page.click("#look-up")
    page.wait_for_selector("#confirm-form")
    assert page.locator("#photos img").count() == 1
    page.check("#id_rating_0")
    page.fill("#id_thanks", "谢谢党员同志！")
    page.click("#confirm")
    page.wait_for_selector("#rating")
    wish.refresh_from_db()
    assert (wish.status, wish.rating, wish.thanks) == (WishStatus.CONFIRMED, 5, "谢谢党员同志！")
