"""The dashboard in Chromium: a street's leader sees its charts drawn with the street's
figures, and nothing of a sibling unit; the big screen draws its charts dark.

Assertions read element ids, data attributes and the database, never interface wording.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.testing.browser import log_in
from rectification.tests.factories import ProblemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()


@pytest.fixture
def ledger(tree):
    ProblemFactory(org=tree.community_a)
    ProblemFactory(org=tree.community_a, created_at=timezone.now() - datetime.timedelta(days=20))
    ProblemFactory(org=tree.community_b, deadline=TODAY - datetime.timedelta(days=5))
    ProblemFactory(org=tree.department, deadline=TODAY - datetime.timedelta(days=5))
    return tree


def test_leader_dashboard_draws_every_chart_for_the_street_only(live_server, page, people, ledger) -> None:
    base = live_server.url
    log_in(page, base, "leader")
    page.goto(f"{base}/dashboards/")
    panel = page.locator('[data-panel="rectification.ledger"]')
    charts = panel.locator("[data-dashboard-chart]")
    assert charts.count() == 4
    page.wait_for_function(
        "document.querySelectorAll('[data-panel=\"rectification.ledger\"] [data-chart-drawn]').length === 4"
    )
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.locator("canvas, svg").count() >= 1
        box = chart.bounding_box()
        assert box is not None and box["height"] > 100
    # The first card is the number of problems: the street's three, not the district's four.
    assert panel.locator('[data-card="0"]').inner_text().strip().startswith("3")
    content = page.content()
    assert "现代城社区" in content and "居尚社区" in content
    assert "经济发展局" not in content
    # The chart options themselves hold the street's units and not the sibling department.
    overdue_option = page.evaluate(
        'JSON.parse(document.getElementById(document.querySelectorAll(\'[data-panel="rectification.ledger"] '
        "[data-dashboard-chart]')[3].getAttribute('data-dashboard-chart')).textContent)"
    )
    assert overdue_option["yAxis"]["data"] == ["居尚社区"]


def test_big_screen_draws_dark_charts(live_server, page, people, ledger) -> None:
    base = live_server.url
    log_in(page, base, "supervisor")
    page.goto(f"{base}/dashboards/screen/")
    page.wait_for_function("document.querySelectorAll('[data-chart-drawn]').length >= 4")
    assert page.locator("#sidebar").count() == 0
    assert page.locator("body").get_attribute("data-chart-theme") == "dark"
    assert page.locator("[data-refresh-seconds]").get_attribute("data-refresh-seconds") == "60"
