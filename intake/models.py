"""The public's voice (群众意见): suggestions, complaints and requests from every channel,
triaged and routed to an owner org, turned into a ledger problem or answered directly,
each with a query code (查询码) through which the submitter reads the reply and says
whether it satisfied them.

``org`` is the current owner (the community it came to, then whoever it is routed to);
``community`` is where it comes from and never changes, so a community still sees what it
sent up, and the community closure rate (办结率) counts by it.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.citizens import QueryCodeHolder
from core.models import OrgScopedQuerySet, TrackedItem
from core.scoping import subtree_q
from core.workflow import Transition, Workflow
from intake.choices import IntakeChannel, SuggestionKind, SuggestionStatus
from orgs.choices import Role

TRIAGE_ROLES = frozenset({Role.CLERK, Role.LEADER, Role.SUPERVISOR})
OPEN_STATUSES = (SuggestionStatus.RECEIVED, SuggestionStatus.ROUTED)


class SuggestionQuerySet(OrgScopedQuerySet):
    def visible_to(self, user: Any) -> SuggestionQuerySet:
        """Suggestions owned in the user's subtrees, or coming from a community in them."""
        from orgs.choices import READING_ROLES
        from orgs.models import grant_paths

        paths = grant_paths(user, READING_ROLES)
        return self.filter(subtree_q(paths, field="org__path") | subtree_q(paths, field="community__path"))


class SuggestionWorkflow(Workflow):
    """The shared workflow; the submitter holding the query code may only rate the answer."""

    def may(self, transition: Transition, item: Any, user: Any) -> bool:
        if isinstance(user, QueryCodeHolder):
            return transition.name == "rate" and user.holds(item)
        if transition.name == "rate":
            return False
        return super().may(transition, item, user)


def _not_rated_yet(suggestion: Suggestion, request: object) -> None:
    from core.errors import DomainError

    if suggestion.satisfied is not None:
        raise DomainError(_("You have already told us whether the answer satisfied you."))


class Suggestion(TrackedItem):
    """One submission of the public, from any channel (``deadline``: reply due by)."""

    status = models.CharField(
        _("status"), max_length=20, choices=SuggestionStatus.choices, default=SuggestionStatus.RECEIVED
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SuggestionKind.choices, default=SuggestionKind.SUGGESTION)
    channel = models.CharField(_("channel"), max_length=20, choices=IntakeChannel.choices)
    community = models.ForeignKey("orgs.Org", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    content = models.TextField(_("content"))
    received_on = models.DateField(_("received on"))
    submitter_name = models.CharField(_("submitted by"), max_length=50, blank=True)
    submitter_phone = models.CharField(_("contact mobile"), max_length=20, blank=True)
    submitter_email = models.EmailField(_("e-mail"), blank=True)
    query_code = models.CharField(_("query code"), max_length=16, unique=True)
    routed_at = models.DateTimeField(_("routed at"), null=True, blank=True)
    # True once the item left its community: routed or turned into a problem above it.
    escalated = models.BooleanField(_("sent above the community"), default=False)
    problem = models.ForeignKey(
        "rectification.Problem",
        verbose_name=_("ledger problem"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply = models.TextField(_("reply"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("answered by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    satisfied = models.BooleanField(_("submitter satisfied"), null=True, blank=True)
    satisfaction_comment = models.TextField(_("submitter's comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    objects = SuggestionQuerySet.as_manager()

    workflow = SuggestionWorkflow(
        initial=SuggestionStatus.RECEIVED,
        transitions=[
            Transition(
                name="route",
                sources=OPEN_STATUSES,
                target=SuggestionStatus.ROUTED,
                label=_("Route to an owner"),
                roles=TRIAGE_ROLES,
            ),
            Transition(
                name="to_problem",
                sources=OPEN_STATUSES,
                target=SuggestionStatus.PROBLEM,
                label=_("Turn into a ledger problem"),
                roles=TRIAGE_ROLES,
            ),
            Transition(
                name="answer",
                sources=(*OPEN_STATUSES, SuggestionStatus.PROBLEM),
                target=SuggestionStatus.ANSWERED,
                label=_("Answer"),
                roles=TRIAGE_ROLES,
                needs_comment=True,
            ),
            Transition(
                name="mark_duplicate",
                sources=OPEN_STATUSES,
                target=SuggestionStatus.DUPLICATE,
                label=_("Mark as duplicate"),
                roles=TRIAGE_ROLES,
            ),
            Transition(
                name="reopen",
                sources=(SuggestionStatus.ANSWERED, SuggestionStatus.DUPLICATE),
                target=SuggestionStatus.ROUTED,
                label=_("Reopen"),
                roles=frozenset({Role.SUPERVISOR, Role.LEADER}),
                needs_comment=True,
            ),
            Transition(
                name="rate",
                sources=(SuggestionStatus.ANSWERED,),
                target=SuggestionStatus.ANSWERED,
                label=_("Submitter rated the answer"),
                roles=frozenset(),
                checks=(_not_rated_yet,),
            ),
        ],
    )
    closed_statuses = frozenset({SuggestionStatus.ANSWERED, SuggestionStatus.DUPLICATE})

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="suggestion_status_created"),
            models.Index(fields=["community", "-created_at"], name="suggestion_community_created"),
            models.Index(fields=["org", "status"], name="suggestion_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=SuggestionStatus.PROBLEM) | Q(problem__isnull=False),
                name="suggestion_problem_linked",
                violation_error_message=_("A suggestion turned into a problem keeps its problem."),
            ),
            models.CheckConstraint(
                condition=~Q(status=SuggestionStatus.DUPLICATE) | Q(duplicate_of__isnull=False),
                name="suggestion_duplicate_linked",
                violation_error_message=_("A duplicate names the earlier submission."),
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("intake:suggestion_detail", args=[self.pk])

    @property
    def closed_in_community(self) -> bool:
        return self.status == SuggestionStatus.ANSWERED and not self.escalated
