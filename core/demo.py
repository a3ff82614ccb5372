"""The demo campaign that ``make run`` loads: a registry of per-app loaders and a runner.

Each app that has something to show has a ``demo`` module (``<app>/demo.py``) exposing
``load(context: DemoContext) -> None``; the runner calls them in INSTALLED_APPS order
(so a loader may rely on those of the apps listed before it), in one
transaction, with one shared :class:`DemoContext`. Loaders are ordinary callers of the
apps' services, so every org, person, grant and item they make has its events, exactly
as if someone had entered it by hand.

A loader module may also expose ``ACCOUNTS``, a list of :class:`DemoAccountSpec`, so that
``manage.py demo_accounts`` can print the log-ins it made.

The demo is deterministic: every random choice comes from ``context.random``, seeded
with 2023, the year of the report it is modelled on (Ankang High-tech Zone, second round
of the theme education campaign). Dates relative to "today" use ``context.today``.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

if TYPE_CHECKING:
    from campaigns.models import Campaign
    from orgs.models import Org, User


def demo_loaders() -> list[str]:
    """The ``<app>.demo`` modules of the installed apps, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        dotted = f"{config.name}.demo"
        if config.name != "core" and find_spec(dotted) is not None:
            found.append(dotted)
    return found


# The code of the demo's root org: its presence means the demo is loaded.
DEMO_ROOT_CODE = "AKGX"
# One fixed password for every demo log-in. This is a demo on a developer's machine;
# every other demo person has an unusable password.
DEMO_PASSWORD = "Demo@2026"
INSTALLER_USERNAME = "installer"
RANDOM_SEED = 2023


def words(text: str) -> tuple[str, ...]:
    """The space-separated words of ``text``: long lists of names stay readable."""
    return tuple(text.split())


# Mobile prefixes of the three mainland carriers (all match ``^1[3-9]\d{9}$``).
MOBILE_PREFIXES = words(
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "166 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 199"
)

# Surnames weighted roughly as they occur in southern Shaanxi (repeats raise the weight).
SURNAMES = (
    "陈陈陈陈王王王王李李李李张张张刘刘刘杨杨杨黄黄吴吴周周罗罗徐徐胡胡何何唐唐郑郑赵"
    "孙马朱郭高林梁谢宋许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭"
    "陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万严覃武戴"
    "向汤柯鲁阮兰庞屈颜艾胥"
)
# Given names by generation: people born in the 1940s–50s, 1960s–80s, and after 1990.
GIVEN_NAMES = {
    "elder": words(
        "建国 建华 国华 国强 德明 德才 明德 永福 永贵 长林 长青 金山 金生 玉兰 秀英 秀兰 桂兰 桂英 凤英 "
        "淑珍 淑芬 春花 春华 文华 志高 学文 宝山 兴旺 福全 家齐 保国 正清 世英 元珍 有才 启明 守信 "
        "树林 爱华 翠兰 素芳 德英 满仓 忠义 开明 如意 新民 振华 友谊 先进"
    ),
    "middle": words(
        "建军 海燕 红梅 志勇 丽娟 小红 晓东 文静 海波 卫东 俊峰 永刚 红霞 立新 晓燕 春燕 军 勇 静 敏 涛 斌 "
        "华 平 伟 强 磊 洁 艳 刚 波 鹏 辉 燕 峰 琳 娜 霞 芳 亮 东升 少华 国庆 向阳 建平 利民 小军 "
        "玉梅 秋菊 雪梅 志刚 明辉 海军 红兵 宏伟 文斌 俊杰 晓明 新华 亚军 建伟 丽华 慧敏 永红 治国 国平"
    ),
    "young": words(
        "子轩 浩然 欣怡 梓涵 宇航 佳怡 思远 一鸣 雨萱 博文 晨阳 诗琪 嘉豪 俊熙 若曦 可欣 天宇 梦瑶 "
        "思雨 家乐 泽宇 紫涵 明轩 晓彤 昊天 雅婷 宇轩 锦程 欣妍 皓轩 子涵 语嫣 浩宇 梓萱 俊宇 佳琪 "
        "文博 思琪 一诺 子墨 雨泽 心怡 奕辰 沐阳 安然 书瑶 嘉懿 星辰"
    ),
}


@dataclass(frozen=True)
class DemoAccountSpec:
    """A demo log-in as ``demo_accounts`` prints it: who, with which role, sees what."""

    username: str
    role: str
    sees_zh: str
    sees_en: str


