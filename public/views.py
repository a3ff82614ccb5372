"""Public pages: no login, phone first, no personal data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.context_processors import app_templates


def start(request: HttpRequest) -> HttpResponse:
    """The public start page: one tile per app that has public pages."""
    return render(request, "public/start.html", {"public_menus": app_templates("_public_menu.html")})
