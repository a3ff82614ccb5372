"""Who may act where: a role held at an org reaches that org's whole subtree.

Checks work on the path strings of the user's grants (one query per request, cached on
the user), never on a walk of the tree.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.scoping import PATH_STEP
from orgs.choices import Role
from orgs.models import Org, grant_paths


def holds_role_over(user, org: Org, roles: Iterable[str], *, above: bool = False) -> bool:  # type: ignore[no-untyped-def]
    """True if ``user`` holds one of ``roles`` at ``org`` or an ancestor of it.

    With ``above`` the grant must sit strictly above ``org`` (the level above approves),
    except that supervisors held at the top of the tree (the campaign office) also act on
    the top org's own items, since nothing sits above it.
    """
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    roles = set(roles)
    for path in grant_paths(user, roles):
        if not org.path.startswith(path):
            continue
        if not above or len(path) < len(org.path):
            return True
        if Role.SUPERVISOR in roles and len(path) == PATH_STEP and path in grant_paths(user, [Role.SUPERVISOR]):
            return True
    return False


def roles_over(user, org: Org) -> set[str]:  # type: ignore[no-untyped-def]
    """Every role ``user`` holds at ``org`` or above it."""
    if user is None or not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(Role.values)
    return {role for role in Role.values if any(org.path.startswith(p) for p in grant_paths(user, [role]))}


def has_any_role(user, roles: Iterable[str]) -> bool:  # type: ignore[no-untyped-def]
    """True if ``user`` holds one of ``roles`` anywhere."""
    return bool(grant_paths(user, roles))
