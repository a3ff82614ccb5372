"""The demo's org tree and people, modelled on Ankang High-tech Zone (安康高新区) in 2023.

The zone, its departments (the ten that lead special rectifications among them), the
campaign office and the discipline inspection committee; the party working committee
with the organs' party committee and its branches, and the committee of the non-public
sector with the branches of couriers, riders and "小个专" businesses; three streets and
towns with their communities and villages, each with grids and a party branch.

People: the county-level leaders named in the report (plus invented colleagues), a head
and a clerk (单位联络员) for every department, street, community and village, and party
members of every category in the report's numbers: 239 outflow (流出), 470 scattered
(零散), 126 elderly or frail (年老体弱), 85 of the new employment group (新就业群体), and
600 in service (在职, the cadres above included). Everybody is created through
``orgs.services``, so each has a "created" event; only the demo accounts can log in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.demo import DEMO_PASSWORD, DEMO_ROOT_CODE, DemoAccountSpec, DemoContext, words
from orgs.choices import MemberCategory, OrgKind, Role
from orgs.models import Org, User
from orgs.services import org_create, org_set_head, person_create, role_grant

if TYPE_CHECKING:
    from collections.abc import Sequence

# Party members of each category across the zone, as the report counts them. In-service
# members include the leaders, heads, clerks and office staff the demo creates by name.
MEMBER_TOTALS = {
    MemberCategory.OUTFLOW: 239,
    MemberCategory.SCATTERED: 470,
    MemberCategory.ELDERLY: 126,
    MemberCategory.NEW_EMPLOYMENT: 85,
    MemberCategory.IN_SERVICE: 600,
}

CAMPAIGN_OFFICE_CODE = f"{DEMO_ROOT_CODE}-ZTJY"
INSPECTION_CODE = f"{DEMO_ROOT_CODE}-JGW"
PARTY_WORKING_COMMITTEE_CODE = f"{DEMO_ROOT_CODE}-DGW"
ORGANS_PARTY_COMMITTEE_CODE = f"{DEMO_ROOT_CODE}-DGW-JGDW"
NON_PUBLIC_PARTY_COMMITTEE_CODE = f"{DEMO_ROOT_CODE}-DGW-LX"
COURIER_BRANCH_CODE = f"{NON_PUBLIC_PARTY_COMMITTEE_CODE}-KD"
RIDER_BRANCH_CODE = f"{NON_PUBLIC_PARTY_COMMITTEE_CODE}-WM"
XIANDAICHENG_CODE = f"{DEMO_ROOT_CODE}-JM-XDC"
LUOJIALIANG_CODE = f"{DEMO_ROOT_CODE}-JM-LJL"


@dataclass(frozen=True)
class Department:
    suffix: str
    name: str
    short_name: str
    head_title: str
    # Relative number of in-service members working there.
    staff_weight: int


DEPARTMENTS: tuple[Department, ...] = (
    Department("BDC", "不动产登记中心", "不动产中心", "主任", 3),
    Department("CZJ", "财政局", "财政局", "局长", 4),
    Department("DZB", "党政办公室", "党政办", "主任", 5),
    Department("JFJ", "经济发展局", "经发局", "局长", 5),
    Department("JGW", "纪检监察工委", "纪工委", "书记", 3),
    Department("JYJ", "教育局", "教育局", "局长", 6),
    Department("NYJ", "农业农村局", "农业农村局", "局长", 3),
    Department("RSJ", "人力资源和社会保障局", "人社局", "局长", 3),
    Department("SJS", "市场监督管理所", "市场监管所", "所长", 3),
    Department("SQJ", "社区管理局", "社管局", "局长", 4),
    Department("WJJ", "卫生健康局", "卫健局", "局长", 6),
    Department("YJJ", "应急管理局", "应急局", "局长", 3),
    Department("ZJJ", "住房和城乡建设局", "住建局", "局长", 4),
    Department("ZRJ", "自然资源局", "自然资源局", "局长", 3),
    Department("ZSZX", "招商服务中心", "招商中心", "主任", 4),
    Department("ZTJY", "主题教育办公室", "主题教育办", "主任", 2),
)


@dataclass(frozen=True)
class Locality:
    """A community (社区) or village (村) and how many grids it is divided into."""

    suffix: str
    name: str
    kind: str
    grids: int


@dataclass(frozen=True)
class Street:
    suffix: str
    name: str
    head_title: str
    localities: tuple[Locality, ...]


C, V = OrgKind.COMMUNITY, OrgKind.VILLAGE
STREETS: tuple[Street, ...] = (
    Street(
        "DT",
        "大同镇",
        "镇党委书记",
        (
            Locality("DTSQ", "大同社区", C, 3),
            Locality("FJH", "付家河村", V, 3),
            Locality("LJB", "梁家坝村", V, 2),
            Locality("SQC", "双桥村", V, 2),
        ),
    ),
    Street(
        "JM",
        "建民街道",
        "街道党工委书记",
        (
            Locality("GXHY", "高新花园社区", C, 3),
            Locality("JS", "居尚社区", C, 3),
            Locality("LJL", "罗家梁村", V, 3),
            Locality("MK", "马坎村", V, 2),
            Locality("TB", "天宝社区", C, 2),
            Locality("XDC", "现代城社区", C, 4),
        ),
    ),
    Street(
        "WL",
        "五里镇",
        "镇党委书记",
        (
            Locality("GN", "工农村", V, 3),
            Locality("SJ", "沈家村", V, 2),
            Locality("WLSQ", "五里社区", C, 3),
        ),
    ),
)
GRID_NUMERALS = "一二三四五六七八九十"

# County-level leaders (县级领导): the four the report names, then invented colleagues.
# (name, position, codes of the orgs they head). The party secretary is the zone's head.
COUNTY_LEADERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("罗武侠", "市委常委、高新区党工委书记", (DEMO_ROOT_CODE, PARTY_WORKING_COMMITTEE_CODE)),
    ("陈帆", "高新区党工委副书记、管委会主任", ()),
    ("曹英忠", "高新区党工委副书记", ()),
    ("黄荣荣", "高新区机关党委书记", (ORGANS_PARTY_COMMITTEE_CODE,)),
    ("王建军", "高新区党工委委员、管委会副主任", ()),
    ("刘晓燕", "高新区党工委委员、管委会副主任", ()),
    ("张志刚", "高新区党工委委员、管委会副主任", ()),
    ("李文博", "高新区党工委委员、纪检监察工委书记", (INSPECTION_CODE,)),
    ("赵明辉", "高新区党工委委员、党群工作部部长", (NON_PUBLIC_PARTY_COMMITTEE_CODE,)),
)

OUTFLOW_PLACES = words(
    "浙江宁波 浙江杭州 江苏苏州 江苏昆山 广东东莞 广东深圳 广东佛山 上海 北京 陕西西安 "
    "福建晋江 新疆乌鲁木齐 山西大同 湖北武汉 四川成都"
)
IN_SERVICE_POSITIONS = ("科员", "科员", "科员", "副科长", "科长", "四级主任科员", "办事员", "干部")
SCATTERED_POSITIONS = ("个体工商户", "个体工商户", "小微企业负责人", "专业市场经营户")
NEW_EMPLOYMENT_POSITIONS = ("快递员", "外卖骑手", "网约车司机", "货车司机")

# The log-ins this loader makes, for ``manage.py demo_accounts``.
ACCOUNTS = [
    DemoAccountSpec(
        "admin",
        Role.ADMIN,
        "全区组织架构、账号、意见收集渠道和系统设置",
        "org tree, accounts, channels and settings of the whole zone",
    ),
    DemoAccountSpec(
        "supervisor",
        Role.SUPERVISOR,
        "主题教育办：全区所有台账，审核清单、批准销号、退回重新检视、发布通报",
        "campaign office: every ledger in the zone; reviews lists, approves closures, sends back, issues bulletins",
    ),
    DemoAccountSpec(
        "leader",
        Role.LEADER,
        "罗武侠（市委常委、党工委书记）：全区台账，领导班子问题、包抓项目、调研走访",
        "Luo Wuxia, party secretary: the whole zone; leadership problems, key projects, research visits",
    ),
    DemoAccountSpec(
        "clerk",
        Role.CLERK,
        "现代城社区联络员：本社区及其网格的台账，录入、上传佐证、申请销号",
        "clerk of Xiandaicheng community: its ledger and grids; enters items, uploads evidence, asks for closure",
    ),
    DemoAccountSpec(
        "member",
        Role.MEMBER,
        "现代城社区第一网格的党员：认领微心愿、学习打卡",
        "party member in a Xiandaicheng grid: claims wishes, checks in to study",
    ),
    DemoAccountSpec(
        "inspector",
        Role.INSPECTOR,
        "纪检监察工委：查阅全部台账，开展督查，责令重新检视",
        "discipline inspection: reads everything, runs inspection rounds, orders re-examination",
    ),
    DemoAccountSpec(
        "security",
        Role.SECURITY_ADMIN,
        "安全保密管理员：授予和收回角色，不改账号资料，不办理台账",
        "security administrator: gives and takes roles; no account data, no items",
    ),
    DemoAccountSpec(
        "auditor",
        Role.AUDIT_ADMIN,
        "安全审计员：查阅和导出审计日志，此外什么也不做",
        "audit administrator: reads and exports the audit log, nothing else",
    ),
]


def load(context: DemoContext) -> None:
    """Create the org tree, its people and the demo accounts."""
    _load_tree(context)
    _load_county_leaders(context)
    _load_unit_cadres(context)
    _load_demo_accounts(context)
    _load_members(context)


# --- The tree ---------------------------------------------------------------------------


def _org(context: DemoContext, parent: Org | None, code: str, name: str, kind: str, short_name: str = "") -> Org:
    org = org_create(
        parent=parent, name=name, code=code, kind=kind, short_name=short_name, acting_user=context.installer
    )
    context.orgs[code] = org
    context.counts["orgs"] += 1
    return org


def _load_tree(context: DemoContext) -> None:
    """The tree, each parent's children made in code order so treebeard only appends."""
    root = _org(context, None, DEMO_ROOT_CODE, "安康高新区", OrgKind.DISTRICT, "高新区")
    context.root = root
    children: list[tuple[str, str, str, str]] = [
        (f"{DEMO_ROOT_CODE}-{d.suffix}", d.name, OrgKind.DEPARTMENT, d.short_name) for d in DEPARTMENTS
    ]
    children += [(f"{DEMO_ROOT_CODE}-{s.suffix}", s.name, OrgKind.STREET, "") for s in STREETS]
    children.append((PARTY_WORKING_COMMITTEE_CODE, "高新区党工委", OrgKind.PARTY_WORKING_COMMITTEE, "党工委"))
    for code, name, kind, short_name in sorted(children):
        _org(context, root, code, name, kind, short_name)

    committee = context.org(PARTY_WORKING_COMMITTEE_CODE)
    organs = _org(
        context, committee, ORGANS_PARTY_COMMITTEE_CODE, "高新区机关党委", OrgKind.PARTY_COMMITTEE, "机关党委"
    )
    non_public = _org(
        context,
        committee,
        NON_PUBLIC_PARTY_COMMITTEE_CODE,
        "高新区非公有制经济组织和社会组织党委",
        OrgKind.PARTY_COMMITTEE,
        "两新党委",
    )
    for department in DEPARTMENTS:
        _org(
            context,
            organs,
            f"{ORGANS_PARTY_COMMITTEE_CODE}-{department.suffix}",
            f"{department.name}党支部",
            OrgKind.PARTY_BRANCH,
        )
    # Branches of the "小个专" businesses, one per area (划片成立), and of couriers and riders.
    non_public_branches = [
        (COURIER_BRANCH_CODE, "快递物流行业联合党支部"),
        (RIDER_BRANCH_CODE, "外卖配送行业联合党支部"),
    ]
    non_public_branches += [
        (f"{NON_PUBLIC_PARTY_COMMITTEE_CODE}-XGZ-{s.suffix}", f"{s.name[:2]}片区“小个专”联合党支部") for s in STREETS
    ]
    for code, name in sorted(non_public_branches):
        _org(context, non_public, code, name, OrgKind.PARTY_BRANCH)

    for street in STREETS:
        street_org = context.org(f"{DEMO_ROOT_CODE}-{street.suffix}")
        for locality in street.localities:
            code = f"{street_org.code}-{locality.suffix}"
            org = _org(context, street_org, code, locality.name, locality.kind)
            stem = locality.name.removesuffix("社区")
            for number in range(1, locality.grids + 1):
                _org(context, org, f"{code}-{number:02d}", f"{stem}第{GRID_NUMERALS[number - 1]}网格", OrgKind.GRID)
            _org(context, org, f"{code}-DZB", f"{locality.name}党支部", OrgKind.PARTY_BRANCH)


