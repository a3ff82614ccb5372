"""Build a province-sized benchmark database: 50,113 orgs and 200,000 people.

Province → 12 cities → 100 districts → 1,000 streets and towns → 10,000 communities and
villages → 39,000 grids, written with bulk inserts and treebeard materialized paths
computed here (steplen 4, alphabet 0-9A-Z, ``depth``, ``numchild``), then checked with
treebeard's own ``find_problems`` and tree methods. The benchmark accounts of
``bench.common.SCOPES`` get one grant each and the password ``BENCH_PASSWORD``.

The database is dropped and rebuilt, so it only ever runs on a benchmark database::

    TAIZHANG_VAR_DIR=bench/data/sqlite .venv/bin/python -m bench.generate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/taizhang_bench \\
        TAIZHANG_VAR_DIR=bench/data/postgresql .venv/bin/python -m bench.generate
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import BENCH_PASSWORD, SCOPES, django_setup

SEED = 20231015
BATCH = 2000

CITIES = (
    "西安市",
    "铜川市",
    "宝鸡市",
    "咸阳市",
    "渭南市",
    "延安市",
    "汉中市",
    "榆林市",
    "安康市",
    "商洛市",
    "杨凌示范区",
    "西咸新区",
)
PLACE_CHARS = (
    "东西南北中新长永安和平兴华宁康泰福丰庆阳清河汉江山石金城明光德仁义礼信川林"
    "桥湖月星龙凤鹤松柏梅兰竹菊云霞春秋文武昌盛隆元吉祥瑞嘉禾田园广阔远通达"
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉鹏飞"
    "林海燕志宏晓春梅云颖欣佳宇浩子涵雨轩博思婷瑞晨嘉俊鑫"
)
MOBILE_PREFIXES = ("130", "133", "135", "136", "137", "138", "139", "150", "151", "153", "158", "159")
MOBILE_PREFIXES += ("177", "180", "181", "182", "183", "186", "187", "188", "189", "191", "199")
POSITIONS = ("", "", "", "网格员", "社区干部", "科员", "副主任", "主任", "党支部书记", "志愿者")


def path_step(position: int) -> str:
    """Treebeard's step for the ``position``-th child (1-based): 4 base-36 digits."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    digits = ""
    while position:
        position, remainder = divmod(position, 36)
        digits = alphabet[remainder] + digits
    return digits.rjust(4, "0")


@dataclass
class Node:
    path: str
    name: str
    code: str
    kind: str
    children: list[Node] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return len(self.path) // 4

    def add(self, name: str, code: str, kind: str) -> Node:
        child = Node(self.path + path_step(len(self.children) + 1), name, code, kind)
        self.children.append(child)
        return child


def spread(rng: random.Random, parents: int, total: int, minimum: int) -> list[int]:
    """``total`` children over ``parents``: ``minimum`` each, the rest at random."""
    counts = [minimum] * parents
    for _ in range(total - minimum * parents):
        counts[rng.randrange(parents)] += 1
    return counts


def place(rng: random.Random) -> str:
    return rng.choice(PLACE_CHARS) + rng.choice(PLACE_CHARS)


