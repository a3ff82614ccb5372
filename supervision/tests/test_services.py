"""The cadence with a frozen clock: daily check, reminders, escalation, dispatch, roll-up."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail

from core.errors import DomainError, PermissionDenied
from core.models import Event, Notification
from core.statistics import StatsScope, collect
from rectification.choices import ItemStatus
from rectification.models import Measure, Problem
from rectification.tests.factories import MeasureFactory, ProblemFactory
from supervision import delivery, services
from supervision.choices import DecisionKind, DispatchStatus, WarningLevel
from supervision.models import DispatchTask, Escalation, MonthlySnapshot, Reminder
from supervision.selectors import snapshot_for
from supervision.warnings import escalation, thresholds

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Thursday 8 October 2026, the first working day after the National Day holiday (1–7 October).
AFTER_HOLIDAY = datetime.date(2026, 10, 8)
HOLIDAY = datetime.date(2026, 10, 5)  # a Monday inside the holiday
D = datetime.date


def at(day: datetime.date) -> time_machine.travel:
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def scene(tree, people):  # type: ignore[no-untyped-def]
    """Problems of community A at every step of the ladder on 8 October 2026 (made that day)."""
    with at(AFTER_HOLIDAY):
        return _scene(tree, people)


def _scene(tree, people):  # type: ignore[no-untyped-def]
    tree.community_a.head = people.clerk_a
    tree.community_a.save()
    tree.street.head = people.leader
    tree.street.save()
    people.clerk_a.email = "clerk_a@example.org"
    people.clerk_a.save()
    owner = people.member_a
    owner.email = "owner@example.org"
    owner.save()

    def problem(title: str, deadline: datetime.date | None, **fields):  # type: ignore[no-untyped-def]
        return ProblemFactory(
            org=tree.community_a,
            campaign__org=tree.district,
            title=title,
            deadline=deadline,
            owner=owner,
            found_date=D(2026, 8, 1),
            **fields,
        )

    return {
        # 9 Oct (Fri) and 12 Oct (Mon) are 1 and 2 working days ahead; 10 Oct is an adjusted
        # working Saturday, so 13 Oct is the 4th working day: green.
        "yellow": problem("明天到期", D(2026, 10, 9)),
        "yellow_edge": problem("三个工作日内到期", D(2026, 10, 12)),
        "green": problem("下周才到期", D(2026, 10, 14)),
        # Due 30 Sept: only 8 Oct is a working day since (the holiday does not count): red.
        "red": problem("节前到期", D(2026, 9, 30)),
        # Due 25 Sept (Mid-autumn): 28, 29, 30 Sept and 8 Oct: 4 working days: still red.
        "red_4": problem("逾期四个工作日", D(2026, 9, 24)),
        # Due 22 Sept: 23, 24, 28, 29, 30 Sept, 8 Oct = 6 working days: leader told.
        "leader": problem("逾期六个工作日", D(2026, 9, 22)),
        # Due 1 Sept: far more than 10 working days: named in the bulletin.
        "bulletin": problem("逾期很久", D(2026, 9, 1)),
        "closed": problem("已销号", D(2026, 9, 1), status=ItemStatus.CLOSED, closure_kind="rectified"),
        "no_deadline": problem("没有期限", None, original_deadline=None),
    }


@pytest.mark.django_db
def test_levels_count_working_days_by_the_official_calendar(scene) -> None:  # type: ignore[no-untyped-def]
    limits = thresholds(AFTER_HOLIDAY)
    levels = {name: escalation(item, limits=limits).level for name, item in scene.items()}
    assert levels == {
        "yellow": WarningLevel.YELLOW,
        "yellow_edge": WarningLevel.YELLOW,
        "green": WarningLevel.NONE,
        "red": WarningLevel.RED,
        "red_4": WarningLevel.RED,
        "leader": WarningLevel.LEADER,
        "bulletin": WarningLevel.BULLETIN,
        "closed": WarningLevel.NONE,
        "no_deadline": WarningLevel.NONE,
    }
    assert escalation(scene["red"], limits=limits).overdue_working_days == 1
    assert escalation(scene["leader"], limits=limits).overdue_working_days == 6
    # The item's own light agrees with the ladder.
    for name in ("yellow", "yellow_edge", "green", "red", "closed"):
        assert scene[name].light(AFTER_HOLIDAY) == escalation(scene[name], limits=limits).light


@pytest.mark.django_db
def test_no_check_on_a_holiday(scene, robot) -> None:  # type: ignore[no-untyped-def]
    with at(HOLIDAY):
        result = services.daily_check()
    assert result.working_day is False
    assert Reminder.objects.count() == 0
    assert Escalation.objects.count() == 0
    assert robot.posts == []
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_daily_check_reminds_each_warned_item_once(scene, people, robot) -> None:  # type: ignore[no-untyped-def]
    with at(AFTER_HOLIDAY):
        first = services.daily_check()
        second = services.daily_check()
    warned = {"yellow", "yellow_edge", "red", "red_4", "leader", "bulletin"}
    reminded = set(Reminder.objects.values_list("object_id", flat=True))
    assert reminded == {scene[name].pk for name in warned}
    assert first.reminders == 6 and second.reminders == 0 and second.already_reminded == 6
    assert first.by_level == {"yellow": 2, "red": 2, "leader": 1, "bulletin": 1}
    assert Reminder.objects.filter(delivered_at__isnull=True).count() == 0
    # Owner and unit head are told in the app; each has an e-mail address.
    owner_notes = Notification.objects.filter(recipient=people.member_a)
    assert owner_notes.count() == 6
    assert Notification.objects.filter(recipient=people.clerk_a).count() == 6
    assert len(mail.outbox) == 6
    assert sorted(mail.outbox[0].to) == ["clerk_a@example.org", "owner@example.org"]
    # Every reminder is an event on its item.
    problem_type = ContentType.objects.get_for_model(Problem)
    events = Event.objects.filter(content_type=problem_type, action="reminded")
    assert sorted(events.values_list("object_id", flat=True)) == sorted(scene[name].pk for name in warned)
    # The robot got one markdown message listing the six items, and nothing the second time.
    assert len(robot.posts) == 1
    payload = robot.posts[0]
    assert payload["msgtype"] == "markdown"
    content = payload["markdown"]["content"]
    for name in warned:
        assert scene[name].title in content
    for name in ("green", "closed", "no_deadline"):
        assert scene[name].title not in content
    assert robot.content_types[0].startswith("application/json")
    # Next working day: reminded again (one per item per day, not one ever).
    with at(D(2026, 10, 9)):
        services.daily_check()
    assert Reminder.objects.filter(date=D(2026, 10, 9)).count() >= 5


@pytest.mark.django_db
def test_escalation_tells_the_leaders_above_once(scene, people) -> None:  # type: ignore[no-untyped-def]
    with at(AFTER_HOLIDAY):
        services.daily_check()
    with at(D(2026, 10, 9)):
        services.daily_check()
    steps = set(Escalation.objects.values_list("object_id", "step"))
    # On 9 October the problem due 24 September is 5 working days overdue: it joins.
    assert steps == {
        (scene["red_4"].pk, "leader"),
        (scene["leader"].pk, "leader"),
        (scene["bulletin"].pk, "leader"),
        (scene["bulletin"].pk, "bulletin"),
    }
    # The street (the org above community A): its head and its leader are the same person here.
    told = Notification.objects.filter(recipient=people.leader)
    assert told.count() == 3
    problem_type = ContentType.objects.get_for_model(Problem)
    assert Event.objects.filter(content_type=problem_type, action="escalated").count() == 4


@pytest.mark.django_db
def test_a_killed_run_sends_nothing_twice(scene, people, robot) -> None:  # type: ignore[no-untyped-def]
    with at(AFTER_HOLIDAY):
        services.daily_check(deliver=False)  # the worker died after deciding, before sending
        assert Notification.objects.count() == 0
        services.daily_check()
        services.daily_check()
    assert Reminder.objects.count() == 6
    assert Notification.objects.filter(recipient=people.member_a).count() == 6
    assert len(mail.outbox) == 6
    assert len(robot.posts) == 1


@pytest.mark.django_db
def test_a_row_claimed_by_another_run_is_not_sent_again(scene, people) -> None:  # type: ignore[no-untyped-def]
    with at(AFTER_HOLIDAY):
        services.daily_check(deliver=False)
        first = delivery._claim(Reminder, None)
        assert len(first) == 6
        assert delivery.reminders_deliver() == 0


@pytest.mark.django_db
def test_measures_and_tasks_are_checked_too(tree, people) -> None:  # type: ignore[no-untyped-def]
    measure = MeasureFactory(
        problem__org=tree.community_b, problem__campaign__org=tree.district, deadline=D(2026, 9, 30)
    )
    with at(AFTER_HOLIDAY):
        services.daily_check()
    measure_type = ContentType.objects.get_for_model(Measure)
    assert Reminder.objects.filter(content_type=measure_type, object_id=measure.pk).exists()


@pytest.mark.django_db
def test_manual_reminder_by_a_supervisor(scene, people, robot, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    captured = django_capture_on_commit_callbacks
    with at(AFTER_HOLIDAY):
        with pytest.raises(PermissionDenied):
            services.reminder_send(item=scene["green"], acting_user=people.clerk_a, note="快")
        with captured(execute=True):
            reminder = services.reminder_send(item=scene["green"], acting_user=people.supervisor, note="请本周内完成")
        assert reminder.kind == "manual" and reminder.note == "请本周内完成"
        with pytest.raises(DomainError):
            services.reminder_send(item=scene["green"], acting_user=people.supervisor, note="再催")
        with pytest.raises(DomainError):
            services.reminder_send(item=scene["closed"], acting_user=people.supervisor)
        # The daily check does not remind it again the same day (it is green anyway).
        services.daily_check()
    reminder.refresh_from_db()
    assert reminder.delivered_at is not None
    assert "请本周内完成" in robot.posts[0]["markdown"]["content"]
    event = Event.objects.get(object_id=scene["green"].pk, action="reminded")
    assert event.actor == people.supervisor and event.comment == "请本周内完成"


@pytest.mark.django_db
def test_weekly_dispatch_lists_exactly_the_red_and_yellow_items(scene, tree, people) -> None:  # type: ignore[no-untyped-def]
    other = ProblemFactory(org=tree.department, campaign__org=tree.district, deadline=D(2026, 9, 30))
    with at(AFTER_HOLIDAY):
        meeting = services.dispatch_prepare(org=tree.street, acting_user=people.supervisor)
        listed = set(meeting.entries.values_list("object_id", flat=True))
        expected = {scene[n].pk for n in ("yellow", "yellow_edge", "red", "red_4", "leader", "bulletin")}
        assert listed == expected
        assert other.pk not in listed
        # The agenda is frozen: closing an item later does not take it off.
        Problem.objects.filter(pk=scene["red"].pk).update(status=ItemStatus.CLOSED, closure_kind="rectified")
        assert meeting.entries.count() == 6
        whole = services.weekly_dispatch(org_code=tree.district.code)[0]
        assert other.pk in set(whole.entries.values_list("object_id", flat=True))
        assert scene["red"].pk not in set(whole.entries.values_list("object_id", flat=True))
        # Same day again: the existing meeting, not a second one.
        assert services.weekly_dispatch(org_code=tree.district.code)[0].pk == whole.pk


@pytest.mark.django_db
def test_dispatch_decisions_become_measures_and_tasks(scene, tree, people) -> None:  # type: ignore[no-untyped-def]
    with at(AFTER_HOLIDAY):
        meeting = services.dispatch_prepare(org=tree.street, acting_user=people.supervisor)
        entry = meeting.entries.get(object_id=scene["bulletin"].pk)
        decision = services.dispatch_decide(
            meeting=meeting,
            acting_user=people.supervisor,
            entry=entry,
            kind=DecisionKind.MEASURE,
            text="街道牵头召开专题会，两周内完成整改",
            deadline=D(2026, 10, 22),
        )
        assert decision.measure.problem_id == scene["bulletin"].pk
        assert decision.measure.deadline == D(2026, 10, 22)
        task_decision = services.dispatch_decide(
            meeting=meeting,
            acting_user=people.supervisor,
            entry=entry,
            kind=DecisionKind.TASK,
            text="社区每周报告进展",
            owner=people.clerk_a,
            deadline=D(2026, 10, 16),
        )
        task = task_decision.task
        assert task.org == tree.community_a and task.owner == people.clerk_a and task.meeting == meeting
        with pytest.raises(DomainError):
            services.dispatch_decide(meeting=meeting, acting_user=people.supervisor, kind=DecisionKind.TASK, text="x")
        with pytest.raises(PermissionDenied):
            services.dispatch_decide(meeting=meeting, acting_user=people.clerk_a, kind=DecisionKind.NOTE, text="记录")
        services.dispatch_hold(meeting=meeting, acting_user=people.supervisor, minutes="会议纪要")
        meeting.refresh_from_db()
        assert meeting.status == DispatchStatus.HELD
        with pytest.raises(DomainError):
            services.dispatch_hold(meeting=meeting, acting_user=people.supervisor)
        # The task is warned and reminded like every item once due.
    with at(D(2026, 10, 15)):
        services.daily_check()
    task_type = ContentType.objects.get_for_model(DispatchTask)
    assert Reminder.objects.filter(content_type=task_type, object_id=task.pk).exists()


@pytest.mark.django_db
def test_dispatch_task_workflow_needs_evidence(scene, tree, people) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    with at(AFTER_HOLIDAY):
        meeting = services.dispatch_prepare(org=tree.street, acting_user=people.supervisor)
        task = services.dispatch_decide(
            meeting=meeting,
            acting_user=people.supervisor,
            kind=DecisionKind.TASK,
            text="摸排辖区内老旧小区",
            org=tree.community_a,
            owner=people.clerk_a,
            deadline=D(2026, 10, 30),
        ).task
        with pytest.raises(DomainError):
            services.task_transition(task=task, action="report_done", acting_user=people.clerk_a)
        evidence = [SimpleUploadedFile("记录.txt", "已完成摸排".encode(), content_type="text/plain")]
        services.task_transition(task=task, action="report_done", acting_user=people.clerk_a, evidence=evidence)
        services.task_transition(task=task, action="accept", acting_user=people.supervisor)
    task.refresh_from_db()
    assert task.status == "done" and task.is_closed


@pytest.mark.django_db
def test_monthly_snapshot_does_not_move_when_items_change(scene, tree, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Supervision's own figures only: the snapshot stores whatever the registry holds, and
    # this test is about freezing, not about the other apps' providers.
    from core import statistics

    monkeypatch.setattr(statistics, "_providers", {"supervision": statistics._providers["supervision"]})
    with at(D(2026, 11, 2)):
        with pytest.raises(DomainError):
            services.monthly_rollup(month=D(2026, 11, 1))
        written = services.monthly_rollup(month=D(2026, 10, 1))
        assert written == 3  # district, department, street: the top two levels
        snapshot = MonthlySnapshot.objects.get(org=tree.district, month=D(2026, 10, 1))
        before = snapshot.figures
        # As of 31 October every open problem with a deadline is overdue.
        assert before["supervision"]["overdue"] == 7
        # Give the problem without a deadline one in October afterwards: the live figures
        # change, the frozen ones do not, and rolling the month up again writes nothing.
        Problem.objects.filter(pk=scene["no_deadline"].pk).update(deadline=D(2026, 10, 13))
        scope = StatsScope(
            user=None,
            org=tree.district,
            campaign=None,
            as_of=D(2026, 10, 31),
            period_start=D(2026, 10, 1),
            period_end=D(2026, 10, 31),
        )
        assert collect(scope)["supervision"]["overdue"] == 8
        assert services.monthly_rollup(month=D(2026, 10, 1)) == 0
    snapshot.refresh_from_db()
    assert snapshot.figures == before
    assert snapshot_for(org=tree.district, month=D(2026, 10, 15)).figures == before
    assert snapshot_for(org=tree.community_a, month=D(2026, 10, 1)) is None


@pytest.mark.django_db
def test_periodic_jobs_call_the_services(scene) -> None:  # type: ignore[no-untyped-def]
    from supervision import tasks

    with at(HOLIDAY):
        assert tasks.daily_check.call_local()["working_day"] is False
    with at(AFTER_HOLIDAY):
        assert tasks.daily_check.call_local()["reminders"] == 6
        assert len(tasks.weekly_dispatch.call_local()) == 1  # the one root org of the tree
    with at(D(2026, 11, 2)):
        assert tasks.monthly_rollup.call_local() == 3
