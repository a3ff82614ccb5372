"""What schemathesis found, pinned: refusals in the API's one JSON shape and documented
in the schema, and no server error on a malformed id."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from intake.tests.factories import suggestion_create
from rectification.tests.factories import MeasureFactory, ProblemFactory

pytestmark = pytest.mark.django_db


def test_an_unknown_api_address_answers_json_404_after_the_sign_in_check(people):
    api = APIClient()
    anonymous = api.post("/api/problems/0.5/reopen/")
    assert anonymous.status_code == 403
    assert anonymous["Content-Type"] == "application/json"
    api.force_authenticate(people.clerk_a)
    for address in ("/api/problems/0.5/reopen/", "/api/no-such-thing/", "/api/wishes/1/no-such-action/"):
        response = api.get(address)
        assert response.status_code == 404, address
        assert response.json()["code"] == "not_found"
    # Without the slash, Django still sends the caller to the address with it.
    assert api.get("/api/problems").status_code == 301


def test_a_suggestion_id_that_is_no_number_is_unknown_not_a_server_error(tree, people):
    suggestion_create(community=tree.community_a)
    api = APIClient()
    api.force_authenticate(people.supervisor)
    for action, body in (("answer", {"reply": "已修好"}), ("route", {"org": tree.department.code})):
        response = api.post(f"/api/suggestions/null,null/{action}/", body, format="json")
        assert response.status_code == 404
        assert response.json() == {"detail": response.json()["detail"], "code": "not_found"}


def test_an_open_items_blank_closure_kind_is_in_the_schema(tree, people):
    problem = ProblemFactory(org=tree.community_a)
    MeasureFactory(problem=problem)
    api = APIClient()
    api.force_authenticate(people.clerk_a)
    assert api.get(f"/api/problems/{problem.pk}/").json()["closure_kind"] == ""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for component in ("Problem", "Measure"):
        variants = schema["components"]["schemas"][component]["properties"]["closure_kind"]["oneOf"]
        assert {"$ref": "#/components/schemas/BlankEnum"} in variants, component


def test_every_operation_documents_the_refusals_it_can_give():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = 0
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            operations += 1
            codes = set(operation["responses"])
            assert "403" in codes, (method, path)
            if "{" in path or method == "get":
                assert "404" in codes, (method, path)
            if method != "get":
                assert {"400", "404", "409", "415"} <= codes, (method, path)
            refusal = operation["responses"]["403"]["content"]["application/json"]["schema"]
            assert refusal == {"$ref": "#/components/schemas/Error"}, (method, path)
    assert operations > 100


def test_a_count_too_large_for_the_column_is_refused_not_a_server_error(tree, people):
    from research.tests.factories import VisitFactory

    visit = VisitFactory(org=tree.street, leader=people.leader)
    api = APIClient()
    api.force_authenticate(people.supervisor)
    response = api.post(
        f"/api/research-visits/{visit.pk}/log/", {"petitions_received": 2646096639959042}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "petitions_received"
