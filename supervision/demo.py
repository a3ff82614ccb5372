"""Supervision in the demo: the reminders of the latest working day's check, this week's
dispatch meeting held with its decisions, and last month's frozen figures, all through
the real services (so the figures on the pages are counted from these rows)."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType

from core import calendar
from core.demo import DemoContext
from rectification.models import Problem
from supervision import services
from supervision.choices import DecisionKind, WarningLevel


def _latest_working_day(day: datetime.date) -> datetime.date:
    while not calendar.is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def load(context: DemoContext) -> None:
    root = context.root
    if root is None:
        return
    supervisor = context.people.get("supervisor", context.installer)
    check_day = _latest_working_day(context.today)
    result = services.daily_check(today=check_day)
    context.counts["reminders"] += result.reminders

    # 每周一调度: the meeting of the zone on this week's Monday, with its agenda.
    monday = context.today - datetime.timedelta(days=context.today.weekday())
    meeting = services.dispatch_prepare(org=root, acting_user=supervisor, date=monday, campaign=context.campaign)
    problem_type = ContentType.objects.get_for_model(Problem)
    entries = list(meeting.entries.filter(content_type=problem_type).order_by("deadline", "id"))
    longest = [e for e in entries if e.level in (WarningLevel.BULLETIN, WarningLevel.LEADER)][:2]
    for entry in longest:
        problem = Problem.objects.get(pk=entry.object_id)
        if problem.status != "rectifying":
            continue
        # A task, not a new measure: the demo ledger keeps the report's 782 measures
        # (decisions that become measures are covered by the tests).
        services.dispatch_decide(
            meeting=meeting,
            acting_user=supervisor,
            entry=entry,
            kind=DecisionKind.TASK,
            text="由分管领导牵头召开专题推进会，逐项明确整改责任人和时间节点",
            org=entry.org,
            owner=entry.org.head,
            deadline=calendar.add_working_days(monday, 10),
        )
    red = [e for e in entries if e.level == WarningLevel.RED][:2]
    for entry in red:
        services.dispatch_decide(
            meeting=meeting,
            acting_user=supervisor,
            entry=entry,
            kind=DecisionKind.TASK,
            text=f"{entry.org.name}每周五前报送整改进展，督查室跟踪问效",
            org=entry.org,
            owner=entry.org.head,
            deadline=calendar.add_working_days(monday, 5),
        )
    services.dispatch_decide(
        meeting=meeting,
        acting_user=supervisor,
        kind=DecisionKind.NOTE,
        text="对逾期超过十个工作日的事项在周通报中点名，下周调度会听取整改情况汇报",
    )
    services.dispatch_hold(
        meeting=meeting,
        acting_user=supervisor,
        minutes="会议逐单位听取了红灯、黄灯事项整改情况，明确了责任领导、责任单位和完成时限。",
    )

    # 每月一汇总: last month's figures, frozen.
    last_month = context.today.replace(day=1) - datetime.timedelta(days=1)
    context.counts["monthly snapshots"] += services.monthly_rollup(month=last_month)
