"""Reads of the tree and people: what each role held at each level sees, scope narrowing,
and the home page's counts checked against counts made by hand."""

from __future__ import annotations

import pytest

from core.testing.factories import UserFactory, person_with_role
from core.testing.permissions import assert_queryset_scoped
from orgs.choices import MemberCategory, OrgKind, Role
from orgs.models import Org, User
from orgs.selectors import grants_of, org_children, org_top_nodes, orgs_visible, people_visible, scope_choices
from orgs.selectors import scope_summary as summarise

# Usernames of the ``people`` fixture by home org.
HOME = {
    "district": {"admin", "supervisor", "inspector"},
    "department": set(),
    "street": {"leader", "street_clerk"},
    "community_a": {"clerk_a"},
    "community_b": {"clerk_b"},
    "grid_a": {"member_a"},
}
SUBTREE = {
    "district": set(HOME),
    "street": {"street", "community_a", "community_b", "grid_a"},
    "community_a": {"community_a", "grid_a"},
}
# Every role reads people; a member's reach is questioned in its own test below.
READING_ROLES = [Role.ADMIN, Role.SUPERVISOR, Role.LEADER, Role.CLERK, Role.INSPECTOR]


def _holder(tree, role: str, level: str) -> User:
    return person_with_role(role, getattr(tree, level), username=f"holder_{role}_{level}")


@pytest.mark.parametrize("level", SUBTREE)
@pytest.mark.parametrize("role", READING_ROLES)
def test_people_each_role_sees_at_each_level(tree, people, role, level):
    user = _holder(tree, role, level)
    expected = {name for org in SUBTREE[level] for name in HOME[org]} | {user.username}
    assert set(people_visible(user=user).values_list("username", flat=True)) == expected


@pytest.mark.parametrize("level", SUBTREE)
@pytest.mark.parametrize("role", Role.values)
def test_orgs_each_role_sees_at_each_level(tree, role, level):
    user = _holder(tree, role, level)
    expected = {getattr(tree, name).code for name in SUBTREE[level]}
    assert set(orgs_visible(user=user).values_list("code", flat=True)) == expected


def test_a_member_does_not_read_the_people_of_its_community(tree, people):
    member = _holder(tree, Role.MEMBER, "community_a")
    assert "clerk_a" not in set(people_visible(user=member).values_list("username", flat=True))


def test_people_are_scoped_by_the_shared_contract(db):
    assert_queryset_scoped(
        lambda user: people_visible(user=user),
        make_item=lambda org: UserFactory(username=f"resident_{org.code}".lower(), home_org=org),
    )


def test_orgs_are_scoped_by_the_shared_contract(db):
    assert_queryset_scoped(lambda user: orgs_visible(user=user), make_item=lambda org: org)


class TestScopeNarrowing:
    def test_people_narrowed_to_a_community(self, tree, people):
        seen = people_visible(user=people.leader, scope=tree.community_a)
        assert set(seen.values_list("username", flat=True)) == {"clerk_a", "member_a"}

    def test_a_scope_outside_the_grants_never_widens(self, tree, people):
        assert not people_visible(user=people.clerk_a, scope=tree.community_b).exists()

    def test_a_scope_above_the_grant_is_the_grant(self, tree, people):
        seen = people_visible(user=people.clerk_a, scope=tree.street)
        assert set(seen.values_list("username", flat=True)) == {"clerk_a", "member_a"}

    def test_orgs_narrowed_to_a_community(self, tree, people):
        codes = set(orgs_visible(user=people.leader, scope=tree.community_a).values_list("code", flat=True))
        assert codes == {tree.community_a.code, tree.grid_a.code}
        assert not orgs_visible(user=people.clerk_a, scope=tree.community_b).exists()

    def test_people_list_does_not_query_per_row(self, tree, people):
        from core.testing.queries import assert_num_queries

        people_visible(user=people.admin).count()  # grants read and cached
        with assert_num_queries(1, label="people with their home orgs"):
            _ = [person.home_org.name for person in people_visible(user=people.admin)]


