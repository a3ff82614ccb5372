"""Add a province-sized ledger to the benchmark database: 1,000,000 problems, 1,500,000
measures.

Runs on top of the province that ``bench.generate`` built (same ``TAIZHANG_VAR_DIR`` /
``DATABASE_URL`` and the same refusal of anything but a benchmark database), after
``migrate`` so the ledger's tables exist. It adds:

- two campaigns: the province's (陕西省, 90 % of the problems) and one of 安康市, the
  benchmark city (10 %, all inside that city), each with nine channels and eight domains;
- problems spread like a real ledger: half at grids, 30 % at communities and villages,
  12 % at streets and towns, 6 % at districts, 2 % at cities and the province; level by
  the unit's place in the tree; found over the campaign so far, older ones more often
  closed (with a closure outcome and time, some late), a third still being rectified
  (many overdue), a tenth waiting for closure; 15 % fixed at once (立行立改), 8 %
  extended (deadline later than ``original_deadline``), 3 % without a deadline; titles
  and descriptions from a vocabulary, so ``q=排水`` finds about 2.5 % of them;
- measures, one to four per problem (exactly ``--measures`` in all), at the problem's
  unit, with statuses that agree with their problem's (a closed problem's are closed);
- 30 special rectifications (专项整治) led by city and district departments, grouping
  2 % of the problems; a problem list (三上三下) for every unit with problems, with review
  rounds for the districts' and streets'; eight inspection rounds with findings.

Rows go in with ``executemany`` on SQLite and ``COPY`` on PostgreSQL, with ids assigned
here (sequences are reset afterwards), then ``ANALYZE`` (``VACUUM ANALYZE`` on
PostgreSQL). No ``Event`` rows are written: nothing measured reads them.

    TAIZHANG_VAR_DIR=bench/data/sqlite .venv/bin/python -m bench.generate_ledger
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import itertools
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bench.common import django_setup
from bench.generate import phase

SEED = 20231016
CHUNK = 20_000
UTC = datetime.UTC
# "Today" for the data: the day it is generated, so "overdue" means what the pages count.
TODAY = datetime.date.today()

CHANNELS = (
    ("petition", "信访"),
    ("hotline", "12345热线"),
    ("inspection", "监督检查"),
    ("patrol", "巡察"),
    ("audit", "审计"),
    ("mailbox", "意见箱"),
    ("online", "网络留言"),
    ("research", "调研发现"),
    ("forum", "座谈会"),
)
DOMAINS = ("乡村振兴", "教育", "医疗卫生", "住房保障", "城市管理", "生态环境", "社会保障", "营商环境")
SUBJECTS = (
    "老旧小区改造",
    "排水管网",
    "农村道路",
    "学校食堂",
    "医保报销",
    "垃圾分类",
    "供水设施",
    "停车管理",
    "物业服务",
    "消防通道",
    "背街小巷",
    "养老服务",
    "残疾人补贴",
    "低保审核",
    "村集体经济",
    "河道保洁",
    "农贸市场",
    "企业开办",
    "工程款拖欠",
    "便民服务窗口",
    "路灯照明",
    "公厕管理",
    "违章搭建",
    "餐饮油烟",
    "噪声扰民",
    "电梯加装",
    "燃气安全",
    "校外培训",
    "卫生室建设",
    "人居环境",
    "安置房办证",
    "惠农补贴发放",
    "饮水安全",
    "网格员配备",
    "矛盾纠纷调解",
    "政务公开",
    "窗口作风",
    "会议文件过多",
    "基层报表负担",
    "困难群众帮扶",
)
ISSUES = (
    "整改不到位",
    "群众反映强烈",
    "推进缓慢",
    "监管缺位",
    "台账不规范",
    "责任不落实",
    "长期未解决",
    "服务不到位",
    "资金使用不规范",
    "程序不规范",
    "落实打折扣",
    "反复出现",
)
SOURCES = ("群众来电", "走访中", "座谈时", "督查发现", "巡察反馈", "网络留言", "意见箱收到", "调研中")
ACTIONS = (
    "制定整改方案",
    "召开专题会议研究",
    "建立工作台账",
    "开展专项排查",
    "落实资金保障",
    "完善管理制度",
    "组织现场核查",
    "明确责任人限期办结",
    "加强日常巡查",
    "回访群众听取意见",
    "公开整改情况",
    "举一反三全面自查",
)


@dataclass(frozen=True)
class OrgRow:
    id: int
    path: str
    depth: int
    name: str


def when(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A moment in office hours (Beijing time) on ``day``, as UTC."""
    local = datetime.datetime.combine(day, datetime.time(9)) + datetime.timedelta(minutes=rng.randrange(540))
    return (local - datetime.timedelta(hours=8)).replace(tzinfo=UTC)


