"""Helpers for the accounts tests: people made through the services, TOTP codes."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp.oath import TOTP

from orgs.models import Org, User
from orgs.services import person_create

INITIAL_PASSWORD = "Initial@2026"


def person_with_initial_password(*, admin: User, org: Org, username: str = "newcomer", **fields: Any) -> User:
    """A person whose password an administrator chose (so must change it)."""
    fields.setdefault("real_name", "王新来")
    fields.setdefault("mobile", "13912345678")
    return person_create(acting_user=admin, username=username, home_org=org, password=INITIAL_PASSWORD, **fields)


def totp_code(device: Any, *, offset_steps: int = 0) -> str:
    """The code the authenticator app shows now (``offset_steps`` steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, username: str, password: str, **extra: Any) -> Any:
    """Post the sign-in form as a browser would."""
    return client.post("/login/", {"username": username, "password": password}, **extra)
