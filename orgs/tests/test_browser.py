"""A community clerk logs in through Chromium and sees only that community."""

from __future__ import annotations

import pytest

from core.testing.browser import log_in
from core.testing.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_community_clerk_sees_only_their_community(live_server, page, tree, people):
    UserFactory(username="resident_a", real_name="王小明", home_org=tree.grid_a)
    UserFactory(username="resident_b", real_name="李大华", home_org=tree.community_b)
    stranger = UserFactory(username="resident_c", real_name="赵不见", home_org=tree.department)

    log_in(page, live_server.url, "clerk_a")
    assert page.locator("#my-grants").inner_text().count("现代城社区") == 1
    # the overview counts only community A's subtree: community + grid, clerk + member + resident
    assert page.locator("#count-orgs").inner_text() == "2"
    assert page.locator("#count-people").inner_text() == "3"

    page.goto(f"{live_server.url}/orgs/")
    tree_text = page.locator("#org-tree").inner_text()
    assert "现代城社区" in tree_text
    assert "居尚社区" not in tree_text and "建民街道" not in tree_text
    page.click("#node-AK-JM-XDC .tree-toggle")
    page.wait_for_selector("#node-AK-JM-XDC-01")
    assert "现代城第一网格" in page.locator("#org-tree").inner_text()

    page.goto(f"{live_server.url}/orgs/people/")
    table = page.locator("#people-table").inner_text()
    assert "王小明" in table
    assert "李大华" not in table and "赵不见" not in table
    assert page.locator("#people-count").inner_text() == "3"

    response = page.goto(f"{live_server.url}/orgs/people/{stranger.pk}/")
    assert response.status == 404
    response = page.goto(f"{live_server.url}/orgs/AK-JM-JS/")
    assert response.status == 404
    response = page.goto(f"{live_server.url}/api/people/")
    assert "李大华" not in page.content() and "王小明" in page.content()