def build_tree(rng: random.Random) -> list[list[Node]]:
    """The tree in memory, level by level. Codes sort like paths (children by code)."""
    from orgs.choices import OrgKind

    root = Node(path_step(1), "陕西省", "61", OrgKind.PROVINCE)
    levels: list[list[Node]] = [[root]]
    cities = [root.add(name, f"61{i:02d}", OrgKind.CITY) for i, name in enumerate(CITIES, 1)]
    levels.append(cities)
    districts = []
    for city, count in zip(cities, spread(rng, len(cities), 100, 6), strict=True):
        for j in range(1, count + 1):
            suffix = "县" if rng.random() < 0.5 else "区"
            districts.append(city.add(place(rng) + suffix, f"{city.code}{j:02d}", OrgKind.DISTRICT))
    levels.append(districts)
    streets = []
    for district, count in zip(districts, spread(rng, len(districts), 1000, 5), strict=True):
        for k in range(1, count + 1):
            suffix = "镇" if rng.random() < 0.4 else "街道"
            streets.append(district.add(place(rng) + suffix, f"{district.code}{k:03d}", OrgKind.STREET))
    levels.append(streets)
    communities = []
    for street, count in zip(streets, spread(rng, len(streets), 10_000, 5), strict=True):
        rural = street.name.endswith("镇")
        for m in range(1, count + 1):
            name = place(rng) + ("村" if rural else "社区")
            kind = OrgKind.VILLAGE if rural else OrgKind.COMMUNITY
            communities.append(street.add(name, f"{street.code}{m:03d}", kind))
    levels.append(communities)
    grids = []
    for community, count in zip(communities, spread(rng, len(communities), 39_000, 2), strict=True):
        for g in range(1, count + 1):
            grids.append(community.add(f"{community.name}第{g}网格", f"{community.code}{g:02d}", OrgKind.GRID))
    levels.append(grids)
    return levels


