"""HTTP Basic authentication for the API that keeps the sign-in rules.

A password sent with each API request would otherwise skip what the sign-in page
enforces: an account with an authenticator would need no code, and an account whose
password someone else set could go on using it. Those accounts use the API through a
signed-in session (the web sign-in) instead.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.authentication import BasicScheme
from rest_framework import authentication, exceptions

from accounts import services


class BasicAuthentication(authentication.BasicAuthentication):
    def authenticate_credentials(self, userid: str, password: str, request: Any = None) -> tuple[Any, None]:
        user, auth = super().authenticate_credentials(userid, password, request)
        if services.must_change_password(user):
            raise exceptions.AuthenticationFailed(
                _("Your password was set by someone else: change it before going on."),
                code="password_change_required",
            )
        if services.otp_device(user) is not None or services.otp_required(user):
            raise exceptions.AuthenticationFailed(
                _("This account signs in with two-step verification: sign in on the web page, not with a password."),
                code="otp_required",
            )
        return user, auth


class BasicAuthenticationScheme(BasicScheme):
    """The OpenAPI schema names this class as HTTP Basic, like DRF's own (without it
    drf-spectacular warns on every viewset, and ``check --deploy`` is not clean)."""

    target_class = "accounts.authentication.BasicAuthentication"
