"""Scoping by org subtree: the path arithmetic, and ``visible_to`` as one ranged query."""

from __future__ import annotations

import pytest
from django.db.models import Q

from core.scoping import PATH_UPPER, ancestor_paths, minimal_prefixes, narrow_prefixes, subtree_q
from core.testing.factories import UserFactory, org_create, person_with_role
from core.testing.permissions import ScopedQuerysetTests, assert_queryset_scoped
from core.testing.queries import assert_num_queries
from core.tests.workflow_app.models import Ticket
from orgs.choices import OrgKind
from orgs.models import Org, User, grant_paths


class TestMinimalPrefixes:
    def test_a_grant_below_another_is_dropped(self):
        assert minimal_prefixes(["00010002", "0001", "0002", "000200030004"]) == ["0001", "0002"]

    def test_duplicates_and_order_do_not_matter(self):
        assert minimal_prefixes(["0003", "0001", "0003"]) == ["0001", "0003"]

    def test_a_sibling_sharing_characters_is_not_an_ancestor(self):
        # Siblings share their parent's prefix, yet neither contains the other.
        assert minimal_prefixes(["00010002", "00010003"]) == ["00010002", "00010003"]

    def test_the_root_prefix_covers_everything(self):
        assert minimal_prefixes(["", "0001", "00020003"]) == [""]

    def test_nothing_in_nothing_out(self):
        assert minimal_prefixes([]) == []


class TestSubtreeQ:
    def test_no_paths_match_nothing(self):
        assert subtree_q([], field="path") == Q(pk__in=[])

    def test_the_empty_prefix_matches_everything(self):
        assert subtree_q(["0001", ""], field="path") == Q()

    def test_one_path_is_a_half_open_range(self):
        assert subtree_q(["0001"], field="org__path") == Q(org__path__gte="0001", org__path__lt="0001" + PATH_UPPER)

    def test_several_paths_are_ored_after_dropping_covered_ones(self):
        expected = Q(path__gte="0001", path__lt="0001~") | Q(path__gte="0002", path__lt="0002~")
        assert subtree_q(["0002", "0001", "00010004"], field="path") == expected


class TestAncestorPaths:
    def test_root_first_down_to_the_path_itself(self):
        assert ancestor_paths("000100020003") == ["0001", "00010002", "000100020003"]

    def test_a_root(self):
        assert ancestor_paths("0001") == ["0001"]

    def test_the_empty_path_has_no_ancestors(self):
        assert ancestor_paths("") == []

    def test_agrees_with_the_tree(self, tree):
        expected = [org.path for org in Org.objects.get_ancestors(tree.grid_a)] + [tree.grid_a.path]
        assert ancestor_paths(tree.grid_a.path) == expected
        assert tree.grid_a.ancestor_paths() == expected


def _single_query_sql(read, user: User, label: str) -> str:
    grant_paths(user)  # the grant lookup is cached on the user; the list itself is measured
    with assert_num_queries(1, label=label) as context:
        list(read(user))
    return context.captured_queries[0]["sql"]


def _assert_ranges_over(sql: str, column: str) -> None:
    assert f"{column} >= " in sql and f"{column} < " in sql, sql
    assert "LIKE" not in sql.upper(), sql