def _grids(context: DemoContext, code: str) -> list[Org]:
    return [
        org for org_code, org in context.orgs.items() if org_code.startswith(code + "-") and org.kind == OrgKind.GRID
    ]


def _localities(context: DemoContext, kind: str) -> list[Org]:
    return [org for org in context.orgs.values() if org.kind == kind]


# --- People -----------------------------------------------------------------------------


def _person(
    context: DemoContext,
    *,
    home_org: Org,
    real_name: str,
    category: str = MemberCategory.IN_SERVICE,
    position: str = "",
    username: str | None = None,
    password: str | None = None,
) -> User:
    """One person through the service; party members unless ``category`` is empty."""
    mobile = context.mobile()
    person = person_create(
        acting_user=context.installer,
        username=username or mobile,
        real_name=real_name,
        home_org=home_org,
        mobile=mobile,
        is_party_member=bool(category),
        member_category=category,
        position=position,
        password=password,
    )
    context.counts["people"] += 1
    if category:
        context.counts[f"members:{category}"] += 1
    return person


def _grant(context: DemoContext, person: User, org: Org, role: str) -> None:
    role_grant(user=person, org=org, role=role, acting_user=context.installer)
    context.counts["grants"] += 1


def _set_head(context: DemoContext, org: Org, person: User) -> None:
    """Record ``person`` as the head (一把手) of ``org``."""
    org_set_head(org=org, head=person, acting_user=context.installer)


