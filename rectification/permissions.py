"""What the ledger pages offer to whom; the services enforce the same rules."""

from __future__ import annotations

from typing import Any

from orgs.choices import ENTERING_ROLES
from orgs.permissions import holds_role_over
from rectification.models import APPROVING_ROLES, FIXING_ROLES, Problem

# 三员分立: the system administrator reads the ledger but never acts on it.
CREATING_ROLES = ENTERING_ROLES


def may_report(*, user: Any, problem: Problem) -> bool:
    """Owners and the unit's clerks and leaders report progress."""
    return problem.owner_id == getattr(user, "pk", None) or holds_role_over(user, problem.org, FIXING_ROLES)


def may_decide_extension(*, user: Any, problem: Problem) -> bool:
    """The level above decides on a later deadline."""
    return holds_role_over(user, problem.org, APPROVING_ROLES, above=True)
