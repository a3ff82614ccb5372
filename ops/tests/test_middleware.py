"""Request ids and the 503 for an unavailable database."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from ops.requestid import RequestIdFilter

pytestmark = [pytest.mark.urls("ops.tests.urls"), pytest.mark.django_db]


@pytest.fixture
def quiet_client() -> Client:
    return Client(raise_request_exception=False)


def test_every_response_carries_a_request_id(client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_the_proxy_request_id_is_kept_when_sane(client) -> None:
    assert client.get("/healthz", HTTP_X_REQUEST_ID="0123456789abcdef")["X-Request-ID"] == "0123456789abcdef"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")["X-Request-ID"]
    assert forged != "bad id\nwith newline"
    assert len(forged) == 32


def test_a_locked_database_is_a_503_with_retry_after(quiet_client) -> None:
    response = quiet_client.get("/test-locked/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["X-Taizhang-Unavailable"] == "database"
    assert response["X-Request-ID"].encode() in response.content
    assert b"database is locked" not in response.content


def test_the_api_gets_the_503_as_json(quiet_client) -> None:
    response = quiet_client.get("/api/test-locked/")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"


def test_other_errors_stay_500(quiet_client) -> None:
    assert quiet_client.get("/test-broken/").status_code == 500
    # An operational error that is a bug, not an outage, is not hidden behind a 503.
    assert quiet_client.get("/test-bad-query/").status_code == 500


def test_connection_failures_count_as_unavailable() -> None:
    import psycopg
    from django.db import InterfaceError, OperationalError

    from ops.middleware import is_database_unavailable

    try:
        raise OperationalError("server closed the connection") from psycopg.OperationalError("closed")
    except OperationalError as error:
        assert is_database_unavailable(error)
    assert is_database_unavailable(InterfaceError("connection already closed"))
    assert is_database_unavailable(OperationalError("database is locked"))
    assert not is_database_unavailable(ValueError("database is locked"))


def test_log_records_carry_the_request_id(client, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="ops.tests"):
        response = client.get("/test-logs/", HTTP_X_REQUEST_ID="req-1234567890")
    record = next(r for r in caplog.records if r.name == "ops.tests")
    assert RequestIdFilter().filter(record)
    assert record.request_id == "req-1234567890" == response["X-Request-ID"]


def test_json_log_line_has_the_request_id() -> None:
    from django.conf import settings
    from pythonjsonlogger.json import JsonFormatter

    options = dict(settings.LOGGING["formatters"]["json"])
    formatter = JsonFormatter(options["fmt"], rename_fields=options["rename_fields"])
    record = logging.LogRecord("taizhang", logging.INFO, __file__, 1, "saved %s", ("x",), None)
    record.request_id = "abc123abc123"
    line = json.loads(formatter.format(record))
    assert line["request_id"] == "abc123abc123"
    assert line["message"] == "saved x"
    assert line["level"] == "INFO"
