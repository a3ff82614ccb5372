"""The campaign office plans two visits to one enterprise in Chromium and sees the
crowding warning before the second is saved. Assertions read ids and the database."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.testing.browser import log_in
from core.testing.factories import person_with_role
from research.models import Visit
from research.tests.factories import EntityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_plans_two_visits_to_one_enterprise_and_sees_the_warning(live_server, page, tree, people):
    first = person_with_role("leader", tree.district, username="county_one", real_name="罗书记")
    second = person_with_role("leader", tree.district, username="county_two", real_name="陈主任")
    entity = EntityFactory(org=tree.community_a, name="安康富硒茶业有限公司")
    day = timezone.localdate() + datetime.timedelta(days=10)
    log_in(page, live_server.url, "supervisor")

    def plan(leader, hour):
        page.goto(f"{live_server.url}/research/visits/new/")
        page.fill("#id_org", "AK")
        page.select_option("#id_leader", str(leader.pk))
        page.select_option("#id_entity", str(entity.pk))
        page.fill("#id_starts_at", f"{day.isoformat()}T{hour:02d}:00")
        page.fill("#id_ends_at", f"{day.isoformat()}T{hour + 2:02d}:00")
        page.click("#visit-save")

    plan(first, 9)
    page.wait_for_url(f"{live_server.url}/research/visits/*/")
    plan(second, 14)
    warning = page.locator("#visit-conflicts")
    warning.wait_for()
    assert warning.locator("[data-conflict=crowding]").count() == 1
    assert Visit.objects.count() == 1
    page.check("#id_confirm")
    page.click("#visit-save")
    page.wait_for_url(f"{live_server.url}/research/visits/*/")
    assert list(Visit.objects.order_by("pk").values_list("leader__username", "conflicts_confirmed")) == [
        ("county_one", False),
        ("county_two", True),
    ]
    page.goto(f"{live_server.url}/research/visits/week/?week={day.isoformat()}")
    assert page.locator(f"td[data-day='{day.isoformat()}'] [data-visit]").count() == 2
