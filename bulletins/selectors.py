"""Reads of bulletins: who sees which.

Issued bulletins are read by everyone holding a reading role over the org (leaders,
clerks, inspectors, supervisors); drafts only by the supervisors who may edit them. The
public sees issued bulletins through the public pages, without personal data.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from bulletins.choices import BulletinStatus
from bulletins.models import Bulletin
from core.scoping import subtree_q
from orgs.choices import Role
from orgs.models import grant_paths


def bulletins_visible(*, user: Any) -> QuerySet[Bulletin]:
    """Issued bulletins in the user's reach, and drafts where the user is a supervisor."""
    visible = Bulletin.objects.visible_to(user)
    if user.is_superuser:
        return Bulletin.objects.select_related("org", "issued_by")
    drafts = subtree_q(grant_paths(user, [Role.SUPERVISOR]), field="org__path")
    return visible.filter(Q(status=BulletinStatus.ISSUED) | drafts).select_related("org", "issued_by")


def bulletins_public() -> QuerySet[Bulletin]:
    """Issued bulletins, newest first, for the public pages."""
    return Bulletin.objects.filter(status=BulletinStatus.ISSUED).select_related("org").order_by("-issued_at", "-id")