def _load_county_leaders(context: DemoContext) -> None:
    """The county-level leaders: home at the zone, the leader role over all of it."""
    root = context.root
    assert root is not None
    for name, _position, _heads in COUNTY_LEADERS:
        context.reserve_name(name)
    for name, position, heads in COUNTY_LEADERS:
        # The party secretary is the demo's "leader" log-in.
        is_account = name == "罗武侠"
        person = _person(
            context,
            home_org=root,
            real_name=name,
            position=position,
            username="leader" if is_account else None,
            password=DEMO_PASSWORD if is_account else None,
        )
        context.people[name] = person
        _grant(context, person, root, Role.LEADER)
        for code in heads:
            _set_head(context, context.org(code), person)
        if is_account:
            context.add_account(person=person, org=root, role=Role.LEADER)


def _load_unit_cadres(context: DemoContext) -> None:
    """A head (leader role) and a clerk (clerk role) for every department, street,
    community and village; the community and village heads are party branch secretaries
    who also chair the residents' or villagers' committee (一肩挑)."""
    for department in DEPARTMENTS:
        org = context.org(f"{DEMO_ROOT_CODE}-{department.suffix}")
        if org.head_id is None:
            head = _person(context, home_org=org, real_name=context.person_name(), position=department.head_title)
            _grant(context, head, org, Role.LEADER)
            _set_head(context, org, head)
        _clerk(context, org, "单位联络员")
    for street in STREETS:
        org = context.org(f"{DEMO_ROOT_CODE}-{street.suffix}")
        head = _person(context, home_org=org, real_name=context.person_name(), position=street.head_title)
        _grant(context, head, org, Role.LEADER)
        _set_head(context, org, head)
        _clerk(context, org, "单位联络员")
        for locality in street.localities:
            org = context.org(f"{DEMO_ROOT_CODE}-{street.suffix}-{locality.suffix}")
            committee = "居委会主任" if locality.kind == OrgKind.COMMUNITY else "村委会主任"
            head = _person(context, home_org=org, real_name=context.person_name(), position=f"党支部书记、{committee}")
            _grant(context, head, org, Role.LEADER)
            _set_head(context, org, head)
            branch = context.org(f"{org.code}-DZB")
            _set_head(context, branch, head)
            if org.code == XIANDAICHENG_CODE:
                # The demo's "clerk" log-in.
                clerk = _person(
                    context,
                    home_org=org,
                    real_name=context.person_name(),
                    position="社区专职工作者（单位联络员）",
                    username="clerk",
                    password=DEMO_PASSWORD,
                )
                _grant(context, clerk, org, Role.CLERK)
                context.add_account(person=clerk, org=org, role=Role.CLERK)
            else:
                _clerk(
                    context,
                    org,
                    "社区专职工作者（单位联络员）" if locality.kind == OrgKind.COMMUNITY else "村文书（单位联络员）",
                )


