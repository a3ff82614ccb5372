"""The Prometheus endpoint: who may read it, and the figures Taizhang adds."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.test import override_settings

from ops.metrics import OVERDUE_CACHE_KEY, count_overdue
from ops.tasks import refresh_overdue_count
from rectification.choices import ItemStatus
from rectification.tests.factories import ProblemFactory

pytestmark = pytest.mark.django_db


def test_metrics_from_the_machine_itself(client) -> None:
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_total_by_method_total" in text
    assert "django_http_requests_latency_seconds_by_view_method" in text
    assert "taizhang_queue_pending_tasks" in text


def test_metrics_refused_through_the_proxy_or_from_afar(client) -> None:
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403


@override_settings(METRICS_TOKEN="s3cret-token")
def test_metrics_with_the_token_from_anywhere(client) -> None:
    assert (
        client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200
    )
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403


def test_overdue_gauge_comes_from_the_cached_count(client, django_assert_max_num_queries) -> None:
    today = datetime.date(2026, 11, 23)
    ProblemFactory(deadline=today - datetime.timedelta(days=3))
    ProblemFactory(deadline=today - datetime.timedelta(days=3), status=ItemStatus.CLOSED)
    ProblemFactory(deadline=today + datetime.timedelta(days=30))
    assert count_overdue(today)["rectification.problem"] == 1

    assert cache.get(OVERDUE_CACHE_KEY) is None
    refresh_overdue_count.call_local()
    assert cache.get(OVERDUE_CACHE_KEY)["counts"]["rectification.problem"] >= 1

    with django_assert_max_num_queries(0):  # a scrape counts nothing in the database
        text = client.get("/metrics").content.decode()
    assert 'taizhang_overdue_items{model="rectification.problem"}' in text
