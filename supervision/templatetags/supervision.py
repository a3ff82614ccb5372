"""Template tags any app's pages use to show an item's warning and its reminders.

``{% load supervision %}`` then ``{% escalation_badge item %}`` (the light and the step on
the ladder, for lists and detail pages) and ``{% supervision_box item %}`` (badge, recent
reminders and, for supervisors, the reminder button with a note)."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType

from core.models import TrackedItem
from orgs.permissions import holds_role_over
from supervision.selectors import item_reminders
from supervision.services import SUPERVISING_ROLES
from supervision.warnings import escalation

register = template.Library()


@register.inclusion_tag("supervision/partials/escalation_badge.html")
def escalation_badge(item: Any) -> dict[str, Any]:
    if not isinstance(item, TrackedItem):
        return {"escalation": None}
    return {"escalation": escalation(item)}


@register.inclusion_tag("supervision/partials/supervision_box.html", takes_context=True)
def supervision_box(context: template.Context, item: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(item, TrackedItem):
        return {"item": None}
    return {
        "item": item,
        "escalation": escalation(item),
        "reminders": list(item_reminders(item).select_related("sent_by")[:5]),
        "can_remind": not item.is_closed and holds_role_over(user, item.org, SUPERVISING_ROLES),
        "content_type_id": ContentType.objects.get_for_model(item).pk,
        "next": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }
