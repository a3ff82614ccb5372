"""The org tree and people pages through the test client: what each role sees, what each
may change (and that a refusal changes nothing), filters and exports, the import page,
the scope picker, and pinned query counts of the list pages.

Assertions read element ids, names, links, status codes, the database and events, never
interface wording, which the translator may change at any time.
"""

from __future__ import annotations

import io

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.utils.encoding import iri_to_uri
from openpyxl import load_workbook

from core.models import Event
from core.services import item_events
from core.testing.factories import UserFactory, org_create, person_with_role
from core.testing.html import element, linked_pks
from core.testing.permissions import assert_page_scoped, client_for
from core.testing.queries import assert_query_count_stable
from core.testing.spreadsheets import xlsx_bytes
from orgs.choices import MemberCategory, OrgKind, Role
from orgs.middleware import SESSION_KEY
from orgs.models import Org, RoleGrant, User

PEOPLE_HEADER = ["账号", "姓名", "手机号", "所属单位编码", "是否党员", "党员类别", "职务", "邮箱"]


def error_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == messages.ERROR]


def success_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == messages.SUCCESS]


def refreshed(org: Org) -> Org:
    return Org.objects.get(pk=org.pk)


def xlsx_rows(response) -> list[tuple]:
    """The data rows (header dropped) of an .xlsx answer."""
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return list(sheet.iter_rows(min_row=2, values_only=True))


@pytest.fixture
def residents(tree, people):
    """People with distinctive names in several places of the tree."""
    return {
        "wang": UserFactory(
            username="resident_wang",
            real_name="王小明",
            mobile="13900000001",
            home_org=tree.grid_a,
            is_party_member=True,
            member_category=MemberCategory.OUTFLOW,
        ),
        "li": UserFactory(username="resident_li", real_name="李大华", mobile="13900000002", home_org=tree.community_b),
        "zhao": UserFactory(
            username="resident_zhao",
            real_name="赵不见",
            home_org=tree.department,
            is_party_member=True,
            member_category=MemberCategory.ELDERLY,
        ),
        "qian": UserFactory(username="resident_qian", real_name="钱多多", home_org=tree.community_a),
    }


