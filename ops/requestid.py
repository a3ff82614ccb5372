"""A request id for every request: taken from ``X-Request-ID`` when a proxy (nginx) set
a sane one, else made here; returned in the response and added to every log record."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# What a proxy may hand us: nginx's $request_id is 32 hex digits; allow UUIDs and the like.
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_from(header: str | None) -> str:
    """The proxy's id when it looks like one, else a new random id."""
    if header and _ACCEPTED.match(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to each record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True
