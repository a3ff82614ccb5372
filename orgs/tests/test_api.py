"""The org tree and people through the REST API: scoped reads, writes through the
services with their refusals, the schema, and list query counts that do not grow."""

from __future__ import annotations

import pytest

from core.models import Event
from core.testing.factories import UserFactory, org_create
from core.testing.permissions import api_rows, assert_api_list_scoped, client_for
from core.testing.queries import assert_query_count_stable
from orgs.models import User


def _usernames(response) -> set[str]:
    assert response.status_code == 200, response.content[:500]
    return {row["username"] for row in api_rows(response)}


class TestPeopleList:
    def test_a_clerk_lists_only_its_communitys_people(self, tree, people):
        assert _usernames(client_for(people.clerk_a).get("/api/people/")) == {"clerk_a", "member_a"}
        assert _usernames(client_for(people.clerk_b).get("/api/people/")) == {"clerk_b"}

    def test_a_street_leader_lists_the_street(self, tree, people):
        expected = {"leader", "street_clerk", "clerk_a", "clerk_b", "member_a"}
        assert _usernames(client_for(people.leader).get("/api/people/")) == expected

    def test_a_person_of_the_sibling_community_is_not_found(self, tree, people):
        client = client_for(people.clerk_a)
        assert client.get(f"/api/people/{people.member_a.pk}/").status_code == 200
        assert client.get(f"/api/people/{people.clerk_b.pk}/").status_code == 404

    def test_filter_by_org_never_widens(self, tree, people):
        assert _usernames(client_for(people.leader).get("/api/people/?org=AK-JM-JS")) == {"clerk_b"}
        assert _usernames(client_for(people.clerk_a).get("/api/people/?org=AK-JM-JS")) == set()
        assert _usernames(client_for(people.clerk_a).get("/api/people/?org=AK")) == {"clerk_a", "member_a"}

    def test_the_row_carries_the_home_org_code(self, tree, people):
        response = client_for(people.clerk_a).get(f"/api/people/{people.member_a.pk}/")
        body = response.json()
        assert body["home_org"] == tree.grid_a.code and body["member_category"] == "in_service"
        assert "password" not in body

    def test_the_shared_contract(self, db):
        assert_api_list_scoped(
            "/api/people/",
            make_item=lambda org: UserFactory(username=f"resident_{org.code}".lower(), home_org=org),
        )

    @pytest.mark.parametrize("url", ["/api/people/", "/api/orgs/", "/api/grants/"])
    def test_anonymous_callers_are_refused(self, tree, people, url):
        assert client_for(None).get(url).status_code in {401, 403}