class TestVisibleToQuery:
    def test_items_are_one_query_ranging_over_their_orgs_path_not_like(self, tree, people):
        Ticket.objects.create(org=tree.community_a, title="路灯不亮", status="open")
        sql = _single_query_sql(Ticket.objects.visible_to, people.clerk_a, "Ticket.objects.visible_to")
        _assert_ranges_over(sql, '"orgs_org"."path"')
        assert [t.title for t in Ticket.objects.visible_to(people.clerk_a)] == ["路灯不亮"]

    def test_people_are_one_query_ranging_over_their_home_orgs_path(self, tree, people):
        sql = _single_query_sql(User.objects.visible_to, people.clerk_a, "User.objects.visible_to")
        _assert_ranges_over(sql, '"orgs_org"."path"')

    def test_orgs_are_one_query_ranging_over_the_path(self, tree, people):
        sql = _single_query_sql(Org.objects.visible_to, people.clerk_a, "Org.objects.visible_to")
        _assert_ranges_over(sql, '"orgs_org"."path"')

    def test_two_grants_are_one_query_too(self, tree, people):
        people.clerk_a.grants.create(org=tree.department, role="clerk")
        sql = _single_query_sql(User.objects.visible_to, people.clerk_a, "two grants")
        assert sql.count('"path" >= ') == 2, sql

    def test_the_grant_lookup_is_one_query_per_user_object(self, tree, people):
        user = User.objects.get(pk=people.clerk_a.pk)
        with assert_num_queries(2, label="grant lookup and list"):
            list(User.objects.visible_to(user))
        with assert_num_queries(1, label="second list, grants cached"):
            list(Ticket.objects.visible_to(user))

    def test_superuser_sees_all_people_and_items_without_a_path_condition(self, tree, people):
        root = UserFactory(username="root", is_superuser=True)
        Ticket.objects.create(org=tree.community_b, title="B", status="open")
        assert User.objects.visible_to(root).filter(home_org__isnull=False).count() == 8
        assert Ticket.objects.visible_to(root).count() == 1
        assert '"path" >=' not in _single_query_sql(User.objects.visible_to, root, "superuser")

    def test_superuser_sees_all_orgs(self, tree, people):
        root = UserFactory(username="root", is_superuser=True)
        assert Org.objects.visible_to(root).count() == Org.objects.count() == 6

    def test_grants_at_two_siblings_see_both_subtrees_and_nothing_else(self, tree, people):
        user = person_with_role("clerk", tree.community_a, username="two_hats")
        user.grants.create(org=tree.department, role="clerk")
        for org in (tree.district, tree.department, tree.street, tree.community_a, tree.grid_a, tree.community_b):
            Ticket.objects.create(org=org, title=org.code, status="open")
        titles = set(Ticket.objects.visible_to(user).values_list("title", flat=True))
        assert titles == {tree.community_a.code, tree.grid_a.code, tree.department.code}
        names = set(User.objects.visible_to(user).values_list("username", flat=True))
        assert names == {"clerk_a", "member_a", "two_hats"}

    def test_grants_at_two_siblings_see_both_subtrees_of_orgs(self, tree, people):
        user = person_with_role("clerk", tree.community_a, username="two_hats")
        user.grants.create(org=tree.department, role="clerk")
        codes = set(Org.objects.visible_to(user).values_list("code", flat=True))
        assert codes == {tree.community_a.code, tree.grid_a.code, tree.department.code}

    def test_no_grant_sees_nothing(self, tree, people):
        nobody = UserFactory(username="nobody", home_org=tree.community_a)
        Ticket.objects.create(org=tree.community_a, title="路灯不亮", status="open")
        assert not User.objects.visible_to(nobody).exists()
        assert not Ticket.objects.visible_to(nobody).exists()

    def test_anonymous_sees_nothing(self, tree, people):
        from django.contrib.auth.models import AnonymousUser

        assert not User.objects.visible_to(AnonymousUser()).exists()
        assert not Ticket.objects.visible_to(None).exists()


