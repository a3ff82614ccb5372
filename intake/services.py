"""Every change to the public's suggestions: submission (public page, clerk's entry or
Excel import), triage (route, mark duplicate, turn into a ledger problem, answer), reopen,
and the submitter's verdict on the answer. Status changes go through
``core.services.item_transition`` (locked row, conditional update, one event each).

Whoever submitted is told of each move: the query code page shows the item's events,
and an e-mail or text message goes out after the commit where they left an address and
(for SMS) a gateway is configured.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from core.calendar import add_working_days
from core.citizens import QueryCodeHolder, is_mobile, mobile_clean, query_code_clean, query_code_new, submitter_tell
from core.errors import DomainError, PermissionDenied
from core.services import event_record, item_transition, notification_send
from intake.choices import IntakeChannel, SuggestionKind, SuggestionStatus
from intake.models import TRIAGE_ROLES, Suggestion
from orgs.choices import OrgKind, Role
from orgs.models import Org
from orgs.permissions import holds_role_over

LOCAL_KINDS = frozenset({OrgKind.COMMUNITY, OrgKind.VILLAGE, OrgKind.GRID})
DEFAULT_REPLY_WORKING_DAYS = 5
MAX_CONTENT = 4000


def _tell(suggestion: Suggestion, message: str) -> None:
    if not (suggestion.submitter_email or suggestion.submitter_phone):
        return
    subject = _("Your submission %(code)s") % {"code": suggestion.query_code}
    email, phone = suggestion.submitter_email, suggestion.submitter_phone
    transaction.on_commit(lambda: submitter_tell(email=email, mobile=phone, subject=subject, message=message))


def clean_submission(
    *, community: Org, content: str, kind: str, channel: str, submitter_phone: str, received_on: datetime.date | None
) -> tuple[str, str]:
    """Checks shared by every way in (page, clerk, import); the cleaned content and phone."""
    if community.kind not in LOCAL_KINDS or not community.is_active:
        raise DomainError(_("Pick a community or village."), field="community")
    content = (content or "").strip()
    if not content:
        raise DomainError(_("Write what you want to tell us."), field="content")
    if len(content) > MAX_CONTENT:
        raise DomainError(_("At most %(count)s characters, please.") % {"count": MAX_CONTENT}, field="content")
    if kind not in SuggestionKind.values:
        raise DomainError(_("Pick suggestion, complaint or request for help."), field="kind")
    if channel not in IntakeChannel.values:
        raise DomainError(_("Unknown channel."), field="channel")
    phone = mobile_clean(submitter_phone)
    if phone and not is_mobile(phone):
        raise DomainError(_("This is not a mobile number: write the 11 digits, e.g. 13812345678."), field="phone")
    if received_on is not None and received_on > timezone.localdate():
        raise DomainError(_("The day it was received cannot be in the future."), field="received_on")
    return content, phone


def _title(content: str) -> str:
    first = content.splitlines()[0] if content else ""
    return first[:40] + ("…" if len(first) > 40 else "")


@transaction.atomic
def suggestion_submit(
    *,
    community: Org,
    content: str,
    kind: str = SuggestionKind.SUGGESTION,
    channel: str = IntakeChannel.ONLINE,
    submitter_name: str = "",
    submitter_phone: str = "",
    submitter_email: str = "",
    received_on: datetime.date | None = None,
    campaign: Campaign | None = None,
    acting_user: Any = None,
    created_at: datetime.datetime | None = None,
) -> Suggestion:
    """Record a submission with a fresh query code; it waits for triage at its community.

    The public page submits without a user (channel "online"); a clerk entering what came
    by another channel needs a triage role over the community.
    """
    if acting_user is not None and not holds_role_over(acting_user, community, TRIAGE_ROLES):
        raise PermissionDenied(_("You may not enter submissions for this community."))
    if acting_user is None and channel != IntakeChannel.ONLINE:
        raise PermissionDenied(_("Only staff enter submissions from other channels."))
    content, phone = clean_submission(
        community=community,
        content=content,
        kind=kind,
        channel=channel,
        submitter_phone=submitter_phone,
        received_on=received_on,
    )
    received_on = received_on or timezone.localdate()
    days = int(getattr(settings, "SUGGESTION_REPLY_WORKING_DAYS", DEFAULT_REPLY_WORKING_DAYS))
    fields = {
        "org": community,
        "community": community,
        "campaign": campaign,
        "title": _title(content),
        "content": content,
        "kind": kind,
        "channel": channel,
        "received_on": received_on,
        "deadline": add_working_days(received_on, days),
        "submitter_name": (submitter_name or "").strip()[:50],
        "submitter_phone": phone,
        "submitter_email": (submitter_email or "").strip(),
        "status": SuggestionStatus.RECEIVED,
        "created_by": acting_user if getattr(acting_user, "is_authenticated", False) else None,
        "created_at": created_at or timezone.now(),
    }
    for _attempt in range(5):
        try:
            with transaction.atomic():
                suggestion = Suggestion.objects.create(query_code=query_code_new(), **fields)
            break
        except IntegrityError:  # two equal random codes: draw again
            continue
    else:
        raise DomainError(_("Please try again."))
    event_record(
        item=suggestion,
        actor=acting_user,
        action="created",
        to_status=suggestion.status,
        changes={"channel": channel, "kind": kind},
    )
    return suggestion


def _outside(community: Org, org: Org) -> bool:
    return not org.path.startswith(community.path)


def suggestion_route(
    *, suggestion: Suggestion, acting_user: Any, org: Org, comment: str = "", expected_status: str | None = None
) -> Suggestion:
    """Send the suggestion to ``org`` to handle (the owner may route it on again)."""
    if not org.is_active:
        raise DomainError(_("This org is no longer active."), field="org")
    community = suggestion.community
    routed = item_transition(
        item=suggestion,
        action="route",
        acting_user=acting_user,
        comment=comment,
        expected_status=expected_status,
        fields={
            "org_id": org.pk,
            "routed_at": timezone.now(),
            "escalated": suggestion.escalated or _outside(community, org),
        },
    )
    _tell(routed, _("Your submission has been passed to %(org)s to handle.") % {"org": org.name})
    _notify_owner(routed, org)
    return routed


def _notify_owner(suggestion: Suggestion, org: Org) -> None:
    """Tell the clerks and leaders of the new owner org, in Taizhang, after commit."""
    from orgs.models import RoleGrant

    recipients = list(
        RoleGrant.objects.filter(org=org, role__in=(Role.CLERK, Role.LEADER)).values_list("user_id", flat=True)
    )
    if not recipients:
        return
    title = _("A submission was routed to your unit: %(title)s") % {"title": suggestion.title}
    url = suggestion.get_absolute_url()
    body = suggestion.content
    transaction.on_commit(lambda: notification_send(recipient_ids=recipients, title=title, body=body, url=url))


@transaction.atomic
def suggestion_to_problem(
    *,
    suggestion: Suggestion,
    acting_user: Any,
    campaign: Campaign | None = None,
    org: Org | None = None,
    level: str = "",
    title: str = "",
    deadline: datetime.date | None = None,
    problem: Any = None,
    expected_status: str | None = None,
) -> Suggestion:
    """Turn the suggestion into a problem of ``org`` in the ledger, with the suggestion's
    channel; the problem lists it (``problem.suggestions``) and it links the problem.

    With ``problem`` (one the acting user sees) the suggestion joins a problem already in
    the ledger instead: what it reports is being rectified there.
    """
    from rectification.models import Problem
    from rectification.services import problem_create

    if not Suggestion.workflow.may(Suggestion.workflow.get("to_problem"), suggestion, acting_user):
        raise PermissionDenied(_("You may not triage this submission."))
    if problem is not None:
        if not Problem.objects.visible_to(acting_user).filter(pk=problem.pk).exists():
            raise PermissionDenied(_("You may not triage this submission."))
        return _linked(suggestion, acting_user, problem, expected_status)
    if campaign is None or org is None or not level:
        raise DomainError(_("Pick the campaign, the unit and the level of the problem."), field="campaign")
    channel = campaign.channels.filter(code=suggestion.channel).first()
    problem = problem_create(
        acting_user=acting_user,
        campaign=campaign,
        org=org,
        title=(title or suggestion.title).strip(),
        level=level,
        deadline=deadline,
        channel=channel,
        description=suggestion.content,
        found_date=min(suggestion.received_on, timezone.localdate()),
    )
    return _linked(suggestion, acting_user, problem, expected_status)


def _linked(suggestion: Suggestion, acting_user: Any, problem: Any, expected_status: str | None) -> Suggestion:
    moved = item_transition(
        item=suggestion,
        action="to_problem",
        acting_user=acting_user,
        expected_status=expected_status,
        comment=_("Problem: %(title)s") % {"title": problem.title},
        fields={
            "problem_id": problem.pk,
            "escalated": suggestion.escalated or _outside(suggestion.community, problem.org),
        },
    )
    _tell(moved, _("Your submission has been entered in the problem ledger and will be rectified."))
    return moved


def suggestion_answer(
    *, suggestion: Suggestion, acting_user: Any, reply: str, expected_status: str | None = None
) -> Suggestion:
    """Answer the submitter directly; the reply shows on the query code page."""
    reply = (reply or "").strip()
    if not reply:
        raise DomainError(_("Write the reply."), field="reply")
    acting_org = suggestion.org
    answered = item_transition(
        item=suggestion,
        action="answer",
        acting_user=acting_user,
        comment=reply,
        expected_status=expected_status,
        fields={"reply": reply, "answered_at": timezone.now(), "answered_by_org_id": acting_org.pk},
    )
    _tell(answered, _("Your submission has been answered. Read the reply and tell us if you are satisfied."))
    return answered


def suggestion_mark_duplicate(
    *,
    suggestion: Suggestion,
    acting_user: Any,
    duplicate_of: Suggestion,
    comment: str = "",
    expected_status: str | None = None,
) -> Suggestion:
    """Close the suggestion as a repeat of an earlier one, which carries on."""
    if duplicate_of.pk == suggestion.pk:
        raise DomainError(_("A submission cannot repeat itself."), field="duplicate_of")
    if duplicate_of.duplicate_of_id == suggestion.pk:
        raise DomainError(_("That submission is already marked as a repeat of this one."), field="duplicate_of")
    marked = item_transition(
        item=suggestion,
        action="mark_duplicate",
        acting_user=acting_user,
        comment=comment or _("Repeats the submission %(code)s.") % {"code": duplicate_of.query_code},
        expected_status=expected_status,
        fields={"duplicate_of_id": duplicate_of.pk},
    )
    _tell(marked, _("Your submission repeats an earlier one, which is being handled."))
    return marked


def suggestion_reopen(
    *, suggestion: Suggestion, acting_user: Any, comment: str, expected_status: str | None = None
) -> Suggestion:
    return item_transition(
        item=suggestion,
        action="reopen",
        acting_user=acting_user,
        comment=comment,
        expected_status=expected_status,
        fields={"satisfied": None, "rated_at": None},
    )


def suggestion_rate(
    *, suggestion: Suggestion, holder: QueryCodeHolder, satisfied: bool, comment: str = ""
) -> Suggestion:
    """The submitter, holding the query code, says whether the answer satisfied them (once)."""
    return item_transition(
        item=suggestion,
        action="rate",
        acting_user=holder,
        comment=(comment or "").strip()[:2000],
        expected_status=SuggestionStatus.ANSWERED,
        fields={
            "satisfied": bool(satisfied),
            "satisfaction_comment": (comment or "").strip()[:2000],
            "rated_at": timezone.now(),
        },
    )


def suggestion_by_code(code: str) -> Suggestion | None:
    """The one suggestion with this query code, or ``None``."""
    code = query_code_clean(code)
    if not code:
        return None
    return Suggestion.objects.select_related("community", "org", "answered_by_org").filter(query_code=code).first()
