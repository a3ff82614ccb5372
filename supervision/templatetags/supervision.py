"""Template tags any app's pages use to show an item's warning and its reminders.

``{% load supervision %}`` then ``{% escalation_badge item %}`` (the light and the step on
the ladder, for lists and detail pages) and ``{% supervision_box item %}`` (badge, recent
reminders and, for supervisors, the reminder button with a note)."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.utils.html import format_html
from django.utils.translation import ngettext

from core.models import TrackedItem
from core.templatetags.taizhang import light_badge
from orgs.permissions import holds_role_over
from supervision.choices import WarningLevel
from supervision.selectors import item_reminders
from supervision.services import SUPERVISING_ROLES
from supervision.warnings import Escalation, escalation

register = template.Library()


@register.simple_tag
def escalation_badge(item: Any) -> str:
    """The light and the step on the ladder of one tracked item."""
    if not isinstance(item, TrackedItem):
        return ""
    return escalation_html(escalation(item))


@register.simple_tag(name="escalation_state")
def escalation_html(found: Escalation | None) -> str:
    """An escalation already worked out (the warnings page, the supervision box), as
    ``escalation_badge`` shows it. Built here rather than from a template: a list page
    draws fifty of them (an inclusion tag each cost a third of the ledger page's
    rendering, bench)."""
    if found is None:
        return ""
    days = found.overdue_working_days
    if found.level == WarningLevel.YELLOW:
        days = found.due_in_working_days
        text = ngettext("due in %(days)s working day", "due in %(days)s working days", days)
        tone = "text-bg-warning"
    elif found.level == WarningLevel.RED:
        text = ngettext("overdue %(days)s working day", "overdue %(days)s working days", days)
        tone = "text-bg-danger"
    elif found.level == WarningLevel.LEADER:
        text = ngettext(
            "overdue %(days)s working day, leader above told", "overdue %(days)s working days, leader above told", days
        )
        tone = "text-bg-danger"
    elif found.level == WarningLevel.BULLETIN:
        text = ngettext(
            "overdue %(days)s working day, named in the bulletin",
            "overdue %(days)s working days, named in the bulletin",
            days,
        )
        tone = "text-bg-dark"
    else:
        return format_html('<span class="escalation" data-level="{}">{}</span>', found.level, light_badge(found.light))
    return format_html(
        '<span class="escalation" data-level="{}">{} <span class="badge {}">{}</span></span>',
        found.level,
        light_badge(found.light),
        tone,
        text % {"days": days},
    )


@register.inclusion_tag("supervision/partials/supervision_box.html", takes_context=True)
def supervision_box(context: template.Context, item: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(item, TrackedItem):
        return {"item": None}
    can_remind = holds_role_over(user, item.org, SUPERVISING_ROLES)
    # Parts of the item that are tracked themselves (a problem's measures), each with its
    # own warning and reminder button.
    parts = []
    related = getattr(item, "measures", None)
    if related is not None and hasattr(related, "all"):
        for part in related.all():
            if isinstance(part, TrackedItem) and not part.is_closed:
                parts.append((part, escalation(part)))
    return {
        "item": item,
        "parts": parts,
        "part_type_id": ContentType.objects.get_for_model(parts[0][0]).pk if parts else None,
        "part_can_remind": can_remind,
        "escalation": escalation(item),
        "reminders": list(item_reminders(item).select_related("sent_by")[:5]),
        "can_remind": not item.is_closed and can_remind,
        "content_type_id": ContentType.objects.get_for_model(item).pk,
        "next": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }
