"""The dashboard and big screen through Django's client: scope, periods, errors."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core import statistics
from rectification.choices import ClosureKind, ItemStatus
from rectification.tests.factories import MeasureFactory, ProblemFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def ledger(tree):
    """Two problems in community A (one rectified), one overdue in community B, one in the department."""
    ProblemFactory(org=tree.community_a)
    done = ProblemFactory(org=tree.community_a)
    Problem = type(done)
    Problem.objects.filter(pk=done.pk).update(
        status=ItemStatus.CLOSED, closure_kind=ClosureKind.RECTIFIED, closed_at=timezone.now()
    )
    ProblemFactory(org=tree.community_b, deadline=TODAY - datetime.timedelta(days=3))
    department = ProblemFactory(org=tree.department)
    MeasureFactory(problem=department)
    return tree


def ledger_block(response):
    return next(e["block"] for e in response.context["panels"] if e["block"].name == "rectification.ledger")


def cards(response) -> list:
    block = ledger_block(response)
    return [card.value for card in block.cards]


def test_supervisor_sees_the_district_figures_with_every_chart(client, people, ledger) -> None:
    client.force_login(people.supervisor)
    response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 200
    assert cards(response)[:3] == [4, 1, 1]
    entry = next(entry for entry in response.context["panels"] if entry["block"].name == "rectification.ledger")
    assert len(entry["charts"]) == 4
    html = response.content.decode()
    for chart in entry["charts"]:
        assert f'data-dashboard-chart="{chart["id"]}"' in html
        assert f'id="{chart["id"]}"' in html  # the json_script with its option
    assert "经济发展局" in html  # a unit of the district in the rankings


def test_leader_sees_only_the_street(client, people, ledger) -> None:
    client.force_login(people.leader)
    response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 200
    assert cards(response)[0] == 3  # the department's problem is outside the street
    html = response.content.decode()
    assert "现代城社区" in html and "居尚社区" in html
    assert "经济发展局" not in html


def test_leader_cannot_ask_for_a_sibling_unit(client, people, ledger) -> None:
    client.force_login(people.leader)
    assert client.get(reverse("dashboards:dashboard"), {"org": "AK-JJ"}).status_code == 404


def test_an_org_narrows_to_its_subtree(client, people, ledger) -> None:
    client.force_login(people.supervisor)
    response = client.get(reverse("dashboards:dashboard"), {"org": "AK-JM-XDC"})
    assert cards(response)[:3] == [2, 0, 1]
    assert response.context["scope"].org == ledger.community_a


def test_member_without_reading_role_is_refused(client, people, ledger) -> None:
    client.force_login(people.member_a)
    assert client.get(reverse("dashboards:dashboard")).status_code == 403
    assert client.get(reverse("dashboards:screen")).status_code == 403


def test_anonymous_is_sent_to_log_in(client) -> None:
    response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_periods(client, people, ledger) -> None:
    client.force_login(people.supervisor)
    response = client.get(reverse("dashboards:dashboard"), {"period": "last_month", "date": "2026-11-19"})
    scope = response.context["scope"]
    assert (scope.period_start, scope.period_end) == (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
    response = client.get(
        reverse("dashboards:dashboard"),
        {"period": "custom", "date": "2026-11-19", "from": "2026-11-02", "to": "2026-11-10"},
    )
    scope = response.context["scope"]
    assert (scope.period_start, scope.period_end) == (datetime.date(2026, 11, 2), datetime.date(2026, 11, 10))


def test_a_bad_date_keeps_the_page_and_says_why(client, people, ledger) -> None:
    client.force_login(people.supervisor)
    response = client.get(reverse("dashboards:dashboard"), {"date": "2026-13-40", "org": "AK-JM"})
    assert response.status_code == 200
    assert response.context["query"].error
    assert response.context["scope"].org == ledger.street
    assert 'id="dashboard-error"' in response.content.decode()


def test_a_provider_that_raises_leaves_a_note(client, people, ledger, monkeypatch) -> None:
    def broken(*, scope):
        raise RuntimeError("database away")

    monkeypatch.setitem(statistics._providers, "rectification", broken)
    client.force_login(people.supervisor)
    response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 200
    block = ledger_block(response)
    assert block.note and not block.cards


def test_big_screen_refreshes_and_has_no_office_menu(client, people, ledger) -> None:
    client.force_login(people.supervisor)
    response = client.get(reverse("dashboards:screen"), {"org": "AK-JM"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-refresh-seconds="60"' in html
    assert 'id="sidebar"' not in html
    assert 'data-chart-theme="dark"' in html
    assert "建民街道" in html


def test_dashboard_figures_equal_the_statistics_api(client, people, ledger, monkeypatch) -> None:
    # The ledger's provider alone: other apps' figures are not what this compares.
    monkeypatch.setattr(statistics, "_providers", {"rectification": statistics.providers()["rectification"]})
    client.force_login(people.leader)
    api = client.get("/api/statistics/", {"date": TODAY.isoformat()}).json()["rectification"]["problems"]
    response = client.get(reverse("dashboards:dashboard"), {"date": TODAY.isoformat()})
    values = cards(response)
    assert values[0] == api["total"] and values[2] == api["rectified"] and values[4] == api["overdue"]


def test_query_count_does_not_grow_with_units(client, people, ledger, monkeypatch, settings) -> None:
    """The by-unit figures are one grouped query: more units, same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.testing.factories import org_create

    settings.DASHBOARD_CACHE_SECONDS = 0

    monkeypatch.setattr(statistics, "_providers", {"rectification": statistics.providers()["rectification"]})
    client.force_login(people.supervisor)
    client.get(reverse("dashboards:dashboard"))  # caches filled (calendar, content types)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("dashboards:dashboard"))
    for n in range(4):
        ProblemFactory(org=org_create(parent=ledger.district, name=f"新单位{n}"))
    with CaptureQueriesContext(connection) as after:
        response = client.get(reverse("dashboards:dashboard"))
    assert "新单位3" in response.content.decode()
    assert [q["sql"][:40] for q in after.captured_queries] == [q["sql"][:40] for q in before.captured_queries]


def test_figures_are_reused_for_the_same_reach_within_the_minute(client, people, ledger, tree, settings) -> None:
    from core.testing.factories import person_with_role

    settings.DASHBOARD_CACHE_SECONDS = 60
    second_leader = person_with_role("leader", tree.street, username="leader_two")
    client.force_login(people.leader)
    assert cards(client.get(reverse("dashboards:dashboard")))[0] == 3
    ProblemFactory(org=tree.community_a)
    client.force_login(second_leader)  # same reach: the figures of a moment ago
    assert cards(client.get(reverse("dashboards:dashboard")))[0] == 3
    client.force_login(people.supervisor)  # another reach, counted afresh
    assert cards(client.get(reverse("dashboards:dashboard"), {"org": "AK-JM"}))[0] == 4
    settings.DASHBOARD_CACHE_SECONDS = 0
    client.force_login(people.leader)
    assert cards(client.get(reverse("dashboards:dashboard")))[0] == 4


def test_a_malformed_campaign_says_why(client, people, ledger) -> None:
    client.force_login(people.supervisor)
    response = client.get(reverse("dashboards:dashboard"), {"campaign": "abc", "org": "AK-JM"})
    assert response.status_code == 200
    assert response.context["query"].error and response.context["scope"].campaign is None
    assert client.get(reverse("dashboards:dashboard"), {"campaign": "999999"}).status_code == 404
