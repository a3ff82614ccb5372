"""Who is asking and from where, for the entries written while a request runs.

Services do not take the request; the audit log still wants the address, so the
middleware puts it here for the length of the request.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class Client:
    address: str = ""
    user_agent: str = ""


current_client: contextvars.ContextVar[Client | None] = contextvars.ContextVar("audit_client", default=None)
