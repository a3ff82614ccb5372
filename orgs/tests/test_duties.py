"""三员分立: the system, security and audit administrators each do their part and nothing else.

The system administrator keeps accounts and the org tree and reads items but acts on
none and grants no role; the security administrator lists people and grants roles but
changes no account and reads no item; the audit administrator reads the audit log only.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from core.errors import DomainError, PermissionDenied
from core.testing.factories import CampaignFactory, person_with_role
from core.testing.permissions import client_for
from orgs import services
from orgs.choices import Role
from orgs.models import RoleGrant, User
from rectification.choices import ProblemLevel
from rectification.models import Problem
from rectification.services import problem_create
from rectification.tests.factories import ProblemFactory
from wishes.choices import WishSource
from wishes.services import wish_post


@pytest.fixture
def security(tree):  # type: ignore[no-untyped-def]
    return person_with_role(Role.SECURITY_ADMIN, tree.district, username="security", mobile="13800001111")


@pytest.fixture
def auditor(tree):  # type: ignore[no-untyped-def]
    return person_with_role(Role.AUDIT_ADMIN, tree.district, username="auditor")


@pytest.fixture
def problem(tree, people):  # type: ignore[no-untyped-def]
    return ProblemFactory(org=tree.community_a, campaign=CampaignFactory(org=tree.district), owner=people.clerk_a)


class TestSystemAdministrator:
    def test_reads_items_but_may_not_enter_or_act_on_them(self, tree, people, problem):
        assert Problem.objects.visible_to(people.admin).filter(pk=problem.pk).exists()
        assert client_for(people.admin).get(problem.get_absolute_url()).status_code == 200
        with pytest.raises(PermissionDenied):
            problem_create(
                acting_user=people.admin,
                campaign=problem.campaign,
                org=tree.community_a,
                title="管理员不该录入问题",
                level=ProblemLevel.GRASSROOTS,
            )
        with pytest.raises(PermissionDenied):
            wish_post(
                community=tree.community_a,
                title="管理员不该代录心愿",
                beneficiary="独居老人",
                source=WishSource.STAFF,
                acting_user=people.admin,
            )
        assert not Problem.objects.filter(title="管理员不该录入问题").exists()

    def test_keeps_accounts_and_the_org_tree(self, tree, people):
        services.person_update(person=people.clerk_a, acting_user=people.admin, position="联络员")
        child = services.org_create(
            parent=tree.street, name="新社区", code="AK-JM-NEW", kind="community", acting_user=people.admin
        )
        assert child.is_within(tree.street)
        assert User.objects.get(pk=people.clerk_a.pk).position == "联络员"

    def test_may_not_grant_or_revoke_roles(self, tree, people):
        with pytest.raises(PermissionDenied):
            services.role_grant(user=people.member_a, org=tree.grid_a, role=Role.CLERK, acting_user=people.admin)
        grant = people.clerk_a.grants.get()
        with pytest.raises(PermissionDenied):
            services.role_revoke(grant=grant, acting_user=people.admin)
        assert RoleGrant.objects.filter(pk=grant.pk).exists()
        response = client_for(people.admin).post(
            f"/orgs/people/{people.member_a.pk}/grant/", {"role": Role.CLERK, "org": tree.grid_a.code}
        )
        assert response.status_code == 302
        assert not people.member_a.grants.filter(role=Role.CLERK).exists()

    def test_the_person_page_offers_no_grant_or_revoke_to_the_administrator(self, tree, people):
        html = client_for(people.admin).get(f"/orgs/people/{people.clerk_a.pk}/").content.decode()
        assert "/grant/" not in html and "/revoke/" not in html
        assert "/password/" in html  # the administrator still sets initial passwords


class TestSecurityAdministrator:
    def test_grants_and_revokes_roles_in_its_subtree(self, tree, people, security):
        grant = services.role_grant(user=people.member_a, org=tree.grid_a, role=Role.CLERK, acting_user=security)
        assert people.member_a.grants.filter(role=Role.CLERK, org=tree.grid_a).exists()
        services.role_revoke(grant=grant, acting_user=security)
        assert not RoleGrant.objects.filter(pk=grant.pk).exists()

    def test_not_outside_its_subtree(self, tree, people):
        street_security = person_with_role(Role.SECURITY_ADMIN, tree.street, username="street_security")
        with pytest.raises(PermissionDenied):
            services.role_grant(user=people.member_a, org=tree.department, role=Role.CLERK, acting_user=street_security)

    def test_nobody_grants_a_role_to_themselves(self, tree, security):
        with translation.override("zh-hans"), pytest.raises(PermissionDenied) as refused:
            services.role_grant(user=security, org=tree.district, role=Role.SUPERVISOR, acting_user=security)
        assert refused.value.message == "任何人不得给自己授予角色。"
        assert not security.grants.filter(role=Role.SUPERVISOR).exists()

    def test_the_person_page_offers_no_grant_form_for_oneself(self, security):
        html = client_for(security).get(f"/orgs/people/{security.pk}/").content.decode()
        assert "/grant/" not in html
        response = client_for(security).post(f"/orgs/people/{security.pk}/grant/", {"role": "clerk", "org": "AK"})
        assert response.status_code == 302
        assert not security.grants.filter(role=Role.CLERK).exists()

    @pytest.mark.parametrize(
        "held, wanted",
        [
            (Role.ADMIN, Role.SECURITY_ADMIN),
            (Role.ADMIN, Role.AUDIT_ADMIN),
            (Role.AUDIT_ADMIN, Role.ADMIN),
            (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN),
        ],
    )
    def test_nobody_holds_two_of_the_three_duties(self, tree, security, held, wanted):
        person = person_with_role(held, tree.street, username="one_person")
        with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
            services.role_grant(user=person, org=tree.street, role=wanted, acting_user=security)
        assert refused.value.field == "role"
        assert "三员分立" in refused.value.message and "三人分别担任" in refused.value.message
        assert list(person.grants.values_list("role", flat=True)) == [held]

    def test_the_same_duty_at_another_org_is_not_a_second_duty(self, tree, security):
        person = person_with_role(Role.ADMIN, tree.street, username="street_admin")
        services.role_grant(user=person, org=tree.department, role=Role.ADMIN, acting_user=security)
        assert person.grants.filter(role=Role.ADMIN).count() == 2

    def test_may_not_change_accounts(self, people, security):
        with pytest.raises(PermissionDenied):
            services.person_update(person=people.clerk_a, acting_user=security, mobile="13900000000")
        with pytest.raises(PermissionDenied):
            services.person_set_password(person=people.clerk_a, password="Xincheng@2027", acting_user=security)
        assert client_for(security).get(f"/orgs/people/{people.clerk_a.pk}/edit/").status_code == 404
        assert not User.objects.get(pk=people.clerk_a.pk).check_password("Xincheng@2027")

    def test_lists_people_with_their_roles_but_not_their_contact_data(self, tree, people, security):
        people.clerk_a.mobile = "13912340001"
        people.clerk_a.save()
        client = client_for(security)
        listing = client.get("/orgs/people/").content.decode()
        assert people.clerk_a.real_name in listing and people.member_a.real_name in listing
        assert "13912340001" not in listing and "139****0001" in listing
        page = client.get(f"/orgs/people/{people.clerk_a.pk}/")
        html = page.content.decode()
        assert page.status_code == 200
        assert people.clerk_a.real_name in html and tree.community_a.name in html
        assert "13912340001" not in html
        assert "/grant/" in html and "/revoke/" in html

    def test_reads_no_items(self, tree, people, security, problem):
        assert not Problem.objects.visible_to(security).exists()
        assert client_for(security).get(problem.get_absolute_url()).status_code == 404
        assert not User.objects.visible_to(security).exists()


class TestAuditAdministrator:
    def test_sees_no_people_and_no_items(self, tree, people, auditor, problem):
        client = client_for(auditor)
        assert client.get("/orgs/people/").status_code == 403
        assert client.get("/orgs/people/?export=xlsx").status_code == 403
        assert client.get(f"/orgs/people/{people.clerk_a.pk}/").status_code == 404
        assert client.get(problem.get_absolute_url()).status_code == 404
        assert not Problem.objects.visible_to(auditor).exists()
        org_page = client.get(f"/orgs/{tree.community_a.code}/").content.decode()
        assert people.clerk_a.real_name not in org_page

    def test_may_not_grant_or_change_accounts(self, tree, people, auditor):
        with pytest.raises(PermissionDenied):
            services.role_grant(user=people.member_a, org=tree.grid_a, role=Role.CLERK, acting_user=auditor)
        with pytest.raises(PermissionDenied):
            services.person_update(person=people.clerk_a, acting_user=auditor, position="审计")

    def test_the_grants_api_lists_nothing_to_it(self, tree, people, auditor):
        assert client_for(auditor).get("/api/grants/").json()["results"] == []
        listed = {row["user"] for row in client_for(people.clerk_a).get("/api/grants/").json()["results"]}
        assert "clerk_a" in listed and "auditor" not in listed