def exact_counts(rng: random.Random, items: int, total: int, *, maximum: int) -> list[int]:
    """``items`` counts of at least one each, summing to ``total``, none above ``maximum``."""
    counts = [1] * items
    extra = total - items
    while extra:
        index = rng.randrange(items)
        if counts[index] < maximum:
            counts[index] += 1
            extra -= 1
    return counts


class Writer:
    """Bulk rows into a model's table with explicit ids: ``executemany`` on SQLite,
    ``COPY`` on PostgreSQL. Columns come from the model, so a column added to the model
    later either gets its constant default or fails loudly here, not silently."""

    def __init__(self, model: Any, given: Sequence[str]) -> None:
        from django.db import connection

        self.model = model
        self.connection = connection
        # A generated column (GeneratedField) is the database's to fill.
        fields = {field.attname: field for field in model._meta.concrete_fields if not field.generated}
        unknown = [name for name in given if name not in fields]
        if unknown:
            raise SystemExit(f"{model.__name__} has no field(s) {unknown}: update bench/generate_ledger.py")
        self.given = list(given)
        self.defaults: list[tuple[str, Any]] = []
        for name, field in fields.items():
            if name in given:
                continue
            if field.has_default() and not callable(field.default):
                self.defaults.append((name, field.default))
            elif field.null:
                self.defaults.append((name, None))
            elif field.auto_now or field.auto_now_add:
                self.defaults.append((name, datetime.datetime.now(UTC)))
            else:
                raise SystemExit(f"{model.__name__}.{name} needs a value: update bench/generate_ledger.py")
        self.columns = [fields[name].column for name in self.given] + [fields[name].column for name, _ in self.defaults]
        self.tail = tuple(value for _, value in self.defaults)
        self.sqlite = connection.vendor == "sqlite"
        self.written = 0

    def write(self, rows: Iterable[tuple[Any, ...]]) -> int:
        table = self.model._meta.db_table
        quoted = ", ".join(f'"{column}"' for column in self.columns)
        self.connection.ensure_connection()
        raw = self.connection.connection
        tail = self.tail
        if self.sqlite:
            tail = sqlite_dates(tail)
            marks = ", ".join("?" * len(self.columns))
            cursor = raw.cursor()
            sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'
            iterator = iter(rows)
            while chunk := list(itertools.islice(iterator, CHUNK)):
                cursor.executemany(sql, [row + tail for row in chunk])
                self.written += len(chunk)
        else:
            with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row + tail)
                    self.written += 1
        return self.written