class TestTopNodesAndChoices:
    def test_scope_choices_are_the_top_granted_orgs(self, tree, people):
        people.clerk_a.grants.create(org=tree.department, role=Role.CLERK)
        people.clerk_a.grants.create(org=tree.grid_a, role=Role.MEMBER)
        user = User.objects.get(pk=people.clerk_a.pk)
        assert scope_choices(user) == [tree.department, tree.community_a]

    def test_superuser_chooses_among_the_roots(self, tree):
        assert scope_choices(UserFactory(username="root", is_superuser=True)) == [tree.district]

    def test_nobody_chooses_nothing(self, tree):
        assert scope_choices(UserFactory(username="nobody")) == []

    def test_top_nodes_are_the_scope_or_the_grants(self, tree, people):
        assert list(org_top_nodes(user=people.leader)) == [tree.street]
        assert list(org_top_nodes(user=people.leader, scope=tree.community_b)) == [tree.community_b]

    def test_children_are_one_level_down_and_visible(self, tree, people):
        children = list(org_children(user=people.leader, org=tree.street))
        assert children == sorted([tree.community_a, tree.community_b], key=lambda org: org.path)
        assert list(org_children(user=people.clerk_a, org=tree.street)) == [tree.community_a]

    def test_grants_of_a_person_in_tree_order(self, tree, people):
        people.clerk_a.grants.create(org=tree.district, role=Role.INSPECTOR)
        assert [(g.org.code, g.role) for g in grants_of(people.clerk_a)] == [
            ("AK", Role.INSPECTOR),
            ("AK-JM-XDC", Role.CLERK),
        ]


def _kind_counts(summary: dict) -> dict[str, int]:
    """``orgs_by_kind`` keyed by kind value, whether given by value or by label."""
    labels = {str(label): value for value, label in OrgKind.choices}
    return {labels.get(str(key), str(key)): count for key, count in dict(summary["orgs_by_kind"]).items()}


class TestScopeSummary:
    @pytest.fixture
    def residents(self, tree, people):
        UserFactory(
            username="old_a", home_org=tree.grid_a, is_party_member=True, member_category=MemberCategory.ELDERLY
        )
        UserFactory(
            username="away_b", home_org=tree.community_b, is_party_member=True, member_category=MemberCategory.OUTFLOW
        )
        UserFactory(username="plain_b", home_org=tree.community_b)
        UserFactory(username="dept", home_org=tree.department, is_party_member=True)
        Org.objects.filter(pk=tree.community_b.pk).update(is_active=False)

    def test_counts_for_a_street_leader(self, tree, people, residents):
        summary = summarise(user=people.leader)
        # By hand: street, community A, community B (inactive), grid A.
        assert summary["orgs"] == {"total": 4, "active": 3}
        assert _kind_counts(summary) == {OrgKind.STREET: 1, OrgKind.COMMUNITY: 2, OrgKind.GRID: 1}
        # leader, street_clerk, clerk_a, clerk_b, member_a, old_a, away_b, plain_b.
        assert summary["people"]["total"] == 8
        assert summary["people"]["members"] == 3
        by_category = dict(summary["members_by_category"])
        assert by_category[MemberCategory.IN_SERVICE.label] == 1
        assert by_category[MemberCategory.ELDERLY.label] == 1
        assert by_category[MemberCategory.OUTFLOW.label] == 1
        assert sum(by_category.values()) == 3

    def test_counts_narrowed_to_a_scope(self, tree, people, residents):
        summary = summarise(user=people.admin, scope=tree.community_a)
        assert summary["orgs"] == {"total": 2, "active": 2}
        assert summary["people"]["total"] == 3  # clerk_a, member_a, old_a
        assert summary["people"]["members"] == 2

    def test_counts_for_the_whole_district(self, tree, people, residents):
        summary = summarise(user=people.supervisor)
        assert summary["orgs"] == {"total": 6, "active": 5}
        assert summary["people"]["total"] == 12  # the 8 of the fixture and 4 residents
        assert summary["people"]["members"] == 4

    def test_nobody_counts_zero(self, tree, people, residents):
        summary = summarise(user=UserFactory(username="nobody"))
        assert summary["orgs"]["total"] == 0
        assert summary["people"]["total"] == 0
