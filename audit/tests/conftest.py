from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from audit.context import Client, current_client
from core.testing.factories import person_with_role
from orgs.models import User


@pytest.fixture
def auditor(tree) -> User:  # type: ignore[no-untyped-def]
    """The audit administrator at the district (a root org)."""
    return person_with_role("audit_admin", tree.district, username="auditor_t", real_name="审计员")


@pytest.fixture
def security(tree) -> User:  # type: ignore[no-untyped-def]
    return person_with_role("security_admin", tree.district, username="security_t", real_name="安全员")


@contextlib.contextmanager
def request_from(address: str = "127.0.0.1") -> Iterator[None]:
    """What ``AuditContextMiddleware`` sets while a request runs, for service calls made
    the way a view makes them."""
    token = current_client.set(Client(address=address, user_agent="pytest"))
    try:
        yield
    finally:
        current_client.reset(token)
