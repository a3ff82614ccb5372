"""Every change to micro-wishes and micro-projects: posting, claiming (exactly one
claimant), fulfilling with photos, confirming and rating, giving up, lapsing, taking off
the wall. Status changes go through ``core.services.item_transition``: it locks the row
and moves the status with a conditional ``UPDATE … WHERE status = 'posted'``, so of
twenty members pressing "claim" at once exactly one wins on SQLite and PostgreSQL, and the
others are told someone was faster.

The resident who posted a wish is told of every move on the query code page (its events)
and, where they left an address or a gateway is configured, by e-mail or SMS.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from core.calendar import add_working_days
from core.citizens import is_mobile, mobile_clean, query_code_new, submitter_tell
from core.errors import DomainError, PermissionDenied
from core.services import event_record, item_transition, sniff_media_type
from orgs.choices import OrgKind
from orgs.models import Org
from orgs.permissions import holds_role_over
from wishes.choices import WishSource, WishStatus
from wishes.models import CARETAKER_ROLES, ORG_CLAIMING_ROLES, MicroProject, QueryCodeHolder, Wish

# Orgs a wish or a micro-project can belong to: where residents live.
LOCAL_KINDS = frozenset({OrgKind.COMMUNITY, OrgKind.VILLAGE, OrgKind.GRID})
DEFAULT_FULFIL_WORKING_DAYS = 10
DEFAULT_PROJECT_WORKING_DAYS = 60

Item = Wish | MicroProject


def _fulfil_days(item: Item) -> int:
    if isinstance(item, MicroProject):
        return int(getattr(settings, "MICRO_PROJECT_FULFIL_WORKING_DAYS", DEFAULT_PROJECT_WORKING_DAYS))
    return int(getattr(settings, "WISH_FULFIL_WORKING_DAYS", DEFAULT_FULFIL_WORKING_DAYS))


def _text(value: str, *, field: str, message: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    if len(value) > max_length:
        raise DomainError(_("At most %(count)s characters, please.") % {"count": max_length}, field=field)
    return value


def _check_local(org: Org, field: str = "community") -> None:
    if org.kind not in LOCAL_KINDS or not org.is_active:
        raise DomainError(_("Pick a community or village."), field=field)


def _tell_submitter(wish: Wish, message: str) -> None:
    """After commit: the resident's e-mail and SMS (the query page shows it regardless)."""
    if not (wish.submitter_email or wish.submitter_phone):
        return
    subject = _("Your micro-wish %(code)s") % {"code": wish.query_code}
    email, phone = wish.submitter_email, wish.submitter_phone
    transaction.on_commit(lambda: submitter_tell(email=email, mobile=phone, subject=subject, message=message))


@transaction.atomic
def wish_post(
    *,
    community: Org,
    title: str,
    beneficiary: str,
    description: str = "",
    submitter_name: str = "",
    submitter_phone: str = "",
    submitter_email: str = "",
    source: str = WishSource.PUBLIC,
    campaign: Campaign | None = None,
    acting_user: Any = None,
    created_at: datetime.datetime | None = None,
) -> Wish:
    """Put a resident's wish on its community's wall, with a fresh query code.

    Residents post without logging in (``acting_user`` is ``None``); staff entering a wish
    heard at the door need a caretaker role over the community.
    """
    _check_local(community)
    if source == WishSource.STAFF and not holds_role_over(acting_user, community, CARETAKER_ROLES):
        raise PermissionDenied(_("You may not enter wishes for this community."))
    title = _text(title, field="title", message=_("Say what the wish is."), max_length=300)
    beneficiary = _text(beneficiary, field="beneficiary", message=_("Say for whom the wish is."), max_length=100)
    phone = mobile_clean(submitter_phone)
    if phone and not is_mobile(phone):
        raise DomainError(_("This is not a mobile number: write the 11 digits, e.g. 13812345678."), field="phone")
    fields = {
        "org": community,
        "campaign": campaign,
        "title": title,
        "beneficiary": beneficiary,
        "description": (description or "").strip(),
        "submitter_name": (submitter_name or "").strip()[:50],
        "submitter_phone": phone,
        "submitter_email": (submitter_email or "").strip(),
        "source": source,
        "status": WishStatus.POSTED,
        "created_by": acting_user if getattr(acting_user, "is_authenticated", False) else None,
        "created_at": created_at or timezone.now(),
    }
    for _attempt in range(5):
        try:
            with transaction.atomic():
                wish = Wish.objects.create(query_code=query_code_new(), **fields)
            break
        except IntegrityError:  # the one-in-1e13 clash of two codes: draw again
            continue
    else:
        raise DomainError(_("Please try again."))
    event_record(item=wish, actor=acting_user, action="created", to_status=wish.status, changes={"title": title})
    return wish


