"""Publishing items to the public progress page and withdrawing them (supervisors only)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, PermissionDenied
from core.models import TrackedItem
from core.services import event_record
from orgs.choices import Role
from orgs.permissions import holds_role_over
from public.models import Publication

PUBLISHING_ROLES = frozenset({Role.SUPERVISOR})


@transaction.atomic
def publication_publish(*, item: Any, acting_user: Any, public_title: str, summary: str = "") -> Publication:
    """Publish ``item`` on the public progress page with a public title and summary.

    The title and summary are what the public reads, written for them: no personal data
    belongs there (phone numbers in them are masked anyway on the page).
    """
    if not isinstance(item, TrackedItem):
        raise DomainError(_("Only tracked items can be published."))
    if not holds_role_over(acting_user, item.org, PUBLISHING_ROLES):
        raise PermissionDenied(_("Only a supervisor over this unit may publish its items."))
    public_title = (public_title or "").strip()
    if not public_title:
        raise DomainError(_("Give the item a title for the public."), field="public_title")
    if len(public_title) > 200:
        raise DomainError(_("Keep the public title under 200 characters."), field="public_title")
    publication = Publication(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        org=item.org,
        public_title=public_title,
        summary=(summary or "").strip(),
        published_by=acting_user,
    )
    try:
        with transaction.atomic():
            publication.save()
    except IntegrityError:
        raise DomainError(_("This item is already published.")) from None
    event_record(item=item, actor=acting_user, action="published", changes={"publication": publication.pk})
    return publication


@transaction.atomic
def publication_withdraw(*, publication: Publication, acting_user: Any, reason: str = "") -> Publication:
    """Take a publication off the public page (it stays in the office's history)."""
    if not holds_role_over(acting_user, publication.org, PUBLISHING_ROLES):
        raise PermissionDenied(_("Only a supervisor over this unit may withdraw its publications."))
    moved = Publication.objects.filter(pk=publication.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=acting_user
    )
    if moved != 1:
        raise DomainError(_("This publication has already been withdrawn."))
    publication.refresh_from_db()
    item = publication.item
    if item is not None:
        event_record(
            item=item,
            actor=acting_user,
            action="withdrawn",
            comment=(reason or "").strip(),
            changes={"publication": publication.pk},
        )
    return publication
