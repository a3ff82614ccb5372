"""Values every page needs: the site name, the scope picker, unread notifications."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"site_name": settings.SITE_NAME}
    if user is None or not user.is_authenticated:
        return context
    from core.models import Notification
    from orgs.selectors import scope_choices

    context["scope_org"] = getattr(request, "scope_org", None)
    context["scope_choices"] = scope_choices(user)
    context["unread_notifications"] = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return context