def _clerk(context: DemoContext, org: Org, position: str) -> User:
    clerk = _person(context, home_org=org, real_name=context.person_name(), position=position)
    _grant(context, clerk, org, Role.CLERK)
    return clerk


def _load_demo_accounts(context: DemoContext) -> None:
    """The remaining log-ins: administrator, supervisor, inspector (at the zone) and a
    member of a 现代城 grid. The leader and the clerk were made with their units."""
    root = context.root
    assert root is not None
    office = context.org(CAMPAIGN_OFFICE_CODE)
    specs = (
        ("admin", Role.ADMIN, office, "主题教育办公室信息化专员", MemberCategory.IN_SERVICE, root),
        ("supervisor", Role.SUPERVISOR, office, "主题教育办公室督办员", MemberCategory.IN_SERVICE, root),
        ("inspector", Role.INSPECTOR, context.org(INSPECTION_CODE), "纪检监察干部", MemberCategory.IN_SERVICE, root),
        ("security", Role.SECURITY_ADMIN, office, "主题教育办公室安全保密管理员", MemberCategory.IN_SERVICE, root),
        ("auditor", Role.AUDIT_ADMIN, office, "主题教育办公室安全审计员", MemberCategory.IN_SERVICE, root),
    )
    for username, role, home_org, position, category, grant_org in specs:
        person = _person(
            context,
            home_org=home_org,
            real_name=context.person_name(),
            category=category,
            position=position,
            username=username,
            password=DEMO_PASSWORD,
        )
        _grant(context, person, grant_org, role)
        context.add_account(person=person, org=grant_org, role=role)
    # A shopkeeper in 现代城: one of the 470 scattered members, in the first grid.
    grid = context.org(f"{XIANDAICHENG_CODE}-01")
    member = _person(
        context,
        home_org=grid,
        real_name=context.person_name(),
        category=MemberCategory.SCATTERED,
        position="个体工商户",
        username="member",
        password=DEMO_PASSWORD,
    )
    _grant(context, member, grid, Role.MEMBER)
    context.add_account(person=member, org=grid, role=Role.MEMBER)
    # Shown in the order of ACCOUNTS, whatever order they were made in.
    order = [spec.username for spec in ACCOUNTS]
    context.accounts.sort(key=lambda account: order.index(account.username) if account.username in order else 99)