def _org_at(path: str, code: str) -> Org:
    """An org at a hand-made path, to reach the edges of treebeard's alphabet."""
    return Org.objects.create(path=path, depth=len(path) // 4, numchild=0, name=code, code=code, kind=OrgKind.STREET)


class TestUpperBound:
    """``P~`` bounds the subtree of ``P`` for every character treebeard uses (0-9, A-Z)."""

    @pytest.fixture
    def edge_tree(self, db) -> dict[str, Org]:
        paths = {
            "nine": "0009",
            "nine_last_child": "0009ZZZZ",
            "nine_first_child": "00090000",
            "after_nine": "000A",
            "zed": "000Z",
            "zed_child": "000Z0009",
            "zed_grandchild": "000Z0009ZZZZ",
            "after_zed": "0010",
            "before_nine": "0008ZZZZ",
        }
        return {name: _org_at(path, name) for name, path in paths.items()}

    CASES = [
        ("nine", {"nine", "nine_last_child", "nine_first_child"}),
        ("zed", {"zed", "zed_child", "zed_grandchild"}),
        ("zed_child", {"zed_child", "zed_grandchild"}),
        ("after_nine", {"after_nine"}),
        ("before_nine", {"before_nine"}),
    ]

    @pytest.mark.parametrize(("granted", "expected"), CASES)
    def test_items_subtree_ends_exactly_where_it_should(self, edge_tree, granted, expected):
        for org in edge_tree.values():
            Ticket.objects.create(org=org, title=org.code, status="open")
        user = person_with_role("clerk", edge_tree[granted], username=f"u_{granted}")
        assert set(Ticket.objects.visible_to(user).values_list("title", flat=True)) == expected

    @pytest.mark.parametrize(("granted", "expected"), CASES)
    def test_people_subtree_ends_exactly_where_it_should(self, edge_tree, granted, expected):
        for org in edge_tree.values():
            UserFactory(username=f"p_{org.code}", home_org=org)
        user = person_with_role("clerk", edge_tree[granted], username=f"u_{granted}")
        names = set(User.objects.visible_to(user).exclude(pk=user.pk).values_list("username", flat=True))
        assert names == {f"p_{code}" for code in expected}

    @pytest.mark.parametrize(("granted", "expected"), CASES)
    def test_orgs_subtree_ends_exactly_where_it_should(self, edge_tree, granted, expected):
        user = person_with_role("clerk", edge_tree[granted], username=f"u_{granted}")
        assert set(Org.objects.visible_to(user).values_list("code", flat=True)) == expected

    def test_a_real_wide_tree_reaches_z_and_rolls_over(self, db):
        root = org_create(kind=OrgKind.DISTRICT)
        children = [Org.objects.get(pk=org_create(parent=root, kind=OrgKind.STREET).pk) for _ in range(36)]
        assert [children[i].path[-4:] for i in (8, 9, 34, 35)] == ["0009", "000A", "000Z", "0010"]
        for child in children:
            Ticket.objects.create(org=child, title=child.path, status="open")
        for child in (children[8], children[34]):
            user = person_with_role("clerk", child, username=f"w_{child.code}")
            assert list(Ticket.objects.visible_to(user).values_list("title", flat=True)) == [child.path]


class TestTicketScoping(ScopedQuerysetTests):
    """The shared contract on the test-only tracked item, through ``visible_to``."""

    def make_item(self, org):
        return Ticket.objects.create(org=org, title="井盖缺失", status="open")

    def read(self, user):
        return Ticket.objects.visible_to(user)


@pytest.mark.parametrize("role", ["admin", "supervisor", "leader", "clerk", "inspector"])
def test_every_reading_role_follows_the_contract_for_items(db, role):
    assert_queryset_scoped(
        lambda user: Ticket.objects.visible_to(user),
        make_item=lambda org: Ticket.objects.create(org=org, title="井盖缺失", status="open"),
        role=role,
    )


def test_within_narrows_to_one_subtree(tree, people):
    Ticket.objects.create(org=tree.grid_a, title="A", status="open")
    Ticket.objects.create(org=tree.community_b, title="B", status="open")
    titles = set(Ticket.objects.visible_to(people.leader).within(tree.community_a).values_list("title", flat=True))
    assert titles == {"A"}


def test_a_member_does_not_read_every_item_of_its_community(tree, people):
    member = person_with_role("member", tree.community_a, username="member_at_a")
    Ticket.objects.create(org=tree.community_a, title="A", status="open")
    assert not Ticket.objects.visible_to(member).exists()


def test_narrow_prefixes_to_a_picked_org():
    grants = ["0001", "00010002", "0003"]
    assert narrow_prefixes(grants, "000100020007") == ["000100020007"]  # inside a grant
    assert narrow_prefixes(["00010002", "00010005"], "0001") == ["00010002", "00010005"]  # above them
    assert narrow_prefixes(grants, "0002") == []  # outside every grant
    assert narrow_prefixes([""], "0003") == ["0003"]  # the whole tree
