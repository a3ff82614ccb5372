from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.context import Client, current_client
from core.citizens import client_address


class AuditContextMiddleware:
    """Makes the client's address known to the audit log for the request's length."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_client.set(
            Client(address=client_address(request), user_agent=request.headers.get("User-Agent", "")[:200])
        )
        try:
            return self.get_response(request)
        finally:
            current_client.reset(token)
