"""The public wish pages: posting (captcha, rate limit, bad numbers), escaping, and the
query code that shows only its own wish."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from core.testing.html import element
from wishes.choices import WishStatus
from wishes.models import Wish
from wishes.tests.factories import wish_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tree")]

SCRIPT = '<script>alert("x")</script>'


def _form(tree, **changes):
    data = {
        "community": tree.community_a.pk,
        "title": "帮孙子辅导数学",
        "beneficiary": "留守儿童小明",
        "description": "",
        "submitter_name": "张大爷",
        "submitter_phone": "13912345678",
        "submitter_email": "",
        "captcha_0": "anything",
        "captcha_1": "PASSED",
    }
    data.update(changes)
    return data


@pytest.mark.usefixtures("captcha_passes")
def test_posting_gives_the_code_and_puts_it_on_the_wall(client, tree):
    response = client.post(reverse("wishes_public:post"), _form(tree))
    assert response.status_code == 302
    wish = Wish.objects.get()
    assert (wish.status, wish.org, wish.submitter_phone) == (WishStatus.POSTED, tree.community_a, "13912345678")
    page = client.get(response["Location"])
    assert element(page.content.decode(), "query-code").text.strip() == wish.query_code
    wall = client.get(reverse("wishes_public:wall", args=[tree.community_a.code])).content.decode()
    assert "帮孙子辅导数学" in wall
    assert "13912345678" not in wall and "张大爷" not in wall and "张**" in wall


def test_a_wrong_captcha_answer_is_refused(client, tree):
    response = client.post(reverse("wishes_public:post"), _form(tree, captcha_1="41"))
    assert response.status_code == 200
    assert not Wish.objects.exists()
    assert "captcha" in response.context["form"].errors


@pytest.mark.usefixtures("captcha_passes")
def test_a_bad_phone_is_named_and_the_form_keeps_what_was_typed(client, tree):
    response = client.post(reverse("wishes_public:post"), _form(tree, submitter_phone="1391234"))
    assert response.status_code == 200
    assert not Wish.objects.exists()
    html = response.content.decode()
    assert element(html, "error-submitter_phone") is not None
    assert 'value="帮孙子辅导数学"' in html and 'value="留守儿童小明"' in html and 'value="1391234"' in html


@pytest.mark.usefixtures("captcha_passes")
def test_a_script_tag_shows_as_text_everywhere(client, tree, people):
    client.post(reverse("wishes_public:post"), _form(tree, title=SCRIPT, beneficiary=SCRIPT, submitter_name=SCRIPT))
    wish = Wish.objects.get()
    assert wish.title == SCRIPT
    pages = [
        client.get(reverse("wishes_public:wall", args=[tree.community_a.code])),
        client.get(reverse("wishes_public:detail", args=[wish.query_code])),
    ]
    client.force_login(people.clerk_a)
    pages += [client.get(reverse("wishes:wish_list")), client.get(reverse("wishes:wish_detail", args=[wish.pk]))]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert SCRIPT not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.usefixtures("captcha_passes")
@override_settings(PUBLIC_SUBMISSIONS_PER_MINUTE=30)
def test_the_31st_submission_in_a_minute_from_one_address_is_refused(client, tree):
    for n in range(30):
        response = client.post(reverse("wishes_public:post"), _form(tree, title=f"心愿{n}"), REMOTE_ADDR="10.1.1.1")
        assert response.status_code == 302, n
    refused = client.post(reverse("wishes_public:post"), _form(tree, title="第31个"), REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429
    assert element(refused.content.decode(), "form-errors") is not None
    assert 'value="第31个"' in refused.content.decode()
    assert Wish.objects.count() == 30
    # Another address is not held back.
    other = client.post(reverse("wishes_public:post"), _form(tree, title="别处"), REMOTE_ADDR="10.1.1.2")
    assert other.status_code == 302


def test_a_query_code_shows_only_its_own_wish(client, tree):
    mine = wish_create(community=tree.community_a, title="修好楼下的晾衣架")
    other = wish_create(community=tree.community_a, title="给张奶奶送一袋米", submitter_phone="13811112222")
    html = client.get(reverse("wishes_public:detail", args=[mine.query_code])).content.decode()
    assert "修好楼下的晾衣架" in html
    assert "给张奶奶送一袋米" not in html and other.query_code not in html
    assert "13912345678" not in html
    assert client.get(reverse("wishes_public:detail", args=["ACDEFGHJKM"])).status_code == 404
    # Typed in lower case with spaces, the look-up still finds it.
    response = client.post(
        reverse("wishes_public:query"), {"code": " " + mine.query_code.lower()[:5] + " " + mine.query_code.lower()[5:]}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/{mine.query_code}/")
    wrong = client.post(reverse("wishes_public:query"), {"code": "ACDEFGHJKM"})
    assert wrong.status_code == 200 and element(wrong.content.decode(), "error-code") is not None
