"""At every sign-in: note when and from where, tell the account holder about the one
before, and set the session flags the gate middleware reads (so that ordinary requests
need no query to know there is nothing to enforce)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services
from accounts.middleware import LAST_ACTIVITY_KEY, MUST_CHANGE_KEY, OTP_ENROL_KEY
from core.citizens import client_address
from core.templatetags.taizhang import cn_datetime


@receiver(user_logged_in, dispatch_uid="accounts_signed_in")
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    address = client_address(request) if request is not None and hasattr(request, "META") else ""
    security = services.sign_in_record(user=user, address=address)
    if request is None or not hasattr(request, "session"):
        return
    session = request.session
    session[LAST_ACTIVITY_KEY] = time.time()
    if security.must_change_password:
        session[MUST_CHANGE_KEY] = True
    if services.otp_required(user) and services.otp_device(user) is None:
        session[OTP_ENROL_KEY] = True
    if security.previous_login_at is not None:
        text = _("Last sign-in: %(time)s from %(address)s") % {
            "time": cn_datetime(timezone.localtime(security.previous_login_at)),
            "address": security.previous_login_address or _("an unknown address"),
        }
    else:
        text = _("This is the first sign-in of this account.")
    messages.info(request, text, fail_silently=True)