def sqlite_dates(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """SQLite stores dates and times as text (Django's format, UTC)."""
    return tuple(
        value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
        if isinstance(value, datetime.datetime)
        else value.isoformat()
        if isinstance(value, datetime.date)
        else value
        for value in row
    )


def insert(model: Any, given: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    writer = Writer(model, given)
    if writer.sqlite:
        rows = (sqlite_dates(row) for row in rows)
    return writer.write(rows)


class Ledger:
    """Everything drawn from one seeded random generator, in a fixed order."""

    def __init__(self, *, problems: int, measures: int) -> None:
        self.rng = random.Random(SEED)
        self.problem_total = problems
        self.measure_total = measures
        from orgs.models import Org, User

        self.orgs = [OrgRow(*row) for row in Org.objects.order_by("path").values_list("id", "path", "depth", "name")]
        if len(self.orgs) < 1000:
            raise SystemExit("Run bench.generate first: the province is not there.")
        self.by_depth: dict[int, list[OrgRow]] = {}
        for org in self.orgs:
            self.by_depth.setdefault(org.depth, []).append(org)
        self.people: dict[int, list[int]] = {}
        for person, home in User.objects.filter(home_org__isnull=False).values_list("id", "home_org_id"):
            self.people.setdefault(home, []).append(person)
        self.city = self.by_depth[2][8]  # 安康市, the benchmark city (bench.generate)
        self.city_orgs = [org for org in self.orgs if org.path.startswith(self.city.path)]
        self.city_by_depth: dict[int, list[OrgRow]] = {}
        for org in self.city_orgs:
            self.city_by_depth.setdefault(org.depth, []).append(org)
        self.ids: dict[str, Any] = {}
        self.problem_info: list[tuple[int, int, int, str, Any, Any, Any, Any, str]] = []

    # --- campaigns, channels, domains, drives --------------------------------------------

    def campaigns(self) -> None:
        from campaigns.choices import CampaignStatus
        from campaigns.models import Campaign, Channel
        from rectification.choices import DriveStatus, ProblemLevel
        from rectification.models import Domain, SpecialRectification

        root = self.by_depth[1][0]
        province = Campaign.objects.create(
            org_id=root.id,
            name="学习贯彻习近平新时代中国特色社会主义思想主题教育",
            short_name="主题教育",
            start_date=datetime.date(2025, 9, 1),
            end_date=datetime.date(2027, 6, 30),
            status=CampaignStatus.ACTIVE,
        )
        city = Campaign.objects.create(
            org_id=self.city.id,
            name=f"{self.city.name}群众身边不正之风和腐败问题集中整治",
            short_name="集中整治",
            start_date=datetime.date(2026, 3, 1),
            end_date=datetime.date(2026, 12, 31),
            status=CampaignStatus.ACTIVE,
        )
        self.ids["campaigns"] = [province, city]
        self.ids["channels"] = {}
        self.ids["domains"] = {}
        for campaign in (province, city):
            channels = Channel.objects.bulk_create(
                Channel(campaign=campaign, code=code, name=name, order=order)
                for order, (code, name) in enumerate(CHANNELS, 1)
            )
            domains = Domain.objects.bulk_create(
                Domain(campaign=campaign, name=name, order=order) for order, name in enumerate(DOMAINS, 1)
            )
            self.ids["channels"][campaign.pk] = [c.pk for c in channels]
            self.ids["domains"][campaign.pk] = [d.pk for d in domains]
        drives = []
        leaders = self.by_depth[2] + self.rng.sample(self.by_depth[3], 18)
        for number, org in enumerate(leaders, 1):
            domain_index = number % len(DOMAINS)
            drives.append(
                SpecialRectification(
                    campaign=province,
                    org_id=org.id,
                    name=f"{org.name}{DOMAINS[domain_index]}领域专项整治",
                    level=ProblemLevel.LEADERSHIP if org.depth == 2 else ProblemLevel.DEPARTMENT,
                    domain_id=self.ids["domains"][province.pk][domain_index],
                    description="聚焦群众急难愁盼问题，集中整治。",
                    status=DriveStatus.UNDER_WAY if number % 5 else DriveStatus.CONCLUDED,
                )
            )
        self.ids["drives"] = [d.pk for d in SpecialRectification.objects.bulk_create(drives)]

    # --- problems --------------------------------------------------------------------------

    def _pick_org(self, pool: dict[int, list[OrgRow]]) -> OrgRow:
        draw = self.rng.random()
        for depth, limit in ((6, 0.50), (5, 0.80), (4, 0.92), (3, 0.98), (2, 0.997)):
            if draw < limit:
                return self.rng.choice(pool[depth])
        return self.rng.choice(pool.get(1) or pool[2])

    def _level(self, depth: int) -> str:
        draw = self.rng.random()
        if depth <= 3:
            return "leadership" if draw < 0.6 else "department"
        if depth == 4:
            return "department" if draw < 0.7 else "grassroots"
        return "grassroots" if draw < 0.85 else "department"

    def problem_rows(self) -> Iterator[tuple[Any, ...]]:
        rng = self.rng
        province, city = self.ids["campaigns"]
        whole_pool = self.by_depth
        city_pool = self.city_by_depth
        kinds = ("rectified", "duplicate", "not_actionable", "explained")
        kind_weights = (0.88, 0.05, 0.04, 0.03)
        kind_cumulative = list(itertools.accumulate(kind_weights))
        spans = (30, 30, 60, 60, 90, 90, 180, 365)
        drives = self.ids["drives"]
        for number in range(1, self.problem_total + 1):
            campaign = city if rng.random() < 0.10 else province
            org = self._pick_org(city_pool if campaign is city else whole_pool)
            start = campaign.start_date
            age_days = (TODAY - start).days
            found = start + datetime.timedelta(days=int(age_days * rng.random() ** 0.8))
            age = (TODAY - found).days / max(age_days, 1)  # 0 today, 1 at the start
            created_at = when(found + datetime.timedelta(days=rng.randrange(3)), rng)
            if created_at.date() > TODAY:
                created_at = when(TODAY, rng).replace(hour=1)
            immediate = rng.random() < 0.15
            if immediate:
                original = found + datetime.timedelta(days=7)
            elif rng.random() < 0.03:
                original = None
            else:
                original = found + datetime.timedelta(days=rng.choice(spans))
            deadline = original
            if original is not None and not immediate and rng.random() < 0.08:
                deadline = original + datetime.timedelta(days=rng.choice((30, 60, 90)))
            draw = rng.random()
            if immediate:
                p_closed = 0.92
            elif deadline is not None and deadline < TODAY:
                p_closed = 0.80 + 0.15 * age  # past its deadline: mostly done, the rest overdue
            else:
                p_closed = 0.10 + 0.30 * age
            if draw < p_closed:
                status = "closed"
            elif draw < p_closed + 0.12:
                status = "closure_requested"
            else:
                status = "rectifying"
            closure_kind, closed_at = "", None
            if status == "closed":
                closure_kind = kinds[bisect.bisect(kind_cumulative, rng.random() * kind_cumulative[-1])]
                limit = (deadline - found).days + 20 if deadline else 90
                days = max(1, min((TODAY - created_at.date()).days, int(limit * rng.random() ** 0.7)))
                closed_at = created_at + datetime.timedelta(days=days, minutes=rng.randrange(600))
                if closed_at.date() >= TODAY:
                    closed_at = when(TODAY - datetime.timedelta(days=1), rng)
            people = self.people.get(org.id)
            owner = rng.choice(people) if people else None
            subject = rng.choice(SUBJECTS)
            issue = rng.choice(ISSUES)
            title = f"{org.name}{subject}{issue}"
            description = f"{rng.choice(SOURCES)}反映{subject}方面{issue}，涉及群众切身利益，需限期整改。"
            level = self._level(org.depth)
            drive = rng.choice(drives) if campaign is province and rng.random() < 0.02 else None
            self.problem_info.append(
                (number, org.id, campaign.pk, status, deadline, closed_at, created_at, owner, closure_kind)
            )
            yield (
                number,
                org.id,
                campaign.pk,
                title,
                owner,
                deadline,
                status,
                owner,
                created_at,
                closed_at or created_at,
                level,
                rng.choice(self.ids["channels"][campaign.pk]) if rng.random() < 0.95 else None,
                rng.choice(self.ids["domains"][campaign.pk]) if rng.random() < 0.9 else None,
                drive,
                description,
                found,
                immediate,
                original,
                closure_kind,
                closed_at,
                org.path,
            )

    PROBLEM_FIELDS = (
        "id",
        "org_id",
        "campaign_id",
        "title",
        "owner_id",
        "deadline",
        "status",
        "created_by_id",
        "created_at",
        "updated_at",
        "level",
        "channel_id",
        "domain_id",
        "special_rectification_id",
        "description",
        "found_date",
        "immediate",
        "original_deadline",
        "closure_kind",
        "closed_at",
        "org_path",
    )

    # --- measures --------------------------------------------------------------------------

    MEASURE_FIELDS = (
        "id",
        "org_id",
        "campaign_id",
        "title",
        "owner_id",
        "deadline",
        "status",
        "created_by_id",
        "created_at",
        "updated_at",
        "problem_id",
        "original_deadline",
        "closure_kind",
        "closed_at",
        "org_path",
    )

    def measure_rows(self) -> Iterator[tuple[Any, ...]]:
        rng = self.rng
        counts = exact_counts(rng, len(self.problem_info), self.measure_total, maximum=4)
        path_of = {org.id: org.path for org in self.orgs}
        number = 0
        for info, count in zip(self.problem_info, counts, strict=True):
            problem, org, campaign, status, deadline, closed_at, created_at, owner, closure_kind = info
            for _ in range(count):
                number += 1
                if status == "closed":
                    measure_status = "closed"
                elif status == "closure_requested":
                    measure_status = "closed" if rng.random() < 0.8 else "closure_requested"
                else:
                    draw = rng.random()
                    measure_status = "closed" if draw < 0.3 else "closure_requested" if draw < 0.4 else "rectifying"
                measure_closed_at = None
                kind = ""
                if measure_status == "closed":
                    kind = closure_kind or "rectified"
                    if closed_at is not None:
                        measure_closed_at = closed_at - datetime.timedelta(hours=rng.randrange(1, 72))
                        measure_closed_at = max(measure_closed_at, created_at + datetime.timedelta(minutes=5))
                    else:
                        span = max(1, (TODAY - created_at.date()).days)
                        measure_closed_at = created_at + datetime.timedelta(days=rng.randrange(span), minutes=30)
                measure_deadline = deadline
                if deadline is not None and rng.random() < 0.3:
                    measure_deadline = max(created_at.date(), deadline - datetime.timedelta(days=rng.randrange(30)))
                yield (
                    number,
                    org,
                    campaign,
                    rng.choice(ACTIONS),
                    owner,
                    measure_deadline,
                    measure_status,
                    owner,
                    created_at,
                    measure_closed_at or created_at,
                    problem,
                    measure_deadline,
                    kind,
                    measure_closed_at,
                    path_of[org],
                )

    # --- lists, rounds, inspections ----------------------------------------------------------

    def lists_and_rounds(self) -> tuple[int, int]:
        from rectification.models import ProblemList, ReviewRound

        units = sorted({(campaign, org) for _, org, campaign, *_ in self.problem_info})
        depth = {org.id: org.depth for org in self.orgs}
        lists = []
        rounds = []
        moment = datetime.datetime(2025, 10, 8, 2, tzinfo=UTC)
        list_id = 0
        round_id = 0
        for campaign, org in units:
            list_id += 1
            reviewed = depth[org] <= 4
            status = "accepted" if reviewed and self.rng.random() < 0.8 else "drafting"
            lists.append((list_id, org, campaign, status, 3 if status == "accepted" else 0, moment))
            if status != "accepted":
                continue
            for number in range(1, 4):
                for direction, outcome in (("up", "submitted"), ("down", "returned" if number < 3 else "accepted")):
                    round_id += 1
                    at = moment + datetime.timedelta(days=7 * number + (direction == "down") * 3)
                    rounds.append((round_id, list_id, number, direction, outcome, "", 0, 0, None, at))
        insert(ProblemList, ("id", "org_id", "campaign_id", "status", "rounds_up", "updated_at"), lists)
        insert(
            ReviewRound,
            (
                "id",
                "problem_list_id",
                "number",
                "direction",
                "outcome",
                "comment",
                "problem_count",
                "measure_count",
                "actor_id",
                "created_at",
            ),
            rounds,
        )
        return len(lists), len(rounds)

    def inspections(self) -> int:
        from rectification.models import Inspection, InspectionFinding

        province = self.ids["campaigns"][0]
        root = self.by_depth[1][0]
        findings = []
        for number in range(1, 9):
            start = datetime.date(2025, 10, 1) + datetime.timedelta(days=45 * number)
            inspection = Inspection.objects.create(
                campaign=province,
                org_id=root.id,
                number=number,
                title=f"第{number}轮督查",
                start_date=start,
                end_date=start + datetime.timedelta(days=20) if start + datetime.timedelta(days=20) < TODAY else None,
                status="concluded" if start + datetime.timedelta(days=20) < TODAY else "under_way",
            )
            districts = self.rng.sample(self.by_depth[3], 12)
            inspection.units.set([org.id for org in districts])
            for district in districts:
                below = [org for org in self.by_depth[4] if org.path.startswith(district.path)]
                for org in self.rng.sample(below, min(len(below), 4)):
                    for _ in range(self.rng.randrange(1, 6)):
                        problem = self.rng.choice(self.problem_info)[0] if self.rng.random() < 0.3 else None
                        findings.append(
                            InspectionFinding(
                                inspection=inspection,
                                org_id=org.id,
                                description=f"{org.name}{self.rng.choice(SUBJECTS)}{self.rng.choice(ISSUES)}",
                                fed_back_on=start + datetime.timedelta(days=25) if self.rng.random() < 0.8 else None,
                                orders_reexamination=self.rng.random() < 0.1,
                                problem_id=problem,
                            )
                        )
        InspectionFinding.objects.bulk_create(findings, batch_size=2000)
        return len(findings)


def reset_sequences() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    from rectification.models import Measure, Problem, ProblemList, ReviewRound

    statements = connection.ops.sequence_reset_sql(no_style(), [Problem, Measure, ProblemList, ReviewRound])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def clear_ledger() -> None:
    """Remove a ledger left by an earlier run (and its campaigns), keeping the province."""
    from django.db import connection

    from campaigns.models import Campaign, Channel
    from rectification.models import (
        Domain,
        ExtensionRequest,
        Inspection,
        InspectionFinding,
        Measure,
        Problem,
        ProblemList,
        ProgressReport,
        ReviewRound,
        SpecialRectification,
    )

    models = [
        InspectionFinding,
        Inspection.units.through,
        Inspection,
        ReviewRound,
        ProblemList,
        ExtensionRequest,
        ProgressReport,
        Measure,
        Problem,
        SpecialRectification,
        Domain,
        Channel,
        Campaign,
    ]
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'DELETE FROM "{model._meta.db_table}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problems", type=int, default=1_000_000)
    parser.add_argument("--measures", type=int, default=1_500_000)
    parser.add_argument("--no-analyze", action="store_true")
    args = parser.parse_args()
    if args.measures < args.problems:
        parser.error("--measures must be at least --problems (every problem has a measure)")
    django_setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from rectification import search, tallies
    from rectification.models import Measure, Problem

    started = time.perf_counter()
    print(f"Ledger into {connection.settings_dict['NAME']} ({connection.vendor})", flush=True)
    with phase("migrate"):
        call_command("migrate", verbosity=0, interactive=False)
    with phase("clear an earlier ledger"), transaction.atomic():
        # Row triggers would keep the roll-ups per inserted row (on SQLite a dozen upserts
        # for each of 2,500,000 rows): drop them, bulk-load, then count once below.
        tallies.uninstall()
        search.uninstall()  # the text search's index too: built once at the end
        clear_ledger()
    with phase("read the province"):
        ledger = Ledger(problems=args.problems, measures=args.measures)
    with transaction.atomic():
        with phase("campaigns, channels, domains, drives"):
            ledger.campaigns()
        with phase(f"insert {args.problems:,} problems"):
            insert(Problem, Ledger.PROBLEM_FIELDS, ledger.problem_rows())
        with phase(f"insert {args.measures:,} measures"):
            insert(Measure, Ledger.MEASURE_FIELDS, ledger.measure_rows())
        with phase("problem lists and review rounds"):
            lists, rounds = ledger.lists_and_rounds()
            print(f"    {lists:,} problem lists, {rounds:,} review rounds")
        with phase("inspections and findings"):
            print(f"    {ledger.inspections():,} findings")
        reset_sequences()
        with phase("roll-ups (rectification.tallies.rebuild, triggers back)"):
            tallies.rebuild()
    # Apart: PostgreSQL builds no index in a transaction with foreign keys left to check.
    with phase("text search index (rectification.search.install)"):
        search.install()
    generated = time.perf_counter() - started
    if not args.no_analyze:
        statement = "ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE"
        with phase(statement), connection.cursor() as cursor:
            cursor.execute(statement)
    print(f"Done in {time.perf_counter() - started:.1f} s ({generated:.1f} s before analyzing)", flush=True)
    summary()


def summary() -> None:
    from django.db.models import Count, F, Q

    from rectification.models import Measure, Problem

    counts = Problem.objects.aggregate(
        total=Count("pk"),
        rectifying=Count("pk", filter=Q(status="rectifying")),
        closure_requested=Count("pk", filter=Q(status="closure_requested")),
        closed=Count("pk", filter=Q(status="closed")),
        overdue=Count("pk", filter=Q(deadline__lt=TODAY) & ~Q(status="closed")),
        immediate=Count("pk", filter=Q(immediate=True)),
        extended=Count("pk", filter=Q(deadline__gt=F("original_deadline"))),
        search=Count("pk", filter=Q(title__contains="排水")),
    )
    print("    problems: " + ", ".join(f"{key} {value:,}" for key, value in counts.items()))
    print(f"    measures: {Measure.objects.count():,}")


if __name__ == "__main__":
    main()
