"""The one workflow mechanism: declared transitions, who may make each, validation, and
an ``Event`` for every change.

A model declares its ``workflow`` beside its statuses; every status change in Taizhang
goes through :func:`core.services.item_transition`, which looks the transition up here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

Check = Callable[[Any, "TransitionRequest"], None]


@dataclass(frozen=True)
class Transition:
    """A move from one of ``sources`` to ``target``, allowed to holders of ``roles``.

    ``above`` means the role must be held strictly above the item's org (the level
    above approves); otherwise a role at the item's org or above suffices. ``owner_may``
    lets the item's responsible person make the move whatever role they hold.
    """

    name: str
    sources: tuple[str, ...]
    target: str
    label: str | Promise
    roles: frozenset[str]
    above: bool = False
    owner_may: bool = False
    needs_comment: bool = False
    needs_evidence: bool = False
    checks: tuple[Check, ...] = field(default=())


@dataclass
class TransitionRequest:
    """What the acting user sends with a transition: a comment and evidence files."""

    comment: str = ""
    evidence: tuple[Any, ...] = ()


class Workflow:
    """The statuses of one kind of item and the transitions between them."""

    def __init__(self, *, initial: str, transitions: Iterable[Transition]) -> None:
        self.initial = initial
        self.transitions = {t.name: t for t in transitions}

    def get(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise DomainError(_("Unknown action."), field="action") from None

    def may(self, transition: Transition, item: Any, user: Any) -> bool:
        """True if ``user`` may make ``transition`` on ``item`` (status aside)."""
        from orgs.permissions import holds_role_over

        if transition.owner_may and user.is_authenticated and getattr(item, "owner_id", None) == user.pk:
            return True
        return holds_role_over(user, item.org, transition.roles, above=transition.above)

    def available(self, item: Any, user: Any) -> list[Transition]:
        """Transitions ``user`` could make on ``item`` in its current status."""
        return [t for t in self.transitions.values() if item.status in t.sources and self.may(t, item, user)]
