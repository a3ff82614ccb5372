"""Views of the API itself (the endpoints of the domains live in each app's ``api.py``)."""

from __future__ import annotations

from typing import Any, NoReturn

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.views import APIView


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other address under /api/: the API's JSON refusal rather than the site's HTML
    "page not found" (a malformed id such as ``/api/problems/0.5/reopen/`` matches no
    route), after the same sign-in check as every endpoint."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> NoReturn:
        raise NotFound

    post = put = patch = delete = get
