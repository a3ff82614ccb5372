"""The demo's research work, as the report tells it (安康高新区, October–November 2023).

* The guide to key research topics of the county-level leaders (《县级领导重点调研课题指南》):
  62 candidate topics in 12 areas, narrowed over three rounds of discussion by the
  leadership to 18, two for each of the nine county-level leaders; the party secretary's
  topic on industrial development is reported with a report of over ten thousand characters.
* The party secretary's research "footprint": 41 industrial enterprises visited, 112
  questionnaires collected, 3 symposiums.
* For all leaders (四下基层): 54 policy briefings, 36 talks with 720 people, petition
  receptions (带案接访、随机接访) with 97 cases received and 94 resolved.
* This week's schedule for the calendar: a few visits planned from ``context.today``.

Every item goes through ``research.services``; visits are placed so that no two leaders
crowd one place within the window (the check the planners see), so none needs "save anyway".
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.demo import DemoContext, words
from orgs.demo import COUNTY_LEADERS, DEPARTMENTS, STREETS
from orgs.models import User
from research import services
from research.choices import EntityKind, VisitKind
from research.models import Entity

# (area, topics); the first topic of the first three areas are the ones the report names.
CATALOGUE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "风险防范",
        (
            "防范和化解地产领域风险",
            "政府债务风险防控机制研究",
            "安全生产隐患排查长效机制",
            "金融风险监测预警体系建设",
            "自然灾害综合防治能力提升",
        ),
    ),
    (
        "征地拆迁",
        (
            "破解征地拆迁老大难",
            "征迁安置房建设与分配研究",
            "征地补偿标准动态调整机制",
            "历史遗留征迁问题化解路径",
            "征迁信访源头治理",
        ),
    ),
    (
        "民生就业",
        (
            "保障失地农民就业",
            "高校毕业生留安就业对策",
            "返乡创业扶持政策落实研究",
            "零工市场建设与灵活就业服务",
            "农民工工资支付保障机制",
            "技能培训与产业需求对接",
        ),
    ),
    (
        "工业经济",
        (
            "推动工业经济高质量发展",
            "新型工业化与产业链供应链稳定",
            "企业用工用电等要素保障",
            "“专精特新”企业培育路径",
            "工业园区标准化厂房利用率提升",
            "企业产品销售渠道拓展",
        ),
    ),
    (
        "招商引资",
        (
            "精准招商与产业链招商研究",
            "招商项目落地率提升办法",
            "飞地经济合作模式探索",
            "以商招商激励机制研究",
            "招商引资政策兑现问题",
        ),
    ),
    (
        "营商环境",
        ("优化营商环境“放管服”改革", "企业开办和审批提速研究", "涉企执法检查规范化", "政务服务“一网通办”深化"),
    ),
    (
        "金融服务",
        (
            "破解中小企业融资难融资贵",
            "政府性融资担保体系建设",
            "产业基金撬动社会资本研究",
            "企业上市后备资源培育",
            "农村金融服务覆盖提升",
        ),
    ),
    (
        "城市建设",
        (
            "城市更新与老旧小区改造",
            "城市基础设施短板补齐",
            "智慧城市建设路径研究",
            "城市停车难问题治理",
            "物业服务质量提升",
        ),
    ),
    (
        "乡村振兴",
        (
            "巩固拓展脱贫攻坚成果",
            "村集体经济发展壮大路径",
            "富硒特色产业提质增效",
            "农村人居环境整治提升",
            "驻村帮扶工作机制完善",
        ),
    ),
    (
        "社会治理",
        (
            "基层网格化治理效能提升",
            "矛盾纠纷多元化解机制",
            "社区服务“最后一公里”",
            "流动人口服务管理研究",
            "平安建设长效机制",
        ),
    ),
    (
        "教育医疗",
        (
            "义务教育优质均衡发展",
            "学前教育普惠扩容",
            "基层医疗服务能力提升",
            "医养结合养老服务体系",
            "“群众最操心的十件事”破难路径",
        ),
    ),
    (
        "党的建设",
        (
            "基层党组织标准化规范化建设",
            "流动党员教育管理研究",
            "“小个专”党建工作路径",
            "新就业群体党建引领",
            "年轻干部培养锻炼机制",
            "机关作风效能提升",
        ),
    ),
)
# The 18 the leadership selected: the report's three, the secretary's industrial topic,
# and fourteen more; two for each leader in the order of ``COUNTY_LEADERS``.
SELECTED = (
    "推动工业经济高质量发展",
    "企业产品销售渠道拓展",
    "防范和化解地产领域风险",
    "破解中小企业融资难融资贵",
    "保障失地农民就业",
    "零工市场建设与灵活就业服务",
    "流动党员教育管理研究",
    "基层党组织标准化规范化建设",
    "破解征地拆迁老大难",
    "优化营商环境“放管服”改革",
    "城市更新与老旧小区改造",
    "基层医疗服务能力提升",
    "精准招商与产业链招商研究",
    "村集体经济发展壮大路径",
    "矛盾纠纷多元化解机制",
    "涉企执法检查规范化",
    "“小个专”党建工作路径",
    "新就业群体党建引领",
)
ENTERPRISE_STEMS = words(
    "秦巴 汉江 安康 瀛湖 凤凰 香溪 富硒 金州 兴安 月河 恒口 紫阳 天柱 牛蹄 双龙 龙王 五里 建民 "
    "大同 江北 高新 长春 翠屏 石泉 旬阳 平利 镇坪 岚皋 宁陕 汉滨 关庙 张滩 吉河 大河 茨沟 晏坝 "
    "中渡 县河 谭坝 早阳 付家"
)
ENTERPRISE_TRADES = (
    ("新材料科技有限公司", "新材料"),
    ("电子科技有限公司", "电子信息"),
    ("富硒食品有限公司", "富硒食品"),
    ("生物医药有限公司", "生物医药"),
    ("装备制造有限公司", "装备制造"),
    ("纺织服饰有限公司", "纺织服装"),
    ("新型建材有限公司", "建材"),
)
SYMPOSIUM_PLACES = ("高新区管委会第一会议室", "高新区企业服务中心", "高新区人才交流中心")
PETITION_PLACE = "高新区信访接待大厅"
ROADS = ("科技大道", "高新大道", "创业路", "兴业路")
REPORT_CHARACTERS = 12_600


def _at(day: datetime.date, hour: int, hours: int = 2) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    return start, start + datetime.timedelta(hours=hours)


class ResearchDemo:
    def __init__(self, context: DemoContext) -> None:
        assert context.root is not None and context.campaign is not None, "research.demo runs after campaigns.demo"
        self.context = context
        self.root = context.root
        self.campaign = context.campaign
        self.office = context.people.get("supervisor", context.installer)
        self.leaders: list[User] = [context.people[name] for name, _position, _heads in COUNTY_LEADERS]
        self.secretary = self.leaders[0]

    def load(self) -> None:
        topics = self._catalogue()
        self._rounds(topics)
        enterprises, places = self._register()
        self._secretary_footprint(enterprises)
        self._all_leaders(places)
        self._report(topics["推动工业经济高质量发展"])
        self._this_week(enterprises, places)

    def _catalogue(self) -> dict:
        topics = {}
        proposers = [d.name for d in DEPARTMENTS]
        for area, titles in CATALOGUE:
            for title in titles:
                topics[title] = services.topic_create(
                    campaign=self.campaign,
                    org=self.root,
                    area=area,
                    title=title,
                    proposer=self.context.random.choice(proposers),
                    acting_user=self.office,
                )
        self.context.counts["research topics"] += len(topics)
        return topics

    def _rounds(self, topics: dict) -> None:
        """Three rounds: 36 kept, then 26, then the final 18, assigned two per leader."""
        rng = self.context.random
        others = [title for title in topics if title not in SELECTED]
        rng.shuffle(others)
        first = list(SELECTED) + others[:18]
        second = list(SELECTED) + others[:8]
        for number, (held_on, kept, final) in enumerate(
            (
                (datetime.date(2023, 9, 25), first, False),
                (datetime.date(2023, 9, 28), second, False),
                (datetime.date(2023, 10, 8), list(SELECTED), True),
            ),
            start=1,
        ):
            services.selection_round_record(
                campaign=self.campaign,
                org=self.root,
                held_on=held_on,
                topics=[topics[title] for title in kept],
                note=f"县级领导班子第{number}轮讨论",
                is_final=final,
                acting_user=self.office,
            )
        for index, title in enumerate(SELECTED):
            services.topic_assign(topic=topics[title], leader=self.leaders[index // 2], acting_user=self.office)

    def _register(self) -> tuple[list[Entity], list[Entity]]:
        rng = self.context.random
        enterprises = []
        for index, stem in enumerate(ENTERPRISE_STEMS):
            suffix, industry = ENTERPRISE_TRADES[index % len(ENTERPRISE_TRADES)]
            enterprises.append(
                services.entity_create(
                    org=self.root,
                    name=f"安康{stem}{suffix}",
                    kind=EntityKind.ENTERPRISE,
                    credit_code=f"91610900{rng.randrange(10**9):09d}{'0123456789ABCDEFGHJKLMNPQRTUWXY'[index % 31]}",
                    industry=industry,
                    address=f"安康高新区{rng.choice(ROADS)}{rng.randrange(1, 300)}号",
                    contact=self.context.person_name(),
                    acting_user=self.office,
                )
            )
        places = []
        localities = [
            (self.context.org(f"{self.root.code}-{street.suffix}-{locality.suffix}"), locality.name)
            for street in STREETS
            for locality in street.localities
        ]
        for org, name in localities:
            places.append(
                services.entity_create(
                    org=org, name=f"{name}党群服务中心", kind=EntityKind.PLACE, acting_user=self.office
                )
            )
        for name in (*SYMPOSIUM_PLACES, PETITION_PLACE):
            places.append(
                services.entity_create(org=self.root, name=name, kind=EntityKind.PLACE, acting_user=self.office)
            )
        self.context.counts["enterprises and places"] += len(enterprises) + len(places)
        return enterprises, places

    def _visit(self, *, leader: User, entity: Entity, day: datetime.date, hour: int, kind: str, **log: int) -> None:
        starts_at, ends_at = _at(day, hour)
        visit = services.visit_plan(
            org=self.root,
            leader=leader,
            entity=entity,
            starts_at=starts_at,
            ends_at=ends_at,
            kind=kind,
            campaign=self.campaign,
            acting_user=self.office,
        )
        if log:
            services.visit_log(visit=visit, acting_user=leader, **log)
        self.context.counts["research visits"] += 1

    def _free_slot(self, leader: User, entity: Entity, days: list[datetime.date]) -> tuple[datetime.date, int]:
        """A day and hour at which the visit crowds nobody (what a planner does by hand)."""
        for _attempt in range(200):
            day, hour = self.context.random.choice(days), self.context.random.choice((9, 14))
            starts_at, ends_at = _at(day, hour)
            if not services.visit_conflicts(leader=leader, entity=entity, starts_at=starts_at, ends_at=ends_at):
                return day, hour
        raise RuntimeError(f"No free slot for {leader} at {entity}")

    def _secretary_footprint(self, enterprises: list[Entity]) -> None:
        """41 enterprises, 112 questionnaires between them, then 3 symposiums."""
        rng = self.context.random
        questionnaires = [2] * 41
        for index in rng.sample(range(41), 112 - 82):
            questionnaires[index] += 1
        day = datetime.date(2023, 10, 9)
        for index, enterprise in enumerate(enterprises):
            while day.weekday() >= 5:
                day += datetime.timedelta(days=1)
            self._visit(
                leader=self.secretary,
                entity=enterprise,
                day=day,
                hour=9 if index % 2 == 0 else 14,
                kind=VisitKind.ENTERPRISE_VISIT,
                people_met=rng.randint(3, 8),
                questionnaires=questionnaires[index],
                summary="了解企业用工、用电、配套和产品销售、资金融通等情况，现场协调解决一般性困难。",
            )
            if index % 2 == 1:
                day += datetime.timedelta(days=1)
        for index, place in enumerate(SYMPOSIUM_PLACES):
            entity = Entity.objects.get(name=place)
            self._visit(
                leader=self.secretary,
                entity=entity,
                day=datetime.date(2023, 11, 13) + datetime.timedelta(days=index * 7),
                hour=15,
                kind=VisitKind.SYMPOSIUM,
                people_met=rng.randint(12, 20),
                summary="召开工业企业座谈会，听取企业对产品销售、资金融通等关键问题的意见建议。",
            )

    def _all_leaders(self, places: list[Entity]) -> None:
        """54 briefings, 36 talks with 720 people, receptions with 97 cases (94 resolved)."""
        rng = self.context.random
        days = [datetime.date(2023, 10, 9) + datetime.timedelta(days=n) for n in range(60)]
        days = [day for day in days if day.weekday() < 5]
        localities = [place for place in places if place.name.endswith("党群服务中心")]
        talk_people = [20] * 36  # 720 people in all
        plan: list[tuple[str, dict]] = [(VisitKind.POLICY_BRIEFING, {"people_met": 0}) for _ in range(54)]
        plan += [(VisitKind.TALK, {"people_met": people}) for people in talk_people]
        received = [5] * 17 + [6, 6]  # 19 receptions, 97 cases
        resolved = list(received)
        for index in (3, 9, 15):
            resolved[index] -= 1  # 94 resolved
        plan += [
            (VisitKind.PETITION_RECEPTION, {"petitions_received": r, "petitions_resolved": s})
            for r, s in zip(received, resolved, strict=True)
        ]
        # Each leader goes down to the communities and villages they are linked with (包联),
        # so two leaders never crowd one place; petition cases are taken there (带案下访).
        linked = {
            index: [place for number, place in enumerate(localities) if number % len(self.leaders) == index]
            for index in range(len(self.leaders))
        }
        for index, (kind, log) in enumerate(plan):
            leader = self.leaders[index % len(self.leaders)]
            entity = rng.choice(linked[index % len(self.leaders)])
            day, hour = self._free_slot(leader, entity, days)
            if kind == VisitKind.POLICY_BRIEFING:
                log = {"people_met": rng.randint(25, 60)}
            self._visit(
                leader=leader,
                entity=entity,
                day=day,
                hour=hour,
                kind=kind,
                summary="“四下基层”讲政策、察实情、出实招。",
                **log,
            )

    def _report(self, topic) -> None:  # type: ignore[no-untyped-def]
        text = (
            "关于推动安康高新区工业经济高质量发展的调研报告\n\n"
            "10月以来，调研组走访调研工业企业41户，发放调查问卷112户，开展集中座谈3场……\n"
        )
        upload = SimpleUploadedFile("工业经济发展调研报告.txt", text.encode("utf-8"), content_type="text/plain")
        services.topic_report(
            topic=topic,
            file=upload,
            summary="聚焦企业产品销售、资金融通等关键性问题，提出十条对策建议。",
            characters=REPORT_CHARACTERS,
            acting_user=self.secretary,
        )

    def _this_week(self, enterprises: list[Entity], places: list[Entity]) -> None:
        """Visits planned for the coming days, so the calendar shows the current week."""
        monday = self.context.today - datetime.timedelta(days=self.context.today.weekday())
        days = [monday + datetime.timedelta(days=n) for n in range(5)]
        for index, leader in enumerate(self.leaders[:6]):
            entity = enterprises[index * 5] if index % 2 == 0 else places[index]
            day, hour = self._free_slot(leader, entity, days)
            self._visit(leader=leader, entity=entity, day=day, hour=hour, kind=VisitKind.ENTERPRISE_VISIT)


def load(context: DemoContext) -> None:
    ResearchDemo(context).load()
