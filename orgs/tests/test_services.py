"""Changes to the tree, people and grants: who may make them, what is refused with which
message, and that each success writes exactly its event while a refusal writes nothing."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from core.errors import DomainError, PermissionDenied
from core.models import Event
from core.testing.factories import UserFactory, person_with_role
from orgs import services
from orgs.choices import MemberCategory, OrgKind, Role
from orgs.models import Org, RoleGrant, User


@contextmanager
def refused(error: type[DomainError] = DomainError, *, field: str | None = None, match: str | None = None):
    """The block raises ``error`` (on ``field``) and leaves no event and no new row behind."""
    counts = (Event.objects.count(), Org.objects.count(), User.objects.count(), RoleGrant.objects.count())
    with pytest.raises(error, match=match) as caught:
        yield caught
    if field is not None:
        assert caught.value.field == field
    assert caught.value.message, "a refusal must say why"
    assert (Event.objects.count(), Org.objects.count(), User.objects.count(), RoleGrant.objects.count()) == counts


def only_new_event(before: int) -> Event:
    """The single event written since ``before`` events existed."""
    assert Event.objects.count() == before + 1
    return Event.objects.order_by("-id").first()


class TestOrgCreate:
    def test_admin_adds_an_org_and_its_event(self, tree, people):
        before = Event.objects.count()
        org = services.org_create(
            parent=tree.street, name=" 新城社区 ", code="AK-JM-XC", kind=OrgKind.COMMUNITY, acting_user=people.admin
        )
        assert org.name == "新城社区" and Org.objects.get_parent(org) == tree.street
        event = only_new_event(before)
        assert (event.item, event.actor, event.action, event.org) == (org, people.admin, "created", org)
        assert event.changes["code"] == "AK-JM-XC"

    @pytest.mark.parametrize("who", ["clerk_a", "street_clerk", "leader", "supervisor", "member_a"])
    def test_only_admins_add_orgs(self, tree, people, who):
        with refused(PermissionDenied):
            services.org_create(
                parent=tree.community_a, name="新网格", code="NEW", kind=OrgKind.GRID, acting_user=getattr(people, who)
            )

    def test_an_admin_below_cannot_add_beside_itself(self, tree, people):
        street_admin = people.street_clerk
        street_admin.grants.create(org=tree.street, role=Role.ADMIN)
        street_admin = User.objects.get(pk=street_admin.pk)
        services.org_create(
            parent=tree.community_b, name="居尚一网格", code="G1", kind=OrgKind.GRID, acting_user=street_admin
        )
        with refused(PermissionDenied):
            services.org_create(
                parent=tree.department, name="科室", code="K1", kind=OrgKind.DEPARTMENT, acting_user=street_admin
            )

    def test_only_superusers_add_roots(self, tree, people):
        with refused(PermissionDenied):
            services.org_create(parent=None, name="另一区", code="X", kind=OrgKind.DISTRICT, acting_user=people.admin)
        root = UserFactory(username="root", is_superuser=True)
        assert services.org_create(parent=None, name="另一区", code="X", kind=OrgKind.DISTRICT, acting_user=root)

    def test_duplicate_code(self, tree, people):
        with refused(field="code", match="AK-JM"):
            services.org_create(
                parent=tree.street, name="重复", code="AK-JM", kind=OrgKind.COMMUNITY, acting_user=people.admin
            )

    @pytest.mark.parametrize(
        ("name", "code", "kind", "field"),
        [(" ", "C1", OrgKind.GRID, "name"), ("网格", " ", OrgKind.GRID, "code"), ("网格", "C1", "planet", "kind")],
    )
    def test_required_fields(self, tree, people, name, code, kind, field):
        with refused(field=field):
            services.org_create(parent=tree.street, name=name, code=code, kind=kind, acting_user=people.admin)


class TestOrgUpdate:
    def test_rename_writes_the_difference(self, tree, people):
        before = Event.objects.count()
        services.org_update(org=tree.community_a, acting_user=people.admin, name="现代城新社区")
        event = only_new_event(before)
        assert event.action == "updated"
        assert event.changes == {"name": ["现代城社区", "现代城新社区"]}
        assert Org.objects.get(pk=tree.community_a.pk).name == "现代城新社区"

    def test_no_change_no_event(self, tree, people):
        before = Event.objects.count()
        services.org_update(org=tree.community_a, acting_user=people.admin, name="现代城社区")
        assert Event.objects.count() == before

    def test_clerk_cannot_rename_its_own_org(self, tree, people):
        with refused(PermissionDenied):
            services.org_update(org=tree.community_a, acting_user=people.clerk_a, name="改名")
        assert Org.objects.get(pk=tree.community_a.pk).name == "现代城社区"

    @pytest.mark.parametrize("changes", [{"code": "NEW"}, {"path": "0009"}, {"name": ""}, {"kind": "planet"}])
    def test_refused_changes(self, tree, people, changes):
        with refused():
            services.org_update(org=tree.community_a, acting_user=people.admin, **changes)
        assert Org.objects.get(pk=tree.community_a.pk).code == "AK-JM-XDC"


class TestOrgMove:
    def test_move_rewrites_the_subtree_and_writes_one_event(self, tree, people):
        before = Event.objects.count()
        moved = services.org_move(org=tree.community_a, new_parent=tree.department, acting_user=people.admin)
        assert Org.objects.get_parent(moved) == tree.department
        grid = Org.objects.get(pk=tree.grid_a.pk)
        assert grid.path.startswith(moved.path) and grid.path.startswith(tree.department.path)
        event = only_new_event(before)
        assert event.action == "moved" and event.changes == {"parent": ["AK-JM", "AK-JJ"]}
        # The people of the moved subtree now belong to the department's reach.
        seen = User.objects.visible_to(User.objects.get(pk=people.leader.pk)).values_list("username", flat=True)
        assert "member_a" not in set(seen)

    def test_cannot_move_under_itself(self, tree, people):
        with refused(field="parent"):
            services.org_move(org=tree.street, new_parent=tree.street, acting_user=people.admin)

    def test_cannot_move_under_its_own_descendant(self, tree, people):
        with refused(field="parent"):
            services.org_move(org=tree.street, new_parent=tree.grid_a, acting_user=people.admin)
        assert Org.objects.get(pk=tree.street.pk).path == tree.street.path

    def test_clerk_cannot_move(self, tree, people):
        with refused(PermissionDenied):
            services.org_move(org=tree.grid_a, new_parent=tree.community_b, acting_user=people.street_clerk)

    def test_an_admin_below_cannot_move_out_of_its_reach(self, tree, people):
        people.street_clerk.grants.create(org=tree.street, role=Role.ADMIN)
        street_admin = User.objects.get(pk=people.street_clerk.pk)
        with refused(PermissionDenied):
            services.org_move(org=tree.grid_a, new_parent=tree.department, acting_user=street_admin)


class TestOrgSetActive:
    def test_deactivate_then_again_writes_one_event(self, tree, people):
        before = Event.objects.count()
        services.org_set_active(org=tree.community_b, active=False, acting_user=people.admin)
        services.org_set_active(org=tree.community_b, active=False, acting_user=people.admin)
        assert only_new_event(before).action == "deactivated"
        assert not Org.objects.get(pk=tree.community_b.pk).is_active
        services.org_set_active(org=tree.community_b, active=True, acting_user=people.admin)
        assert Event.objects.order_by("-id").first().action == "activated"

    def test_clerk_cannot_deactivate(self, tree, people):
        with refused(PermissionDenied):
            services.org_set_active(org=tree.community_b, active=False, acting_user=people.clerk_b)
        assert Org.objects.get(pk=tree.community_b.pk).is_active


def _person(acting_user, org, **fields):
    values = {"username": "wang", "real_name": "王芳", "home_org": org, "mobile": "13912345678"}
    values.update(fields)
    return services.person_create(acting_user=acting_user, **values)


class TestPersonCreate:
    def test_clerk_adds_a_person_to_its_community(self, tree, people):
        before = Event.objects.count()
        person = _person(people.clerk_a, tree.grid_a, is_party_member=True, member_category=MemberCategory.OUTFLOW)
        assert person.home_org == tree.grid_a and not person.has_usable_password()
        event = only_new_event(before)
        assert (event.item, event.actor, event.action, event.org) == (person, people.clerk_a, "created", tree.grid_a)
        assert event.changes == {"username": "wang", "real_name": "王芳", "home_org": tree.grid_a.code}

    def test_a_password_given_is_usable(self, tree, people):
        assert _person(people.admin, tree.street, password="Xin@2026secure").check_password("Xin@2026secure")

    def test_clerk_of_a_cannot_add_people_to_b(self, tree, people):
        with refused(PermissionDenied):
            _person(people.clerk_a, tree.community_b)

    @pytest.mark.parametrize("who", ["member_a", "leader", "inspector", "supervisor"])
    def test_roles_that_do_not_edit_people(self, tree, people, who):
        with refused(PermissionDenied):
            _person(getattr(people, who), tree.grid_a)

    @pytest.mark.parametrize("mobile", ["1234", "12912345678", "139123456789", "1391234567a"])
    def test_bad_mobile(self, tree, people, mobile):
        with refused(field="mobile", match=mobile):
            _person(people.clerk_a, tree.community_a, mobile=mobile)

    def test_category_without_membership(self, tree, people):
        with refused(field="member_category"):
            _person(people.clerk_a, tree.community_a, member_category=MemberCategory.ELDERLY)

    def test_unknown_category(self, tree, people):
        with refused(field="member_category"):
            _person(people.clerk_a, tree.community_a, is_party_member=True, member_category="astronaut")

    def test_duplicate_username(self, tree, people):
        with refused(field="username", match="clerk_b"):
            _person(people.clerk_a, tree.community_a, username="clerk_b")

    @pytest.mark.parametrize(("fields", "field"), [({"username": " "}, "username"), ({"real_name": ""}, "real_name")])
    def test_required_fields(self, tree, people, fields, field):
        with refused(field=field):
            _person(people.clerk_a, tree.community_a, **fields)


class TestPersonUpdate:
    def test_clerk_updates_its_person_and_the_event_holds_the_difference(self, tree, people):
        before = Event.objects.count()
        services.person_update(person=people.member_a, acting_user=people.clerk_a, position="网格员", mobile="")
        event = only_new_event(before)
        assert event.action == "updated" and event.org == tree.grid_a
        assert event.changes["position"] == ["", "网格员"]
        assert User.objects.get(pk=people.member_a.pk).position == "网格员"

    def test_no_change_no_event(self, tree, people):
        before = Event.objects.count()
        services.person_update(person=people.member_a, acting_user=people.clerk_a, real_name=people.member_a.real_name)
        assert Event.objects.count() == before

    def test_clerk_of_a_cannot_change_people_of_b(self, tree, people):
        with refused(PermissionDenied):
            services.person_update(person=people.clerk_b, acting_user=people.clerk_a, position="改")

    def test_moving_someone_needs_rights_at_both_ends(self, tree, people):
        with refused(PermissionDenied):
            services.person_update(person=people.member_a, acting_user=people.clerk_a, home_org=tree.community_b)
        assert User.objects.get(pk=people.member_a.pk).home_org == tree.grid_a
        before = Event.objects.count()
        services.person_update(person=people.member_a, acting_user=people.street_clerk, home_org=tree.community_b)
        assert only_new_event(before).changes == {"home_org": [tree.grid_a.code, tree.community_b.code]}

    def test_dropping_membership_while_keeping_a_category_is_refused(self, tree, people):
        with refused(field="member_category"):
            services.person_update(person=people.member_a, acting_user=people.clerk_a, is_party_member=False)
        assert User.objects.get(pk=people.member_a.pk).is_party_member

    @pytest.mark.parametrize(
        ("changes", "field"),
        [({"mobile": "110"}, "mobile"), ({"real_name": " "}, "real_name"), ({"username": "x"}, None)],
    )
    def test_refused_changes(self, tree, people, changes, field):
        with refused(field=field):
            services.person_update(person=people.member_a, acting_user=people.clerk_a, **changes)


class TestPersonSetPassword:
    def test_admin_sets_a_password(self, tree, people):
        before = Event.objects.count()
        services.person_set_password(person=people.clerk_a, password="Long-enough-1", acting_user=people.admin)
        event = only_new_event(before)
        assert event.action == "password_set" and "Long" not in str(event.changes)
        assert User.objects.get(pk=people.clerk_a.pk).check_password("Long-enough-1")

    def test_a_clerk_cannot_set_passwords(self, tree, people):
        with refused(PermissionDenied):
            services.person_set_password(person=people.member_a, password="Long-enough-1", acting_user=people.clerk_a)
        assert User.objects.get(pk=people.member_a.pk).check_password("Taizhang@2026")

    def test_short_password(self, tree, people):
        with refused(field="password"):
            services.person_set_password(person=people.clerk_a, password="short", acting_user=people.admin)


class TestRoles:
    def test_grant_and_revoke_each_write_one_event(self, tree, people):
        security = person_with_role(Role.SECURITY_ADMIN, tree.district, username="security")
        before = Event.objects.count()
        grant = services.role_grant(user=people.clerk_b, org=tree.community_b, role=Role.LEADER, acting_user=security)
        event = only_new_event(before)
        assert (event.item, event.action, event.org) == (people.clerk_b, "role_granted", tree.community_b)
        assert event.changes == {"role": Role.LEADER, "org": tree.community_b.code}
        services.role_revoke(grant=grant, acting_user=security)
        event = only_new_event(before + 1)
        assert event.action == "role_revoked" and event.changes == {"role": Role.LEADER, "org": tree.community_b.code}
        assert not RoleGrant.objects.filter(pk=grant.pk).exists()

    def test_a_new_grant_takes_effect_on_the_same_user_object(self, tree, people):
        user = people.clerk_b
        assert not User.objects.visible_to(user).filter(username="member_a").exists()
        security = person_with_role(Role.SECURITY_ADMIN, tree.district, username="security")
        services.role_grant(user=user, org=tree.community_a, role=Role.CLERK, acting_user=security)
        assert User.objects.visible_to(user).filter(username="member_a").exists()

    def test_duplicate_grant(self, tree, people):
        security = person_with_role(Role.SECURITY_ADMIN, tree.district, username="security")
        with refused(field="role"):
            services.role_grant(user=people.clerk_a, org=tree.community_a, role=Role.CLERK, acting_user=security)

    def test_unknown_role(self, tree, people):
        with refused(field="role"):
            services.role_grant(user=people.clerk_a, org=tree.community_a, role="king", acting_user=people.supervisor)

    def test_a_clerk_cannot_grant_or_revoke(self, tree, people):
        with refused(PermissionDenied):
            services.role_grant(user=people.member_a, org=tree.grid_a, role=Role.CLERK, acting_user=people.clerk_a)
        grant = people.member_a.grants.get()
        with refused(PermissionDenied):
            services.role_revoke(grant=grant, acting_user=people.clerk_a)
        assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_a_person_without_a_home_org_is_refused_not_crashed(tree, people):
    homeless = UserFactory(username="installer", home_org=None)
    with refused(PermissionDenied):
        services.person_update(person=homeless, acting_user=people.admin, position="管理员")


def test_a_superuser_may_change_a_person_without_a_home_org(tree):
    root = UserFactory(username="root", is_superuser=True)
    homeless = UserFactory(username="installer", home_org=None)
    services.person_update(person=homeless, acting_user=root, position="管理员")
    assert User.objects.get(pk=homeless.pk).position == "管理员"