# --- Anonymous visitors ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/orgs/",
        "/orgs/people/",
        "/orgs/people/new/",
        "/orgs/import/",
        "/orgs/export/",
        "/orgs/AK/",
        "/orgs/AK/children/",
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(tree, url):
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_anonymous_posts_change_nothing(tree):
    before = (Event.objects.count(), refreshed(tree.community_b).is_active)
    response = client_for(None).post("/orgs/AK-JM-JS/deactivate/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert (Event.objects.count(), refreshed(tree.community_b).is_active) == before


# --- The tree --------------------------------------------------------------------------


class TestOrgTree:
    def test_a_community_clerk_sees_only_their_community_at_the_top(self, tree, people):
        html = client_for(people.clerk_a).get("/orgs/").content.decode()
        assert element(html, "org-tree") is not None
        assert element(html, "node-AK-JM-XDC") is not None
        for hidden in ("node-AK", "node-AK-JM", "node-AK-JM-JS", "node-AK-JJ"):
            assert element(html, hidden) is None, hidden
        # children load on demand, not with the page
        assert element(html, "node-AK-JM-XDC-01") is None

    def test_grants_on_two_siblings_show_both_and_not_their_parent(self, tree, people):
        both = person_with_role(Role.CLERK, tree.community_a, username="two_communities")
        RoleGrant.objects.create(user=both, org=tree.community_b, role=Role.CLERK)
        html = client_for(both).get("/orgs/").content.decode()
        assert element(html, "node-AK-JM-XDC") is not None and element(html, "node-AK-JM-JS") is not None
        assert element(html, "node-AK-JM") is None and element(html, "node-AK") is None

    def test_a_district_admin_sees_the_district(self, tree, people):
        html = client_for(people.admin).get("/orgs/").content.decode()
        assert element(html, "node-AK") is not None
        assert element(html, "node-AK-JM") is None

    def test_a_person_without_roles_sees_no_tree(self, tree):
        nobody = UserFactory(username="nobody", home_org=tree.grid_a)
        response = client_for(nobody).get("/orgs/")
        assert response.status_code == 200
        assert element(response.content.decode(), "org-tree") is None

    def test_the_children_partial_lists_the_children_only(self, tree, people):
        response = client_for(people.street_clerk).get("/orgs/AK-JM/children/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<html" not in html
        assert element(html, "node-AK-JM-XDC") is not None and element(html, "node-AK-JM-JS") is not None
        assert element(html, "node-AK-JM-XDC-01") is None  # a grandchild
        assert element(html, "node-AK-JM") is None

    def test_the_children_partial_of_the_clerks_own_community(self, tree, people):
        html = client_for(people.clerk_a).get("/orgs/AK-JM-XDC/children/").content.decode()
        assert element(html, "node-AK-JM-XDC-01") is not None

    @pytest.mark.parametrize("code", ["AK-JM", "AK-JM-JS", "AK", "NO-SUCH-ORG"])
    def test_the_children_partial_of_an_org_out_of_sight_is_404(self, tree, people, code):
        assert client_for(people.clerk_a).get(f"/orgs/{code}/children/").status_code == 404


# --- Org detail and its actions --------------------------------------------------------


class TestOrgDetail:
    def test_shows_the_org_its_children_and_its_people(self, tree, people, residents):
        response = client_for(people.street_clerk).get("/orgs/AK-JM-XDC/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "现代城社区" in html and "现代城第一网格" in html
        assert "钱多多" in html  # home org is the community
        assert response.context["people_count"] == 2  # clerk_a and 钱多多
        # the subtree: clerk_a, 钱多多, member_a and 王小明 (grid)
        assert response.context["subtree_people_count"] == 4
        assert not response.context["can_manage"] and response.context["can_edit_people"]

    @pytest.mark.parametrize("code", ["AK-JM-JS", "AK-JM", "AK", "AK-JJ", "NO-SUCH-ORG"])
    def test_outside_scope_is_404(self, tree, people, code):
        assert client_for(people.clerk_a).get(f"/orgs/{code}/").status_code == 404

    def test_the_admin_gets_the_manage_forms_and_the_clerk_does_not(self, tree, people):
        admin_page = client_for(people.admin).get("/orgs/AK-JM-XDC/")
        clerk_page = client_for(people.clerk_a).get("/orgs/AK-JM-XDC/")
        assert admin_page.context["can_manage"] and admin_page.context["child_form"] is not None
        assert 'action="/orgs/AK-JM-XDC/add_child/"' in admin_page.content.decode()
        assert not clerk_page.context["can_manage"] and clerk_page.context["child_form"] is None
        assert 'action="/orgs/AK-JM-XDC/add_child/"' not in clerk_page.content.decode()


def _add_child(client):
    return client.post(
        "/orgs/AK-JM-XDC/add_child/",
        {
            "child-name": "现代城第二网格",
            "child-code": "AK-JM-XDC-02",
            "child-kind": OrgKind.GRID,
            "child-short_name": "",
        },
    )


ORG_ACTIONS = {
    "add_child": lambda client: _add_child(client),
    "edit": lambda client: client.post(
        "/orgs/AK-JM-XDC/edit/", {"name": "现代城社区（新）", "short_name": "现代城", "kind": OrgKind.COMMUNITY}
    ),
    "move": lambda client: client.post("/orgs/AK-JM-XDC/move/", {"move-parent": "AK-JJ"}),
    "deactivate": lambda client: client.post("/orgs/AK-JM-XDC/deactivate/"),
}


def _org_state() -> tuple:
    return (
        Event.objects.count(),
        sorted(Org.objects.values_list("code", "name", "short_name", "path", "is_active")),
    )


class TestOrgActions:
    def test_an_admin_adds_a_child(self, tree, people):
        before = Event.objects.count()
        response = _add_child(client_for(people.admin))
        child = Org.objects.get(code="AK-JM-XDC-02")
        assert response.status_code == 302 and response["Location"] == child.get_absolute_url()
        assert refreshed(child).path.startswith(tree.community_a.path) and child.depth == tree.community_a.depth + 1
        assert (child.name, child.kind) == ("现代城第二网格", OrgKind.GRID)
        assert Event.objects.count() == before + 1
        assert item_events(child).get().actor == people.admin
        assert success_messages(response)

    def test_an_admin_edits(self, tree, people):
        response = ORG_ACTIONS["edit"](client_for(people.admin))
        assert response.status_code == 302 and response["Location"] == "/orgs/AK-JM-XDC/"
        org = refreshed(tree.community_a)
        assert (org.name, org.short_name) == ("现代城社区（新）", "现代城")
        event = item_events(org).get(action="updated")
        assert event.actor == people.admin and event.changes["name"] == ["现代城社区", "现代城社区（新）"]

    def test_an_admin_moves_an_org_with_its_subtree(self, tree, people):
        response = ORG_ACTIONS["move"](client_for(people.admin))
        assert response.status_code == 302
        org, grid = refreshed(tree.community_a), refreshed(tree.grid_a)
        assert Org.objects.get_parent(org) == tree.department
        assert grid.path.startswith(org.path)
        assert item_events(org).get(action="moved").changes == {"parent": ["AK-JM", "AK-JJ"]}

    def test_an_admin_deactivates_and_reactivates(self, tree, people):
        client = client_for(people.admin)
        client.post("/orgs/AK-JM-XDC/deactivate/")
        assert not refreshed(tree.community_a).is_active
        client.post("/orgs/AK-JM-XDC/activate/")
        assert refreshed(tree.community_a).is_active
        actions = list(item_events(tree.community_a).values_list("action", flat=True))
        assert actions == ["deactivated", "activated"]

    @pytest.mark.parametrize("action", sorted(ORG_ACTIONS))
    @pytest.mark.parametrize("who", ["clerk_a", "street_clerk", "supervisor", "leader"])
    def test_others_are_refused_with_a_message_and_nothing_changes(self, tree, people, action, who):
        before = _org_state()
        response = ORG_ACTIONS[action](client_for(getattr(people, who)))
        assert response.status_code == 302 and response["Location"] == "/orgs/AK-JM-XDC/"
        assert error_messages(response)
        assert _org_state() == before

    def test_a_clerk_cannot_act_on_an_org_out_of_sight(self, tree, people):
        before = _org_state()
        assert client_for(people.clerk_a).post("/orgs/AK-JM-JS/deactivate/").status_code == 404
        assert _org_state() == before

    def test_moving_under_an_unknown_code_is_refused(self, tree, people):
        before = _org_state()
        response = client_for(people.admin).post("/orgs/AK-JM-XDC/move/", {"move-parent": "NO-SUCH"})
        assert error_messages(response) and _org_state() == before

    def test_a_duplicate_child_code_is_refused(self, tree, people):
        before = _org_state()
        response = client_for(people.admin).post(
            "/orgs/AK-JM-XDC/add_child/", {"child-name": "重复", "child-code": "AK-JM-JS", "child-kind": OrgKind.GRID}
        )
        assert response["Location"] == "/orgs/AK-JM-XDC/"
        assert error_messages(response) and _org_state() == before

    def test_an_unknown_action_is_404_and_get_is_refused(self, tree, people):
        client = client_for(people.admin)
        assert client.post("/orgs/AK-JM-XDC/explode/").status_code == 404
        assert client.get("/orgs/AK-JM-XDC/deactivate/").status_code == 405
        assert refreshed(tree.community_a).is_active


# --- The people list -------------------------------------------------------------------


def test_the_people_list_follows_the_scoping_contract(db):
    assert_page_scoped(
        "/orgs/people/",
        make_item=lambda org: UserFactory(username="scoped_person", real_name="欧阳独一", home_org=org),
        text=lambda person: person.real_name,
    )


class TestPeopleList:
    def listed(self, user, query: str = "", **headers) -> set[int]:
        response = client_for(user).get(f"/orgs/people/{query}", **headers)
        assert response.status_code == 200
        html = response.content.decode()
        table = html if headers else element(html, "people-table").html
        return linked_pks(table, "/orgs/people/")

    def test_a_community_clerk_sees_their_subtree(self, tree, people, residents):
        expected = {people.clerk_a.pk, people.member_a.pk, residents["wang"].pk, residents["qian"].pk}
        assert self.listed(people.clerk_a) == expected
        html = client_for(people.clerk_a).get("/orgs/people/").content.decode()
        assert element(html, "people-count").text == "4"

    def test_a_district_supervisor_sees_everyone(self, tree, people, residents):
        everyone = set(User.objects.values_list("pk", flat=True))
        assert self.listed(people.supervisor) == everyone

    def test_a_party_member_reads_no_other_records(self, tree, people, residents):
        # Without a role that lists people the page refuses (it used to list nobody).
        assert client_for(people.member_a).get("/orgs/people/").status_code == 403

    def test_search_by_name_account_or_phone(self, tree, people, residents):
        assert self.listed(people.supervisor, "?q=王小明") == {residents["wang"].pk}
        assert self.listed(people.supervisor, "?q=resident_li") == {residents["li"].pk}
        assert self.listed(people.supervisor, "?q=13900000002") == {residents["li"].pk}
        # the search stays inside the scope
        assert self.listed(people.clerk_a, "?q=李大华") == set()

    def test_filter_by_org_code_takes_the_subtree(self, tree, people, residents):
        expected = {people.clerk_a.pk, people.member_a.pk, residents["wang"].pk, residents["qian"].pk}
        assert self.listed(people.supervisor, "?org=AK-JM-XDC") == expected
        assert self.listed(people.supervisor, "?org=NO-SUCH") == set()
        # a clerk filtering on an org outside their scope gets nobody
        assert self.listed(people.clerk_a, "?org=AK-JM-JS") == set()

    def test_filter_by_member_category_and_party_membership(self, tree, people, residents):
        assert self.listed(people.supervisor, "?member_category=outflow") == {residents["wang"].pk}
        members = {people.member_a.pk, residents["wang"].pk, residents["zhao"].pk}
        assert self.listed(people.supervisor, "?is_party_member=true") == members
        non_members = set(User.objects.filter(is_party_member=False).values_list("pk", flat=True))
        assert self.listed(people.supervisor, "?is_party_member=false") == non_members
        assert self.listed(people.clerk_a, "?is_party_member=true&org=AK-JM-XDC-01") == {
            people.member_a.pk,
            residents["wang"].pk,
        }

    def test_an_htmx_request_gets_the_table_only(self, tree, people, residents):
        response = client_for(people.clerk_a).get("/orgs/people/?q=王", HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert "<html" not in html and "<table" in html
        assert element(html, "people-table") is None  # the wrapper stays on the page
        assert linked_pks(html, "/orgs/people/") == {residents["wang"].pk}

    def test_the_export_holds_exactly_the_filtered_people_in_scope(self, tree, people, residents):
        response = client_for(people.street_clerk).get("/orgs/people/?is_party_member=true&export=xlsx")
        rows = xlsx_rows(response)
        # 赵不见 (department) is a party member but outside the street
        assert sorted(row[0] for row in rows) == ["member_a", "resident_wang"]
        wang = next(row for row in rows if row[0] == "resident_wang")
        assert (wang[1], wang[2], wang[3]) == ("王小明", "13900000001", "AK-JM-XDC-01")

    def test_the_export_without_filters_is_the_whole_scope(self, tree, people, residents):
        rows = xlsx_rows(client_for(people.clerk_a).get("/orgs/people/?export=xlsx"))
        assert sorted(row[0] for row in rows) == ["clerk_a", "member_a", "resident_qian", "resident_wang"]

    def test_the_export_of_nobody_has_the_header_only(self, tree, people):
        nobody = UserFactory(username="nobody", home_org=tree.grid_a)
        assert client_for(nobody).get("/orgs/people/?export=xlsx").status_code == 403
        # a clerk filtering on nobody gets the header only
        assert xlsx_rows(client_for(people.clerk_a).get("/orgs/people/?export=xlsx&q=NO-SUCH-PERSON")) == []

    def test_query_count_does_not_grow_with_rows(self, tree, people):
        client = client_for(people.supervisor)
        client.get("/orgs/people/")  # warm caches (content types, sessions)
        orgs = [tree.community_a, tree.community_b, tree.grid_a, tree.department]

        def add_rows():
            for n in range(12):
                UserFactory(
                    home_org=orgs[n % len(orgs)],
                    is_party_member=n % 2 == 0,
                    member_category=MemberCategory.IN_SERVICE if n % 2 == 0 else "",
                )

        assert_query_count_stable(lambda: client.get("/orgs/people/"), add_rows=add_rows, label="people list")


def test_org_detail_query_count_does_not_grow_with_rows(tree, people):
    client = client_for(people.admin)
    client.get("/orgs/AK-JM-XDC/")

    def add_rows():
        from orgs import services

        for n in range(5):
            org_create(parent=tree.community_a, kind=OrgKind.GRID)
            UserFactory(home_org=tree.community_a, is_party_member=True, member_category=MemberCategory.ELDERLY)
            person_with_role(Role.CLERK, tree.community_a, username=f"extra_clerk_{n}")
            services.org_update(org=refreshed(tree.community_a), acting_user=people.admin, short_name=f"简称{n}")

    assert_query_count_stable(lambda: client.get("/orgs/AK-JM-XDC/"), add_rows=add_rows, label="org detail")


class TestOrgExport:
    def test_a_clerk_exports_their_subtree(self, tree, people):
        rows = xlsx_rows(client_for(people.clerk_a).get("/orgs/export/"))
        assert [(row[0], row[2]) for row in rows] == [("AK-JM-XDC", "AK-JM"), ("AK-JM-XDC-01", "AK-JM-XDC")]

    def test_the_admin_exports_the_district(self, tree, people):
        rows = xlsx_rows(client_for(people.admin).get("/orgs/export/"))
        assert {row[0] for row in rows} == set(Org.objects.values_list("code", flat=True))

    def test_the_export_follows_the_picked_scope(self, tree, people):
        client = client_for(people.admin)
        client.post("/orgs/scope/", {"org": tree.community_b.pk})
        assert [row[0] for row in xlsx_rows(client.get("/orgs/export/"))] == ["AK-JM-JS"]


# --- Person pages ----------------------------------------------------------------------


def _person_data(**changes) -> dict:
    data = {
        "username": "new_person",
        "real_name": "孙新来",
        "home_org": "AK-JM-XDC",
        "mobile": "13700001111",
        "email": "",
        "position": "网格员",
        "member_category": "",
        "password": "",
    }
    data.update(changes)
    return data


class TestPersonCreate:
    def test_a_clerk_adds_a_person_to_their_community(self, tree, people):
        before = Event.objects.count()
        response = client_for(people.clerk_a).post("/orgs/people/new/", _person_data())
        person = User.objects.get(username="new_person")
        assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
        assert (person.real_name, person.home_org, person.mobile, person.position) == (
            "孙新来",
            tree.community_a,
            "13700001111",
            "网格员",
        )
        assert not person.has_usable_password()
        assert Event.objects.count() == before + 1
        event = item_events(person).get()
        assert (event.action, event.actor, event.org) == ("created", people.clerk_a, tree.community_a)

    def test_the_form_is_prefilled_with_the_org_of_the_link(self, tree, people):
        response = client_for(people.clerk_a).get("/orgs/people/new/?org=AK-JM-XDC-01")
        assert response.status_code == 200
        assert 'value="AK-JM-XDC-01"' in response.content.decode()

    def test_a_bad_mobile_re_renders_the_form_with_the_typed_values(self, tree, people):
        before = (User.objects.count(), Event.objects.count())
        response = client_for(people.clerk_a).post("/orgs/people/new/", _person_data(mobile="12345678901"))
        assert response.status_code == 200
        form = response.context["form"]
        assert list(form.errors) == ["mobile"]
        html = response.content.decode()
        assert 'value="孙新来"' in html and 'value="12345678901"' in html and 'value="new_person"' in html
        assert "invalid-feedback" in html
        assert (User.objects.count(), Event.objects.count()) == before

    def test_a_clerk_of_a_cannot_add_into_b(self, tree, people):
        before = (User.objects.count(), Event.objects.count())
        response = client_for(people.clerk_a).post("/orgs/people/new/", _person_data(home_org="AK-JM-JS"))
        assert response.status_code == 200
        # Community B lies outside clerk A's scope: its code reads as unknown.
        assert "home_org" in response.context["form"].errors
        assert (User.objects.count(), Event.objects.count()) == before

    def test_an_unknown_org_code_is_a_field_error(self, tree, people):
        response = client_for(people.clerk_a).post("/orgs/people/new/", _person_data(home_org="NO-SUCH"))
        assert "home_org" in response.context["form"].errors
        assert not User.objects.filter(username="new_person").exists()

    def test_a_taken_user_name_is_a_field_error(self, tree, people):
        response = client_for(people.clerk_a).post("/orgs/people/new/", _person_data(username="member_a"))
        assert list(response.context["form"].errors) == ["username"]

    def test_a_party_member_is_refused_by_the_service(self, tree, people):
        before = (User.objects.count(), Event.objects.count())
        response = client_for(people.member_a).post("/orgs/people/new/", _person_data(home_org="AK-JM-XDC-01"))
        assert response.status_code == 200 and response.context["form"].errors
        assert (User.objects.count(), Event.objects.count()) == before


class TestPersonEdit:
    def test_a_clerk_edits_a_person_of_their_community(self, tree, people):
        member = people.member_a
        response = client_for(people.clerk_a).post(
            f"/orgs/people/{member.pk}/edit/",
            {
                "real_name": member.real_name,
                "home_org": "AK-JM-XDC-01",
                "mobile": "13911112222",
                "email": "",
                "position": "支部委员",
                "is_party_member": "on",
                "member_category": MemberCategory.IN_SERVICE,
            },
        )
        assert response.status_code == 302 and response["Location"] == member.get_absolute_url()
        member.refresh_from_db()
        assert (member.mobile, member.position) == ("13911112222", "支部委员")
        event = item_events(member).get(action="updated")
        assert event.actor == people.clerk_a and event.changes["position"] == ["", "支部委员"]

    def test_the_edit_form_shows_the_current_values(self, tree, people):
        response = client_for(people.clerk_a).get(f"/orgs/people/{people.member_a.pk}/edit/")
        html = response.content.decode()
        assert f'value="{people.member_a.mobile}"' in html and 'value="AK-JM-XDC-01"' in html

    def test_a_bad_mobile_keeps_the_typed_values_and_changes_nothing(self, tree, people):
        member = people.member_a
        before = (User.objects.get(pk=member.pk).mobile, Event.objects.count())
        response = client_for(people.clerk_a).post(
            f"/orgs/people/{member.pk}/edit/",
            {"real_name": "改了名", "home_org": "AK-JM-XDC-01", "mobile": "1381234", "is_party_member": "on"},
        )
        assert response.status_code == 200 and "mobile" in response.context["form"].errors
        html = response.content.decode()
        assert 'value="改了名"' in html and 'value="1381234"' in html
        assert (User.objects.get(pk=member.pk).mobile, Event.objects.count()) == before
        assert User.objects.get(pk=member.pk).real_name == member.real_name

    def test_a_person_out_of_sight_cannot_be_edited(self, tree, people):
        assert client_for(people.clerk_a).get(f"/orgs/people/{people.clerk_b.pk}/edit/").status_code == 404
        response = client_for(people.clerk_a).post(
            f"/orgs/people/{people.clerk_b.pk}/edit/", {"real_name": "改了名", "home_org": "AK-JM-JS"}
        )
        assert response.status_code == 404
        assert User.objects.get(pk=people.clerk_b.pk).real_name != "改了名"

    def test_moving_a_person_out_of_the_clerks_reach_is_refused(self, tree, people):
        member = people.member_a
        before = Event.objects.count()
        response = client_for(people.clerk_a).post(
            f"/orgs/people/{member.pk}/edit/",
            {"real_name": member.real_name, "home_org": "AK-JM-JS", "is_party_member": "on"},
        )
        assert response.status_code == 200 and response.context["form"].errors
        assert User.objects.get(pk=member.pk).home_org == tree.grid_a
        assert Event.objects.count() == before


class TestPersonDetail:
    def test_a_person_without_roles_sees_their_own_page(self, tree):
        loner = UserFactory(username="loner", real_name="独行侠", home_org=tree.grid_a)
        response = client_for(loner).get(f"/orgs/people/{loner.pk}/")
        assert response.status_code == 200 and "独行侠" in response.content.decode()
        assert not response.context["can_edit"] and response.context["password_form"] is None

    def test_a_person_without_a_home_org_sees_their_own_page(self, db):
        installer_made = UserFactory(username="homeless", real_name="无单位", home_org=None)
        assert client_for(installer_made).get(f"/orgs/people/{installer_made.pk}/").status_code == 200

    def test_but_not_someone_elses(self, tree, people):
        loner = UserFactory(username="loner", home_org=tree.grid_a)
        assert client_for(loner).get(f"/orgs/people/{people.member_a.pk}/").status_code == 404

    def test_a_clerk_sees_people_of_their_subtree_only(self, tree, people):
        client = client_for(people.clerk_a)
        assert client.get(f"/orgs/people/{people.member_a.pk}/").status_code == 200
        assert client.get(f"/orgs/people/{people.clerk_b.pk}/").status_code == 404
        assert client.get(f"/orgs/people/{people.admin.pk}/").status_code == 404
        assert client.get("/orgs/people/999999/").status_code == 404


class TestPersonActions:
    def test_a_security_admin_grants_and_revokes_a_role(self, tree, people):
        security = person_with_role(Role.SECURITY_ADMIN, tree.district, username="security")
        client = client_for(security)
        member = people.member_a
        response = client.post(f"/orgs/people/{member.pk}/grant/", {"role": Role.CLERK, "org": "AK-JM-XDC-01"})
        assert response.status_code == 302 and response["Location"] == member.get_absolute_url()
        grant = RoleGrant.objects.get(user=member, role=Role.CLERK)
        assert grant.org == tree.grid_a
        assert item_events(member).filter(action="role_granted", actor=security).count() == 1
        client.post(f"/orgs/people/{member.pk}/revoke/", {"grant": grant.pk})
        assert not RoleGrant.objects.filter(pk=grant.pk).exists()
        assert item_events(member).filter(action="role_revoked", actor=security).count() == 1

    def test_an_admin_sets_a_password(self, tree, people):
        member = people.member_a
        client_for(people.admin).post(f"/orgs/people/{member.pk}/password/", {"password": "Xincheng@2027"})
        assert User.objects.get(pk=member.pk).check_password("Xincheng@2027")
        assert item_events(member).filter(action="password_set").count() == 1

    def test_a_short_password_is_refused(self, tree, people):
        member = people.member_a
        before = Event.objects.count()
        response = client_for(people.admin).post(f"/orgs/people/{member.pk}/password/", {"password": "short"})
        assert error_messages(response)
        assert User.objects.get(pk=member.pk).check_password("Taizhang@2026")
        assert Event.objects.count() == before

    def test_a_duplicate_grant_is_refused(self, tree, people):
        before = (RoleGrant.objects.count(), Event.objects.count())
        response = client_for(people.admin).post(
            f"/orgs/people/{people.clerk_a.pk}/grant/", {"role": Role.CLERK, "org": "AK-JM-XDC"}
        )
        assert error_messages(response)
        assert (RoleGrant.objects.count(), Event.objects.count()) == before

    @pytest.mark.parametrize("who", ["clerk_a", "street_clerk", "supervisor"])
    def test_a_clerk_or_supervisor_may_not_manage_accounts(self, tree, people, who):
        member = people.member_a
        grant = RoleGrant.objects.get(user=member)
        client = client_for(getattr(people, who))
        before = (sorted(RoleGrant.objects.values_list("pk", flat=True)), Event.objects.count())
        for action, data in (
            ("grant", {"role": Role.ADMIN, "org": "AK-JM-XDC-01"}),
            ("revoke", {"grant": grant.pk}),
            ("password", {"password": "Stolen@2027!"}),
        ):
            response = client.post(f"/orgs/people/{member.pk}/{action}/", data)
            assert response.status_code == 302, action
            assert error_messages(response), action
        assert (sorted(RoleGrant.objects.values_list("pk", flat=True)), Event.objects.count()) == before
        assert User.objects.get(pk=member.pk).check_password("Taizhang@2026")

    def test_actions_on_a_person_out_of_sight_are_404(self, tree, people):
        response = client_for(people.clerk_a).post(
            f"/orgs/people/{people.clerk_b.pk}/password/", {"password": "x" * 10}
        )
        assert response.status_code == 404

    def test_revoking_someone_elses_grant_is_404(self, tree, people):
        other_grant = RoleGrant.objects.get(user=people.clerk_a)
        response = client_for(people.admin).post(
            f"/orgs/people/{people.member_a.pk}/revoke/", {"grant": other_grant.pk}
        )
        assert response.status_code == 404
        assert RoleGrant.objects.filter(pk=other_grant.pk).exists()

    def test_an_unknown_action_is_404(self, tree, people):
        assert client_for(people.admin).post(f"/orgs/people/{people.member_a.pk}/promote/").status_code == 404


# --- Import page -----------------------------------------------------------------------


def _upload(rows, name: str = "人员.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, xlsx_bytes([PEOPLE_HEADER, *rows], sheet="人员"))


GOOD_ROWS = [
    ["import_one", "周一", "13600000001", "AK-JM-XDC", "是", "在职党员", "书记", None],
    ["import_two", "吴二", None, "AK-JM-XDC-01", "否", None, None, None],
]


class TestImportPage:
    def test_the_page_renders(self, tree, people):
        response = client_for(people.clerk_a).get("/orgs/import/")
        assert response.status_code == 200
        assert element(response.content.decode(), "import-errors") is None

    def test_a_dry_run_imports_nothing_then_the_real_run_imports(self, tree, people):
        client = client_for(people.clerk_a)
        before = (User.objects.count(), Event.objects.count())
        response = client.post("/orgs/import/", {"kind": "people", "file": _upload(GOOD_ROWS), "dry_run": "on"})
        html = response.content.decode()
        assert element(html, "import-dry-run") is not None and element(html, "import-errors") is None
        assert response.context["result"].created == 2
        assert (User.objects.count(), Event.objects.count()) == before

        response = client.post("/orgs/import/", {"kind": "people", "file": _upload(GOOD_ROWS)})
        assert element(response.content.decode(), "import-done") is not None
        one = User.objects.get(username="import_one")
        assert (one.real_name, one.home_org, one.is_party_member, one.member_category) == (
            "周一",
            tree.community_a,
            True,
            MemberCategory.IN_SERVICE,
        )
        assert User.objects.get(username="import_two").home_org == tree.grid_a
        assert User.objects.count() == before[0] + 2

    def test_a_bad_file_shows_every_problem_and_imports_nothing(self, tree, people):
        rows = [
            *GOOD_ROWS,
            ["import_three", "郑三", "12345", "AK-JM-XDC", "否", None, None, None],  # bad mobile
            ["import_four", "王四", None, "AK-JM-JS", "否", None, None, None],  # outside the clerk's reach
        ]
        before = (User.objects.count(), Event.objects.count())
        response = client_for(people.clerk_a).post("/orgs/import/", {"kind": "people", "file": _upload(rows)})
        assert response.status_code == 200
        table = element(response.content.decode(), "import-errors")
        assert table is not None
        assert len(response.context["result"].errors) == 2
        assert table.html.count("<tr>") == 3  # header and one row per problem
        assert (User.objects.count(), Event.objects.count()) == before

    def test_a_file_that_is_not_a_spreadsheet_imports_nothing(self, tree, people):
        from django.core.files.uploadedfile import SimpleUploadedFile

        before = (User.objects.count(), Event.objects.count())
        upload = SimpleUploadedFile("人员.xlsx", b"this is not a workbook")
        response = client_for(people.clerk_a).post("/orgs/import/", {"kind": "people", "file": upload})
        assert response.status_code == 200
        assert element(response.content.decode(), "import-errors") is not None
        assert (User.objects.count(), Event.objects.count()) == before


# --- Scope picker ----------------------------------------------------------------------


class TestScopePicker:
    def test_picking_a_community_narrows_the_home_counts_and_the_people_list(self, tree, people, residents):
        client = client_for(people.admin)
        html = client.get("/").content.decode()
        assert element(html, "count-orgs").text == "6"
        assert element(html, "count-people").text == str(User.objects.count())

        response = client.post("/orgs/scope/", {"org": tree.community_a.pk, "next": "/"})
        assert response.status_code == 302 and response["Location"] == "/"
        assert client.session[SESSION_KEY] == tree.community_a.pk
        html = client.get("/").content.decode()
        assert element(html, "count-orgs").text == "2"
        assert element(html, "count-people").text == "4"  # clerk_a, 钱多多, member_a, 王小明
        listed = linked_pks(element(client.get("/orgs/people/").content.decode(), "people-table").html, "/orgs/people/")
        assert listed == {people.clerk_a.pk, people.member_a.pk, residents["wang"].pk, residents["qian"].pk}

    def test_an_empty_choice_clears_the_scope(self, tree, people):
        client = client_for(people.admin)
        client.post("/orgs/scope/", {"org": tree.community_a.pk})
        client.post("/orgs/scope/", {"org": ""})
        assert SESSION_KEY not in client.session
        assert element(client.get("/").content.decode(), "count-orgs").text == "6"

    def test_an_org_outside_the_grants_is_404(self, tree, people):
        client = client_for(people.clerk_a)
        assert client.post("/orgs/scope/", {"org": tree.community_b.pk}).status_code == 404
        assert client.post("/orgs/scope/", {"org": tree.district.pk}).status_code == 404
        assert SESSION_KEY not in client.session
        assert element(client.get("/").content.decode(), "count-orgs").text == "2"

    @pytest.mark.parametrize(
        "target", ["https://evil.example/", "//evil.example/people/", "http://evil.example", "javascript:alert(1)"]
    )
    def test_a_next_off_site_is_not_followed(self, tree, people, target):
        response = client_for(people.admin).post("/orgs/scope/", {"org": tree.street.pk, "next": target})
        assert response.status_code == 302 and response["Location"] == "/"

    def test_a_next_on_site_is_followed(self, tree, people):
        response = client_for(people.admin).post("/orgs/scope/", {"org": tree.street.pk, "next": "/orgs/people/?q=王"})
        assert response["Location"] == iri_to_uri("/orgs/people/?q=王")

    def test_get_is_not_allowed(self, tree, people):
        assert client_for(people.admin).get(f"/orgs/scope/?org={tree.street.pk}").status_code == 405

    def test_a_scope_left_over_from_a_revoked_grant_is_dropped(self, tree, people):
        both = person_with_role(Role.CLERK, tree.community_a, username="two_communities")
        grant_b = RoleGrant.objects.create(user=both, org=tree.community_b, role=Role.CLERK)
        client = client_for(both)
        client.post("/orgs/scope/", {"org": tree.community_b.pk})
        grant_b.delete()
        html = client.get("/").content.decode()
        assert element(html, "count-orgs").text == "2"  # community A and its grid, not B
        assert SESSION_KEY not in client.session


# --- Garbled input ---------------------------------------------------------------------


def test_a_garbled_scope_org_is_404(tree, people):
    response = client_for(people.admin).post("/orgs/scope/", {"org": "abc", "next": "/"})
    assert response.status_code == 404


def test_a_garbled_grant_id_to_revoke_is_404(tree, people):
    response = client_for(people.admin).post(f"/orgs/people/{people.member_a.pk}/revoke/", {"grant": "abc"})
    assert response.status_code == 404
