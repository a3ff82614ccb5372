"""The ledger through the REST API: reads scoped like the pages (hidden items are 404),
writes and workflow steps through the services with their refusals as 400/403/409 of
one shape, cursor pages that walk every row once, list query counts that do not grow,
and an OpenAPI schema that documents it all without warnings.

The shared tree: district (supervisor, inspector, admin) → street (leader, street clerk)
→ community A (clerk A) and community B (clerk B). Problems sit in community A unless
told otherwise, so the street's leader and the district's supervisor are "the level above".
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import Attachment, Event
from core.testing.factories import CampaignFactory
from core.testing.permissions import api_rows, assert_api_list_scoped, client_for
from core.testing.queries import assert_query_count_stable
from rectification.choices import ClosureKind, ExtensionStatus, ItemStatus, ListStatus, ProblemLevel
from rectification.models import (
    ExtensionRequest,
    Measure,
    Problem,
    ProblemList,
    ProgressReport,
    ReviewRound,
)
from rectification.tests.factories import (
    ExtensionRequestFactory,
    InspectionFactory,
    InspectionFindingFactory,
    MeasureFactory,
    ProblemFactory,
    ProblemListFactory,
    SpecialRectificationFactory,
    evidence,
)

# The names the schema should give the ledger's choice sets. Until taizhang/settings.py
# carries them, the schema test applies them itself (see test_the_schema_has_no_warnings).
ENUM_NAME_OVERRIDES = {
    "ItemStatusEnum": "rectification.choices.ItemStatus",
    "ListStatusEnum": "rectification.choices.ListStatus",
    "ExtensionStatusEnum": "rectification.choices.ExtensionStatus",
    "DriveStatusEnum": "rectification.choices.DriveStatus",
    "InspectionStatusEnum": "rectification.choices.InspectionStatus",
    "CampaignStatusEnum": "campaigns.choices.CampaignStatus",
}


@pytest.fixture
def campaign(tree):  # type: ignore[no-untyped-def]
    return CampaignFactory(org=tree.district)


@pytest.fixture
def problem(tree, campaign, people):  # type: ignore[no-untyped-def]
    """A problem of community A owned by clerk A, with one open measure."""
    problem = ProblemFactory(org=tree.community_a, campaign=campaign, owner=people.clerk_a)
    MeasureFactory(problem=problem)
    ProblemListFactory(org=tree.community_a, campaign=campaign)
    return problem


def post(user, url: str, data: dict | None = None, *, multipart: bool = False):  # type: ignore[no-untyped-def]
    client = client_for(user)
    if multipart:
        return client.post(url, data or {})
    return client.post(url, data or {}, content_type="application/json")


def patch(user, url: str, data: dict):  # type: ignore[no-untyped-def]
    return client_for(user).patch(url, data, content_type="application/json")


def body_of(response, expected: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == expected, response.content[:800]
    return response.json()


def refusal(response, expected: int) -> dict:  # type: ignore[no-untyped-def]
    """A refusal in the one documented shape."""
    body = body_of(response, expected)
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    return body


def events_of(item) -> list[str]:  # type: ignore[no-untyped-def]
    content_type = ContentType.objects.get_for_model(item)
    return list(
        Event.objects.filter(content_type=content_type, object_id=item.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )


def ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:500]
    return [row["id"] for row in api_rows(response)]


# --------------------------------------------------------------------------- scoping


def _extension_of(org):  # type: ignore[no-untyped-def]
    return ExtensionRequestFactory(problem=ProblemFactory(org=org))


def _round_of(org):  # type: ignore[no-untyped-def]
    problem_list = ProblemListFactory(org=org)
    return ReviewRound.objects.create(problem_list=problem_list, number=1, direction="up", outcome="submitted")


class TestScope:
    @pytest.mark.parametrize(
        ("url", "make_item", "detail"),
        [
            ("/api/problems/", lambda org: ProblemFactory(org=org), True),
            ("/api/measures/", lambda org: MeasureFactory(problem=ProblemFactory(org=org)), True),
            ("/api/special-rectifications/", lambda org: SpecialRectificationFactory(org=org), True),
            ("/api/problem-lists/", lambda org: ProblemListFactory(org=org), True),
            ("/api/inspections/", lambda org: InspectionFactory(org=org), True),
            ("/api/extensions/", _extension_of, True),
            ("/api/review-rounds/", _round_of, False),
        ],
    )
    def test_the_shared_contract(self, db, url, make_item, detail):
        assert_api_list_scoped(url, make_item=make_item, detail=detail)

    def test_a_clerk_never_sees_the_sibling_communitys_problems(self, tree, campaign, people):
        own = ProblemFactory(org=tree.community_a, campaign=campaign)
        in_grid = ProblemFactory(org=tree.grid_a, campaign=campaign)
        sibling = ProblemFactory(org=tree.community_b, campaign=campaign)
        assert set(ids(client_for(people.clerk_a).get("/api/problems/"))) == {own.pk, in_grid.pk}
        assert set(ids(client_for(people.leader).get("/api/problems/"))) == {own.pk, in_grid.pk, sibling.pk}
        assert ids(client_for(people.member_a).get("/api/problems/")) == []  # members read no ledger
        refusal(client_for(people.clerk_a).get(f"/api/problems/{sibling.pk}/"), 404)

    def test_steps_on_a_hidden_item_are_not_found_and_change_nothing(self, tree, campaign, people):
        sibling = ProblemFactory(org=tree.community_b, campaign=campaign)
        measure = MeasureFactory(problem=sibling)
        for url in (f"/api/problems/{sibling.pk}/", f"/api/measures/{measure.pk}/"):
            refusal(post(people.clerk_a, url + "request-closure/", {"evidence": [evidence()]}, multipart=True), 404)
            refusal(post(people.clerk_a, url + "progress/", {"text": "已完成"}), 404)
            refusal(patch(people.clerk_a, url, {"title": "改"}), 404)
        refusal(post(people.clerk_a, "/api/measures/", {"problem": sibling.pk, "title": "措施"}), 400)
        assert not Event.objects.exists() and not Attachment.objects.exists()
        assert Problem.objects.get(pk=sibling.pk).status == ItemStatus.RECTIFYING

    def test_filters_narrow_and_never_widen(self, tree, campaign, people):
        own = ProblemFactory(org=tree.community_a, campaign=campaign)
        ProblemFactory(org=tree.community_b, campaign=campaign)
        closed = ProblemFactory(org=tree.grid_a, campaign=campaign, status=ItemStatus.CLOSED)
        client = client_for(people.clerk_a)
        assert ids(client.get("/api/problems/", {"org": "AK-JM-JS"})) == []
        assert ids(client.get("/api/problems/", {"org": "AK"})) == [closed.pk, own.pk]
        assert ids(client.get("/api/problems/", {"status": ItemStatus.CLOSED})) == [closed.pk]
        assert ids(client.get("/api/problems/", {"campaign": campaign.pk, "level": ProblemLevel.GRASSROOTS})) == [
            closed.pk,
            own.pk,
        ]
        assert refusal(client.get("/api/problems/", {"campaign": "x"}), 400)["field"] == "campaign"
        assert refusal(client.get("/api/problems/", {"status": "nonsense"}), 400)["field"] == "status"
        assert ids(client.get("/api/measures/", {"problem": own.pk})) == []
        assert refusal(client.get("/api/measures/", {"problem": "1.5"}), 400)["field"] == "problem"

    def test_anonymous_callers_are_refused_in_the_documented_shape(self, db):
        assert refusal(client_for(None).get("/api/problems/"), 403)["code"] == "not_authenticated"


# --------------------------------------------------------------------------- problems and measures


class TestProblemWrite:
    def test_a_clerk_enters_a_problem_with_its_measures(self, tree, campaign, people):
        deadline = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
        response = post(
            people.clerk_a,
            "/api/problems/",
            {
                "campaign": campaign.pk,
                "org": tree.community_a.code,
                "title": "小区路灯损坏",
                "level": ProblemLevel.GRASSROOTS,
                "owner": people.clerk_a.pk,
                "deadline": deadline,
                "measures": [
                    {"title": "排查全部路灯"},
                    {"title": "更换灯具", "org": tree.grid_a.code, "deadline": deadline},
                ],
            },
        )
        body = body_of(response, 201)
        problem = Problem.objects.get(pk=body["id"])
        assert body["status"] == ItemStatus.RECTIFYING and body["org"] == tree.community_a.code
        assert body["owner"] == {"id": people.clerk_a.pk, "real_name": people.clerk_a.real_name}
        assert [m["title"] for m in body["measures"]] == ["排查全部路灯", "更换灯具"]
        assert [m["org"] for m in body["measures"]] == [tree.community_a.code, tree.grid_a.code]
        assert events_of(problem) == ["created"]
        assert all(events_of(measure) == ["created"] for measure in problem.measures.all())
        assert ProblemList.objects.filter(campaign=campaign, org=tree.community_a).exists()

    def test_a_bad_measure_writes_nothing(self, tree, campaign, people):
        response = post(
            people.clerk_a,
            "/api/problems/",
            {
                "campaign": campaign.pk,
                "org": tree.community_a.code,
                "title": "问题",
                "level": ProblemLevel.GRASSROOTS,
                "measures": [{"title": "措施一"}, {"title": ""}],
            },
        )
        assert refusal(response, 400)["field"] == "measures.1.title"
        assert not Problem.objects.exists() and not Event.objects.exists()

    def test_refusals_of_entry(self, tree, campaign, people):
        fields = {"campaign": campaign.pk, "title": "问题", "level": ProblemLevel.GRASSROOTS}
        # Another community's code is not among the clerk's choices.
        sibling = post(people.clerk_a, "/api/problems/", {**fields, "org": tree.community_b.code})
        assert refusal(sibling, 400)["field"] == "org"
        # A party member reads its grid but enters no problems.
        assert refusal(post(people.member_a, "/api/problems/", {**fields, "org": tree.grid_a.code}), 403)
        # A rule of the service: the deadline cannot precede the day found.
        early = {**fields, "org": tree.community_a.code, "deadline": "2000-01-01"}
        assert refusal(post(people.clerk_a, "/api/problems/", early), 400)["field"] == "deadline"
        assert not Problem.objects.exists()

    def test_a_problem_is_changed_through_the_service_but_never_its_status(self, problem, people):
        response = patch(people.clerk_a, f"/api/problems/{problem.pk}/", {"title": "新标题", "status": "closed"})
        body = body_of(response, 200)
        assert body["title"] == "新标题" and body["status"] == ItemStatus.RECTIFYING
        assert events_of(problem) == ["updated"]
        refusal(patch(people.clerk_b, f"/api/problems/{problem.pk}/", {"title": "x"}), 404)
        assert refusal(patch(people.clerk_a, f"/api/problems/{problem.pk}/", {"title": ""}), 400)["field"] == "title"

    def test_put_and_delete_are_not_offered(self, problem, people):
        client = client_for(people.supervisor)
        assert client.delete(f"/api/problems/{problem.pk}/").status_code == 405
        assert client.put(f"/api/problems/{problem.pk}/", {}, content_type="application/json").status_code == 405

    def test_measures_are_added_and_changed(self, problem, people, tree):
        body = body_of(post(people.clerk_a, "/api/measures/", {"problem": problem.pk, "title": "召开专题会"}), 201)
        measure = Measure.objects.get(pk=body["id"])
        assert body["problem"] == problem.pk and body["org"] == tree.community_a.code
        assert events_of(measure) == ["created"]
        assert "measure_added" in events_of(problem)
        body = body_of(patch(people.clerk_a, f"/api/measures/{measure.pk}/", {"title": "召开两次专题会"}), 200)
        assert body["title"] == "召开两次专题会" and events_of(measure) == ["created", "updated"]
        refusal(patch(people.member_a, f"/api/measures/{measure.pk}/", {"title": "x"}), 404)

    def test_the_detail_nests_measures_and_reports_with_names_only(self, problem, people):
        ProgressReport.objects.create(problem=problem, text="已排查", percent=30, reported_by=people.clerk_a)
        body = body_of(client_for(people.leader).get(f"/api/problems/{problem.pk}/"), 200)
        assert len(body["measures"]) == 1 and body["reports"][0]["percent"] == 30
        assert body["reports"][0]["reported_by"] == {"id": people.clerk_a.pk, "real_name": people.clerk_a.real_name}
        assert body["light"] in {"green", "yellow", "red", "grey"}
        assert "mobile" not in str(body) and "username" not in str(body)


# --------------------------------------------------------------------------- workflow steps


class TestClosure:
    def test_closure_without_evidence_is_refused_with_nothing_written(self, problem, people):
        measure = problem.measures.get()
        for payload, multipart in (({"comment": "已完成"}, True), ({"comment": "已完成"}, False)):
            body = refusal(
                post(people.clerk_a, f"/api/measures/{measure.pk}/request-closure/", payload, multipart=multipart), 400
            )
            assert body["field"] == "evidence"
        measure.refresh_from_db()
        assert measure.status == ItemStatus.RECTIFYING
        assert events_of(measure) == [] and not Attachment.objects.exists()

    def test_a_measure_and_then_its_problem_are_closed_by_the_level_above(self, problem, people):
        measure = problem.measures.get()
        url = f"/api/measures/{measure.pk}/"
        body = body_of(
            post(
                people.clerk_a,
                url + "request-closure/",
                {"evidence": [evidence(), evidence("现场.pdf")], "comment": "已整改"},
                multipart=True,
            ),
            200,
        )
        assert body["status"] == ItemStatus.CLOSURE_REQUESTED
        assert Attachment.objects.filter(object_id=measure.pk).count() == 2
        # The unit cannot approve its own closure; the street's leader can.
        refusal(post(people.clerk_a, url + "approve-closure/", {}), 403)
        body = body_of(post(people.leader, url + "approve-closure/", {"comment": "同意"}), 200)
        assert body["status"] == ItemStatus.CLOSED and body["closure_kind"] == ClosureKind.RECTIFIED
        assert body["light"] == "grey"
        # Now the problem: all its measures are closed.
        purl = f"/api/problems/{problem.pk}/"
        body = body_of(post(people.clerk_a, purl + "request-closure/", {"evidence": [evidence()]}, multipart=True), 200)
        assert body["status"] == ItemStatus.CLOSURE_REQUESTED
        body = body_of(
            post(
                people.supervisor, purl + "approve-closure/", {"closure_kind": ClosureKind.DUPLICATE, "comment": "重复"}
            ),
            200,
        )
        assert body["status"] == ItemStatus.CLOSED and body["closure_kind"] == ClosureKind.DUPLICATE
        assert events_of(problem) == ["request_closure", "approve_closure"]

    def test_a_problem_with_open_measures_is_not_closed(self, problem, people):
        response = post(
            people.clerk_a, f"/api/problems/{problem.pk}/request-closure/", {"evidence": [evidence()]}, multipart=True
        )
        refusal(response, 400)
        problem.refresh_from_db()
        assert problem.status == ItemStatus.RECTIFYING and not Attachment.objects.exists()

    def test_send_back_needs_a_reason(self, problem, people):
        measure = problem.measures.get()
        url = f"/api/measures/{measure.pk}/"
        body_of(post(people.clerk_a, url + "request-closure/", {"evidence": [evidence()]}, multipart=True), 200)
        assert refusal(post(people.leader, url + "send-back/", {"comment": " "}), 400)["field"] == "comment"
        assert refusal(post(people.leader, url + "send-back/", {}), 400)["field"] == "comment"
        refusal(post(people.clerk_a, url + "send-back/", {"comment": "不行"}), 403)
        body = body_of(post(people.inspector, url + "send-back/", {"comment": "佐证不足"}), 200)
        assert body["status"] == ItemStatus.RECTIFYING
        assert events_of(measure) == ["request_closure", "send_back"]

    def test_only_a_supervisor_reopens(self, tree, campaign, people):
        closed = ProblemFactory(
            org=tree.community_a, campaign=campaign, status=ItemStatus.CLOSED, closure_kind=ClosureKind.RECTIFIED
        )
        url = f"/api/problems/{closed.pk}/reopen/"
        refusal(post(people.leader, url, {"comment": "复查发现反弹"}), 403)
        body = body_of(post(people.supervisor, url, {"comment": "复查发现反弹"}), 200)
        assert body["status"] == ItemStatus.RECTIFYING and body["closure_kind"] == ""

    def test_a_step_on_a_state_the_caller_did_not_see_is_a_conflict(self, problem, people):
        measure = problem.measures.get()
        response = post(
            people.leader,
            f"/api/measures/{measure.pk}/approve-closure/",
            {"expected_status": ItemStatus.CLOSURE_REQUESTED},
        )
        assert refusal(response, 409)["code"] == "conflict"
        # A step the status does not allow is a plain refusal.
        refusal(post(people.leader, f"/api/measures/{measure.pk}/approve-closure/", {}), 400)
        assert events_of(measure) == []

    def test_progress_is_reported_with_evidence(self, problem, people):
        url = f"/api/problems/{problem.pk}/progress/"
        body = body_of(
            post(people.clerk_a, url, {"text": "已排查一半", "percent": 50, "evidence": [evidence()]}, multipart=True),
            200,
        )
        assert body["reports"][0]["text"] == "已排查一半" and body["reports"][0]["percent"] == 50
        report = ProgressReport.objects.get()
        assert Attachment.objects.get().object_id == report.pk
        assert events_of(problem) == ["progress_reported"]
        assert refusal(post(people.clerk_a, url, {"text": "x", "percent": 101}), 400)["field"] == "percent"
        assert refusal(post(people.clerk_a, url, {"text": ""}), 400)["field"] == "text"
        refusal(post(people.clerk_b, url, {"text": "x"}), 404)
        body = body_of(
            post(people.clerk_a, f"/api/measures/{problem.measures.get().pk}/progress/", {"text": "措施进展"}), 200
        )
        assert body["status"] == ItemStatus.RECTIFYING


class TestExtensions:
    def test_an_extension_is_asked_and_decided_by_the_level_above(self, problem, people):
        new_deadline = problem.deadline + datetime.timedelta(days=15)
        body = body_of(
            post(
                people.clerk_a,
                f"/api/problems/{problem.pk}/extension/",
                {"requested_deadline": new_deadline.isoformat(), "reason": "资金未到位"},
            ),
            201,
        )
        assert body["status"] == ExtensionStatus.PENDING and body["problem"] == problem.pk and body["measure"] is None
        url = f"/api/extensions/{body['id']}/decide/"
        refusal(post(people.clerk_a, url, {"approve": True}), 403)
        refusal(post(people.clerk_b, url, {"approve": True}), 404)
        assert refusal(post(people.leader, url, {"approve": False}), 400)["field"] == "comment"
        decided = body_of(post(people.leader, url, {"approve": True, "comment": "同意"}), 200)
        assert decided["status"] == ExtensionStatus.APPROVED
        assert decided["decided_by"] == {"id": people.leader.pk, "real_name": people.leader.real_name}
        problem.refresh_from_db()
        assert problem.deadline == new_deadline
        assert refusal(post(people.supervisor, url, {"approve": False, "comment": "不同意"}), 409)["code"] == "conflict"
        assert ids(client_for(people.clerk_a).get("/api/extensions/", {"status": "approved"})) == [body["id"]]

    def test_a_measure_extension_and_its_refusals(self, problem, people):
        measure = problem.measures.get()
        url = f"/api/measures/{measure.pk}/extension/"
        early = {"requested_deadline": measure.deadline.isoformat(), "reason": "x"}
        assert refusal(post(people.clerk_a, url, early), 400)["field"] == "requested_deadline"
        assert refusal(post(people.clerk_a, url, {"reason": "x"}), 400)["field"] == "requested_deadline"
        later = {"requested_deadline": (measure.deadline + datetime.timedelta(days=5)).isoformat(), "reason": "x"}
        body = body_of(post(people.clerk_a, url, later), 201)
        assert body["measure"] == measure.pk
        assert refusal(post(people.clerk_a, url, later), 400)
        assert ExtensionRequest.objects.count() == 1


# --------------------------------------------------------------------------- lists, drives, inspections


class TestProblemLists:
    def test_three_up_three_down(self, problem, people):
        problem_list = ProblemList.objects.get()
        url = f"/api/problem-lists/{problem_list.pk}/"
        body = body_of(post(people.clerk_a, url + "submit/", {"comment": "第一次报送"}), 200)
        assert body["status"] == ListStatus.SUBMITTED and len(body["rounds"]) == 1
        assert body["rounds"][0]["problem_count"] == 1 and body["rounds"][0]["measure_count"] == 1
        refusal(post(people.clerk_a, url + "accept/", {}), 403)
        assert refusal(post(people.leader, url + "return/", {}), 400)["field"] == "comment"
        body = body_of(post(people.leader, url + "return/", {"comment": "措施不具体"}), 200)
        assert body["status"] == ListStatus.RETURNED
        refusal(post(people.leader, url + "accept/", {}), 400)  # not submitted
        body_of(post(people.clerk_a, url + "submit/", {}), 200)
        body = body_of(post(people.leader, url + "accept/", {}), 200)
        assert body["status"] == ListStatus.ACCEPTED and body["rounds_up"] == 2
        assert [r["direction"] for r in body["rounds"]] == ["up", "down", "up", "down"]
        rounds = client_for(people.clerk_a).get("/api/review-rounds/", {"problem_list": problem_list.pk})
        assert len(ids(rounds)) == 4
        assert ids(client_for(people.clerk_b).get("/api/review-rounds/")) == []

    def test_an_empty_list_cannot_be_submitted(self, tree, campaign, people):
        problem_list = ProblemListFactory(org=tree.community_a, campaign=campaign)
        refusal(post(people.clerk_a, f"/api/problem-lists/{problem_list.pk}/submit/", {}), 400)
        assert not ReviewRound.objects.exists()


class TestSpecialRectifications:
    def test_the_campaign_office_opens_a_drive_for_a_department(self, tree, campaign, people):
        fields = {
            "campaign": campaign.pk,
            "org": tree.department.code,
            "name": "教育领域专项整治",
            "level": "department",
        }
        body = body_of(post(people.supervisor, "/api/special-rectifications/", fields), 201)
        assert body["org"] == tree.department.code and body["status"] == "under_way"
        assert refusal(post(people.clerk_a, "/api/special-rectifications/", fields), 400)["field"] == "org"
        bad_level = {**fields, "level": "galactic"}
        assert refusal(post(people.supervisor, "/api/special-rectifications/", bad_level), 400)["field"] == "level"
        assert ids(client_for(people.supervisor).get("/api/special-rectifications/")) == [body["id"]]
        assert ids(client_for(people.leader).get("/api/special-rectifications/")) == []


class TestInspections:
    def test_an_inspector_plans_a_round_and_a_finding_orders_reexamination(self, problem, tree, campaign, people):
        fields = {
            "campaign": campaign.pk,
            "org": tree.district.code,
            "number": 1,
            "title": "第一轮督查",
            "start_date": timezone.localdate().isoformat(),
            "inspector": people.inspector.pk,
            "units": [tree.community_a.code, tree.community_b.code],
        }
        body = body_of(post(people.inspector, "/api/inspections/", fields), 201)
        assert body["units"] == [tree.community_a.code, tree.community_b.code] and body["findings"] == []
        assert body["inspector"] == {"id": people.inspector.pk, "real_name": people.inspector.real_name}
        assert refusal(post(people.inspector, "/api/inspections/", fields), 400)["field"] == "number"
        own = {**fields, "org": tree.community_a.code, "number": 2, "inspector": None, "units": [tree.community_a.code]}
        refusal(post(people.clerk_a, "/api/inspections/", own), 403)  # clerks do not inspect
        url = f"/api/inspections/{body['id']}/add-finding/"
        finding = body_of(
            post(
                people.inspector,
                url,
                {"org": tree.community_a.code, "description": "台账不完整", "orders_reexamination": True},
            ),
            201,
        )
        assert finding["org"] == tree.community_a.code and finding["orders_reexamination"] is True
        assert ProblemList.objects.get(org=tree.community_a).status == ListStatus.RETURNED
        assert (
            refusal(post(people.inspector, url, {"org": tree.department.code, "description": "x"}), 400)["field"]
            == "org"
        )
        detail = body_of(client_for(people.supervisor).get(f"/api/inspections/{body['id']}/"), 200)
        assert [f["description"] for f in detail["findings"]] == ["台账不完整"]
        refusal(client_for(people.clerk_a).get(f"/api/inspections/{body['id']}/"), 404)


# --------------------------------------------------------------------------- pages and queries


class TestPagesAndQueries:
    def test_the_cursor_walks_every_row_once_newest_first(self, tree, campaign, people):
        made = [ProblemFactory(org=tree.community_a, campaign=campaign).pk for _ in range(7)]
        client = client_for(people.clerk_a)
        seen: list[int] = []
        url: str | None = "/api/problems/?page_size=3"
        pages = 0
        while url:
            body = body_of(client.get(url), 200)
            assert "count" not in body
            seen += [row["id"] for row in body["results"]]
            url, pages = body["next"], pages + 1
        assert seen == sorted(made, reverse=True) and pages == 3
        assert refusal(client.get("/api/problems/", {"cursor": "garbage"}), 404)["code"] == "not_found"

    def test_a_page_is_one_keyset_query_without_offset_or_count(self, tree, campaign, people):
        for _ in range(5):
            ProblemFactory(org=tree.community_a, campaign=campaign)
        client = client_for(people.clerk_a)
        next_url = body_of(client.get("/api/problems/?page_size=2"), 200)["next"]
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            body_of(client.get(next_url), 200)
        problem_queries = [q["sql"] for q in context.captured_queries if '"rectification_problem"."title"' in q["sql"]]
        assert len(problem_queries) == 1
        assert "OFFSET" not in problem_queries[0].upper() and "COUNT(" not in problem_queries[0].upper()

    @pytest.mark.parametrize(
        ("url", "user", "add", "expected"),
        [
            ("/api/problems/", "clerk_a", "problems", 5),  # the page's orgs fetched apart
            ("/api/problems/?status=rectifying&org=AK-JM-XDC", "clerk_a", "problems", 6),
            ("/api/measures/", "clerk_a", "measures", 5),
            ("/api/extensions/", "leader", "extensions", 4),
            ("/api/special-rectifications/", "supervisor", "drives", 4),
            ("/api/problem-lists/", "leader", "lists", 5),
            ("/api/review-rounds/", "leader", "lists", 4),
            ("/api/inspections/", "supervisor", "inspections", 6),
        ],
    )
    def test_list_query_counts_do_not_grow_with_rows(self, tree, campaign, people, url, user, add, expected):
        """Session, user, grants, the page (plus one per prefetched relation)."""
        communities = [tree.community_a, tree.grid_a]

        def add_rows() -> None:
            for index in range(3):
                org = communities[index % 2]
                owner = people.clerk_a if index else None
                problem = ProblemFactory(org=org, campaign=campaign, owner=owner)
                MeasureFactory(problem=problem, owner=owner)
                ExtensionRequestFactory(problem=problem, requested_by=people.clerk_a)
                SpecialRectificationFactory(org=tree.department, campaign=campaign)
                problem_list = ProblemListFactory(org=org if index < 2 else tree.community_b, campaign=campaign)
                ReviewRound.objects.create(
                    problem_list=problem_list,
                    number=index + 1,
                    direction="up",
                    outcome="submitted",
                    actor=people.clerk_a,
                )
                inspection = InspectionFactory(
                    org=tree.district, campaign=campaign, units=[tree.community_a, tree.community_b]
                )
                InspectionFindingFactory(inspection=inspection, org=tree.community_a, fed_back_to=people.clerk_a)

        add_rows()  # a first batch, so the "few rows" measure already has every relation
        client = client_for(getattr(people, user))
        client.get(url)  # the working-day calendar of the lights is cached after a first read
        count = assert_query_count_stable(lambda: client.get(url), add_rows=add_rows, label=url)
        assert count == expected, f"{url}: {count} queries"


class TestGarbageInput:
    """What a fuzzer sends: never a server error, every refusal in the documented shape."""

    HUGE = 10**25
    BODIES = [
        None,
        [],
        "x",
        {"campaign": HUGE, "org": "AK\x00", "title": "t\x00", "level": "grassroots"},
        {"campaign": 1e30, "org": 5, "title": ["a"], "level": None, "measures": [None, 5, {"title": "x", "org": HUGE}]},
        {"campaign": True, "org": {"a": 1}, "title": "x" * 301, "deadline": "2023-02-30", "owner": HUGE},
        {"problem": HUGE, "title": "x", "approve": "maybe", "units": [HUGE, None], "number": 10**9},
        {"comment": "x", "expected_status": "nope", "closure_kind": "x", "percent": HUGE, "text": "t"},
    ]
    QUERIES = [
        {"problem": HUGE},
        {"campaign": HUGE},
        {"cursor": "x"},
        {"page_size": HUGE},
        {"org": "AK\x00"},
        {"q": "\x00"},
        {"status": "x"},
        {"channel": "1.5"},
    ]

    def _check(self, response, what) -> None:  # type: ignore[no-untyped-def]
        assert response.status_code < 500, (what, response.status_code, response.content[:300])
        if response.status_code >= 400 and response.status_code != 405:
            assert {"detail", "code"} <= set(response.json()), (what, response.content[:300])

    def test_writes(self, problem, people):
        measure = problem.measures.get()
        extension = ExtensionRequestFactory(problem=problem)
        problem_list = ProblemList.objects.get()
        inspection = InspectionFactory(org=problem.campaign.org, campaign=problem.campaign)
        client = client_for(people.supervisor)
        urls = [
            "/api/problems/",
            f"/api/problems/{problem.pk}/",
            f"/api/problems/{problem.pk}/approve-closure/",
            f"/api/problems/{problem.pk}/progress/",
            f"/api/problems/{problem.pk}/extension/",
            f"/api/measures/{measure.pk}/request-closure/",
            "/api/measures/",
            f"/api/measures/{measure.pk}/",
            f"/api/extensions/{extension.pk}/decide/",
            "/api/special-rectifications/",
            f"/api/problem-lists/{problem_list.pk}/return/",
            "/api/inspections/",
            f"/api/inspections/{inspection.pk}/add-finding/",
        ]
        for url in urls:
            for body in self.BODIES:
                for method in (client.post, client.patch):
                    self._check(method(url, body, content_type="application/json"), (url, body))

    def test_reads(self, problem, people):
        client = client_for(people.supervisor)
        lists = ["/api/problems/", "/api/measures/", "/api/extensions/", "/api/problem-lists/", "/api/inspections/"]
        for url in lists:
            for query in self.QUERIES:
                self._check(client.get(url, query), (url, query))
        for url in (f"/api/problems/{self.HUGE}/", "/api/problems/abc/", f"/api/measures/{self.HUGE}/"):
            assert refusal(client.get(url), 404)["code"] == "not_found"


# --------------------------------------------------------------------------- schema


LEDGER_PATHS = {
    "/api/problems/": {"get", "post"},
    "/api/problems/{id}/": {"get", "patch"},
    "/api/problems/{id}/request-closure/": {"post"},
    "/api/problems/{id}/approve-closure/": {"post"},
    "/api/problems/{id}/send-back/": {"post"},
    "/api/problems/{id}/reopen/": {"post"},
    "/api/problems/{id}/progress/": {"post"},
    "/api/problems/{id}/extension/": {"post"},
    "/api/measures/": {"get", "post"},
    "/api/measures/{id}/": {"get", "patch"},
    "/api/measures/{id}/request-closure/": {"post"},
    "/api/measures/{id}/approve-closure/": {"post"},
    "/api/measures/{id}/send-back/": {"post"},
    "/api/measures/{id}/reopen/": {"post"},
    "/api/measures/{id}/progress/": {"post"},
    "/api/measures/{id}/extension/": {"post"},
    "/api/extensions/": {"get"},
    "/api/extensions/{id}/": {"get"},
    "/api/extensions/{id}/decide/": {"post"},
    "/api/special-rectifications/": {"get", "post"},
    "/api/special-rectifications/{id}/": {"get"},
    "/api/problem-lists/": {"get"},
    "/api/problem-lists/{id}/": {"get"},
    "/api/problem-lists/{id}/submit/": {"post"},
    "/api/problem-lists/{id}/return/": {"post"},
    "/api/problem-lists/{id}/accept/": {"post"},
    "/api/review-rounds/": {"get"},
    "/api/inspections/": {"get", "post"},
    "/api/inspections/{id}/": {"get"},
    "/api/inspections/{id}/add-finding/": {"post"},
}


class TestSchema:
    def test_the_schema_serves_every_ledger_operation_with_its_refusals(self, people):
        response = client_for(people.admin).get("/api/schema/", {"format": "json"})
        assert response.status_code == 200
        paths = response.json()["paths"]
        for path, methods in LEDGER_PATHS.items():
            assert path in paths, path
            assert set(paths[path]) - {"parameters"} == methods, path
            for method in methods:
                responses = paths[path][method]["responses"]
                assert {"403", "404"} <= set(responses), (path, method)
                if method != "get" or path.endswith("s/"):
                    assert "400" in responses, (path, method)
                if method == "post" and not path.endswith("s/"):
                    assert "409" in responses, (path, method)
        closure = paths["/api/problems/{id}/request-closure/"]["post"]["requestBody"]["content"]
        assert "multipart/form-data" in closure
        names = {p["name"] for p in paths["/api/problems/"]["get"]["parameters"]}
        assert {"cursor", "page_size", "q", "campaign", "status", "org", "overdue"} <= names
        assert client_for(people.admin).get("/api/docs/").status_code == 200

    def test_the_schema_has_no_warnings(self, db):
        from drf_spectacular import plumbing
        from drf_spectacular.drainage import GENERATOR_STATS
        from drf_spectacular.generators import SchemaGenerator
        from drf_spectacular.settings import patched_settings, spectacular_settings
        from drf_spectacular.validation import validate_schema

        overrides = {**ENUM_NAME_OVERRIDES, **spectacular_settings.ENUM_NAME_OVERRIDES}
        plumbing._load_enum_name_overrides.cache_clear()
        GENERATOR_STATS.reset()
        try:
            with patched_settings({"ENUM_NAME_OVERRIDES": overrides}), GENERATOR_STATS.silence():
                schema = SchemaGenerator().get_schema(request=None, public=True)
            warnings = list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
        finally:
            GENERATOR_STATS.reset()
            plumbing._load_enum_name_overrides.cache_clear()
        assert warnings == []
        validate_schema(schema)
        assert {"ItemStatusEnum", "ListStatusEnum", "Error"} <= set(schema["components"]["schemas"])
        assert set(schema["components"]["schemas"]["Error"]["required"]) == {"detail", "code"}
