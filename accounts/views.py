"""Sign-in (password, then the authenticator code where the account has one), password
change, two-step verification set-up, and the lockout page django-axes shows."""

from __future__ import annotations

import ipaddress
import time
from typing import Any
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_lockout_response
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from accounts import services
from accounts.forms import PasswordChangeForm, TokenForm
from accounts.middleware import MUST_CHANGE_KEY, OTP_ENROL_KEY
from core.citizens import client_address
from core.errors import DomainError
from orgs.models import User

# Between the password and the code: who passed the password, and when.
PENDING_KEY = "accounts:pending_sign_in"
PENDING_SECONDS = 300


class SignInView(auth_views.LoginView):
    """The password step. An account with an authenticator is not signed in yet: it is
    remembered in the session for five minutes and asked for a code next."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["lockout_failures"] = settings.AXES_FAILURE_LIMIT
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if services.otp_device(user) is None:
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("login_verify")


def _pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return (user, pending) if user is not None else None


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
def sign_in_verify(request: HttpRequest) -> HttpResponse:
    """The second step: the code from the account's authenticator. A wrong code counts as
    a failed sign-in towards the lockout, like a wrong password."""
    found = _pending(request)
    if found is None:
        request.session.pop(PENDING_KEY, None)
        messages.warning(request, _("Sign in again: the code was not entered in time."))
        return redirect("login")
    user, pending = found
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        request.session.pop(PENDING_KEY, None)
        return get_lockout_response(request, None, credentials)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.otp_throttled(user):
            # A code typed again within the back-off after a wrong one: refused unchecked,
            # and not counted as another failure.
            form.add_error("token", _("Too many wrong codes: wait a few seconds, then enter the new code."))
            return render(request, "accounts/login_verify.html", {"form": form, "person": user})
        device = services.otp_check(user=user, token=form.cleaned_data["token"])
        if device is not None:
            request.session.pop(PENDING_KEY, None)
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            next_url = pending.get("next") or settings.LOGIN_REDIRECT_URL
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = settings.LOGIN_REDIRECT_URL
            return redirect(next_url)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING_KEY, None)
        form.add_error("token", _("The code is not right. Enter the 6 digits the app shows now."))
    return render(request, "accounts/login_verify.html", {"form": form, "person": user})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Everyone's own password; the page the gate sends an account to while its password
    is one someone else set."""

    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["forced"] = bool(self.request.session.get(MUST_CHANGE_KEY))
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            services.password_change(user=self.request.user, new_password=form.cleaned_data["new_password1"])
        except DomainError as error:
            form.add_error("new_password1", error.message)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, self.request.user)
        self.request.session.pop(MUST_CHANGE_KEY, None)
        messages.success(self.request, _("Your password was changed."))
        return redirect(self.get_success_url())


@login_required
@sensitive_post_parameters("token")
@never_cache
def otp_setup(request: HttpRequest) -> HttpResponse:
    """两步验证: add an authenticator (scan the code, confirm with a code), or remove it."""
    user = request.user
    device = services.otp_device(user)
    required = services.otp_required(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "remove":
                services.otp_remove(user=user, token=form.cleaned_data["token"])
                request.session.pop("otp_device_id", None)
                if required:
                    request.session[OTP_ENROL_KEY] = True
                messages.success(request, _("Two-step verification was turned off."))
            else:
                device = services.otp_enrolment_confirm(user=user, token=form.cleaned_data["token"])
                otp_login(request, device)
                request.session.pop(OTP_ENROL_KEY, None)
                messages.success(request, _("Two-step verification is on: sign-ins now ask for a code."))
            return redirect("accounts:otp_setup")
        except DomainError as error:
            form.add_error("token", error.message)
    enrolling = services.otp_enrolment_start(user=user) if device is None else None
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "device": device,
            "enrolling": enrolling,
            "secret": services.otp_secret(enrolling) if enrolling is not None else "",
            "required": required,
            "forced": bool(request.session.get(OTP_ENROL_KEY)),
        },
    )


@login_required
@never_cache
def otp_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the authenticator being added, as SVG (an image, not inline markup,
    so a strict Content-Security-Policy needs nothing special)."""
    device = services.otp_device(request.user, confirmed=False)
    if device is None:
        return HttpResponse(status=404)
    response = HttpResponse(content_type="image/svg+xml")
    # A white background: a dark theme must not make the code unreadable to a camera.
    segno.make(device.config_url, error="m").save(response, kind="svg", xmldecl=False, scale=5, border=4, light="#fff")
    return response


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's own sign-in page would skip the second factor: send it to ours."""
    url = reverse("login")
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        url += "?" + urlencode({"next": next_url})
    return redirect(url)


def axes_client_address(request: HttpRequest) -> str | None:
    """The client's address for django-axes (``AXES_CLIENT_IP_CALLABLE``): the audit
    log's, or ``None`` when there is none that is an IP address (a test client's
    ``force_login`` has no ``REMOTE_ADDR``), which PostgreSQL's inet column refuses."""
    address = client_address(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' answer to a locked account (``AXES_LOCKOUT_CALLABLE``): a page saying
    until when, in the user's language, with the status axes would use."""
    username = get_client_username(request, credentials) or ""
    cool_off = get_cool_off(request)
    latest = AccessAttempt.objects.filter(username=username).order_by("-attempt_time").first() if username else None
    unlock_at = (latest.attempt_time if latest is not None else timezone.now()) + cool_off if cool_off else None
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
    return render(
        request,
        "accounts/lockout.html",
        {
            "unlock_at": timezone.localtime(unlock_at) if unlock_at else None,
            "minutes": minutes,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
