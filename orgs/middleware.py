"""The scope picked in the top bar: which of the user's subtrees pages look at."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from orgs.models import Org, grant_paths

SESSION_KEY = "taizhang_scope_org"


class ScopeMiddleware:
    """Sets ``request.scope_org``: an org the user reaches, or ``None`` for all of them.

    The scope only ever narrows ``visible_to``; an org outside the user's grants stored
    in the session (say, after a grant was revoked) is dropped.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.scope_org = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            org_id = request.session.get(SESSION_KEY)
            if org_id:
                org = Org.objects.filter(pk=org_id).first()
                paths = grant_paths(user)
                if org is not None and any(org.path.startswith(p) for p in paths):
                    request.scope_org = org  # type: ignore[attr-defined]
                else:
                    request.session.pop(SESSION_KEY, None)
        return self.get_response(request)