def _weighted(context: DemoContext, choices: Sequence[tuple[Org, float]]) -> Org:
    orgs, weights = zip(*choices, strict=True)
    return context.random.choices(orgs, weights=weights)[0]


def _load_members(context: DemoContext) -> None:
    """Fill every member category up to the report's numbers, spread where they live:
    outflow and elderly members mostly in villages, scattered ones in communities, the
    new employment group in its trade branches and communities, in-service members in
    the departments and street offices. Members of localities live in one of its grids.
    """
    rng = context.random
    communities = _localities(context, OrgKind.COMMUNITY)
    villages = _localities(context, OrgKind.VILLAGE)
    grids = {org.code: _grids(context, org.code) for org in communities + villages}

    def places(community_weight: float, village_weight: float) -> list[tuple[Org, float]]:
        # Bigger localities (more grids) have more members.
        return [(org, community_weight * len(grids[org.code])) for org in communities] + [
            (org, village_weight * len(grids[org.code])) for org in villages
        ]

    def home(org: Org) -> Org:
        return rng.choice(grids[org.code]) if org.code in grids else org

    def missing(category: str) -> int:
        return MEMBER_TOTALS[category] - context.counts[f"members:{category}"]

    for _ in range(missing(MemberCategory.OUTFLOW)):
        where = _weighted(context, places(1, 3))
        _person(
            context,
            home_org=home(where),
            real_name=context.person_name(rng.choice(("young", "middle", "middle"))),
            category=MemberCategory.OUTFLOW,
            position=f"外出务工（{rng.choice(OUTFLOW_PLACES)}）",
        )
    for _ in range(missing(MemberCategory.ELDERLY)):
        where = _weighted(context, places(1, 1.5))
        _person(
            context,
            home_org=home(where),
            real_name=context.person_name("elder"),
            category=MemberCategory.ELDERLY,
            position="退休职工" if where.kind == OrgKind.COMMUNITY else "农村老党员",
        )
    for _ in range(missing(MemberCategory.SCATTERED)):
        where = _weighted(context, places(9, 1))
        _person(
            context,
            home_org=home(where),
            real_name=context.person_name(rng.choice(("young", "middle", "middle"))),
            category=MemberCategory.SCATTERED,
            position=rng.choice(SCATTERED_POSITIONS),
        )
    courier, rider = context.org(COURIER_BRANCH_CODE), context.org(RIDER_BRANCH_CODE)
    new_employment_places = [(courier, 10.0), (rider, 8.0), *places(1, 0)]
    for _ in range(missing(MemberCategory.NEW_EMPLOYMENT)):
        where = _weighted(context, new_employment_places)
        if where == courier:
            position = "快递员"
        elif where == rider:
            position = "外卖骑手"
        else:
            position = rng.choice(NEW_EMPLOYMENT_POSITIONS)
        _person(
            context,
            home_org=home(where),
            real_name=context.person_name(rng.choice(("young", "young", "middle"))),
            category=MemberCategory.NEW_EMPLOYMENT,
            position=position,
        )
    offices = [(context.org(f"{DEMO_ROOT_CODE}-{d.suffix}"), float(d.staff_weight)) for d in DEPARTMENTS]
    offices += [(context.org(f"{DEMO_ROOT_CODE}-{s.suffix}"), 4.0) for s in STREETS]
    for _ in range(missing(MemberCategory.IN_SERVICE)):
        _person(
            context,
            home_org=_weighted(context, offices),
            real_name=context.person_name(rng.choice(("young", "middle"))),
            category=MemberCategory.IN_SERVICE,
            position=rng.choice(IN_SERVICE_POSITIONS),
        )
