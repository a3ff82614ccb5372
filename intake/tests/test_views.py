"""Office and public pages of suggestions: triage, import, closure, and the public form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.html import element
from core.testing.spreadsheets import xlsx_bytes
from intake.choices import IntakeChannel, SuggestionStatus
from intake.models import Suggestion
from intake.tests.factories import suggestion_create

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def _public_form(tree, **changes):
    data = {
        "kind": "request",
        "community": tree.community_a.pk,
        "content": "小区路灯坏了",
        "submitter_name": "",
        "submitter_phone": "13712345678",
        "submitter_email": "",
        "captcha_0": "x",
        "captcha_1": "PASSED",
    }
    data.update(changes)
    return data


@pytest.mark.usefixtures("captcha_passes")
def test_public_submission_then_reply_and_verdict_by_code(client, tree, people):
    response = client.post(reverse("intake_public:submit"), _public_form(tree, content=SCRIPT))
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.channel == IntakeChannel.ONLINE
    page = client.get(reverse("intake_public:detail", args=[suggestion.query_code])).content.decode()
    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert element(page, "rate-form") is None
    client.force_login(people.clerk_a)
    client.post(
        reverse("intake:suggestion_action", args=[suggestion.pk, "answer"]),
        {"reply": "已修好", "expected_status": "received"},
    )
    client.logout()
    page = client.get(reverse("intake_public:detail", args=[suggestion.query_code])).content.decode()
    assert element(page, "reply") is not None and element(page, "rate-form") is not None
    client.post(reverse("intake_public:rate", args=[suggestion.query_code]), {"satisfied": "0", "comment": "还是不亮"})
    suggestion.refresh_from_db()
    assert suggestion.satisfied is False and suggestion.satisfaction_comment == "还是不亮"


@pytest.mark.usefixtures("captcha_passes")
def test_public_form_keeps_what_was_typed_on_a_bad_phone(client, tree):
    response = client.post(reverse("intake_public:submit"), _public_form(tree, submitter_phone="110"))
    assert response.status_code == 200
    html = response.content.decode()
    assert element(html, "error-submitter_phone") is not None and "小区路灯坏了" in html
    assert not Suggestion.objects.exists()


def test_a_wrong_captcha_answer_is_refused(client, tree):
    response = client.post(reverse("intake_public:submit"), _public_form(tree, captcha_1="7"))
    assert response.status_code == 200 and not Suggestion.objects.exists()


def test_triage_page_shows_similar_and_proposal_and_routes(client, tree, people):
    earlier = suggestion_create(community=tree.community_a, content="3号楼楼道路灯坏了一个月没人修")
    later = suggestion_create(community=tree.community_a, content="3号楼楼道的路灯坏了快一个月了，没人修")
    client.force_login(people.clerk_a)
    html = client.get(reverse("intake:suggestion_detail", args=[later.pk])).content.decode()
    similar = element(html, "similar")
    assert similar is not None and f'data-similar="{earlier.pk}"' in html
    assert element(html, "route-form") is not None
    response = client.post(
        reverse("intake:suggestion_action", args=[later.pk, "route"]),
        {"org": tree.department.pk, "expected_status": "received"},
    )
    assert response.status_code == 302
    later.refresh_from_db()
    assert (later.status, later.org) == (SuggestionStatus.ROUTED, tree.department)
    # Out of scope: another community's clerk gets a 404.
    client.force_login(people.clerk_b)
    assert client.get(reverse("intake:suggestion_detail", args=[later.pk])).status_code == 404


def test_list_is_scoped_and_filtered_by_channel(client, tree, people):
    mine = suggestion_create(community=tree.community_a)
    hotline = suggestion_create(community=tree.community_a, channel=IntakeChannel.HOTLINE, acting_user=people.clerk_a)
    other = suggestion_create(community=tree.community_b)
    client.force_login(people.clerk_a)
    html = client.get(reverse("intake:suggestion_list"), {"status": "all"}).content.decode()
    assert f'data-suggestion="{mine.pk}"' in html and f'data-suggestion="{other.pk}"' not in html
    html = client.get(reverse("intake:suggestion_list"), {"status": "all", "channel": "hotline"}).content.decode()
    assert f'data-suggestion="{hotline.pk}"' in html and f'data-suggestion="{mine.pk}"' not in html


def test_import_is_all_or_nothing_and_names_the_cell(client, tree, people):
    client.force_login(people.clerk_a)
    template = client.get(reverse("intake:suggestion_import"), {"template": "1"})
    assert template.status_code == 200 and template.content[:2] == b"PK"
    header = ["渠道", "类型", "社区", "收到日期", "内容", "姓名", "电话"]
    rows = [
        header,
        ["12345热线", "求助", "现代城社区", "2026-11-20", "楼道灯坏了", "王先生", "13812345678"],
        ["意见箱", "建议", "现代城社区", "2026-11-21", "希望增加座椅", "", ""],
        ["信访", "投诉", "居尚社区", "2026-11-21", "噪音扰民", "", "12345"],
    ]
    upload = xlsx_bytes(rows, sheet="群众意见")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("intake:suggestion_import"),
        {"file": SimpleUploadedFile("意见.xlsx", upload), "dry_run": "0"},
    )
    errors = element(response.content.decode(), "import-errors")
    assert errors is not None
    text = errors.text
    assert "群众意见" in text and "4" in text and "C" in text and "G" in text
    assert not Suggestion.objects.exists()
    good = xlsx_bytes(rows[:3], sheet="群众意见")
    response = client.post(
        reverse("intake:suggestion_import"), {"file": SimpleUploadedFile("意见.xlsx", good), "dry_run": "0"}
    )
    assert response.status_code == 302
    assert sorted(Suggestion.objects.values_list("channel", flat=True)) == ["hotline", "opinion_box"]


def test_closure_page(client, tree, people):
    from intake import services

    services.suggestion_answer(
        suggestion=suggestion_create(community=tree.community_a), acting_user=people.clerk_a, reply="已办"
    )
    client.force_login(people.leader)
    html = client.get(reverse("intake:closure")).content.decode()
    assert f'data-org-path="{tree.community_a.path}"' in html and 'data-rate="1.0"' in html
