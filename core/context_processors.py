"""Values every page needs: the site name, the scope picker, unread notifications."""

from __future__ import annotations

import functools
from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template


@functools.cache
def app_templates(name: str) -> tuple[str, ...]:
    """``<app>/<name>`` for every installed app that has one, in INSTALLED_APPS order.

    Apps add their entries to shared pages this way instead of editing them: the left
    menu includes each app's ``_menu.html`` (links under the "Work" heading; the
    template gets ``name``, the current view name, to mark the active link) and the
    public start page each app's ``_public_menu.html``.
    """
    found = []
    for config in apps.get_app_configs():
        candidate = f"{config.label}/{name}"
        try:
            get_template(candidate)
        except TemplateDoesNotExist:
            continue
        found.append(candidate)
    return tuple(found)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"site_name": settings.SITE_NAME}
    if user is None or not user.is_authenticated:
        return context
    from core.models import Notification
    from orgs.selectors import scope_choices

    context["menu_templates"] = app_templates("_menu.html")
    context["menu"] = menu_for(user)
    # Boxes other apps add to a ledger problem's page (where it came from: a visit's
    # finding, a resident's suggestion); each gets ``problem``.
    context["problem_side_templates"] = app_templates("_problem_side.html")
    context["scope_org"] = getattr(request, "scope_org", None)
    context["scope_choices"] = scope_choices(user)
    context["unread_notifications"] = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return context


def menu_for(user: Any) -> dict[str, bool]:
    """Which parts of the left menu a person is shown, from the roles they hold anywhere
    (one query, kept on the user for the request). A link leads where the person may go
    and finds something: a party member sees the wish wall, their study and their
    notifications; the security and audit administrators (三员分立) their own pages, not
    the work they may not read. Each page still checks for itself."""
    from orgs.choices import (
        ACCOUNT_MANAGING_ROLES,
        ENTERING_ROLES,
        PEOPLE_EDITING_ROLES,
        PEOPLE_LISTING_ROLES,
        READING_ROLES,
        Role,
    )
    from orgs.models import grant_paths

    held = set(Role.values) if user.is_superuser else {role for role in Role.values if grant_paths(user, [role])}
    reads = bool(held & READING_ROLES)
    return {
        # The work: the ledger and every app's lists, statistics, dashboards, calendar.
        "reads": reads,
        # Enter and import items: a unit's clerk, its leader, a supervisor.
        "acts": bool(held & ENTERING_ROLES),
        "org_tree": reads or bool(held & PEOPLE_LISTING_ROLES),
        "people": bool(held & PEOPLE_LISTING_ROLES),
        "people_import": bool(held & (PEOPLE_EDITING_ROLES | ACCOUNT_MANAGING_ROLES)),
        # What a party member takes part in: the community's wishes, study classes.
        "member": Role.MEMBER in held,
    }
