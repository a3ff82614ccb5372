"""The demo's key projects, key tasks and investment promotion, as the report counts them:
181 key projects, 47 newly entered in the pipeline and 31 completed and in operation this
year, 10 provincial and 63 municipal key projects at 132% and 102% of their annual
investment; 36 one-to-one promotion visits, 18 promotion events, 31 signed deals with
220亿元 in place.

Everything goes through ``projects.services``; the percentages are not written anywhere:
each provincial project reports 132% of its plan over the months elapsed and each
municipal one 102%, and ``projects.statistics`` computes the figures from those rows. The
year is the current one (``context.today``), so the dashboards of today show them.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_DOWN, Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from core.demo import DemoContext
from orgs.demo import COUNTY_LEADERS, DEMO_ROOT_CODE
from orgs.models import User
from projects import services
from projects.choices import ProjectLevel, ProjectStage, PromotionKind
from projects.selectors import current_month

PROJECTS = 181
PROVINCIAL, MUNICIPAL = 10, 63
PROVINCIAL_RATIO, MUNICIPAL_RATIO = Decimal("1.32"), Decimal("1.02")
ENTERED_PIPELINE, COMPLETED, IN_RESERVE = 47, 31, 20
VISITS, EVENTS, DEALS = 36, 18, 31
FUNDS_IN_PLACE = Decimal("2200000")  # 万元: 220亿元

OWNER_CODES = ("JFJ", "ZSZX", "ZJJ", "ZRJ", "NYJ", "WJJ", "JYJ")
PLACES = ("月河", "恒口", "建民", "五里", "关庙", "高新", "江北", "东坝", "西坝", "张岭")
PRODUCTS = (
    ("富硒食品加工园", "富硒食品"),
    ("新型材料产业园", "新材料"),
    ("智能制造基地", "装备制造"),
    ("电子信息产业园", "电子信息"),
    ("现代物流园", "现代物流"),
    ("新能源汽车零部件项目", "新能源"),
    ("生物医药产业园", "生物医药"),
    ("标准化厂房", "产业配套"),
    ("数据中心", "数字经济"),
    ("文旅综合体", "文化旅游"),
    ("污水处理厂扩建工程", "基础设施"),
    ("城市道路改造工程", "基础设施"),
    ("保障性租赁住房", "民生"),
    ("职业教育实训基地", "社会事业"),
)
COMPANIES = (
    "陕西秦硒",
    "西安华晨",
    "深圳嘉信",
    "浙江恒远",
    "江苏博瑞",
    "广东粤新",
    "上海联拓",
    "北京中科",
    "湖北楚天",
    "四川蜀达",
    "福建闽安",
    "重庆渝丰",
    "山东鲁信",
    "河南豫华",
    "安徽徽商",
)
TASKS = (
    "推进高新区扩区调位工作",
    "完成年度招商引资目标任务",
    "建成富硒产业研究院中试基地",
    "实施老旧小区改造三年行动",
    "开展营商环境突破年活动",
    "推进智慧园区二期建设",
    "完成标准化厂房招租入驻",
    "落实企业纾困惠企政策",
    "推进义务教育学校新建扩容",
    "完成年度土地收储出让计划",
    "开展安全生产隐患排查整治",
    "推进月河生态治理工程",
)
# A tiny PDF as closure evidence (core.services sniffs the content, not the name).
EVIDENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _evidence(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, EVIDENCE, content_type="application/pdf")


def _split(total: Decimal, parts: int) -> list[Decimal]:
    """``total`` in ``parts`` near-equal amounts (to 0.01 万元) that add up exactly."""
    share = (total / parts).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def _day(context: DemoContext, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=context.random.randrange(max((end - start).days, 0) + 1))


def load(context: DemoContext) -> None:
    """Projects with their stages, plans and monthly reports; tasks; promotion and deals."""
    assert context.root is not None, "projects.demo runs after orgs.demo"
    actor = context.people.get("supervisor", context.installer)
    leaders: list[User] = [context.people[name] for name, _position, _heads in COUNTY_LEADERS if name in context.people]
    today = context.today
    year = today.year
    year_start = datetime.date(year, 1, 1)
    report_year, last_month = current_month(today)
    owners = [context.org(f"{DEMO_ROOT_CODE}-{code}") for code in OWNER_CODES]
    staff = {org.pk: list(User.objects.filter(home_org=org).order_by("pk")[:4]) for org in owners}

    names: set[str] = set()
    projects = []
    plans: dict[int, tuple[Decimal, Decimal]] = {}
    for index in range(PROJECTS):
        product, industry = PRODUCTS[index % len(PRODUCTS)]
        name = f"{PLACES[index % len(PLACES)]}{product}"
        phase = 1
        while name in names:
            phase += 1
            name = f"{PLACES[index % len(PLACES)]}{product}（{phase}期）"
        names.add(name)
        if index < PROVINCIAL:
            level, ratio = ProjectLevel.PROVINCIAL, PROVINCIAL_RATIO
        elif index < PROVINCIAL + MUNICIPAL:
            level, ratio = ProjectLevel.MUNICIPAL, MUNICIPAL_RATIO
        else:
            level, ratio = ProjectLevel.DISTRICT, Decimal(context.random.choice((60, 75, 88, 95, 104, 110))) / 100
        # Stages: the first 31 completed this year, the next 47 entered the pipeline this
        # year (12 of them already building), 20 in reserve, the rest building since earlier.
        if index < COMPLETED:
            stages = [
                (ProjectStage.PIPELINE, datetime.date(year - 2, 3, 1) + datetime.timedelta(days=index)),
                (ProjectStage.CONSTRUCTION, datetime.date(year - 1, 4, 1) + datetime.timedelta(days=index)),
                (ProjectStage.OPERATION, _day(context, year_start, today - datetime.timedelta(days=5))),
            ]
        elif index < COMPLETED + ENTERED_PIPELINE:
            entered = _day(context, year_start, today - datetime.timedelta(days=60))
            stages = [(ProjectStage.RESERVE, entered - datetime.timedelta(days=90)), (ProjectStage.PIPELINE, entered)]
            if index < COMPLETED + 12:
                stages.append((ProjectStage.CONSTRUCTION, entered + datetime.timedelta(days=30)))
        elif index >= PROJECTS - IN_RESERVE:
            stages = [(ProjectStage.RESERVE, _day(context, year_start, today))]
        else:
            stages = [
                (ProjectStage.PIPELINE, datetime.date(year - 1, 2, 1) + datetime.timedelta(days=index % 200)),
                (ProjectStage.CONSTRUCTION, datetime.date(year - 1, 9, 1) + datetime.timedelta(days=index % 90)),
            ]
        org = owners[index % len(owners)]
        total = Decimal(10000 * context.random.randrange(2, 40))
        planned_completion = stages[-1][1] if stages[-1][0] == ProjectStage.OPERATION else None
        if planned_completion is None and stages[-1][0] != ProjectStage.RESERVE:
            # A few projects are behind their planned completion: red on every page.
            offset = -context.random.randrange(5, 40) if index % 25 == 0 else context.random.randrange(20, 700)
            planned_completion = today + datetime.timedelta(days=offset)
        project = services.project_create(
            acting_user=actor,
            org=org,
            title=name,
            code=f"AKGX-{year}-{index + 1:03d}",
            level=level,
            industry=industry,
            leader=leaders[index % len(leaders)] if leaders else None,
            owner=staff[org.pk][0] if staff[org.pk] else None,
            team_name=f"{name}专班",
            location=f"安康高新区{PLACES[index % len(PLACES)]}片区",
            total_investment=total,
            deadline=planned_completion,
            stage=stages[0][0],
            stage_date=stages[0][1],
            campaign=context.campaign,
        )
        for stage, date in stages[1:]:
            services.project_stage_set(project=project, stage=stage, date=date, acting_user=actor)
        if index < 40:
            for person, duty in zip(staff[org.pk][1:3], ("专班组长", "专班成员"), strict=False):
                services.team_member_add(project=project, person=person, duty=duty, acting_user=actor)
            services.milestone_add(
                project=project, title="完成年度形象进度", deadline=datetime.date(year, 12, 20), acting_user=actor
            )
        if stages[-1][0] != ProjectStage.RESERVE:
            plan = min(total, Decimal(10000 * context.random.randrange(1, 10)))
            services.investment_plan_set(project=project, year=report_year, amount=plan, acting_user=actor)
            plans[project.pk] = (plan, ratio)
        projects.append(project)
    context.counts["key projects"] += len(projects)

    # The monthly returns, one per month elapsed, through the import service.
    shares = {pk: _split(plan * ratio, last_month) for pk, (plan, ratio) in plans.items()} if last_month else {}
    org_of = {project.pk: project.org_id for project in projects}
    for month in range(1, last_month + 1):
        lines = [
            services.ReportLine(project_id=pk, org_id=org_of[pk], amount=amounts[month - 1])
            for pk, amounts in shares.items()
        ]
        services.investment_reports_import(lines=lines, year=report_year, month=month, acting_user=actor)
        context.counts["monthly investment reports"] += len(lines)

    # Completed projects are closed with evidence, approved by the campaign office.
    approver = context.people.get("supervisor", context.installer)
    for project in projects[:COMPLETED]:
        services.item_request_closure(
            item=project,
            acting_user=project.leader or actor,
            evidence=[_evidence("竣工验收报告.pdf")],
            comment="项目已建成投产，附竣工验收报告。",
        )
        services.item_decide(item=project, action="approve_closure", acting_user=approver)

    _load_tasks(context, actor=actor, leaders=leaders, owners=owners, staff=staff)
    _load_promotion(context, actor=actor, leaders=leaders, staff=staff)


def _load_tasks(context: DemoContext, *, actor: User, leaders: list[User], owners: list, staff: dict) -> None:
    today = context.today
    for index, title in enumerate(TASKS):
        org = owners[index % len(owners)]
        owner = staff[org.pk][0] if staff[org.pk] else None
        deadline = today + datetime.timedelta(days=(-10 if index % 5 == 4 else 2 if index % 5 == 3 else 30 + index * 7))
        task = services.key_task_create(
            acting_user=actor,
            org=org,
            title=title,
            year=today.year,
            deadline=deadline,
            owner=owner,
            leader=leaders[index % len(leaders)] if leaders else None,
            campaign=context.campaign,
        )
        services.key_task_progress(task=task, text="已制定工作方案，明确责任分工和时间节点。", acting_user=actor)
        if index < 4:
            services.item_request_closure(
                item=task, acting_user=owner or actor, evidence=[_evidence("完成情况报告.pdf")], comment="任务已完成。"
            )
            services.item_decide(
                item=task, action="approve_closure", acting_user=context.people.get("supervisor", actor)
            )
    context.counts["key tasks"] += len(TASKS)


def _load_promotion(context: DemoContext, *, actor: User, leaders: list[User], staff: dict) -> None:
    today = context.today
    year_start = datetime.date(today.year, 1, 1)
    office = context.org(f"{DEMO_ROOT_CODE}-ZSZX")
    events = []
    for index in range(VISITS + EVENTS):
        kind = PromotionKind.VISIT if index < VISITS else PromotionKind.EVENT
        companies = context.random.sample(COMPANIES, 3 if kind == PromotionKind.EVENT else 1)
        if kind == PromotionKind.VISIT:
            title = f"赴{companies[0]}集团上门精准招商"
        else:
            title = f"{PRODUCTS[index % len(PRODUCTS)][1]}产业专题招商推介会"
        events.append(
            services.promotion_create(
                acting_user=actor,
                org=office,
                kind=kind,
                title=title,
                date=_day(context, year_start, today),
                leader=leaders[index % len(leaders)] if leaders else None,
                place="安康高新区" if kind == PromotionKind.EVENT else "企业总部",
                target_companies="\n".join(f"{name}集团有限公司" for name in companies),
            )
        )
    context.counts["promotion visits and events"] += len(events)
    stewards = [person for people in staff.values() for person in people] or [actor]
    funds = _split(FUNDS_IN_PLACE, DEALS)
    for index in range(DEALS):
        product, industry = PRODUCTS[index % len(PRODUCTS)]
        signed = _day(context, year_start, today - datetime.timedelta(days=3))
        deal = services.deal_create(
            acting_user=actor,
            org=office,
            company=f"{COMPANIES[index % len(COMPANIES)]}{industry}有限公司（{index + 1}）",
            project_name=f"{product}",
            industry=industry,
            amount=funds[index] * Decimal("1.5"),
            signed_date=signed,
            manager=stewards[index % len(stewards)],
            promotion=events[index % len(events)],
        )
        months = list(range(signed.month, today.month + 1))[:3]
        for month, amount in zip(months, _split(funds[index], len(months)), strict=True):
            services.deal_funding_record(deal=deal, year=today.year, month=month, amount=amount, acting_user=actor)
    context.counts["signed deals"] += DEALS
