"""Study services: check-in once per member per session, the clerk's tick, the daily
reminder and summary sent once, and outreach coverage listing exactly the members
with a step missing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.errors import Conflict, DomainError, PermissionDenied
from core.models import Notification
from core.testing.factories import UserFactory
from orgs.choices import MemberCategory
from study import selectors, services
from study.choices import CheckInMethod, DispatchKind
from study.models import Attendance, DailyDispatch

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def member(org, name, category=MemberCategory.OUTFLOW, **fields):
    return UserFactory(
        username=name, real_name=name, home_org=org, is_party_member=True, member_category=category, **fields
    )


@pytest.fixture
def study_class(tree, people):
    return services.class_create(
        org=tree.street,
        name="党员大课堂",
        start_date=TODAY - datetime.timedelta(days=3),
        end_date=TODAY + datetime.timedelta(days=3),
        members=[people.member_a, people.clerk_a],
        phases=[("第一期", TODAY - datetime.timedelta(days=3), TODAY)],
        acting_user=people.street_clerk,
    )


@pytest.fixture
def session(study_class, people):
    return services.session_create(
        study_class=study_class, date=TODAY, topic="学习党章", reading="党章总纲", acting_user=people.street_clerk
    )


class TestCheckIn:
    def test_the_link_works_once_per_member_per_session(self, session, people):
        token = services.check_in_token(session)
        attendance = services.check_in(token=token, member=people.member_a)
        assert (attendance.member, attendance.method) == (people.member_a, CheckInMethod.LINK)
        with pytest.raises(Conflict):
            services.check_in(token=token, member=people.member_a)
        # Another member uses the same link.
        services.check_in(token=token, member=people.clerk_a)
        assert Attendance.objects.filter(session=session).count() == 2

    def test_a_forged_token_is_refused(self, session, people):
        token = services.check_in_token(session)
        with pytest.raises(DomainError) as error:
            services.check_in(token=token[:-2] + "xx", member=people.member_a)
        assert error.value.field == "token"

    def test_someone_outside_the_class_is_refused(self, session, people):
        with pytest.raises(PermissionDenied):
            services.check_in(token=services.check_in_token(session), member=people.clerk_b)

    def test_check_in_is_open_on_the_sessions_day_only(self, study_class, people):
        yesterday = services.session_create(
            study_class=study_class,
            date=TODAY - datetime.timedelta(days=1),
            topic="昨日学习",
            acting_user=people.street_clerk,
        )
        with pytest.raises(DomainError):
            services.check_in(token=services.check_in_token(yesterday), member=people.member_a)

    def test_the_clerk_ticks_and_skips_those_present(self, session, people):
        services.check_in(token=services.check_in_token(session), member=people.member_a)
        added = services.attendance_tick(
            session=session, members=[people.member_a, people.clerk_a], acting_user=people.street_clerk
        )
        assert added == 1
        methods = dict(Attendance.objects.values_list("member__username", "method"))
        assert methods == {"member_a": CheckInMethod.LINK, "clerk_a": CheckInMethod.CLERK}

    def test_a_session_lies_in_the_class_and_its_phase(self, study_class, people, session):
        assert session.phase.number == 1
        with pytest.raises(DomainError):
            services.session_create(
                study_class=study_class,
                date=TODAY + datetime.timedelta(days=30),
                topic="x",
                acting_user=people.street_clerk,
            )


class TestDailyMessages:
    def test_reminder_and_summary_go_out_once_per_class_and_day(
        self, session, people, django_capture_on_commit_callbacks
    ):
        services.check_in(token=services.check_in_token(session), member=people.member_a)
        with django_capture_on_commit_callbacks(execute=True):
            reminder = services.daily_dispatch_send(
                study_class=session.study_class, date=TODAY, kind=DispatchKind.REMINDER
            )
            again = services.daily_dispatch_send(
                study_class=session.study_class, date=TODAY, kind=DispatchKind.REMINDER
            )
            summary = services.daily_dispatch_send(
                study_class=session.study_class, date=TODAY, kind=DispatchKind.SUMMARY
            )
        assert again is None
        assert "党章总纲" in reminder.body
        assert people.member_a.real_name in summary.body.splitlines()[1]
        assert people.clerk_a.real_name in summary.body.splitlines()[2]
        assert DailyDispatch.objects.count() == 2
        assert Notification.objects.filter(recipient=people.member_a).count() == 2

    def test_a_day_without_session_sends_nothing(self, study_class):
        assert services.daily_dispatch_all(date=TODAY + datetime.timedelta(days=1), kind=DispatchKind.REMINDER) == 0
        assert not DailyDispatch.objects.exists()

    def test_the_command_sends_every_class_once(self, session):
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command("study_daily", "--date", TODAY.isoformat(), stdout=out)
        call_command("study_daily", "--date", TODAY.isoformat(), stdout=out)
        assert DailyDispatch.objects.filter(study_class=session.study_class).count() == 2
        assert "reminder: 1 classes sent" in out.getvalue()
        assert "reminder: 0 classes sent" in out.getvalue()


class TestOutreach:
    @pytest.fixture
    def plan(self, tree, people):
        return services.plan_create(org=tree.district, category=MemberCategory.OUTFLOW, acting_user=people.supervisor)

    def test_the_report_checklist_is_the_default(self, plan):
        assert plan.name == "三个一"
        assert list(plan.steps.values_list("title", flat=True)) == ["寄送一套学习资料", "拨打一个电话", "征求一条建议"]

    def test_the_coverage_report_lists_exactly_the_members_with_a_step_missing(self, tree, people, plan):
        everything = member(tree.grid_a, "全部完成")
        partly = member(tree.community_a, "完成两步")
        nothing = member(tree.community_b, "一步未做")
        member(tree.community_b, "年老党员", MemberCategory.ELDERLY)  # another category
        steps = list(plan.steps.all())
        for step in steps:
            services.outreach_record(step=step, member=everything, done_on=TODAY, acting_user=people.supervisor)
        for step in steps[:2]:
            services.outreach_record(step=step, member=partly, done_on=TODAY, acting_user=people.supervisor)
        missing = selectors.coverage_missing(plan=plan, user=people.supervisor)
        assert {m.username for m in missing} == {"完成两步", "一步未做"}
        # Narrowed to a subtree.
        within = selectors.coverage_missing(plan=plan, user=people.supervisor, within=tree.community_a)
        assert [m.username for m in within] == ["完成两步"]
        # A clerk sees only the members of their own community.
        assert [m.username for m in selectors.coverage_missing(plan=plan, user=people.clerk_b)] == ["一步未做"]
        assert selectors.plan_coverage(plan=plan, user=people.supervisor) == {
            "members": 3,
            "reached": 1,
            "missing": 2,
            "steps": 3,
        }
        # Retiring the third step makes "完成两步" fully reached.
        services.plan_step_update(step=steps[2], is_active=False, acting_user=people.supervisor)
        assert [m.username for m in selectors.coverage_missing(plan=plan, user=people.supervisor)] == ["一步未做"]
        assert nothing.pk

    def test_a_step_is_recorded_once_and_only_for_covered_members(self, tree, people, plan):
        someone = member(tree.grid_a, "流出党员甲")
        elderly = member(tree.grid_a, "年老党员乙", MemberCategory.ELDERLY)
        step = plan.steps.first()
        services.outreach_record(step=step, member=someone, done_on=TODAY, note="已寄送", acting_user=people.clerk_a)
        with pytest.raises(Conflict):
            services.outreach_record(step=step, member=someone, done_on=TODAY, acting_user=people.clerk_a)
        with pytest.raises(DomainError):
            services.outreach_record(step=step, member=elderly, done_on=TODAY, acting_user=people.clerk_a)
        with pytest.raises(PermissionDenied):
            services.outreach_record(step=plan.steps.last(), member=someone, done_on=TODAY, acting_user=people.clerk_b)
        with pytest.raises(DomainError):
            services.outreach_record(
                step=plan.steps.last(),
                member=someone,
                done_on=TODAY + datetime.timedelta(days=1),
                acting_user=people.clerk_a,
            )

    def test_bulk_recording_skips_those_done(self, tree, people, plan):
        members = [member(tree.grid_a, f"流出{n}") for n in range(3)]
        step = plan.steps.first()
        assert (
            services.outreach_record_bulk(step=step, members=members[:2], done_on=TODAY, acting_user=people.supervisor)
            == 2
        )
        assert (
            services.outreach_record_bulk(step=step, members=members, done_on=TODAY, acting_user=people.supervisor) == 1
        )

    def test_plans_of_one_category_do_not_nest(self, tree, people, plan):
        with pytest.raises(DomainError):
            services.plan_create(org=tree.street, category=MemberCategory.OUTFLOW, acting_user=people.supervisor)
        other = services.plan_create(
            org=tree.street, category=MemberCategory.ELDERLY, steps=["送学上门"], acting_user=people.supervisor
        )
        assert other.steps.count() == 1

    def test_steps_are_editable(self, plan, people):
        step = services.plan_step_add(plan=plan, title="发送一条学习提醒", acting_user=people.supervisor)
        assert step.order == 4
        services.plan_step_update(step=step, title="发送学习提醒短信", acting_user=people.supervisor)
        step.refresh_from_db()
        assert step.title == "发送学习提醒短信"
        with pytest.raises(PermissionDenied):
            services.plan_step_add(plan=plan, title="x", acting_user=people.clerk_a)
