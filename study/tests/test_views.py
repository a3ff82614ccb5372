"""Study pages: the check-in page on a phone, the clerk's roll, the class page with its
daily messages, the coverage report and its Excel export, and scoping."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from core.testing.factories import UserFactory
from core.testing.html import element
from core.testing.permissions import api_rows, assert_api_list_scoped, client_for
from orgs.choices import MemberCategory
from study import services
from study.models import Attendance, DailyDispatch, OutreachRecord

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def session(tree, people):
    study_class = services.class_create(
        org=tree.street,
        name="党员大课堂",
        start_date=TODAY,
        end_date=TODAY + datetime.timedelta(days=2),
        members=[people.member_a, people.clerk_a],
        acting_user=people.street_clerk,
    )
    return services.session_create(
        study_class=study_class, date=TODAY, topic="学习党章", acting_user=people.street_clerk
    )


class TestCheckInPage:
    def test_a_member_checks_in_once(self, session, people):
        url = reverse("study:check_in", args=[services.check_in_token(session)])
        client = client_for(people.member_a)
        assert element(client.get(url).content.decode(), "check-in-button") is not None
        first = client.post(url).content.decode()
        assert 'data-status="checked_in"' in first
        second = client.post(url).content.decode()
        assert 'data-status="already"' in second
        assert 'data-status="already"' in client.get(url).content.decode()
        assert Attendance.objects.filter(session=session, member=people.member_a).count() == 1

    def test_a_forged_link_is_not_found_and_anonymous_visitors_log_in(self, session, people):
        assert client_for(people.member_a).get(reverse("study:check_in", args=["forged"])).status_code == 404
        url = reverse("study:check_in", args=[services.check_in_token(session)])
        assert client_for(None).get(url).status_code == 302

    def test_my_study_offers_todays_check_in(self, session, people):
        page = client_for(people.member_a).get(reverse("study:my_study")).content.decode()
        assert f'data-session="{session.pk}"' in page
        assert services.check_in_token(session) in page


class TestClerkPages:
    def test_the_roll_is_ticked_and_shows_the_qr_code(self, session, people):
        client = client_for(people.street_clerk)
        url = reverse("study:session_detail", args=[session.pk])
        page = client.get(url).content.decode()
        assert "<svg" in element(page, "check-in-qr").html
        client.post(url, {"tick": "1", "present": [people.member_a.pk]})
        assert list(Attendance.objects.values_list("member", flat=True)) == [people.member_a.pk]
        # A member of the class cannot open the clerk's roll.
        assert client_for(people.member_a).get(url).status_code == 404

    def test_daily_messages_are_sent_from_the_class_page_and_shown_there(self, session, people):
        client = client_for(people.street_clerk)
        url = reverse("study:class_dispatch", args=[session.study_class_id])
        client.post(url, {"date": TODAY.isoformat(), "kind": "reminder"})
        client.post(url, {"date": TODAY.isoformat(), "kind": "reminder"})
        assert DailyDispatch.objects.count() == 1
        page = client.get(reverse("study:class_detail", args=[session.study_class_id])).content.decode()
        assert f'data-kind="reminder" data-date="{TODAY.isoformat()}"' in element(page, "dispatches").html
        # The member sees the class page too, read-only.
        member_page = client_for(people.member_a).get(reverse("study:class_detail", args=[session.study_class_id]))
        assert member_page.status_code == 200
        assert element(member_page.content.decode(), "dispatch-form") is None

    def test_classes_of_a_sibling_are_hidden(self, session, people):
        assert (
            client_for(people.clerk_b).get(reverse("study:class_detail", args=[session.study_class_id])).status_code
            == 404
        )
        assert (
            client_for(people.clerk_a).get(reverse("study:class_detail", args=[session.study_class_id])).status_code
            == 200
        )


class TestCoverage:
    @pytest.fixture
    def plan(self, tree, people):
        return services.plan_create(org=tree.district, category=MemberCategory.ELDERLY, acting_user=people.supervisor)

    def test_the_report_lists_members_missing_a_step_and_records_one(self, tree, people, plan):
        done = UserFactory(username="e1", home_org=tree.grid_a, is_party_member=True, member_category="elderly")
        left = UserFactory(username="e2", home_org=tree.community_b, is_party_member=True, member_category="elderly")
        for step in plan.steps.all():
            services.outreach_record(step=step, member=done, done_on=TODAY, acting_user=people.supervisor)
        client = client_for(people.supervisor)
        url = reverse("study:coverage", args=[plan.pk])
        page = client.get(url).content.decode()
        table = element(page, "coverage").html
        assert f'data-member="{left.pk}"' in table and f'data-member="{done.pk}"' not in table
        assert client.get(url, {"org": tree.community_a.code}).content.decode().count("data-member=") == 0
        step = plan.steps.first()
        client.post(
            reverse("study:record", args=[plan.pk]),
            {"step": step.pk, "member": left.pk, "done_on": TODAY.isoformat(), "note": "上门送学", "next": url},
        )
        assert OutreachRecord.objects.filter(member=left, step=step, note="上门送学").exists()

    def test_the_export_holds_exactly_the_listed_members(self, tree, people, plan):
        from openpyxl import load_workbook

        UserFactory(
            username="e3", real_name="王老党员", home_org=tree.grid_a, is_party_member=True, member_category="elderly"
        )
        response = client_for(people.supervisor).get(reverse("study:coverage", args=[plan.pk]), {"format": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == 2 and rows[1][0] == "王老党员"
        assert len(rows[0]) == 4 + plan.steps.count()


@pytest.mark.parametrize(
    "url",
    ["/api/study-classes/", "/api/study-sessions/"],
)
def test_api_lists_follow_the_scoping_contract(url):
    def make(org):
        study_class = services.class_create(
            org=org, name="班", start_date=TODAY, end_date=TODAY, acting_user=UserFactory(is_superuser=True)
        )
        if "sessions" in url:
            return services.session_create(
                study_class=study_class, date=TODAY, topic="t", acting_user=UserFactory(is_superuser=True)
            )
        return study_class

    assert_api_list_scoped(url, make_item=make)


def test_api_check_in_and_records(session, people, tree):
    member = client_for(people.member_a)
    assert member.post(f"/api/study-sessions/{session.pk}/check-in/").status_code == 201
    assert member.post(f"/api/study-sessions/{session.pk}/check-in/").status_code == 409
    assert [row["member"] for row in api_rows(member.get("/api/study-attendance/"))] == [people.member_a.pk]
    plan = services.plan_create(org=tree.district, category=MemberCategory.OUTFLOW, acting_user=people.supervisor)
    outflow = UserFactory(username="o1", home_org=tree.grid_a, is_party_member=True, member_category="outflow")
    created = client_for(people.clerk_a).post(
        "/api/outreach-records/",
        {"step": plan.steps.first().pk, "member": outflow.pk, "done_on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert client_for(people.clerk_b).get("/api/outreach-records/").json()["results"] == []
