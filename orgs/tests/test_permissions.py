"""Who may act where: each role's reach over the tree, with and without ``above``."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from core.testing.factories import UserFactory, person_with_role
from core.testing.queries import assert_num_queries
from orgs.choices import Role
from orgs.models import User
from orgs.permissions import has_any_role, holds_role_over, roles_over

ORG_NAMES = ("district", "department", "street", "community_a", "community_b", "grid_a")
# The orgs each level reaches, by the fixture's tree.
SUBTREE = {
    "district": set(ORG_NAMES),
    "street": {"street", "community_a", "community_b", "grid_a"},
    "community_a": {"community_a", "grid_a"},
}


def _holder(tree, role: str, level: str) -> User:
    return person_with_role(role, getattr(tree, level), username=f"holder_{role}_{level}")


@pytest.mark.parametrize("level", SUBTREE)
@pytest.mark.parametrize("role", Role.values)
def test_a_role_reaches_its_org_and_everything_below(tree, role, level):
    user = _holder(tree, role, level)
    reached = {name for name in ORG_NAMES if holds_role_over(user, getattr(tree, name), [role])}
    assert reached == SUBTREE[level]


@pytest.mark.parametrize("level", SUBTREE)
@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SUPERVISOR])
def test_above_excludes_the_org_itself(tree, role, level):
    user = _holder(tree, role, level)
    reached = {name for name in ORG_NAMES if holds_role_over(user, getattr(tree, name), [role], above=True)}
    assert reached == SUBTREE[level] - {level}


def test_a_supervisor_at_the_top_also_acts_on_the_top_orgs_own_items(tree):
    """Nothing sits above the district, so its supervisors approve its own items."""
    supervisor = _holder(tree, Role.SUPERVISOR, "district")
    assert holds_role_over(supervisor, tree.district, [Role.SUPERVISOR, Role.LEADER], above=True)
    assert holds_role_over(supervisor, tree.grid_a, [Role.SUPERVISOR], above=True)


def test_the_supervisor_exception_needs_the_supervisor_role_to_be_asked_for(tree):
    supervisor = _holder(tree, Role.SUPERVISOR, "district")
    assert not holds_role_over(supervisor, tree.district, [Role.LEADER], above=True)


def test_a_leader_at_the_top_does_not_get_the_supervisor_exception(tree):
    leader = _holder(tree, Role.LEADER, "district")
    assert not holds_role_over(leader, tree.district, [Role.SUPERVISOR, Role.LEADER], above=True)
    assert holds_role_over(leader, tree.street, [Role.SUPERVISOR, Role.LEADER], above=True)


def test_a_role_not_asked_for_does_not_count(tree, people):
    assert not holds_role_over(people.clerk_a, tree.community_a, [Role.LEADER, Role.SUPERVISOR])
    assert not holds_role_over(people.member_a, tree.grid_a, [Role.CLERK])


def test_grants_at_two_places_reach_both_and_nothing_between(tree, people):
    people.clerk_a.grants.create(org=tree.department, role=Role.CLERK)
    user = User.objects.get(pk=people.clerk_a.pk)
    reached = {name for name in ORG_NAMES if holds_role_over(user, getattr(tree, name), [Role.CLERK])}
    assert reached == {"department", "community_a", "grid_a"}


def test_superuser_holds_every_role_everywhere(tree):
    root = UserFactory(username="root", is_superuser=True)
    assert holds_role_over(root, tree.district, [Role.CLERK], above=True)
    assert roles_over(root, tree.grid_a) == set(Role.values)


@pytest.mark.parametrize("user", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_nobody_holds_anything(tree, user):
    assert not holds_role_over(user, tree.grid_a, Role.values)
    assert roles_over(user, tree.grid_a) == set()
    assert not has_any_role(user, Role.values)


def test_a_person_without_grants_holds_nothing(tree):
    nobody = UserFactory(username="nobody", home_org=tree.community_a)
    assert not holds_role_over(nobody, tree.community_a, Role.values)
    assert not has_any_role(nobody, Role.values)


def test_roles_over_collects_roles_held_at_the_org_and_above(tree, people):
    people.clerk_a.grants.create(org=tree.district, role=Role.INSPECTOR)
    user = User.objects.get(pk=people.clerk_a.pk)
    assert roles_over(user, tree.grid_a) == {Role.CLERK, Role.INSPECTOR}
    assert roles_over(user, tree.community_b) == {Role.INSPECTOR}
    assert roles_over(people.leader, tree.department) == set()


def test_has_any_role_is_anywhere_in_the_tree(people):
    assert has_any_role(people.leader, [Role.LEADER])
    assert not has_any_role(people.leader, [Role.ADMIN, Role.CLERK])


def test_checks_cost_one_query_per_user_whatever_the_number_of_orgs(tree, people):
    user = User.objects.get(pk=people.leader.pk)
    with assert_num_queries(1, label="grants are read once per user object"):
        for name in ORG_NAMES:
            holds_role_over(user, getattr(tree, name), [Role.LEADER], above=True)
            roles_over(user, getattr(tree, name))