@transaction.atomic
def project_create(
    *,
    community: Org,
    title: str,
    description: str = "",
    budget: Any = None,
    campaign: Campaign | None = None,
    acting_user: Any,
    created_at: datetime.datetime | None = None,
) -> MicroProject:
    """Put a livelihood micro-project of ``community`` up for an org to claim."""
    _check_local(community)
    if not holds_role_over(acting_user, community, CARETAKER_ROLES):
        raise PermissionDenied(_("You may not enter micro-projects for this community."))
    title = _text(title, field="title", message=_("Name the micro-project."), max_length=300)
    project = MicroProject.objects.create(
        org=community,
        campaign=campaign,
        title=title,
        description=(description or "").strip(),
        budget=budget,
        status=WishStatus.POSTED,
        created_by=acting_user,
        created_at=created_at or timezone.now(),
    )
    event_record(item=project, actor=acting_user, action="created", to_status=project.status, changes={"title": title})
    return project


def item_claim(
    *,
    item: Item,
    acting_user: Any,
    claimant_org: Org | None = None,
    expected_status: str | None = None,
    today: datetime.date | None = None,
) -> Item:
    """Claim ``item`` (认领): exactly one claimant wins, whoever clicks at the same time.

    A wish is claimed by the acting member; a micro-project by ``claimant_org``, where the
    acting user must be a clerk or leader. The claim must be fulfilled within the
    working days of ``WISH_FULFIL_WORKING_DAYS`` (10) or ``MICRO_PROJECT_FULFIL_WORKING_DAYS`` (60).
    """
    today = today or timezone.localdate()
    fields: dict[str, Any] = {
        # Ids, not objects: the fields also go into the event's JSON ``changes``.
        "owner_id": getattr(acting_user, "pk", None),
        "claimed_at": timezone.now(),
        "deadline": add_working_days(today, _fulfil_days(item)),
    }
    if isinstance(item, MicroProject):
        if claimant_org is None:
            raise DomainError(_("Pick the org that takes the project on."), field="claimant_org")
        if not holds_role_over(acting_user, claimant_org, ORG_CLAIMING_ROLES):
            raise PermissionDenied(_("You may not claim projects for this org."))
        fields["claimant_org_id"] = claimant_org.pk
    claimed = item_transition(
        item=item, action="claim", acting_user=acting_user, expected_status=expected_status, fields=fields
    )
    if isinstance(claimed, Wish):
        _tell_submitter(claimed, _("A party member has claimed your wish and will fulfil it."))
    return claimed


def _only_photos(photos: Iterable[UploadedFile]) -> tuple[UploadedFile, ...]:
    photos = tuple(photos)
    for photo in photos:
        photo.seek(0)
        head = photo.read(16)
        photo.seek(0)
        if not (sniff_media_type(head, photo.name or "") or "").startswith("image/"):
            raise DomainError(
                _("“%(name)s” is not a photo (JPEG, PNG, GIF or WebP).") % {"name": photo.name}, field="photos"
            )
    return photos


