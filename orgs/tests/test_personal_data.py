"""Personal data: names and phones in full only inside the viewer's reading scope, masked
elsewhere; exports carry them only for supervisors, leaders, clerks and inspectors, and
every export leaves one audit entry saying whether it held personal data."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from audit.models import AuditEntry
from core.personal import PersonalExport, person_name, person_phone, resident_value
from core.templatetags.taizhang import mask_name
from core.testing.factories import CampaignFactory, person_with_role
from core.testing.permissions import client_for
from orgs.choices import Role
from projects.tests.factories import KeyTaskFactory
from rectification.tests.factories import ProblemFactory
from wishes.tests.factories import wish_create


def sheet_rows(response) -> list[tuple]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def exports_of(user) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    return list(AuditEntry.objects.filter(actor=user, action__in=["export", "export_personal"]))


@pytest.fixture
def named(people):  # type: ignore[no-untyped-def]
    """Real names and phones that appear nowhere else on the pages."""
    for person, name, mobile in (
        (people.supervisor, "欧阳督办", "13811110001"),
        (people.clerk_a, "司马联络", "13811110002"),
        (people.leader, "诸葛领导", "13811110003"),
    ):
        person.real_name, person.mobile = name, mobile
        person.save()
    return people


class TestRules:
    def test_staff_in_scope_in_full_outside_masked(self, tree, named):
        people = named
        # the street leader reads the community clerk's home org, not the district's
        assert person_name(people.leader, people.clerk_a) == "司马联络"
        assert person_phone(people.leader, people.clerk_a) == "13811110002"
        assert person_name(people.leader, people.supervisor) == "欧***"
        assert person_phone(people.leader, people.supervisor) == "138****0001"
        # a sibling community's clerk, a party member and nobody at all: masked
        assert person_name(people.clerk_b, people.clerk_a) == "司***"
        assert person_name(people.member_a, people.clerk_a) == "司***"
        assert person_name(None, people.clerk_a) == "司***"
        # everyone sees their own name
        assert person_name(people.member_a, people.member_a) == people.member_a.real_name

    def test_security_and_audit_administrators_read_no_names(self, tree, named):
        for role in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
            admin = person_with_role(role, tree.district, username=f"{role}_x")
            assert person_name(admin, named.clerk_a) == "司***"

    def test_residents_by_the_items_org(self, tree, people):
        assert resident_value(people.clerk_a, "13912345678", org=tree.community_a, kind="phone") == "13912345678"
        assert resident_value(people.clerk_b, "13912345678", org=tree.community_a, kind="phone") == "139****5678"
        assert resident_value(people.member_a, "王小明", org=tree.community_a) == "王**"
        assert resident_value(people.clerk_a, "a.b@example.cn", org=tree.community_b, kind="email") == "a***@example.cn"

    def test_an_org_moved_out_of_reach_is_masked_at_once(self, tree, named):
        people = named
        assert person_name(people.leader, people.clerk_a) == "司马联络"
        from orgs.services import org_move

        org_move(org=tree.community_a, new_parent=tree.department, acting_user=people.admin)
        leader = type(people.leader).objects.get(pk=people.leader.pk)  # a new request
        clerk = type(people.clerk_a).objects.get(pk=people.clerk_a.pk)
        assert person_name(leader, clerk) == "司***"


class TestItemPages:
    def test_a_problem_page_masks_staff_outside_the_viewers_scope(self, tree, named):
        people = named
        problem = ProblemFactory(
            org=tree.community_a, campaign=CampaignFactory(org=tree.district), owner=people.supervisor
        )
        inside = client_for(people.inspector).get(problem.get_absolute_url()).content.decode()
        assert "欧阳督办" in inside
        outside = client_for(people.clerk_a).get(problem.get_absolute_url()).content.decode()
        assert "欧阳督办" not in outside and mask_name("欧阳督办") in outside

    def test_a_wish_page_masks_the_resident_for_a_member_not_for_the_clerk(self, tree, people):
        wish = wish_create(community=tree.community_a, submitter_name="王小明", submitter_phone="13912345678")
        url = f"/wishes/{wish.pk}/"
        clerk_page = client_for(people.clerk_a).get(url)
        assert clerk_page.status_code == 200
        assert "13912345678" in clerk_page.content.decode() and "王小明" in clerk_page.content.decode()
        member_page = client_for(people.member_a).get(url)
        assert member_page.status_code == 200
        html = member_page.content.decode()
        assert "13912345678" not in html and "139****5678" in html
        assert "王小明" not in html


class TestExports:
    def test_the_task_export_names_people_for_a_supervisor_and_masks_them_for_the_administrator(self, tree, named):
        people = named
        KeyTaskFactory(org=tree.community_a, owner=people.clerk_a, leader=people.leader, title="重点工作甲")
        full = sheet_rows(client_for(people.supervisor).get("/projects/tasks/?export=xlsx"))
        assert full[1][3:5] == ("司马联络", "诸葛领导")
        (entry,) = exports_of(people.supervisor)
        assert entry.action == "export_personal"
        assert entry.changes["personal"] is True and entry.changes["rows"] == 1
        assert entry.changes["what"] == "projects.key_tasks"

        masked = sheet_rows(client_for(people.admin).get("/projects/tasks/?export=xlsx&year=&q="))
        assert masked[1][3:5] == ("司***", "诸***")
        (entry,) = exports_of(people.admin)
        assert entry.action == "export" and entry.changes["personal"] is False
        assert entry.changes["filters"] == {"year": "", "q": ""}

    def test_the_people_export_masks_names_and_phones_for_the_administrator(self, tree, named):
        people = named
        rows = sheet_rows(client_for(people.admin).get("/orgs/people/?export=xlsx&q=司马"))
        assert [row[1:3] for row in rows[1:]] == [("司***", "138****0002")]
        (entry,) = exports_of(people.admin)
        assert entry.changes == {"what": "orgs.people", "rows": 1, "personal": False, "filters": {"q": "司马"}}

        rows = sheet_rows(client_for(people.clerk_a).get("/orgs/people/?export=xlsx&q=司马"))
        assert [row[1:3] for row in rows[1:]] == [("司马联络", "13811110002")]
        assert exports_of(people.clerk_a)[0].changes["personal"] is True

    def test_the_ledger_export_masks_the_owner_for_the_administrator(self, tree, named):
        people = named
        ProblemFactory(org=tree.community_a, campaign=CampaignFactory(org=tree.district), owner=people.clerk_a)
        admin_cells = {cell for row in sheet_rows(client_for(people.admin).get("/ledger/export/")) for cell in row}
        assert "司***" in admin_cells and "司马联络" not in admin_cells
        assert exports_of(people.admin)[0].changes["personal"] is False
        leader_cells = {cell for row in sheet_rows(client_for(people.leader).get("/ledger/export/")) for cell in row}
        assert "司马联络" in leader_cells
        (entry,) = exports_of(people.leader)
        assert entry.changes["what"] == "rectification.ledger" and entry.changes["personal"] is True

    def test_the_org_tree_export_holds_no_personal_data(self, tree, people):
        assert sheet_rows(client_for(people.clerk_a).get("/orgs/export/"))
        (entry,) = exports_of(people.clerk_a)
        assert entry.action == "export" and entry.changes["what"] == "orgs.orgs" and entry.changes["rows"] == 2

    def test_the_installer_account_exports_masked(self, tree, named):
        from core.testing.factories import UserFactory

        root = UserFactory(username="root", is_superuser=True)
        assert not PersonalExport.for_user(root).full
        assert PersonalExport.for_user(named.inspector).full
        assert not PersonalExport.for_user(named.admin).full


class TestApi:
    def test_the_problem_api_masks_an_owner_outside_the_callers_scope(self, tree, named):
        people = named
        problem = ProblemFactory(
            org=tree.community_a, campaign=CampaignFactory(org=tree.district), owner=people.supervisor
        )
        url = f"/api/problems/{problem.pk}/"
        assert client_for(people.inspector).get(url).json()["owner"]["real_name"] == "欧阳督办"
        assert client_for(people.clerk_a).get(url).json()["owner"]["real_name"] == "欧***"
