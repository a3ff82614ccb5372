"""The demo's study work, as the report tells it.

* The county-level leaders' reading class: two phases, "3+4" (three days from 20
  September 2023, four in October), one session a day with what to read, attendance
  ticked by the campaign office, and the daily reminder and summary of every day.
* A members' class of 现代城社区 (党员大课堂) running this week, so the demo member can
  check in on the phone today.
* Outreach plans at the zone: 三个一 for the 239 outflow members, 四个一 for the 126
  elderly and frail, the "小个专" steps for the 470 scattered members and the 红色驿站
  steps for the new employment group, each with partial progress, so the coverage report
  has members left to reach. The members are the people ``orgs.demo`` made.

Everything goes through ``study.services``.
"""

from __future__ import annotations

import datetime

from core.demo import DemoContext
from orgs.choices import MemberCategory
from orgs.demo import COUNTY_LEADERS, XIANDAICHENG_CODE
from orgs.models import User
from study import services
from study.choices import DispatchKind

LEADERS_CLASS = "县级领导“3+4”读书班"
PHASES = (
    ("第一期（3天）", datetime.date(2023, 9, 20), datetime.date(2023, 9, 22)),
    ("第二期（4天）", datetime.date(2023, 10, 16), datetime.date(2023, 10, 19)),
)
SESSIONS = (
    ("开班式暨集中领学", "《习近平新时代中国特色社会主义思想专题摘编》第一专题"),
    ("坚持以人民为中心的发展思想", "《习近平著作选读》第一卷相关篇目"),
    ("研讨交流：以学促干", "《习近平关于调查研究论述摘编》"),
    ("推动高质量发展专题", "《习近平新时代中国特色社会主义思想专题摘编》第五专题"),
    ("大兴调查研究之风", "《习近平关于调查研究论述摘编》第二部分"),
    ("全面从严治党专题", "《习近平著作选读》第二卷相关篇目"),
    ("结业式暨研讨交流", "个人撰写心得体会并交流发言"),
)
# (category, steps done for what share of the members), in the order of the checklist.
PROGRESS = {
    MemberCategory.OUTFLOW: (1.0, 0.9, 0.75),
    MemberCategory.ELDERLY: (1.0, 0.85, 0.8, 0.7),
    MemberCategory.SCATTERED: (1.0, 0.88),
    MemberCategory.NEW_EMPLOYMENT: (1.0, 0.6),
}


def _days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def load(context: DemoContext) -> None:
    assert context.root is not None and context.campaign is not None, "study.demo runs after campaigns.demo"
    office = context.people.get("supervisor", context.installer)
    _leaders_class(context, office)
    _community_class(context)
    _outreach(context, office)


def _leaders_class(context: DemoContext, office: User) -> None:
    leaders = [context.people[name] for name, _position, _heads in COUNTY_LEADERS]
    study_class = services.class_create(
        org=context.root,
        campaign=context.campaign,
        name=LEADERS_CLASS,
        start_date=PHASES[0][1],
        end_date=PHASES[-1][2],
        description="以集中领学、个人辅学、研讨交流等多种形式开展学习，学习内容每日提醒、每日总结。",
        members=leaders,
        phases=PHASES,
        acting_user=office,
    )
    days = [day for _name, first, last in PHASES for day in _days(first, last)]
    rng = context.random
    for day, (topic, reading) in zip(days, SESSIONS, strict=True):
        session = services.session_create(
            study_class=study_class,
            date=day,
            topic=topic,
            reading=reading,
            place="高新区管委会学习室",
            acting_user=office,
        )
        services.daily_dispatch_send(study_class=study_class, date=day, kind=DispatchKind.REMINDER)
        # Now and then a leader is away on duty (公务外出) and studies on their own.
        present = [leader for leader in leaders if rng.random() > 0.06]
        services.attendance_tick(session=session, members=present, acting_user=office)
        services.session_set_notes(
            session=session, notes="集中学习后开展交流研讨，明确下一步学习任务。", acting_user=office
        )
        services.daily_dispatch_send(study_class=study_class, date=day, kind=DispatchKind.SUMMARY)
        context.counts["study sessions"] += 1


def _community_class(context: DemoContext) -> None:
    """This week's 党员大课堂 of 现代城社区, with today's session open for check-in."""
    community = context.org(XIANDAICHENG_CODE)
    clerk = context.people.get("clerk", context.installer)
    members = list(
        User.objects.filter(
            home_org__path__startswith=community.path, is_party_member=True, home_org__depth__gt=community.depth
        ).order_by("pk")[:40]
    )
    member = context.people.get("member")
    if member is not None and member not in members:
        members.append(member)
    today = context.today
    monday = today - datetime.timedelta(days=today.weekday())
    study_class = services.class_create(
        org=community,
        campaign=context.campaign,
        name="现代城社区党员大课堂",
        start_date=monday,
        end_date=monday + datetime.timedelta(days=6),
        members=members,
        acting_user=clerk,
    )
    topics = ("学习党的二十大精神", "身边的榜样：优秀党员事迹分享", "党员志愿服务与“双报到”")
    for offset, topic in zip((-1, 0, 1), topics, strict=True):
        day = today + datetime.timedelta(days=offset)
        if not study_class.start_date <= day <= study_class.end_date:
            continue
        session = services.session_create(
            study_class=study_class, date=day, topic=topic, place="现代城社区党群服务中心", acting_user=clerk
        )
        if offset < 0:
            services.attendance_tick(session=session, members=members[: len(members) * 4 // 5], acting_user=clerk)
            services.daily_dispatch_send(study_class=study_class, date=day, kind=DispatchKind.SUMMARY)
        if offset <= 0:
            services.daily_dispatch_send(study_class=study_class, date=day, kind=DispatchKind.REMINDER)


def _outreach(context: DemoContext, office: User) -> None:
    root = context.root
    assert root is not None
    done_on = min(context.today, datetime.date(2023, 11, 20))
    for category, shares in PROGRESS.items():
        plan = services.plan_create(org=root, category=category, acting_user=office)
        members = list(
            User.objects.filter(is_party_member=True, member_category=category, home_org__path__startswith=root.path)
            .select_related("home_org")
            .order_by("pk")
        )
        context.random.shuffle(members)
        for step, share in zip(plan.steps.order_by("order"), shares, strict=True):
            reached = members[: round(len(members) * share)]
            services.outreach_record_bulk(step=step, members=reached, done_on=done_on, acting_user=office)
        context.counts[f"outreach plan {plan.name}"] += 1