@dataclass
class DemoAccount:
    """A demo log-in made during this load."""

    username: str
    password: str
    role: str
    org: Org
    person: User


@dataclass
class DemoContext:
    """What the loaders share: the acting installer, what was made so far, the randomness."""

    installer: User
    today: datetime.date = field(default_factory=timezone.localdate)
    random: random.Random = field(default_factory=lambda: random.Random(RANDOM_SEED))
    root: Org | None = None
    orgs: dict[str, Org] = field(default_factory=dict)
    campaign: Campaign | None = None
    accounts: list[DemoAccount] = field(default_factory=list)
    # Notable people by key: demo usernames, and the county-level leaders by real name.
    people: dict[str, User] = field(default_factory=dict)
    # How many of each thing were made, for the summary line ("orgs", "people", …).
    counts: Counter[str] = field(default_factory=Counter)
    _names: set[str] = field(default_factory=set, repr=False)
    _mobiles: set[str] = field(default_factory=set, repr=False)

    def org(self, code: str) -> Org:
        """The demo org with ``code`` (a ``KeyError`` names a loader bug, not user input)."""
        return self.orgs[code]

    def reserve_name(self, name: str) -> str:
        """Mark a real person's name as taken so generated names never repeat it."""
        self._names.add(name)
        return name

    def person_name(self, generation: str = "middle") -> str:
        """A plausible Chinese name, unique within the demo so searches find one person."""
        given = GIVEN_NAMES[generation]
        for _attempt in range(1000):
            name = self.random.choice(SURNAMES) + self.random.choice(given)
            if name not in self._names:
                self._names.add(name)
                return name
        raise RuntimeError("Ran out of demo names; add given names to core.demo.GIVEN_NAMES.")

    def mobile(self) -> str:
        """A unique, valid mainland mobile number."""
        while True:
            number = self.random.choice(MOBILE_PREFIXES) + f"{self.random.randrange(10**8):08d}"
            if number not in self._mobiles:
                self._mobiles.add(number)
                return number

    def add_account(self, *, person: User, org: Org, role: str, password: str = DEMO_PASSWORD) -> None:
        """Note a demo log-in; the person's password was set to ``password`` by the loader."""
        self.accounts.append(
            DemoAccount(username=person.username, password=password, role=role, org=org, person=person)
        )
        self.people[person.username] = person
        self.counts["accounts"] += 1


def demo_is_loaded() -> bool:
    """True once the demo's root org exists."""
    from orgs.models import Org

    return Org.objects.filter(code=DEMO_ROOT_CODE).exists()


def installer_get_or_create() -> User:
    """The acting user for the demo's services: an existing superuser, else ``installer``.

    A created installer has an unusable password: it exists only to sign the events of
    what the loader makes, and nobody logs in as it.
    """
    from core.services import event_record
    from orgs.models import User

    existing = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if existing is not None:
        return existing
    installer = User.objects.create_superuser(
        username=INSTALLER_USERNAME, email="", password=None, real_name="系统安装账号"
    )
    event_record(
        item=installer,
        actor=None,
        action="created",
        comment="Superuser without a password that signs what the installer and the demo loader create.",
        changes={"username": installer.username, "superuser": True},
    )
    return installer


def demo_load() -> DemoContext | None:
    """Load the demo once: all loaders in one transaction, so a failure leaves nothing.

    Returns ``None`` (and changes nothing) when the demo is already loaded. Strings that
    services store (channel names) are made in the site's language, as for a user.
    """
    if demo_is_loaded():
        return None
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        context = DemoContext(installer=installer_get_or_create())
        for dotted in demo_loaders():
            _refresh_planner_statistics()
            import_module(dotted).load(context)
    return context


def _refresh_planner_statistics() -> None:
    """``ANALYZE`` on PostgreSQL between loaders, inside the loading transaction.

    Later loaders (supervision, dashboards, bulletins) count what earlier ones wrote.
    Autovacuum cannot see rows of a transaction that has not committed, so without this
    the planner takes the new tables for empty and nests loops over thousands of rows
    (a bulletin draft: minutes instead of a second). ANALYZE samples the transaction's
    own rows; SQLite's planner does well enough without it.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def demo_account_specs() -> list[DemoAccountSpec]:
    """The demo log-ins every loader declares, in loader order."""
    specs: list[DemoAccountSpec] = []
    for dotted in demo_loaders():
        specs.extend(getattr(import_module(dotted), "ACCOUNTS", ()))
    return specs
