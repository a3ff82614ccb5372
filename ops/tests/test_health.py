"""/healthz, /readyz and the readiness checks, including PostgreSQL going away."""

from __future__ import annotations

import socket

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test import override_settings

from ops.tcpproxy import TcpProxy

POSTGRES = ("127.0.0.1", 5432)


def _postgres_reachable() -> bool:
    try:
        socket.create_connection(POSTGRES, timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.django_db
def test_healthz_answers_without_touching_dependencies(client, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_readyz_reports_each_dependency(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "queue": "ok"}}


@pytest.mark.django_db
def test_readyz_names_a_broken_cache(client, monkeypatch) -> None:
    from ops import health

    monkeypatch.setattr(health, "check_cache", lambda: "ConnectionError: refused")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"] == "ConnectionError: refused"
    assert body["checks"]["database"] == "ok"


@pytest.fixture
def postgres_through_proxy():
    """A database alias ``viaproxy`` reaching the shared PostgreSQL through a relay the
    test can cut, as if the database server were stopped, and restore."""
    if not _postgres_reachable():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    proxy = TcpProxy(POSTGRES).start()
    settings_dict = connections.configure_settings(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "postgres",
                "USER": "postgres",
                "HOST": "127.0.0.1",
                "PORT": str(proxy.port),
                "OPTIONS": {"connect_timeout": 3},
            }
        }
    )["default"]
    # A connection made at run time, outside settings.DATABASES: Django's test case lets
    # such connections through, and it leaves the suite's own databases alone.
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "viaproxy")
    connections["viaproxy"] = wrapper
    try:
        yield proxy
    finally:
        proxy.cut()
        wrapper.close()
        del connections["viaproxy"]


@pytest.mark.django_db
def test_readyz_fails_while_postgresql_is_down_and_recovers(client, postgres_through_proxy) -> None:
    proxy = postgres_through_proxy
    with override_settings(READINESS_DATABASES=["default", "viaproxy"]):
        assert client.get("/readyz").status_code == 200

        proxy.cut()  # PostgreSQL "stopped": the open connection dies, new ones are refused
        response = client.get("/readyz")
        assert response.status_code == 503
        checks = response.json()["checks"]
        assert checks["database:viaproxy"] != "ok"
        assert checks["database"] == "ok"
        assert client.get("/readyz").status_code == 503  # stays down, no stale "ok"

        proxy.restore()  # back: the next probe reconnects by itself
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["checks"]["database:viaproxy"] == "ok"
