"""Demo suggestions: a few hundred opinions and requests of residents, from every channel,
triaged through the same services as the pages: most answered in their community (the
report's 97% closed at community level), some routed to the department the proposer
names, some joined to a problem the ledger already holds (so the ledger keeps the
report's figures), repeats marked, a few still waiting; many
submitters said whether the answer satisfied them."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from core.citizens import QueryCodeHolder
from core.demo import DemoContext
from intake import selectors, services
from intake.choices import IntakeChannel, SuggestionKind, SuggestionStatus
from orgs.choices import OrgKind, Role
from orgs.models import Org, RoleGrant, User
from rectification.models import Problem

TOTAL = 300
# Most requests are settled in the community (the report: 97% closed at community level);
# the weight of a kind of issue settled by a department.
DEPARTMENT_WEIGHT = 1
COMMUNITY_WEIGHT = 12
PLACES = ("3号楼", "5号楼", "小区东门", "菜市场旁", "幼儿园门口", "村委会前", "公交站", "2单元", "老街巷口", "健身广场")
# (text, kind, where it is usually settled: "community" or a fragment of a department's name)
ISSUES = (
    ("{place}的路灯坏了半个月，晚上老人出行不方便", SuggestionKind.REQUEST, "community"),
    ("{place}垃圾清运不及时，夏天气味很大", SuggestionKind.COMPLAINT, "community"),
    ("{place}广场舞音响太吵，影响休息", SuggestionKind.COMPLAINT, "community"),
    ("{place}楼道堆放杂物，存在消防安全隐患", SuggestionKind.REQUEST, "community"),
    ("希望在{place}增设几个休息座椅", SuggestionKind.SUGGESTION, "community"),
    ("{place}电动车乱停放，堵塞通道", SuggestionKind.COMPLAINT, "community"),
    ("小区物业服务差，{place}的门禁坏了没人修", SuggestionKind.COMPLAINT, "community"),
    ("建议{place}开设老年人智能手机培训班", SuggestionKind.SUGGESTION, "community"),
    ("{place}下水道堵塞，污水外溢", SuggestionKind.REQUEST, "住房和城乡建设"),
    ("{place}道路破损坑洼，下雨积水", SuggestionKind.REQUEST, "住房和城乡建设"),
    ("孩子上幼儿园学位紧张，希望增加学位", SuggestionKind.SUGGESTION, "教育"),
    ("{place}附近的餐馆油烟扰民，食品卫生也让人担心", SuggestionKind.COMPLAINT, "市场监督"),
    ("农民工工资被拖欠三个月，希望帮忙讨薪", SuggestionKind.REQUEST, "人力资源和社会保障"),
    ("医保报销流程复杂，希望在社区能办理", SuggestionKind.SUGGESTION, "卫生健康"),
    ("房产证办了两年还没拿到，请不动产登记中心给个说法", SuggestionKind.COMPLAINT, "不动产登记"),
    ("{place}的灌溉水渠损坏，影响春耕", SuggestionKind.REQUEST, "农业农村"),
)
CHANNEL_WEIGHTS = (
    (IntakeChannel.ONLINE, 30),
    (IntakeChannel.HOTLINE, 25),
    (IntakeChannel.PETITION, 10),
    (IntakeChannel.OPINION_BOX, 12),
    (IntakeChannel.SYMPOSIUM, 13),
    (IntakeChannel.RESEARCH, 10),
)
REPLIES = (
    "已安排网格员现场查看并处理完毕，感谢您的反映。",
    "社区已协调物业当天整改，后续将加强巡查。",
    "已纳入本月为民办实事清单，近期完成。",
    "经核实已处理，如仍有问题请再次联系社区。",
)


def _clerk(org: Org) -> User | None:
    grant = RoleGrant.objects.filter(org=org, role=Role.CLERK).select_related("user").order_by("pk").first()
    return grant.user if grant else None


def load(context: DemoContext) -> None:
    if context.root is None:
        return
    root = context.root
    localities = [
        (org, clerk)
        for org in Org.objects.filter(
            kind__in=(OrgKind.COMMUNITY, OrgKind.VILLAGE), path__gte=root.path, path__lt=root.path + "~"
        ).order_by("path")
        if (clerk := _clerk(org)) is not None
    ]
    departments = {
        org.name: (org, clerk)
        for org in Org.objects.filter(kind=OrgKind.DEPARTMENT, path__gte=root.path, path__lt=root.path + "~")
        if (clerk := _clerk(org)) is not None
    }
    supervisor = context.people.get("supervisor", context.installer)
    if not localities:
        return
    rng = context.random
    channels, weights = zip(*CHANNEL_WEIGHTS, strict=True)
    issue_weights = [COMMUNITY_WEIGHT if owner == "community" else DEPARTMENT_WEIGHT for _t, _k, owner in ISSUES]
    made: list[tuple[Any, str, Any]] = []
    for _n in range(TOTAL):
        community, clerk = rng.choice(localities)
        text, kind, owner = rng.choices(ISSUES, weights=issue_weights)[0]
        channel = rng.choices(channels, weights=weights)[0]
        suggestion = services.suggestion_submit(
            community=community,
            content=text.format(place=rng.choice(PLACES)),
            kind=kind,
            channel=channel,
            submitter_name=context.person_name() if rng.random() < 0.8 else "",
            submitter_phone=context.mobile() if rng.random() < 0.9 or channel == IntakeChannel.ONLINE else "",
            received_on=context.today - datetime.timedelta(days=rng.randint(0, 45)),
            campaign=context.campaign,
            acting_user=None if channel == IntakeChannel.ONLINE else clerk,
            created_at=timezone.now() - datetime.timedelta(days=rng.randint(0, 45)),
        )
        made.append((suggestion, owner, clerk))
        context.counts["suggestions"] += 1
    for suggestion, owner, clerk in made:
        roll = rng.random()
        if roll < 0.06:
            continue  # still waiting for triage
        if roll < 0.11:
            earlier = selectors.similar_earlier(suggestion, limit=1)
            if earlier:
                services.suggestion_mark_duplicate(
                    suggestion=suggestion, acting_user=clerk, duplicate_of=earlier[0].item
                )
                continue
        if owner == "community":
            answered = services.suggestion_answer(suggestion=suggestion, acting_user=clerk, reply=rng.choice(REPLIES))
            _rate(context, answered)
            continue
        department = next((pair for name, pair in departments.items() if owner in name), None)
        if department is None:
            services.suggestion_answer(suggestion=suggestion, acting_user=clerk, reply=rng.choice(REPLIES))
            continue
        org, department_clerk = department
        if roll < 0.2:
            # Joined to a problem the ledger already holds for its street: the demo ledger
            # keeps the report's figures (677 problems), so no problem is added here.
            street = suggestion.community.path[:-4]
            problem = Problem.objects.filter(org__path__gte=street, org__path__lt=street + "~").order_by("pk").first()
            if problem is not None:
                services.suggestion_to_problem(suggestion=suggestion, acting_user=supervisor, problem=problem)
                continue
        routed = services.suggestion_route(suggestion=suggestion, acting_user=clerk, org=org)
        if roll < 0.3:
            continue  # the department is on it
        answered = services.suggestion_answer(
            suggestion=routed, acting_user=department_clerk, reply="已转交业务科室办理完毕，感谢监督。"
        )
        _rate(context, answered)


def _rate(context: DemoContext, suggestion: Any) -> None:
    if suggestion.status == SuggestionStatus.ANSWERED and context.random.random() < 0.6:
        services.suggestion_rate(
            suggestion=suggestion,
            holder=QueryCodeHolder(suggestion),
            satisfied=context.random.random() < 0.93,
        )
