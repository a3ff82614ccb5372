"""Every change of a bulletin: draft, edit, regenerate its figures, issue. Each runs in one
transaction and writes its Event; an issued bulletin is refused by every one of them, and
their UPDATE matches drafts only, so an edit racing an issue cannot change an issued one."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bulletins.choices import BulletinKind, BulletinStatus
from bulletins.content import analysis_text, bulletin_scope, compose, default_title, headline_text, requirements_text
from bulletins.models import Bulletin
from core.errors import Conflict, DomainError, PermissionDenied
from core.services import event_record
from orgs.choices import Role
from orgs.permissions import holds_role_over

EDITABLE_FIELDS = ("title", "headline", "analysis", "requirements")


def may_edit_bulletins(user: Any, org: Any) -> bool:
    """Supervisors over ``org`` draft, edit and issue its bulletins; ``None`` is the installer
    at the command line (cron)."""
    return user is None or holds_role_over(user, org, [Role.SUPERVISOR])


def _check_may_edit(user: Any, org: Any) -> None:
    if not may_edit_bulletins(user, org):
        raise PermissionDenied(
            _("Only a supervisor over %(org)s may draft, edit or issue its bulletins.") % {"org": org}
        )


def bulletin_build(*, org: Any, kind: str, as_of: datetime.date, campaign: Any = None) -> Bulletin:
    """An unsaved bulletin with its figures and generated text (the command's dry run)."""
    if kind not in BulletinKind.values:
        raise DomainError(_("A bulletin is weekly or monthly."), field="kind")
    scope = bulletin_scope(org=org, campaign=campaign, kind=kind, as_of=as_of)
    figures = compose(scope, scope_name=org.name)
    return Bulletin(
        org=org,
        kind=kind,
        campaign=campaign,
        period_start=scope.period_start,
        period_end=scope.period_end,
        as_of=as_of,
        year=as_of.year,
        title=default_title(org=org, kind=kind, as_of=as_of),
        headline=headline_text(figures),
        analysis=analysis_text(figures),
        requirements=requirements_text(),
        figures=figures,
        figures_taken_at=timezone.now(),
    )


@transaction.atomic
def bulletin_draft(*, org: Any, kind: str, as_of: datetime.date, acting_user: Any, campaign: Any = None) -> Bulletin:
    """A new draft of ``org``'s weekly or monthly bulletin with the figures as of ``as_of``."""
    _check_may_edit(acting_user, org)
    if as_of > timezone.localdate():
        raise DomainError(_("A bulletin cannot report figures of a day still to come."), field="as_of")
    bulletin = bulletin_build(org=org, kind=kind, as_of=as_of, campaign=campaign)
    bulletin.created_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    bulletin.save()
    event_record(item=bulletin, actor=acting_user, action="created", to_status=BulletinStatus.DRAFT)
    return bulletin


def _update_draft(bulletin: Bulletin, values: dict[str, Any]) -> None:
    """The conditional UPDATE: only while the row is still a draft; else someone issued it."""
    values = values | {"updated_at": timezone.now()}
    changed = Bulletin.objects.filter(pk=bulletin.pk, status=BulletinStatus.DRAFT).update(**values)
    if not changed:
        raise Conflict(_("This bulletin has been issued meanwhile and can no longer change."))
    for field, value in values.items():
        setattr(bulletin, field, value)


def _check_draft(bulletin: Bulletin) -> None:
    if bulletin.is_issued:
        raise DomainError(_("An issued bulletin is archived as it was issued and can no longer change."))


@transaction.atomic
def bulletin_update(*, bulletin: Bulletin, acting_user: Any, **changes: str) -> Bulletin:
    """Edit a draft's title and text sections (the figures are only taken by regenerating)."""
    _check_may_edit(acting_user, bulletin.org)
    _check_draft(bulletin)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("These parts of a bulletin cannot be edited: %(fields)s.") % {"fields": ", ".join(unknown)})
    if "title" in changes and not (changes["title"] or "").strip():
        raise DomainError(_("A bulletin needs a title."), field="title")
    values = {field: (value or "").strip() for field, value in changes.items()}
    before = {field: getattr(bulletin, field) for field in values}
    _update_draft(bulletin, values)
    edited = {field: [before[field], value] for field, value in values.items() if before[field] != value}
    if edited:
        event_record(item=bulletin, actor=acting_user, action="updated", changes=edited)
    return bulletin


@transaction.atomic
def bulletin_regenerate(*, bulletin: Bulletin, acting_user: Any, keep_text: bool = False) -> Bulletin:
    """Take the figures again as of the bulletin's date, and (unless ``keep_text``) write the
    generated sections again; the title and the requirements a supervisor wrote are kept."""
    _check_may_edit(acting_user, bulletin.org)
    _check_draft(bulletin)
    fresh = bulletin_build(org=bulletin.org, kind=bulletin.kind, as_of=bulletin.as_of, campaign=bulletin.campaign)
    values: dict[str, Any] = {"figures": fresh.figures, "figures_taken_at": fresh.figures_taken_at}
    if not keep_text:
        values |= {"headline": fresh.headline, "analysis": fresh.analysis}
    _update_draft(bulletin, values)
    event_record(item=bulletin, actor=acting_user, action="bulletin_regenerated")
    return bulletin


@transaction.atomic
def bulletin_issue(*, bulletin: Bulletin, acting_user: Any) -> Bulletin:
    """Issue a draft: it takes the next number of its series (org, kind, year) and freezes.

    Two drafts issued at once cannot take one number: the unique constraint refuses the
    second, which is told to try again.
    """
    _check_may_edit(acting_user, bulletin.org)
    _check_draft(bulletin)
    series = Bulletin.objects.filter(org=bulletin.org, kind=bulletin.kind, year=bulletin.year)
    number = (series.aggregate(last=Max("number"))["last"] or 0) + 1
    now = timezone.now()
    try:
        with transaction.atomic():
            _update_draft(
                bulletin,
                {
                    "status": BulletinStatus.ISSUED,
                    "number": number,
                    "issued_at": now,
                    "issued_by": acting_user if getattr(acting_user, "is_authenticated", False) else None,
                },
            )
    except IntegrityError:
        raise Conflict(
            _("Another bulletin of this series was issued at the same moment; please issue again.")
        ) from None
    event_record(
        item=bulletin,
        actor=acting_user,
        action="bulletin_issued",
        from_status=BulletinStatus.DRAFT,
        to_status=BulletinStatus.ISSUED,
        changes={"number": number},
    )
    return bulletin