def item_fulfil(
    *, item: Item, acting_user: Any, photos: Iterable[UploadedFile], note: str = "", expected_status: str | None = None
) -> Item:
    """Report the item fulfilled, with at least one photo as evidence."""
    photos = _only_photos(photos)
    if not photos:
        raise DomainError(_("Add at least one photo of the wish fulfilled."), field="photos")
    done = item_transition(
        item=item,
        action="fulfil",
        acting_user=acting_user,
        evidence=photos,
        comment=note,
        expected_status=expected_status,
        fields={"fulfilled_at": timezone.now(), "fulfilment_note": (note or "").strip()},
    )
    if isinstance(done, Wish):
        _tell_submitter(done, _("Your wish has been fulfilled. Please confirm and rate it with your query code."))
    return done


def item_confirm(
    *,
    item: Item,
    acting_user: Any,
    rating: int | None = None,
    thanks: str = "",
    expected_status: str | None = None,
) -> Item:
    """Confirm the fulfilment (grid worker, or the resident through the query code) and
    record the rating (1–5 stars) and the thanks."""
    if rating is not None and not 1 <= int(rating) <= 5:
        raise DomainError(_("A rating is from 1 to 5 stars."), field="rating")
    if isinstance(acting_user, QueryCodeHolder) and rating is None:
        raise DomainError(_("Please rate the fulfilment."), field="rating")
    return item_transition(
        item=item,
        action="confirm",
        acting_user=acting_user,
        comment=(thanks or "").strip(),
        expected_status=expected_status,
        fields={"confirmed_at": timezone.now(), "rating": rating, "thanks": (thanks or "").strip()[:2000]},
    )


_CLAIM_CLEARED = {"owner_id": None, "claimed_at": None, "deadline": None}


def item_release(*, item: Item, acting_user: Any, comment: str, expected_status: str | None = None) -> Item:
    """The claimant gives the item up (or a caretaker takes it back): back on the wall."""
    fields: dict[str, Any] = dict(_CLAIM_CLEARED)
    if isinstance(item, MicroProject):
        fields["claimant_org_id"] = None
    released = item_transition(
        item=item,
        action="release",
        acting_user=acting_user,
        comment=comment,
        expected_status=expected_status,
        fields=fields,
    )
    if isinstance(released, Wish):
        _tell_submitter(released, _("The claim of your wish was given up; it is back on the wall."))
    return released


def item_withdraw(*, item: Item, acting_user: Any, comment: str, expected_status: str | None = None) -> Item:
    """Take an item off the wall (abuse, duplicate, done otherwise), with a reason."""
    return item_transition(
        item=item, action="withdraw", acting_user=acting_user, comment=comment, expected_status=expected_status
    )


def claims_lapse(*, today: datetime.date | None = None) -> int:
    """Return every claim past its deadline to the wall; the number of lapsed claims.

    Each item moves in its own transaction through the workflow, so a claimant who
    reports the fulfilment at the same moment either wins (the item is fulfilled) or
    is told the claim lapsed; never both.
    """
    from core.errors import Conflict

    today = today or timezone.localdate()
    lapsed = 0
    for model in (Wish, MicroProject):
        for item in model.objects.filter(status=WishStatus.CLAIMED, deadline__lt=today).select_related("org"):
            fields: dict[str, Any] = dict(_CLAIM_CLEARED)
            if model is MicroProject:
                fields["claimant_org_id"] = None
            try:
                item_transition(
                    item=item,
                    action="lapse",
                    acting_user=None,
                    comment=_("Not fulfilled by %(date)s.") % {"date": item.deadline.isoformat()},
                    expected_status=WishStatus.CLAIMED,
                    fields=fields,
                )
            except Conflict:
                continue
            lapsed += 1
            if model is Wish:
                _tell_submitter(item, _("The claim of your wish lapsed; it is back on the wall."))
    return lapsed


def wish_by_code(code: str) -> Wish | None:
    """The one wish with this query code, or ``None``: nothing else is ever listed."""
    from core.citizens import query_code_clean

    code = query_code_clean(code)
    if not code:
        return None
    return Wish.objects.select_related("org", "owner").filter(query_code=code).first()
