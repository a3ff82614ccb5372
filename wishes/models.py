"""Micro-wishes (微心愿) posted by residents and claimed by party members, and livelihood
micro-projects (民生微项目) claimed by an agency's party group: 群众点单、党员上菜.

Both are tracked items with one life: on the wall → claimed (exactly one claimant, with a
deadline) → fulfilled with photo evidence → confirmed and rated by the grid worker or the
resident. A claim not fulfilled by its deadline lapses and the item goes back on the wall.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.citizens import QueryCodeHolder
from core.models import TrackedItem
from core.workflow import Transition, Workflow
from orgs.choices import Role
from wishes.choices import RATING_CHOICES, WishSource, WishStatus

# Who confirms a fulfilment and looks after the wall: the grid worker or community clerk
# and those above them.
CARETAKER_ROLES = frozenset({Role.CLERK, Role.LEADER, Role.SUPERVISOR})
# Who may claim a wish: party members and cadres of the community (or above it).
CLAIMING_ROLES = frozenset({Role.MEMBER, Role.CLERK, Role.LEADER})
# Who claims a micro-project for their org (an agency's party group): its clerk or leader.
ORG_CLAIMING_ROLES = frozenset({Role.CLERK, Role.LEADER})


def _reach(user: Any, roles: frozenset[str]) -> list[str]:
    from orgs.models import grant_paths

    return list(grant_paths(user, roles))


class WishWorkflow(Workflow):
    """The shared workflow, plus the rights particular to wishes.

    A claim is open to whoever holds a claiming role inside the item's community or
    above it (a member's grant sits at a grid, below the community that owns the wish),
    and to the party members who live in the community (their home org is in it);
    the lapse is made by the clock (no user); the confirmation also by the resident
    holding the query code.
    """

    def __init__(self, *, claimant_org: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.claimant_org = claimant_org

    def may(self, transition: Transition, item: Any, user: Any) -> bool:
        from orgs.permissions import holds_role_over

        if transition.name == "lapse" and user is None:
            return True
        if isinstance(user, QueryCodeHolder):
            return transition.name == "confirm" and not self.claimant_org and user.holds(item)
        if user is None or not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        if transition.name == "claim":
            if self.claimant_org:
                return bool(_reach(user, ORG_CLAIMING_ROLES))
            path = item.org.path
            if any(path.startswith(p) or p.startswith(path) for p in _reach(user, CLAIMING_ROLES)):
                return True
            # A party member living in the community claims without any role granted.
            home = user.home_org if getattr(user, "is_party_member", False) and user.home_org_id else None
            return home is not None and home.path.startswith(path)
        if (
            transition.name in {"fulfil", "release"}
            and self.claimant_org
            and item.claimant_org_id
            and holds_role_over(user, item.claimant_org, ORG_CLAIMING_ROLES)
        ):
            return True
        return super().may(transition, item, user)


def _workflow(*, claimant_org: bool) -> WishWorkflow:
    return WishWorkflow(
        claimant_org=claimant_org,
        initial=WishStatus.POSTED,
        transitions=[
            Transition(
                name="claim",
                sources=(WishStatus.POSTED,),
                target=WishStatus.CLAIMED,
                label=_("Claim"),
                roles=CLAIMING_ROLES,
            ),
            Transition(
                name="fulfil",
                sources=(WishStatus.CLAIMED,),
                target=WishStatus.FULFILLED,
                label=_("Report fulfilled"),
                roles=frozenset(),
                owner_may=True,
                needs_evidence=True,
            ),
            Transition(
                name="confirm",
                sources=(WishStatus.FULFILLED,),
                target=WishStatus.CONFIRMED,
                label=_("Confirm fulfilment"),
                roles=CARETAKER_ROLES,
            ),
            Transition(
                name="release",
                sources=(WishStatus.CLAIMED,),
                target=WishStatus.POSTED,
                label=_("Give up the claim"),
                roles=CARETAKER_ROLES,
                owner_may=True,
                needs_comment=True,
            ),
            Transition(
                name="lapse",
                sources=(WishStatus.CLAIMED,),
                target=WishStatus.POSTED,
                label=_("Claim lapsed, back on the wall"),
                roles=frozenset(),
            ),
            Transition(
                name="withdraw",
                sources=(WishStatus.POSTED,),
                target=WishStatus.WITHDRAWN,
                label=_("Take off the wall"),
                roles=CARETAKER_ROLES,
                needs_comment=True,
            ),
        ],
    )


class WishItem(TrackedItem):
    """What wishes and micro-projects share: the claim, the fulfilment and its rating.

    ``owner`` is the claimant (a person), ``deadline`` the day the claim must be
    fulfilled by; both are cleared when the claim lapses.
    """

    status = models.CharField(_("status"), max_length=20, choices=WishStatus.choices, default=WishStatus.POSTED)
    description = models.TextField(_("details"), blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfilment_note = models.TextField(_("how it was fulfilled"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True, choices=RATING_CHOICES)
    thanks = models.TextField(_("thanks"), blank=True)

    closed_statuses = frozenset({WishStatus.CONFIRMED, WishStatus.WITHDRAWN})

    class Meta:
        abstract = True


class Wish(WishItem):
    """A resident's small wish (微心愿) on its community's wall, claimed by one member."""

    beneficiary = models.CharField(_("for whom"), max_length=100)
    source = models.CharField(_("source"), max_length=10, choices=WishSource.choices, default=WishSource.PUBLIC)
    submitter_name = models.CharField(_("submitted by"), max_length=50, blank=True)
    submitter_phone = models.CharField(_("contact mobile"), max_length=20, blank=True)
    submitter_email = models.EmailField(_("e-mail"), blank=True)
    query_code = models.CharField(_("query code"), max_length=16, unique=True)

    workflow = _workflow(claimant_org=False)

    class Meta:
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["org", "status", "-created_at"], name="wish_org_status_created"),
            models.Index(fields=["status", "deadline"], name="wish_status_deadline"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="wish_rating_range",
                violation_error_message=_("A rating is from 1 to 5 stars."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status=WishStatus.CLAIMED) | models.Q(owner__isnull=False),
                name="wish_claimed_has_claimant",
                violation_error_message=_("A claimed wish has its claimant."),
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("wishes:wish_detail", args=[self.pk])


class MicroProject(WishItem):
    """A livelihood micro-project (民生微项目) in a community, claimed by an org (an
    agency's party group) rather than a person; the same steps as a wish."""

    claimant_org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("claimed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)

    workflow = _workflow(claimant_org=True)

    class Meta:
        verbose_name = _("micro-project")
        verbose_name_plural = _("micro-projects")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "status", "-created_at"], name="microproject_org_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="microproject_rating_range",
                violation_error_message=_("A rating is from 1 to 5 stars."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status=WishStatus.CLAIMED) | models.Q(claimant_org__isnull=False),
                name="microproject_claimed_has_org",
                violation_error_message=_("A claimed micro-project has its claiming org."),
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("wishes:project_detail", args=[self.pk])
