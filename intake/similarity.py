"""Character n-gram similarity: finds earlier submissions saying the same thing, and
proposes an owner org from the text and from how similar items were routed before.

Chinese has no spaces between words, so instead of a segmenter the text is cut into
overlapping character pairs and triples (“小区路灯不亮” → 小区, 区路, 路灯 … 小区路, 区路灯 …);
two texts that share many of them say much the same. The comparison is the Dice
coefficient of the two sets, ``2·|A∩B| / (|A|+|B|)``, from 0 (nothing shared) to 1.
It runs in Python over a bounded candidate set (the latest items of the same street),
so it needs no external service and costs the same however large the table grows.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

# Words residents use and the department (by a fragment of its name) that usually
# answers them; a hint, weighed below what past routing shows.
KEYWORD_OWNERS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("路灯", "道路", "井盖", "下水道", "管网", "供水", "停水", "燃气", "施工", "违建", "拆迁"), "住房和城乡建设"),
    (("学校", "入学", "幼儿园", "学位", "校车", "教师", "课外"), "教育"),
    (("医院", "医保", "卫生", "诊所", "疫苗", "看病", "养老院", "家庭医生"), "卫生健康"),
    (("就业", "社保", "工资", "欠薪", "培训", "养老金", "低保"), "人力资源和社会保障"),
    (("食品", "价格", "市场", "超市", "商户", "假冒", "餐馆"), "市场监督"),
    (("消防", "安全隐患", "火灾", "危房", "地质灾害", "防汛"), "应急管理"),
    (("房产证", "不动产", "产权", "登记"), "不动产登记"),
    (("土地", "规划", "宅基地", "耕地"), "自然资源"),
    (("农田", "农业", "养殖", "灌溉", "种植", "农资"), "农业农村"),
    (("物业", "小区", "停车", "垃圾", "环境卫生", "噪音", "广场舞"), "社区管理"),
    (("企业", "营商", "招商", "项目落地"), "经济发展"),
)
NEIGHBOURS = 10
DUPLICATE_THRESHOLD = 0.35
ROUTING_THRESHOLD = 0.2
_DROP = re.compile(r"[\W_]+", re.UNICODE)


def grams(text: str) -> frozenset[str]:
    """The character pairs and triples of ``text``, punctuation and spaces dropped."""
    clean = _DROP.sub("", unicodedata.normalize("NFKC", text or "").lower())
    if len(clean) < 2:
        return frozenset({clean}) if clean else frozenset()
    pairs = {clean[i : i + 2] for i in range(len(clean) - 1)}
    triples = {clean[i : i + 3] for i in range(len(clean) - 2)}
    return frozenset(pairs | triples)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient of two n-gram sets."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


@dataclass
class Match:
    item: Any
    score: float


def most_similar(text: str, candidates: list[Any], *, text_of: Any, limit: int, threshold: float) -> list[Match]:
    """The candidates most like ``text``, best first, at or above ``threshold``."""
    mine = grams(text)
    scored = [Match(item, similarity(mine, grams(text_of(item)))) for item in candidates]
    scored = [match for match in scored if match.score >= threshold]
    scored.sort(key=lambda match: (-match.score, -getattr(match.item, "pk", 0)))
    return scored[:limit]


@dataclass
class Proposal:
    """The org Taizhang proposes as owner, with the reasons shown beside it."""

    org: Any
    score: float
    reasons: list[str] = field(default_factory=list)


def propose_owner(
    *,
    text: str,
    routed_neighbours: list[Match],
    owner_of: Any,
    departments: list[Any],
    keyword_reason: Any,
    neighbour_reason: Any,
    mention_reason: Any,
) -> list[Proposal]:
    """Owners ranked by evidence: the org a department is named in the text (1 point),
    a keyword its work is known for (0.5 each), and the orgs that similar past items
    went to (their similarity each). ``*_reason`` turn the evidence into words."""
    scores: dict[int, Proposal] = {}

    def add(org: Any, points: float, reason: str) -> None:
        proposal = scores.setdefault(org.pk, Proposal(org=org, score=0.0))
        proposal.score += points
        if reason not in proposal.reasons:
            proposal.reasons.append(reason)

    for org in departments:
        names = {org.name, getattr(org, "short_name", "") or ""} - {""}
        if any(name in text for name in names):
            add(org, 1.0, mention_reason(org))
    for words, fragment in KEYWORD_OWNERS:
        hits = [word for word in words if word in text]
        if not hits:
            continue
        for org in departments:
            if fragment in org.name:
                add(org, 0.5 * len(hits), keyword_reason(hits, org))
    votes: dict[int, list[Match]] = defaultdict(list)
    owners: dict[int, Any] = {}
    for match in routed_neighbours:
        owner = owner_of(match.item)
        if owner is not None:
            votes[owner.pk].append(match)
            owners[owner.pk] = owner
    for pk, matches in votes.items():
        add(owners[pk], sum(match.score for match in matches), neighbour_reason(len(matches), owners[pk]))
    return sorted(scores.values(), key=lambda proposal: (-proposal.score, proposal.org.pk))
