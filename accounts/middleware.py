"""Two gates every signed-in request passes.

``IdleSessionMiddleware`` ends a session after ``SESSION_IDLE_MINUTES`` without a request.
``AccountGateMiddleware`` lets an account whose password someone else set reach only the
password change page, and a holder of a role in ``OTP_REQUIRED_ROLES`` without an
authenticator only the two-step set-up, until done; the API answers those with a 403.

Both read only the session (flags set at sign-in by ``accounts.receivers``), so ordinary
requests cost no query.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

LAST_ACTIVITY_KEY = "accounts:last_activity"
MUST_CHANGE_KEY = "accounts:must_change_password"
OTP_ENROL_KEY = "accounts:otp_enrol"
# The last activity is written back at most once a minute, not on every request.
ACTIVITY_RESOLUTION_SECONDS = 60
API_PREFIX = "/api/"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _client_redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect the browser follows, also from an HTMX request (which would otherwise
    swap the target page into a fragment)."""
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class IdleSessionMiddleware:
    """Sign out a session that made no request for ``SESSION_IDLE_MINUTES``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY not in session:
            return self.get_response(request)
        now = time.time()
        last = session.get(LAST_ACTIVITY_KEY)
        idle_seconds = int(getattr(settings, "SESSION_IDLE_MINUTES", 30)) * 60
        if isinstance(last, (int, float)) and idle_seconds > 0 and now - last > idle_seconds:
            self._sign_out(request)
            if request.path_info.startswith(API_PREFIX):
                return self.get_response(request)
            return _client_redirect(request, redirect_to_login(request.get_full_path())["Location"])
        if not isinstance(last, (int, float)) or now - last > ACTIVITY_RESOLUTION_SECONDS:
            session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _sign_out(request: HttpRequest) -> None:
        """Like ``django.contrib.auth.logout``, but the audit entry says why."""
        from audit.models import Category
        from audit.services import audit_record

        user = request.user
        if getattr(user, "is_authenticated", False):
            audit_record("logout", category=Category.AUTH, actor=user, target=user, detail="idle")
        request.session.flush()
        request.user = AnonymousUser()
        minutes = int(getattr(settings, "SESSION_IDLE_MINUTES", 30))
        messages.info(
            request,
            _("You were signed out after %(minutes)d minutes without activity. Please sign in again.")
            % {"minutes": minutes},
            fail_silently=True,
        )


class AccountGateMiddleware:
    """Nothing but the password change (or the two-step set-up) until it is done."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY not in session:
            return self.get_response(request)
        if session.get(MUST_CHANGE_KEY):
            target, allowed = "accounts:password_change", ("accounts:password_change",)
            code = "password_change_required"
            message = _("Your password was set by someone else: change it before going on.")
        elif session.get(OTP_ENROL_KEY):
            target, allowed = "accounts:otp_setup", ("accounts:otp_setup", "accounts:otp_qr")
            code = "otp_enrolment_required"
            message = _("Your role requires two-step verification: set it up before going on.")
        else:
            return self.get_response(request)
        path = request.path_info
        open_paths = {reverse(name) for name in (*allowed, "logout", "set_language", "javascript-catalog")}
        if path in open_paths or path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        if path.startswith(API_PREFIX):
            return JsonResponse({"detail": message, "code": code}, status=403)
        return _client_redirect(request, reverse(target))