class TestPeopleWrite:
    def _post(self, user, home_org, **fields):
        body = {"username": "wangfang", "real_name": "王芳", "home_org": home_org.code, "mobile": "13912345678"}
        body.update(fields)
        return client_for(user).post("/api/people/", body, content_type="application/json")

    def test_clerk_a_adds_to_a(self, tree, people):
        before = Event.objects.count()
        response = self._post(people.clerk_a, tree.grid_a)
        assert response.status_code == 201, response.content
        person = User.objects.get(username="wangfang")
        assert response.json()["id"] == person.pk and person.home_org == tree.grid_a
        assert Event.objects.count() == before + 1
        event = Event.objects.order_by("-id").first()
        assert (event.item, event.actor, event.action) == (person, people.clerk_a, "created")

    def test_clerk_a_cannot_add_to_b(self, tree, people):
        before = (Event.objects.count(), User.objects.count())
        response = self._post(people.clerk_a, tree.community_b)
        assert response.status_code == 403
        assert response.json()["detail"] and response.json()["code"] == "permission_denied"
        assert (Event.objects.count(), User.objects.count()) == before

    def test_a_bad_mobile_is_a_400_naming_the_field(self, tree, people):
        response = self._post(people.clerk_a, tree.community_a, mobile="12345")
        assert response.status_code == 400
        assert "mobile" in str(response.json())
        assert not User.objects.filter(username="wangfang").exists()

    def test_a_category_without_membership_is_a_400(self, tree, people):
        response = self._post(people.clerk_a, tree.community_a, member_category="elderly")
        assert response.status_code == 400
        assert "member_category" in str(response.json())

    def test_a_taken_username_is_a_400(self, tree, people):
        response = self._post(people.clerk_a, tree.community_a, username="clerk_b")
        assert response.status_code == 400 and response.json()["field"] == "username"

    def test_an_unknown_org_is_a_400(self, tree, people):
        response = client_for(people.clerk_a).post(
            "/api/people/", {"username": "x", "real_name": "x", "home_org": "NOPE"}, content_type="application/json"
        )
        assert response.status_code == 400 and response.json()["field"] == "home_org"

    @pytest.mark.parametrize("code", ["AK\x00JM", "NO\x00PE"])
    def test_a_garbled_org_code_is_a_400_not_a_server_error(self, tree, people, code):
        before = User.objects.count()
        response = client_for(people.clerk_a).post(
            "/api/people/", {"username": "x", "real_name": "x", "home_org": code}, content_type="application/json"
        )
        assert response.status_code == 400 and response.json()["field"] == "home_org"
        assert User.objects.count() == before

    def test_update_within_reach(self, tree, people):
        response = client_for(people.clerk_a).patch(
            f"/api/people/{people.member_a.pk}/", {"position": "网格员"}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        assert User.objects.get(pk=people.member_a.pk).position == "网格员"

    def test_moving_out_of_reach_is_refused(self, tree, people):
        response = client_for(people.clerk_a).patch(
            f"/api/people/{people.member_a.pk}/", {"home_org": tree.community_b.code}, content_type="application/json"
        )
        assert response.status_code == 403
        assert User.objects.get(pk=people.member_a.pk).home_org == tree.grid_a

    def test_a_person_out_of_reach_cannot_be_patched(self, tree, people):
        response = client_for(people.clerk_a).patch(
            f"/api/people/{people.clerk_b.pk}/", {"position": "x"}, content_type="application/json"
        )
        assert response.status_code == 404

    def test_the_username_is_not_changed_by_update(self, tree, people):
        client_for(people.clerk_a).patch(
            f"/api/people/{people.member_a.pk}/", {"username": "hijack"}, content_type="application/json"
        )
        assert User.objects.get(pk=people.member_a.pk).username == "member_a"


class TestOrgs:
    def _codes(self, response) -> set[str]:
        assert response.status_code == 200, response.content[:500]
        return {row["code"] for row in api_rows(response)}

    def test_a_clerk_lists_its_subtree(self, tree, people):
        assert self._codes(client_for(people.clerk_a).get("/api/orgs/")) == {"AK-JM-XDC", "AK-JM-XDC-01"}

    def test_a_sibling_org_is_not_found(self, tree, people):
        client = client_for(people.clerk_a)
        assert client.get(f"/api/orgs/{tree.community_a.code}/").status_code == 200
        assert client.get(f"/api/orgs/{tree.community_b.code}/").status_code == 404

    def test_rows_name_their_parent(self, tree, people):
        rows = {row["code"]: row for row in api_rows(client_for(people.supervisor).get("/api/orgs/"))}
        assert rows["AK"]["parent"] is None
        assert rows["AK-JM-XDC-01"]["parent"] == "AK-JM-XDC"
        assert rows["AK-JM-XDC-01"]["depth"] == 4

    def test_filters(self, tree, people):
        client = client_for(people.supervisor)
        assert self._codes(client.get("/api/orgs/?kind=community")) == {"AK-JM-XDC", "AK-JM-JS"}
        assert self._codes(client.get("/api/orgs/?within=AK-JM-XDC")) == {"AK-JM-XDC", "AK-JM-XDC-01"}
        assert self._codes(client_for(people.clerk_a).get("/api/orgs/?within=AK")) == {"AK-JM-XDC", "AK-JM-XDC-01"}

    def test_the_shared_contract(self, db):
        assert_api_list_scoped("/api/orgs/", make_item=lambda org: org, key="code")


class TestGrants:
    def test_grants_at_orgs_in_reach(self, tree, people):
        rows = api_rows(client_for(people.clerk_a).get("/api/grants/"))
        assert {(row["user"], row["org"], row["role"]) for row in rows} == {
            ("clerk_a", "AK-JM-XDC", "clerk"),
            ("member_a", "AK-JM-XDC-01", "member"),
        }


def test_the_schema_renders_for_a_logged_in_user(tree, people):
    response = client_for(people.clerk_a).get("/api/schema/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "openapi" in body and "/api/people/" in body and "/api/campaigns/" in body


class TestQueryCounts:
    """List endpoints make the same number of queries for 5 rows as for 30."""

    def test_people_list(self, tree, people):
        client = client_for(people.supervisor)
        url = "/api/people/?page_size=50"
        for n in range(5):
            UserFactory(username=f"resident{n}", home_org=tree.community_a)
        sizes = []

        def add_rows():
            for n in range(5, 30):
                UserFactory(username=f"resident{n}", home_org=tree.grid_a)

        count = assert_query_count_stable(
            lambda: sizes.append(len(api_rows(client.get(url)))), add_rows=add_rows, label=url
        )
        assert sizes[-2:] == [13, 38]  # the first call only warms the caches
        # Session, user, grants, count, page.
        assert count == 5

    def test_orgs_list(self, tree, people):
        client = client_for(people.supervisor)
        url = "/api/orgs/?page_size=50"
        pages = []

        def add_rows():
            for _ in range(20):
                org_create(parent=tree.community_b)

        count = assert_query_count_stable(lambda: pages.append(api_rows(client.get(url))), add_rows=add_rows, label=url)
        assert count == 6  # session, user, grants, count, page, the parents' codes
        assert [len(page) for page in pages][-2:] == [6, 26]  # the first call only warms the caches
        assert all(row["parent"] for row in pages[1] if row["code"] != "AK")
