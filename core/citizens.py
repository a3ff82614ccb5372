"""What every page the public touches shares: query codes (查询码), mainland mobile
numbers, per-address rate limits against flooding, and telling a submitter that their
item moved (by e-mail, and by SMS where a gateway is configured).

Used by the public forms of ``wishes`` and ``intake``; nothing here reads an item's
model, so both apps call it without depending on each other.

Settings, all optional and read when used (never at import time):

- ``PUBLIC_SUBMISSIONS_PER_MINUTE`` (30): submissions one address may make in a minute;
  the next one is refused with a message in Chinese.
- ``PUBLIC_TRUSTED_PROXIES`` (0): how many reverse proxies in front of Taizhang append
  to ``X-Forwarded-For``. With 0 the address is ``REMOTE_ADDR`` and the header is
  ignored (a client can write anything there); with 1 it is the last address the proxy
  appended, and so on.
- ``SMS_GATEWAY_URL`` (""): where a JSON ``{"mobile", "message"}`` is POSTed for each
  text message; empty means no SMS.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import urllib.request
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud or copied by hand stays right.
QUERY_CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
QUERY_CODE_LENGTH = 10  # 25**10 ≈ 9.5e13 codes: guessing one is hopeless at any rate limit
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
DEFAULT_PER_MINUTE = 30


class QueryCodeHolder:
    """The resident who holds an item's query code: not logged in, but may act on that
    one item (confirm a wish, say whether an answer satisfied them) and on no other.

    It stands in for the acting user in a workflow transition: it is not authenticated,
    so events record no actor and attachments no uploader."""

    is_authenticated = False
    is_superuser = False
    pk = None

    def __init__(self, item: object) -> None:
        self.item_key = (type(item), getattr(item, "pk", None))

    def holds(self, item: object) -> bool:
        return self.item_key == (type(item), getattr(item, "pk", None))


def query_code_new() -> str:
    """A fresh random code; callers keep it unique with a unique constraint and retry."""
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def query_code_clean(value: str) -> str:
    """What a person typed, as stored: upper case, spaces and dashes dropped."""
    return re.sub(r"[\s\-]", "", value or "").upper()


def mobile_clean(value: str) -> str:
    """A mainland mobile number without spaces, dashes or a +86 prefix."""
    number = re.sub(r"[\s\-]", "", value or "")
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    return number


def is_mobile(value: str) -> bool:
    """Eleven digits starting 13–19 (after :func:`mobile_clean`), the mainland's mobiles.

    The apps word the refusal in their own catalogues, naming their field.
    """
    return bool(MOBILE_PATTERN.match(mobile_clean(value)))


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or the one a trusted proxy appended."""
    proxies = int(getattr(settings, "PUBLIC_TRUSTED_PROXIES", 0) or 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limit_exceeded(request: HttpRequest, *, bucket: str = "public-submit") -> bool:
    """Count one submission from the client's address in the current minute; True once
    the address has gone past ``PUBLIC_SUBMISSIONS_PER_MINUTE`` in this minute.

    The count lives in the shared cache (Redis or the file cache), so every web worker
    counts together; a fixed window per calendar minute keeps it to one key.
    """
    limit = int(getattr(settings, "PUBLIC_SUBMISSIONS_PER_MINUTE", DEFAULT_PER_MINUTE))
    minute = timezone.now().strftime("%Y%m%d%H%M")
    key = f"rate:{bucket}:{client_address(request)}:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return count > limit


def submitter_tell(*, email: str = "", mobile: str = "", subject: str, message: str) -> None:
    """Send ``message`` to a submitter by e-mail and SMS where possible; never raises.

    Called after the commit of the change it reports. A gateway that is down loses the
    text message, not the change: the query code page shows every move anyway.
    """
    if email:
        try:
            send_mail(subject, message, None, [email], fail_silently=False)
        except Exception:
            logger.warning("e-mail to a submitter failed", exc_info=True)
    gateway = getattr(settings, "SMS_GATEWAY_URL", "")
    if gateway and mobile:
        body = json.dumps({"mobile": mobile, "message": f"{subject} {message}"}).encode()
        request = urllib.request.Request(
            gateway, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=5):
                pass
        except Exception:
            logger.warning("SMS gateway %s failed", gateway, exc_info=True)


# Too many requests: the answer to a form posted past the per-address rate limit.
RATE_LIMITED = 429


def public_submission(
    request: HttpRequest,
    form: Any,
    *,
    template: str,
    submit: Callable[..., Any],
    session_key: str,
    done_url: str,
) -> HttpResponse:
    """The one way a public form is posted (a wish, a suggestion).

    Over the per-address rate limit, the form comes back as typed with a message and
    status 429; a valid form (captcha included) goes to ``submit`` — a service taking the
    cleaned fields and returning an item with a ``query_code`` — and the code is kept in
    the session for ``done_url`` to show; a refusal of the service lands on its field.
    """
    from django.shortcuts import redirect, render
    from django.utils.translation import gettext as _

    from core.errors import DomainError
    from core.forms import add_domain_error

    if request.method == "POST":
        if rate_limit_exceeded(request):
            form.is_valid()  # so the page shows what was typed, and any other mistakes
            form.add_error(
                None,
                _("Too many submissions from your network in the last minute. Please wait a minute and try again."),
            )
            return render(request, template, {"form": form}, status=RATE_LIMITED)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("captcha", None)
            try:
                item = submit(**data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                request.session[session_key] = item.query_code
                return redirect(done_url)
    return render(request, template, {"form": form})
