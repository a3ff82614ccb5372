"""``{% publication_box item %}``: the publish / withdraw box on an item's office page."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType

from core.models import TrackedItem
from orgs.permissions import holds_role_over
from public.selectors import item_publication
from public.services import PUBLISHING_ROLES

register = template.Library()


@register.inclusion_tag("public/partials/publication_box.html", takes_context=True)
def publication_box(context: template.Context, item: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(item, TrackedItem) or not holds_role_over(user, item.org, PUBLISHING_ROLES):
        return {"item": None}
    return {
        "item": item,
        "publication": item_publication(item),
        "content_type_id": ContentType.objects.get_for_model(item).pk,
        "next": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }
