"""The public progress page on a phone, as a resident sees it: no login, no personal data."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from public import services
from rectification import services as ledger
from rectification.tests.factories import ProblemFactory


@pytest.mark.django_db(transaction=True)
def test_public_page_shows_a_published_project_without_personal_data(live_server, phone_page, tree, people) -> None:  # type: ignore[no-untyped-def]
    people.clerk_a.real_name = "赵卫东"
    people.clerk_a.mobile = "13987654321"
    people.clerk_a.save()
    problem = ProblemFactory(
        org=tree.community_a,
        campaign__org=tree.district,
        owner=people.clerk_a,
        title="背街小巷路灯修复",
        deadline=timezone.localdate() + datetime.timedelta(days=20),
    )
    ledger.progress_report(
        item=problem, acting_user=people.clerk_a, text="赵卫东带队修复路灯32盏，联系电话13987654321。", percent=80
    )
    services.publication_publish(item=problem, acting_user=people.supervisor, public_title="背街小巷路灯修复工程")

    page = phone_page
    page.goto(f"{live_server.url}/public/")
    page.click("#public-progress-tile")
    page.wait_for_url(f"{live_server.url}/public/progress/")
    card = page.locator("article.public-card").first
    assert "背街小巷路灯修复工程" in card.inner_text()
    card.locator("a").first.click()
    page.wait_for_selector("#publication")
    body = page.locator("body").inner_text()
    assert "赵卫东" not in body and "13987654321" not in body
    assert "赵**" in page.locator("#public-progress").inner_text()
    assert "139****4321" in body
    assert page.locator("#public-status").inner_text().strip() != ""
    # Phone first: nothing wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