@contextmanager
def phase(label: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    print(f"  {label}: {time.perf_counter() - start:.1f} s", flush=True)


def reset_database() -> None:
    """Drop and recreate the benchmark database (it was checked to be one)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database['NAME']}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    params = {
        "host": database.get("HOST") or "127.0.0.1",
        "port": database.get("PORT") or 5432,
        "user": database.get("USER") or "postgres",
        "dbname": "postgres",
        "autocommit": True,
    }
    if database.get("PASSWORD"):
        params["password"] = database["PASSWORD"]
    with psycopg.connect(**params) as connection:
        name = database["NAME"]
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def insert_orgs(levels: list[list[Node]]) -> dict[str, int]:
    """Insert level by level (the order an import would write them); path → id."""
    from orgs.models import Org

    rows = [
        Org(
            path=node.path,
            depth=node.depth,
            numchild=len(node.children),
            name=node.name,
            code=node.code,
            kind=node.kind,
        )
        for level in levels
        for node in level
    ]
    Org.objects.bulk_create(rows, batch_size=BATCH)
    return dict(Org.objects.values_list("path", "id"))


def insert_people(rng: random.Random, levels: list[list[Node]], ids: dict[str, int], count: int) -> None:
    """``count`` people: 10% in offices (province to street), 25% in communities and
    villages, 65% in grids; a quarter are party members with a category."""
    from orgs.choices import MemberCategory
    from orgs.models import User

    offices = [ids[node.path] for level in levels[:4] for node in level]
    communities = [ids[node.path] for node in levels[4]]
    grids = [ids[node.path] for node in levels[5]]
    categories = list(MemberCategory.values)
    weights = [50, 10, 20, 10, 10]
    batch: list[User] = []
    for number in range(1, count + 1):
        draw = rng.random()
        home = rng.choice(offices if draw < 0.10 else communities if draw < 0.35 else grids)
        member = rng.random() < 0.25
        batch.append(
            User(
                username=f"p{number:06d}",
                password="!",  # unusable: these people never log in
                real_name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_CHARS, k=rng.choice((1, 2)))),
                mobile=rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
                is_party_member=member,
                member_category=rng.choices(categories, weights)[0] if member else "",
                position=rng.choice(POSITIONS),
                home_org_id=home,
            )
        )
        if len(batch) == BATCH * 5:
            User.objects.bulk_create(batch, batch_size=BATCH)
            batch = []
    User.objects.bulk_create(batch, batch_size=BATCH)


def benchmark_orgs(levels: list[list[Node]]) -> dict[int, Node]:
    """The granted org per depth: the 9th city (安康市), its first district, and the
    first community of that district's first street."""
    city = levels[1][8]
    district = city.children[0]
    return {1: levels[0][0], 2: city, 3: district, 5: district.children[0].children[0]}


def insert_benchmark_users(levels: list[list[Node]], ids: dict[str, int]) -> None:
    from django.contrib.auth.hashers import make_password

    from orgs.models import RoleGrant, User

    password = make_password(BENCH_PASSWORD)  # hashed once, reused
    granted = benchmark_orgs(levels)
    for scope in SCOPES:
        org_id = ids[granted[scope.depth].path]
        user = User.objects.create(
            username=scope.username,
            password=password,
            real_name=f"基准{scope.label}",
            home_org_id=org_id,
            position="基准测试账号",
        )
        RoleGrant.objects.create(user=user, org_id=org_id, role=scope.role)
        print(f"    {scope.username}: {scope.role} at {granted[scope.depth].name} ({granted[scope.depth].path})")


def verify(levels: list[list[Node]]) -> None:
    """Fail loudly if treebeard would not accept the tree as its own."""
    from django.db import transaction

    from orgs.models import Org

    expected = sum(len(level) for level in levels)
    assert Org.objects.count() == expected, "org count"
    # The whole tree from one read: depth from path, numchild from children, no orphans.
    rows = list(Org.objects.values_list("path", "depth", "numchild"))
    paths = {path for path, _, _ in rows}
    children = Counter(path[:-4] for path, depth, _ in rows if depth > 1)
    assert all(depth * 4 == len(path) for path, depth, _ in rows), "depth does not match path"
    assert all(children[path] == numchild for path, _, numchild in rows), "numchild does not match children"
    assert all(parent in paths for parent in children), "orphans"
    granted = benchmark_orgs(levels)
    district = Org.objects.get(path=granted[3].path)
    problems = Org.objects.find_problems(parent=district)
    assert not any(problems), f"treebeard find_problems: {problems}"
    root = Org.objects.get_root_nodes().get()
    assert Org.objects.get_children(root).count() == len(levels[1])
    descendants = sum(1 for _ in iter_subtree(granted[3])) - 1
    assert Org.objects.get_descendant_count(district) == descendants, "descendant count"
    assert [c.code for c in Org.objects.get_children(district)] == [c.code for c in granted[3].children]
    # A node added by treebeard itself lands after the generated siblings.
    community = Org.objects.get(path=granted[5].path)
    with transaction.atomic():
        added = Org.objects.add_child(community, {"name": "校验网格", "code": "bench-check", "kind": "grid"})
        assert added.path == community.path + path_step(len(granted[5].children) + 1), added.path
        transaction.set_rollback(True)
    print(f"    find_problems on {district.name} ({descendants + 1} orgs): none; tree checks passed")


def iter_subtree(node: Node) -> Iterator[Node]:
    yield node
    for child in node.children:
        yield from iter_subtree(child)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--no-analyze", action="store_true", help="skip ANALYZE / VACUUM ANALYZE at the end")
    args = parser.parse_args()
    django_setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    started = time.perf_counter()
    print(f"Generating into {connection.settings_dict['NAME']} ({connection.vendor})", flush=True)
    with phase("drop and recreate database"):
        reset_database()
    with phase("migrate"):
        call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(SEED)
    with phase("build tree in memory"):
        levels = build_tree(rng)
    print("    orgs per level: " + ", ".join(str(len(level)) for level in levels))
    with phase(f"insert {sum(len(level) for level in levels):,} orgs"), transaction.atomic():
        ids = insert_orgs(levels)
    with phase(f"insert {args.people:,} people"), transaction.atomic():
        insert_people(rng, levels, ids, args.people)
    with phase("benchmark users and grants"), transaction.atomic():
        insert_benchmark_users(levels, ids)
    with phase("verify tree"):
        verify(levels)
    if not args.no_analyze:
        # Planner statistics, and on PostgreSQL the visibility map too: without VACUUM a
        # freshly loaded table gets no index-only scans and the planner picks hash joins
        # over a sequential scan of the people (autovacuum would catch up later).
        statement = "ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE"
        with phase(statement), connection.cursor() as cursor:
            cursor.execute(statement)
    print(f"Done in {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
