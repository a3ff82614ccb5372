"""Request-level reliability: a request id on every request and log line, and database
outages or SQLite lock time-outs answered as a clean 503 with ``Retry-After`` rather
than a server error."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception, request_finished
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ops.requestid import current_request_id, request_id_from

logger = logging.getLogger("ops")

RETRY_AFTER_SECONDS = 5
_MARK = "_ops_database_unavailable"


# PostgreSQL error classes that mean "not reachable right now": connection exceptions
# (08…), the server shutting down or starting (57P01-57P03), too many connections (53300).
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")
_SQLITE_BUSY = ("database is locked", "database table is locked", "unable to open database file")


def is_database_unavailable(error: BaseException) -> bool:
    """A database that cannot be reached, restarted under us, or (SQLite) stayed locked
    past the busy timeout: the request did nothing durable and may be repeated. Other
    operational errors (a bad query) stay server errors."""
    if isinstance(error, InterfaceError):
        return True  # the connection was closed under us
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__ or error
    message = str(error).lower()
    if any(text in message for text in _SQLITE_BUSY):
        return True
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(_UNAVAILABLE_SQLSTATES)
    # psycopg raises OperationalError without a SQLSTATE when the socket fails.
    return type(cause).__module__.startswith("psycopg")


@receiver(got_request_exception)
def _mark_database_unavailable(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Django turns an exception raised anywhere below into a 500 response before our
    middleware sees it (a session saved in a response hook, for instance). Note the kind
    of failure on the request so ``RequestMiddleware`` can answer 503 instead."""
    import sys

    error = sys.exc_info()[1]
    if request is not None and error is not None and is_database_unavailable(error):
        setattr(request, _MARK, str(error))


@receiver(request_finished)
def _forget_request_id(sender: Any, **kwargs: Any) -> None:
    current_request_id.set("-")


class RequestMiddleware:
    """Outermost middleware: sets the request id, and replaces a 500 caused by an
    unreachable or locked database with a 503 the user can act on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get("X-Request-ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        # Kept until the response is closed (``request_finished``), so Django's own
        # "django.request" log line about the response carries the id too.
        current_request_id.set(request_id)
        response = self.get_response(request)
        reason = getattr(request, _MARK, None)
        if reason is not None and response.status_code >= 500:
            logger.warning("database unavailable, answered 503: %s", reason)
            response = self.unavailable(request)
        response["X-Request-ID"] = request_id
        return response

    def unavailable(self, request: HttpRequest) -> HttpResponse:
        message = _(
            "The system is busy or its database is briefly unavailable. Nothing was saved; "
            "please try again in a few seconds."
        )
        if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
            response: HttpResponse = JsonResponse({"detail": message, "code": "database_unavailable"}, status=503)
        else:
            html = render_to_string("ops/unavailable.html", {"message": message, "request_id": request.request_id})  # type: ignore[attr-defined]
            response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["X-Taizhang-Unavailable"] = "database"
        return response
