"""Import the ledger (问题清单 with its 整改措施) from the Excel sheets offices keep.

Offices already hold their lists in Excel and WPS, laid out the way the campaign office's
circular showed them: a title row (“XX区主题教育问题整改台账”), a header of one or two
rows (“整改措施” merged over “措施内容 | 责任单位 | 完成时限”), a 序号 column, and one
problem spanning as many rows as it has measures, its own cells merged down over them or
left empty under the first (or its 序号 repeated). ``import_ledger`` reads such a sheet
from .xlsx, .xls, .ods or .csv (UTF-8 or GBK), finds the columns by the names offices
write (``LEDGER_COLUMNS`` and their synonyms), checks every cell and collects every
problem, one per bad cell, naming sheet, row, column and what is wrong. Only when there is
none is anything written, all in one transaction; a dry run checks and counts.

Statuses as offices write them:

* 已销号, 已完成, 已整改, 完成, 已办结 … → closed, outcome *rectified*; 重复问题 → closed as
  a duplicate, 不具备整改条件 → closed as not actionable, 经核实不属实 / 已说明 → closed as
  explained. The problem was closed before it was entered in Taizhang: ``closed_at`` is
  the time of the import and its ``imported`` event says so.
* 整改中, 未完成, 推进中, 持续整改, 长期坚持, an empty cell … → being rectified. So are
  待销号 and 申请销号: closure is asked for in Taizhang, with evidence.

A problem's status is its 整改状态 cell. A measure's is its own cell under 整改措施 (措施状态,
完成情况) where the sheet has one, else the 整改状态 cell of its row, else its problem's.
Without a status of its own a problem is closed when all its measures are; a problem
marked done with a measure still open is refused, since a closed problem never has an open
measure.

Dates: date cells, Excel serial numbers, 2023年10月15日, 2023-10-15, 2023/10/15, 2023.10.15,
20231015; a deadline may also be a month (2023年12月, 2023年12月底: its last day), 长期坚持
(no deadline) or 立行立改 (fixed at once, no deadline). Traditional characters are stored as
simplified.

Why not ``rectification.services.problem_create`` per row: a ledger of 100,000 rows would
take one transaction with a million queries. The importer checks everything in memory
against reference data fetched once (units by code and name, channels, domains, people by
name, the problems already in the campaign), then writes problems, measures and events as
plain rows in batches inside one transaction (ids reserved first; ``executemany`` on
SQLite, ``COPY`` on PostgreSQL: ``bulk_create`` spent ~200 µs an object building and
preparing model instances), and keeps the invariants ``problem_create`` enforces:

* the acting user holds a creating role (``CREATING_ROLES``) over the problem's unit and
  over any other unit given a measure, and every unit lies within the campaign's org;
* the campaign is not concluded; channel and domain belong to it and are in use;
* the day found is not in the future, deadlines are not before it, and the original
  deadline starts equal to the deadline;
* each unit's problem list (``ProblemList``) exists, created as *drafting* when missing;
* every problem gets one ``Event`` (action ``imported``, the file named in its comment);
  measures get none of their own: their problem's event counts them.

Re-importing the same problems is refused: a problem whose unit already has a problem of
the same title in the campaign, or that appears twice in the file, names its cell.

Chinese wording for the translator (zh_Hans catalogue), msgid → msgstr, exactly:

    "This campaign is concluded; nothing can be added to it."   (shared with services)
    "“%(value)s” is not a date; write it as 2023年10月15日, 2023-10-15 or 2023/10/15."
        → "“%(value)s”不是有效日期，请写成2023年10月15日、2023-10-15或2023/10/15"
    "Unknown problem level “%(value)s”; write one of: %(choices)s."
        → "问题类别“%(value)s”无法识别，请填写：%(choices)s"
    "Unknown status “%(value)s”; write one of: %(choices)s."
        → "整改状态“%(value)s”无法识别，请填写：%(choices)s"
    "There is no channel “%(value)s” in this campaign; the channels are: %(choices)s."
        → "本专项工作中没有“%(value)s”这一问题来源，现有来源：%(choices)s"
    "There is no domain “%(value)s” in this campaign; the domains are: %(choices)s."
        → "本专项工作中没有“%(value)s”这一领域，现有领域：%(choices)s"
    "There is no unit “%(value)s”; write the unit's full name or its code."
        → "单位“%(value)s”不存在，请填写单位全称或单位编码"
    "Several units are called “%(value)s” (%(codes)s); write the unit's code instead."
        → "名为“%(value)s”的单位有多个（%(codes)s），请改填单位编码"
    "You may not enter problems for the unit “%(value)s”."
        → "您无权为单位“%(value)s”录入问题"
    "You may not give measures to the unit “%(value)s”."
        → "您无权给单位“%(value)s”分配整改措施"
    "There is nobody called “%(value)s” in the unit “%(org)s”."
        → "单位“%(org)s”中没有名为“%(value)s”的人员"
    "Several people called “%(value)s” work in the unit “%(org)s”; leave the cell empty and choose
     the person on the problem's page."
        → "单位“%(org)s”中有多名“%(value)s”，请将此格留空，导入后在问题页面选择责任人"
    "The unit “%(org)s” already has the problem “%(title)s” in this campaign."
        → "单位“%(org)s”在本专项工作中已有问题“%(title)s”"
    "The problem “%(title)s” of “%(org)s” already appears in row %(row)s."
        → "单位“%(org)s”的问题“%(title)s”已在第%(row)s行出现"
    "The number %(value)s is already used by the problem in row %(row)s."
        → "序号%(value)s已被第%(row)s行的问题使用"
    "The problem is marked done but this measure is not; a problem is closed after all its measures."
        → "问题已标为完成，但此项措施尚未完成；所有措施完成后问题才能销号"
    "There are no problems below the header of sheet “%(sheet)s”."
        → "工作表“%(sheet)s”的表头下没有问题"
    "Imported from “%(file)s”."  → "从“%(file)s”导入"
    "Imported from “%(file)s”; closed before it was entered in Taizhang."
        → "从“%(file)s”导入；录入本系统前已销号"
    "You may not import problems."  → "您无权导入问题"
    "Only a check that found no problems can be imported."  → "只有检查无误的文件才能正式导入"
"""

from __future__ import annotations

import calendar
import datetime
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import audit_import
from campaigns.choices import CampaignStatus
from campaigns.models import Campaign, Channel
from core.errors import DomainError, PermissionDenied
from core.models import Event, ImportJob
from core.scoping import subtree_q
from core.spreadsheets import (
    Column,
    Header,
    ImportProblem,
    ImportResult,
    Sheet,
    Workbook,
    cell_date,
    cell_text,
    cell_yes_no,
    clean_text,
    header_key,
    read_workbook,
    to_simplified,
)
from orgs.models import Org, User
from orgs.permissions import holds_role_over
from rectification import search, tallies
from rectification.choices import ClosureKind, ItemStatus, ListStatus, ProblemLevel
from rectification.models import Domain, Measure, Problem, ProblemList
from rectification.permissions import CREATING_ROLES

Progress = Callable[[int, int], None]

# --- The file format --------------------------------------------------------------------
# Headers are the file's vocabulary and stay Chinese in every interface language; the
# label of each column is what the export writes. The order matters: a column is matched
# to the first header cell that names it, and the measure's own columns come first so
# that “整改措施/责任单位” goes to the measure and a plain “责任单位” to the problem.

LEDGER_COLUMNS: tuple[Column, ...] = (
    Column(
        "measure_org",
        "措施责任单位",
        ("整改措施责任单位", "措施牵头单位", "整改措施牵头单位", "措施落实单位"),
        required=False,
    ),
    Column(
        "measure_deadline",
        "措施时限",
        ("措施完成时限", "整改措施完成时限", "整改措施时限", "措施整改时限", "整改措施整改时限"),
        required=False,
    ),
    Column(
        "measure_status",
        "措施状态",
        ("完成情况", "措施完成情况", "整改措施完成情况", "整改措施措施状态", "措施进展"),
        required=False,
    ),
    Column(
        "measure_title",
        "整改措施",
        ("措施", "措施内容", "整改措施内容", "具体措施", "整改措施措施内容", "主要措施"),
        required=False,
    ),
    Column("number", "序号", ("编号", "no", "no."), required=False),
    Column("title", "问题", ("问题描述", "存在问题", "问题内容", "具体问题", "查摆问题", "问题清单", "问题表现")),
    Column("level", "问题类别", ("层级", "问题层级", "类别", "问题类型", "问题分类")),
    Column("channel", "问题来源", ("来源", "渠道", "收集渠道", "意见收集渠道"), required=False),
    Column("domain", "所属领域", ("领域", "问题领域"), required=False),
    Column("org", "责任单位", ("整改责任单位", "牵头单位", "责任主体", "单位", "责任单位名称")),
    Column("owner", "责任人", ("整改责任人", "具体责任人", "责任领导"), required=False),
    Column("found_date", "发现时间", ("发现日期", "查摆时间", "提出时间", "反映时间"), required=False),
    Column("deadline", "整改时限", ("完成时限", "整改期限", "时限", "完成时间", "整改完成时限"), required=False),
    Column("immediate", "立行立改", ("是否立行立改",), required=False),
    Column("status", "整改状态", ("状态", "整改情况", "整改进度"), required=False),
    Column("note", "备注", ("说明",), required=False),
)

# Words offices write for each level; the first is what the export writes.
LEVEL_WORDS: dict[str, tuple[str, ...]] = {
    ProblemLevel.LEADERSHIP: ("县级领导班子", "领导班子", "县级领导", "班子", "领导班子问题"),
    ProblemLevel.GRASSROOTS: ("基层党组织", "基层", "党组织", "基层党组织问题"),
    ProblemLevel.DEPARTMENT: ("部门", "部门单位", "部门（单位）", "单位", "部门问题"),
}

OPEN = "open"
# Words for how an item stands, each to OPEN or a closure outcome; the first of each is
# what the export writes (see ``status_word``).
STATE_WORDS: dict[str, tuple[str, ...]] = {
    OPEN: (
        "整改中",
        "未完成",
        "推进中",
        "正在整改",
        "进行中",
        "持续整改",
        "长期坚持",
        "未整改",
        "待整改",
        "待销号",
        "申请销号",
        "已申请销号",
    ),
    ClosureKind.RECTIFIED: ("已销号", "已完成", "已整改", "完成", "已办结", "办结", "整改完成", "已整改到位", "销号"),
    ClosureKind.DUPLICATE: ("重复问题", "重复", "已合并"),
    ClosureKind.NOT_ACTIONABLE: ("不具备整改条件", "暂不具备整改条件", "无法整改"),
    ClosureKind.EXPLAINED: ("经核实不属实", "不属实", "已说明", "情况说明"),
}
NO_DEADLINE_WORDS = frozenset({"长期坚持", "长期", "持续推进", "持续整改", "长期整改"})
IMMEDIATE_WORDS = frozenset({"立行立改", "立即整改", "即知即改"})

TITLE_LIMIT = 300
TEXT_LIMIT = 100
# Rows written per COPY (PostgreSQL) or executemany (SQLite). PostgreSQL's roll-up
# triggers run once per statement, so larger batches share their grouped upserts: 100,000
# rows took 32.6 s with batches of 1,000 and 22 s with 10,000 (bench; 16.5 s without
# the triggers at all). Progress is reported after each batch.
BATCH = 10_000
CHUNK = 900  # lookups by name or code: SQLite limits the variables of one statement
PROGRESS_EVERY = 1000
IMPORTED = "imported"
HEADER_SCAN_ROWS = 20

_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*(底|末|前)?$")
_SERIAL_TEXT = re.compile(r"^\d{5}(\.0+)?$")


# --- Text and values ---------------------------------------------------------------------


@cache
def _traditional_characters() -> frozenset[str]:
    """Characters OpenCC turns into another character: text without any of them is left
    alone, which spares the (pure Python, ~60 µs a cell) conversion for nearly every cell."""
    import opencc

    path = os.path.join(os.path.dirname(opencc.__file__), "dictionary", "TSCharacters.txt")
    found = set()
    try:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                key, _tab, values = line.rstrip("\n").partition("\t")
                if key and key != values.split(" ")[0]:
                    found.add(key)
    except OSError:
        return frozenset()
    return frozenset(found)


def simplified(text: str) -> str:
    """``text`` with traditional characters turned simplified, converting only text that
    has any (or always, if the dictionary cannot be read)."""
    if text.isascii():
        return text
    traditional = _traditional_characters()
    if traditional and traditional.isdisjoint(text):
        return text
    return to_simplified(text)


def _text(value: Any) -> str:
    if value.__class__ is str:  # most cells: spare cell_text's checks of other types
        return simplified(clean_text(value)) if value else ""
    if value is None:
        return ""
    return simplified(cell_text(value, simplify=False))


# The few distinct words of the level, status, channel and domain cells, each reduced once
# (header_key runs OpenCC on every text: tens of microseconds, for each row).
_word_key = lru_cache(maxsize=4096)(header_key)
# Likewise the answers in 立行立改 (typed: 1 and True stay apart).
_yes_no = lru_cache(maxsize=1024, typed=True)(cell_yes_no)


def _word_table(words: dict[str, tuple[str, ...]], choices: Any = None) -> dict[str, str]:
    """header_key(word) → value, with the choices' own values and labels (in English and
    Chinese) besides the office words."""
    table: dict[str, str] = {}
    for value, names in words.items():
        for name in names:
            table.setdefault(header_key(name), value)
    if choices is not None:
        for value, label in choices.choices:
            table.setdefault(header_key(value), value)
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    table.setdefault(header_key(str(label)), value)
    return table


def level_word(value: str) -> str:
    """The word exports write for the problem level ``value``."""
    return LEVEL_WORDS[value][0]


def status_word(status: str, closure_kind: str = "") -> str:
    """The word exports write for an item's status and outcome: 整改中, 待销号 (closure
    asked for), 已销号, or the word of another outcome (重复问题 …)."""
    if status == ItemStatus.CLOSED:
        return STATE_WORDS.get(closure_kind or ClosureKind.RECTIFIED, STATE_WORDS[ClosureKind.RECTIFIED])[0]
    if status == ItemStatus.CLOSURE_REQUESTED:
        return "待销号"
    return STATE_WORDS[OPEN][0]


def date_word(value: datetime.date | None) -> str:
    """A date as offices write it: 2023年10月15日."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _month_end(year: int, month: int) -> datetime.date | None:
    if not 1 <= month <= 12:
        return None
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def parse_date(value: Any, *, month_allowed: bool = False) -> datetime.date | None:
    """A date cell, an Excel serial (also typed into a CSV), or a date as text; with
    ``month_allowed`` also a month (its last day). ``None`` if none of these."""
    found = cell_date(value)
    if found is not None:
        return found
    text = cell_text(value, simplify=False)
    if _SERIAL_TEXT.match(text):
        return cell_date(float(text))
    if month_allowed:
        match = _MONTH.match(text)
        if match:
            return _month_end(int(match[1]), int(match[2]))
    return None


# --- Finding the header ------------------------------------------------------------------


def _match_columns(
    sheet: Sheet, row: int, header_rows: int, columns: Sequence[Column]
) -> tuple[dict[str, int], dict[str, str]]:
    """Columns matched on header row ``row`` (and the row below with ``header_rows`` 2).

    A cell under a group title (“整改措施” above “责任单位”) matches first on its own text
    and on the two joined; the group title alone is tried only for columns left over. In
    a CSV the group title stands over its first column only and is carried to the right
    over the cells below it that have text under an empty top.
    """
    width = max((len(sheet.rows[r]) for r in range(row, min(row + header_rows, len(sheet.rows)))), default=0)
    specific: list[set[str]] = []
    group: list[set[str]] = []
    titles: list[str] = []
    carried = ""
    for column in range(width):
        top = _text(sheet.value(row, column))
        bottom = _text(sheet.value(row + 1, column)) if header_rows == 2 else ""
        if header_rows == 2 and not top and bottom and carried:
            top = carried
        elif header_rows == 2 and top and bottom and bottom != top:
            carried = top
        else:
            carried = ""
        if bottom and bottom != top:
            keys = {header_key(bottom), header_key(top + bottom)} if top else {header_key(bottom)}
            specific.append(keys - {""})
            group.append({header_key(top)} - {""} if top else set())
            titles.append(f"{top}/{bottom}" if top else bottom)
        else:
            specific.append({header_key(top)} - {""})
            group.append(set())
            titles.append(top)
    indexes: dict[str, int] = {}
    names: dict[str, str] = {}
    for candidates in (specific, group):
        for wanted in columns:
            if wanted.key in indexes:
                continue
            keys = wanted.keys
            for index, found in enumerate(candidates):
                if found & keys and index not in indexes.values():
                    indexes[wanted.key] = index
                    names[wanted.key] = titles[index]
                    break
    return indexes, names


def _vertical_merge_at(sheet: Sheet, row: int) -> bool:
    return any(first[0] == row and last[0] >= row + 1 for first, last in sheet.merged)


def find_ledger_header(workbook: Workbook, columns: Sequence[Column] = LEDGER_COLUMNS) -> Header:
    """The ledger's header: in the first sheet that has every required column, below any
    title rows, of one row or two. The returned header reads a copy of the sheet where
    merged cells are filled (its ``merged`` still lists the areas).

    A header has two rows when the second adds columns (“整改措施” over “措施内容 |
    责任单位”), when a header cell is merged down over both, or when the cell under the
    problem's header is empty or repeats it: a first problem never does.
    """
    if not workbook.sheets:
        raise DomainError(_("The file “%(name)s” has no data.") % {"name": workbook.filename}, field="file")
    required = [column.key for column in columns if column.required]
    best: tuple[tuple[int, int], Sheet, int, int, dict[str, int], dict[str, str]] | None = None
    for raw in workbook.sheets:
        sheet = raw.with_merged_filled()
        for row in range(min(len(sheet.rows), HEADER_SCAN_ROWS)):
            if sheet.is_empty_row(row):
                continue
            one, one_titles = _match_columns(sheet, row, 1, columns)
            if not one:
                continue
            two, two_titles = _match_columns(sheet, row, 2, columns)
            below_title = _text(sheet.value(row + 1, one["title"])) if "title" in one else None
            above_title = _text(sheet.value(row, one["title"])) if "title" in one else None
            below_number = _text(sheet.value(row + 1, one["number"])) if "number" in one else ""
            two_rows = row + 1 < len(sheet.rows) and (
                len(two) > len(one)
                or _vertical_merge_at(raw, row)
                or (below_title in ("", above_title) and not below_number.isdigit())
            )
            indexes, titles = (two, two_titles) if two_rows else (one, one_titles)
            score = (sum(1 for key in required if key in indexes), len(indexes))
            if best is None or score > best[0]:
                best = (score, sheet, row, 2 if two_rows else 1, indexes, titles)
            if score[0] == len(required):
                break
        if best is not None and best[0][0] == len(required):
            break
    if best is None:
        sheet = workbook.sheets[0]
        best = ((0, 0), sheet, 0, 1, {}, {})
    _score, sheet, row, header_rows, indexes, titles = best
    return Header(
        sheet=sheet,
        row=row,
        first_data_row=row + header_rows,
        indexes=indexes,
        titles=titles,
        missing=tuple(column for column in columns if column.required and column.key not in indexes),
    )


# --- Rows --------------------------------------------------------------------------------


@dataclass
class _MeasureRow:
    row: int
    title: str
    org_text: str
    deadline: datetime.date | None
    state: str | None  # OPEN, a closure kind, or None: as its problem
    org: Org | None = None


@dataclass
class _ProblemRow:
    row: int
    number: str
    title: str
    description: str
    level: str | None
    channel_text: str
    domain_text: str
    org_text: str
    owner_text: str
    found_date: datetime.date | None
    deadline: datetime.date | None
    immediate: bool
    state: str | None
    measures: list[_MeasureRow] = field(default_factory=list)
    org: Org | None = None
    channel: Channel | None = None
    domain: Domain | None = None
    owner_id: int | None = None
    status: str = ItemStatus.RECTIFYING
    closure_kind: str = ""

    @property
    def rows(self) -> int:
        return max(1, len(self.measures))


@dataclass
class LedgerImportResult(ImportResult):
    """What a ledger import did or would do: ``created`` problems with ``measures``
    measures, ``closed`` of them closed before Taizhang, ``lists_created`` problem lists
    of units that had none, and per unit (``by_unit``) how many problems and measures."""

    measures: int = 0
    closed: int = 0
    lists_created: int = 0
    by_unit: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self, *, limit: int = 1000) -> dict[str, Any]:
        """The result as an import job keeps it: counts and at most ``limit`` problems."""
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "problems": self.created,
            "measures": self.measures,
            "closed": self.closed,
            "lists_created": self.lists_created,
            "by_unit": self.by_unit,
            "error_count": len(self.errors),
            "errors": [problem.as_dict() for problem in self.errors[:limit]],
        }


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_ledger(
    *,
    data: bytes,
    filename: str,
    campaign: Campaign,
    acting_user: Any,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> LedgerImportResult:
    """Import the problems and measures of the file ``filename`` (bytes ``data``) into
    ``campaign`` for ``acting_user``; see the module's docstring for the format and rules.

    Returns what was (or with ``dry_run`` would be) created, or every problem found, in
    which case nothing was written. ``progress(done, total)`` is called every
    ``PROGRESS_EVERY`` rows: a real run counts each row twice, once checked, once written.
    """
    result = LedgerImportResult(dry_run=dry_run)
    if campaign.status == CampaignStatus.CLOSED:
        result.errors.append(ImportProblem(None, _("This campaign is concluded; nothing can be added to it.")))
        return result
    try:
        header = find_ledger_header(read_workbook(data=data, filename=filename))
    except DomainError as error:
        result.errors.append(ImportProblem(None, error.message))
        return result
    if header.missing:
        result.errors.extend(header.missing_problems())
        return result
    run = _LedgerImport(
        header=header,
        campaign=campaign,
        acting_user=acting_user,
        filename=filename,
        progress=progress,
        dry_run=dry_run,
    )
    # Reading and checking happen outside the transaction: SQLite's write lock is held
    # only while writing.
    problems = run.read_rows()
    if not problems and not run.problems:
        sheet = header.sheet.name
        run.problems.append(
            ImportProblem(
                header.sheet.location(header.row),
                _("There are no problems below the header of sheet “%(sheet)s”.") % {"sheet": sheet},
            )
        )
    run.resolve(problems)
    if run.problems:
        result.errors = run.problems
        return result
    run.count(problems, result)
    if dry_run:
        run.report(run.total, run.total)
        return result
    try:
        with transaction.atomic():
            result.lists_created = run.write(problems)
            audit_import(
                acting_user, what="rectification.ledger", rows=result.created, filename=filename, target=campaign
            )
    except IntegrityError:
        message = _(
            "Someone else changed the same data while the file was being imported; nothing was imported. Try again."
        )
        return LedgerImportResult(dry_run=dry_run, errors=[ImportProblem(None, message)])
    return result


class _LedgerImport:
    def __init__(
        self,
        *,
        header: Header,
        campaign: Campaign,
        acting_user: Any,
        filename: str,
        progress: Progress | None,
        dry_run: bool,
    ) -> None:
        self.header = header
        self.campaign = campaign
        self.acting_user = acting_user
        self.filename = PurePath(filename).name
        self.progress = progress
        self.problems: list[ImportProblem] = []
        self.levels = _word_table(LEVEL_WORDS, ProblemLevel)
        self.states = _word_table(STATE_WORDS)
        for value, label in ItemStatus.choices:
            state = OPEN if value != ItemStatus.CLOSED else ClosureKind.RECTIFIED
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    self.states.setdefault(header_key(str(label)), state)
        self.rows = header.sheet.rows
        self.today = timezone.localdate()
        data_rows = len(header.sheet.rows) - header.first_data_row
        self.total = max(0, data_rows) * (1 if dry_run else 2)
        self.done = 0

    # -- messages

    def add(self, row: int, key: str | None, message: str) -> None:
        self.problems.append(ImportProblem(location=self.header.location(row, key), message=message))

    def title_of(self, key: str) -> str:
        return self.header.titles.get(key, key)

    def report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def tick(self, rows: int = 1) -> None:
        before = self.done
        self.done += rows
        if self.done // PROGRESS_EVERY != before // PROGRESS_EVERY:
            self.report(self.done, self.total)

    # -- reading

    def text(self, row: int, key: str) -> str:
        """The cell of column ``key`` in ``row`` as text, simplified ("" without the column)."""
        index = self.header.indexes.get(key)
        if index is None:
            return ""
        cells = self.rows[row]
        return _text(cells[index]) if index < len(cells) else ""

    def limited(self, row: int, key: str, limit: int = TEXT_LIMIT) -> str:
        value = self.text(row, key)
        if len(value) > limit:
            self.add(
                row,
                key,
                _("%(header)s is longer than %(limit)s characters.") % {"header": self.title_of(key), "limit": limit},
            )
        return value

    def date(self, row: int, key: str, *, month_allowed: bool = False) -> datetime.date | None:
        raw = self.header.value(row, key) if key in self.header.indexes else ""
        if cell_text(raw, simplify=False) == "":
            return None
        found = parse_date(raw, month_allowed=month_allowed)
        if found is None:
            self.add(
                row,
                key,
                _("“%(value)s” is not a date; write it as 2023年10月15日, 2023-10-15 or 2023/10/15.")
                % {"value": cell_text(raw, simplify=False)},
            )
        return found

    def state(self, row: int, key: str) -> str | None:
        word = self.text(row, key)
        if not word:
            return None
        state = self.states.get(_word_key(word))
        if state is None:
            choices = "、".join(words[0] for words in STATE_WORDS.values())
            self.add(
                row,
                key,
                _("Unknown status “%(value)s”; write one of: %(choices)s.") % {"value": word, "choices": choices},
            )
        return state

    def continuation_rows(self) -> frozenset[int]:
        """Rows whose 问题 (or 序号) cell lies in a merged area begun on an earlier row."""
        columns = {self.header.indexes[key] for key in ("title", "number") if key in self.header.indexes}
        found: set[int] = set()
        start = self.header.first_data_row
        for (first_row, first_column), (last_row, last_column) in self.header.sheet.merged:
            if last_row > first_row and first_row >= start and any(first_column <= c <= last_column for c in columns):
                found.update(range(first_row + 1, last_row + 1))
        return frozenset(found)

    def note_rows(self) -> frozenset[int]:
        """Rows of a note merged across the table (填表说明 below the data): the same text
        fills the problem's title, level and unit cells."""
        keys = [key for key in ("title", "level", "org") if key in self.header.indexes]
        columns = [self.header.indexes[key] for key in keys]
        found: set[int] = set()
        start = self.header.first_data_row
        for (first_row, first_column), (last_row, last_column) in self.header.sheet.merged:
            if first_row >= start and all(first_column <= c <= last_column for c in columns):
                found.update(range(first_row, last_row + 1))
        return frozenset(found)

    def read_rows(self) -> list[_ProblemRow]:
        header = self.header
        continuation = self.continuation_rows()
        notes = self.note_rows()
        problems: list[_ProblemRow] = []
        current: _ProblemRow | None = None
        for row in header.data_rows():
            self.tick()
            if row in notes:
                continue
            number = self.text(row, "number")
            title = self.text(row, "title")
            follows = False
            if current is not None:
                if row in continuation:
                    follows = True
                elif number and number == current.number:
                    if title and title != current.title and not current.title.startswith(title[: TITLE_LIMIT - 1]):
                        self.add(
                            row,
                            "number",
                            _("The number %(value)s is already used by the problem in row %(row)s.")
                            % {"value": number, "row": current.row + 1},
                        )
                        continue
                    follows = True
                elif not number and (not title or (title, self.text(row, "org")) == (current.title, current.org_text)):
                    # An empty 问题 under a filled one, or the same problem written again.
                    follows = True
            if not follows:
                current = self.read_problem(row, number, title)
                problems.append(current)
            assert current is not None
            self.read_measure(row, current)
        self.settle_states(problems)
        return problems

    def read_problem(self, row: int, number: str, title: str) -> _ProblemRow:
        description_parts = []
        if not title:
            self.add(row, "title", _("%(header)s must not be empty.") % {"header": self.title_of("title")})
        elif len(title) > TITLE_LIMIT:
            description_parts.append(title)
            title = title[: TITLE_LIMIT - 1] + "…"
        note = self.text(row, "note")
        if note:
            description_parts.append(note)
        level_text = self.text(row, "level")
        level: str | None = None
        if not level_text:
            self.add(row, "level", _("%(header)s must not be empty.") % {"header": self.title_of("level")})
        else:
            level = self.levels.get(_word_key(level_text))
            if level is None:
                choices = "、".join(words[0] for words in LEVEL_WORDS.values())
                self.add(
                    row,
                    "level",
                    _("Unknown problem level “%(value)s”; write one of: %(choices)s.")
                    % {"value": level_text, "choices": choices},
                )
        org_text = self.limited(row, "org")
        if not org_text:
            self.add(row, "org", _("%(header)s must not be empty.") % {"header": self.title_of("org")})
        immediate = False
        deadline: datetime.date | None = None
        deadline_text = self.text(row, "deadline")
        if deadline_text in IMMEDIATE_WORDS:
            immediate = True
        elif deadline_text not in NO_DEADLINE_WORDS:
            deadline = self.date(row, "deadline", month_allowed=True)
        immediate_raw = self.header.value(row, "immediate") if self.header.has("immediate") else ""
        if cell_text(immediate_raw, simplify=False):
            answer = _yes_no(immediate_raw)
            if answer is None:
                self.add(
                    row,
                    "immediate",
                    _("“%(value)s” is not a yes or no; write Yes or No.") % {"value": self.text(row, "immediate")},
                )
            else:
                immediate = answer or immediate
        found_date = self.date(row, "found_date")
        if found_date is not None and found_date > self.today:
            self.add(row, "found_date", _("The day the problem was found cannot be in the future."))
            found_date = None  # one problem per cell: the deadline is not measured against it
        if deadline is not None and found_date is not None and deadline < found_date:
            self.add(row, "deadline", _("The deadline cannot be before the day the problem was found."))
        return _ProblemRow(
            row=row,
            number=number,
            title=title,
            description="\n\n".join(description_parts),
            level=level,
            channel_text=self.limited(row, "channel"),
            domain_text=self.limited(row, "domain"),
            org_text=org_text,
            owner_text=self.limited(row, "owner", 50),
            found_date=found_date,
            deadline=deadline,
            immediate=immediate,
            state=self.state(row, "status"),
        )

    def read_measure(self, row: int, problem: _ProblemRow) -> None:
        title = self.text(row, "measure_title")
        state = self.state(row, "measure_status") if self.header.has("measure_status") else None
        if (
            state is None
            and row != problem.row
            and self.header.has("status")
            and self.text(row, "status") != self.text(problem.row, "status")
        ):
            # Its own status, not the problem's merged down over it (named once, on the first row).
            state = self.state(row, "status")
        if not title:
            if state is not None and row != problem.row:
                # A row with a status but no measure still speaks for the problem.
                problem.measures.append(_MeasureRow(row=row, title="", org_text="", deadline=None, state=state))
            return
        if len(title) > TITLE_LIMIT:
            self.add(
                row,
                "measure_title",
                _("%(header)s is longer than %(limit)s characters.")
                % {"header": self.title_of("measure_title"), "limit": TITLE_LIMIT},
            )
        deadline = self.date(row, "measure_deadline", month_allowed=True)
        if deadline is not None and problem.found_date is not None and deadline < problem.found_date:
            self.add(row, "measure_deadline", _("The deadline cannot be before the day the problem was found."))
        problem.measures.append(
            _MeasureRow(
                row=row,
                title=title,
                org_text=self.limited(row, "measure_org"),
                deadline=deadline if deadline is not None else problem.deadline,
                state=state,
            )
        )

    def settle_states(self, problems: Iterable[_ProblemRow]) -> None:
        """Statuses by the rule in the module's docstring; refuse a closed problem with an
        open measure where the sheet says so explicitly."""
        own_measure_status = self.header.has("measure_status")
        for problem in problems:
            for measure in problem.measures:
                if measure.state is None:
                    measure.state = problem.state or OPEN
            states = [measure.state for measure in problem.measures]
            if own_measure_status and problem.state is not None:
                state = problem.state
                if state != OPEN:
                    for measure in problem.measures:
                        if measure.state == OPEN and measure.title:
                            self.add(
                                measure.row,
                                "measure_status",
                                _(
                                    "The problem is marked done but this measure is not; "
                                    "a problem is closed after all its measures."
                                ),
                            )
            elif states:
                if all(s != OPEN for s in states):
                    state = problem.state if problem.state not in (None, OPEN) else states[0]
                else:
                    state = OPEN
            else:
                state = problem.state or OPEN
            problem.measures = [measure for measure in problem.measures if measure.title]
            if state == OPEN:
                problem.status, problem.closure_kind = ItemStatus.RECTIFYING, ""
            else:
                problem.status, problem.closure_kind = ItemStatus.CLOSED, str(state)

    # -- checking against the database

    def resolve(self, problems: list[_ProblemRow]) -> None:
        campaign = self.campaign
        orgs = self.find_orgs({p.org_text for p in problems} | {m.org_text for p in problems for m in p.measures})
        channels, channel_names = self.named(Channel.objects.filter(campaign=campaign), codes=True)
        domains, domain_names = self.named(Domain.objects.filter(campaign=campaign))
        allowed: dict[tuple[int, str], bool] = {}

        def org_for(row: int, key: str, text: str, *, measure: bool) -> Org | None:
            found = orgs.get(text)
            if isinstance(found, str):
                self.add(row, key, found)
                return None
            if found is None:
                return None
            if not found.path.startswith(campaign.org.path):
                self.add(
                    row,
                    key,
                    _("“%(org)s” is not among the units of the campaign “%(campaign)s”.")
                    % {"org": found.name, "campaign": campaign.name},
                )
                return None
            right = (found.pk, "measure" if measure else "problem")
            if right not in allowed:
                allowed[right] = holds_role_over(self.acting_user, found, CREATING_ROLES)
            if not allowed[right]:
                if measure:
                    message = _("You may not give measures to the unit “%(value)s”.")
                else:
                    message = _("You may not enter problems for the unit “%(value)s”.")
                self.add(row, key, message % {"value": found.name})
                return None
            return found

        for problem in problems:
            if problem.org_text:
                problem.org = org_for(problem.row, "org", problem.org_text, measure=False)
            problem.channel = self.pick(problem.row, "channel", problem.channel_text, channels, channel_names)
            problem.domain = self.pick(problem.row, "domain", problem.domain_text, domains, domain_names)
            for measure in problem.measures:
                if measure.org_text and measure.org_text != problem.org_text:
                    measure.org = org_for(measure.row, "measure_org", measure.org_text, measure=True)
                else:
                    measure.org = problem.org
        self.resolve_owners(problems)
        self.check_duplicates(problems)

    def find_orgs(self, texts: set[str]) -> dict[str, Org | str]:
        """Each unit text of the file → the unit (by code, else by full name, preferring
        the campaign's units), or the message saying why not."""
        texts = {text for text in texts if text}
        fields = ("pk", "code", "name", "path", "depth")
        by_code: dict[str, Org] = {}
        by_name: dict[str, list[Org]] = {}
        ordered = sorted(texts)
        for chunk in _chunks(ordered):
            for org in Org.objects.filter(code__in=chunk).only(*fields):
                by_code[org.code] = org
        for chunk in _chunks([text for text in ordered if text not in by_code]):
            for org in Org.objects.filter(name__in=chunk).only(*fields).order_by("path"):
                by_name.setdefault(org.name, []).append(org)
        found: dict[str, Org | str] = {}
        inside = self.campaign.org.path
        for text in texts:
            if text in by_code:
                found[text] = by_code[text]
                continue
            candidates = by_name.get(text, [])
            if len(candidates) > 1:
                candidates = [org for org in candidates if org.path.startswith(inside)] or candidates
            if not candidates:
                found[text] = _("There is no unit “%(value)s”; write the unit's full name or its code.") % {
                    "value": text
                }
            elif len(candidates) > 1:
                found[text] = _("Several units are called “%(value)s” (%(codes)s); write the unit's code instead.") % {
                    "value": text,
                    "codes": "、".join(org.code for org in candidates[:5]),
                }
            else:
                found[text] = candidates[0]
        return found

    @staticmethod
    def named(queryset: Any, *, codes: bool = False) -> tuple[dict[str, Any], list[str]]:
        table: dict[str, Any] = {}
        names = []
        for item in queryset:
            table[header_key(simplified(item.name))] = item
            if codes:
                table.setdefault(header_key(item.code), item)
            if item.is_active:
                names.append(item.name)
        return table, names

    def pick(self, row: int, key: str, text: str, table: dict[str, Any], names: list[str]) -> Any:
        if not text:
            return None
        item = table.get(_word_key(text))
        if item is not None and item.is_active:
            return item
        if key == "channel":
            message = _("There is no channel “%(value)s” in this campaign; the channels are: %(choices)s.")
        else:
            message = _("There is no domain “%(value)s” in this campaign; the domains are: %(choices)s.")
        self.add(row, key, message % {"value": text, "choices": "、".join(names) or "—"})
        return None

    def resolve_owners(self, problems: list[_ProblemRow]) -> None:
        """Owners by real name among the active people of the problem's unit, else of its
        subtree; a name that is not there, or there twice, names its cell."""
        wanted = [p for p in problems if p.owner_text and p.org is not None]
        if not wanted:
            return
        names = sorted({p.owner_text for p in wanted})
        campaign_scope = subtree_q([self.campaign.org.path], field="home_org__path")
        people: dict[str, list[tuple[int, int, str]]] = {}
        for chunk in _chunks(names):
            rows = (
                User.objects.filter(campaign_scope, real_name__in=chunk, is_active=True)
                .values_list("pk", "real_name", "home_org_id", "home_org__path")
                .order_by("pk")
            )
            for pk, real_name, home_org_id, home_org_path in rows:
                people.setdefault(real_name, []).append((pk, home_org_id, home_org_path))
        for problem in wanted:
            org = problem.org
            assert org is not None
            candidates = people.get(problem.owner_text, [])
            here = [pk for pk, home, _path in candidates if home == org.pk]
            if not here:
                here = [pk for pk, _home, path in candidates if path.startswith(org.path)]
            if len(here) == 1:
                problem.owner_id = here[0]
                continue
            values = {"value": problem.owner_text, "org": org.name}
            if not here:
                message = _("There is nobody called “%(value)s” in the unit “%(org)s”.") % values
            else:
                message = (
                    _(
                        "Several people called “%(value)s” work in the unit “%(org)s”; "
                        "leave the cell empty and choose the person on the problem's page."
                    )
                    % values
                )
            self.add(problem.row, "owner", message)

    def check_duplicates(self, problems: list[_ProblemRow]) -> None:
        """The same problem twice in the file, or again after an earlier import."""
        org_ids = sorted({p.org.pk for p in problems if p.org is not None})
        existing: set[tuple[int, str]] = set()
        for chunk in _chunks(org_ids):
            existing.update(
                Problem.objects.filter(campaign=self.campaign, org_id__in=chunk).values_list("org_id", "title")
            )
        seen: dict[tuple[int, str], int] = {}
        for problem in problems:
            if problem.org is None or not problem.title:
                continue
            key = (problem.org.pk, problem.title)
            values = {"org": problem.org.name, "title": problem.title}
            if key in existing:
                self.add(
                    problem.row,
                    "title",
                    _("The unit “%(org)s” already has the problem “%(title)s” in this campaign.") % values,
                )
            elif key in seen:
                self.add(
                    problem.row,
                    "title",
                    _("The problem “%(title)s” of “%(org)s” already appears in row %(row)s.")
                    % {**values, "row": seen[key] + 1},
                )
            else:
                seen[key] = problem.row

    # -- counting and writing

    def default_found_date(self, problem: _ProblemRow) -> datetime.date:
        """An empty 发现时间: the campaign's start (today if it starts later), or the
        earliest deadline of the problem if that comes before."""
        dates = [min(self.campaign.start_date, self.today)]
        dates += [d for d in (problem.deadline, *(m.deadline for m in problem.measures)) if d is not None]
        return min(dates)

    def count(self, problems: list[_ProblemRow], result: LedgerImportResult) -> None:
        result.created = len(problems)
        result.measures = sum(len(p.measures) for p in problems)
        result.closed = sum(1 for p in problems if p.status == ItemStatus.CLOSED)
        per_unit: Counter[int] = Counter()
        measures_per_unit: Counter[int] = Counter()
        units: dict[int, Org] = {}
        for problem in problems:
            assert problem.org is not None
            units[problem.org.pk] = problem.org
            per_unit[problem.org.pk] += 1
            measures_per_unit[problem.org.pk] += len(problem.measures)
        result.by_unit = [
            {"org": units[pk].name, "code": units[pk].code, "problems": per_unit[pk], "measures": measures_per_unit[pk]}
            for pk in sorted(units, key=lambda pk: units[pk].path)
        ]
        result.lists_created = len(set(units) - self.units_with_lists(sorted(units)))

    def units_with_lists(self, org_ids: Sequence[int]) -> set[int]:
        having: set[int] = set()
        for chunk in _chunks(org_ids):
            having.update(
                ProblemList.objects.filter(campaign=self.campaign, org_id__in=chunk).values_list("org_id", flat=True)
            )
        return having

    def write(self, problems: list[_ProblemRow]) -> int:
        """Everything in the caller's transaction; returns the lists created.

        Problems, measures and events go in as plain rows (``_Rows``): ids for the
        problems are reserved first, so measures and events can name them without reading
        anything back, and no model instance is built. The rows hold what ``bulk_create``
        of the same instances would write; a field of these models this code does not
        name stops the import (``_Rows``).
        """
        campaign = self.campaign
        actor = self.acting_user if isinstance(self.acting_user, User) and self.acting_user.pk else None
        actor_id = actor.pk if actor is not None else None
        now = timezone.now()
        org_ids = sorted({p.org.pk for p in problems if p.org is not None})
        having = self.units_with_lists(org_ids)
        new_lists = [
            ProblemList(campaign=campaign, org_id=pk, status=ListStatus.DRAFTING) for pk in org_ids if pk not in having
        ]
        ProblemList.objects.bulk_create(new_lists, batch_size=BATCH, ignore_conflicts=True)
        problem_type = ContentType.objects.get_for_model(Problem)
        comment_open = _("Imported from “%(file)s”.") % {"file": self.filename}
        comment_closed = _("Imported from “%(file)s”; closed before it was entered in Taizhang.") % {
            "file": self.filename
        }
        connection = connections[Problem.objects.db]
        date = connection.ops.adapt_datefield_value
        problem_rows = _Rows(
            Problem,
            connection,
            (
                "id",
                "org_id",
                "title",
                "level",
                "owner_id",
                "deadline",
                "original_deadline",
                "channel_id",
                "domain_id",
                "description",
                "found_date",
                "immediate",
                "status",
                "closure_kind",
                "closed_at",
                "org_path",
            ),
            campaign_id=campaign.pk,
            created_by_id=actor_id,
            created_at=now,
            updated_at=DEFAULT,
            special_rectification_id=DEFAULT,
        )
        measure_rows = _Rows(
            Measure,
            connection,
            (
                "problem_id",
                "org_id",
                "title",
                "deadline",
                "original_deadline",
                "status",
                "closure_kind",
                "closed_at",
                "org_path",
            ),
            campaign_id=campaign.pk,
            created_by_id=actor_id,
            created_at=now,
            updated_at=DEFAULT,
            owner_id=DEFAULT,
        )
        event_rows = _Rows(
            Event,
            connection,
            ("object_id", "org_id", "to_status", "comment", "changes"),
            content_type_id=problem_type.pk,
            actor_id=actor_id,
            action=IMPORTED,
            created_at=now,
            from_status=DEFAULT,
        )
        when_closed = problem_rows.value("closed_at", now)
        changes = Event._meta.get_field("changes")
        ids = problem_rows.reserve_ids(len(problems))
        closed_status, rectifying = ItemStatus.CLOSED, ItemStatus.RECTIFYING
        # The roll-ups count these rows once at the end on SQLite (``tallies.bulk_insert``).
        counting = tallies.bulk_insert(connection, first_problem=ids[0], last_problem=ids[-1]) if ids else nullcontext()
        # And the text search indexes them at the end too (``search.bulk_insert``).
        with counting, search.bulk_insert(connection) as indexed:
            for start in range(0, len(problems), BATCH):
                batch = problems[start : start + BATCH]
                rows, measures, events = [], [], []
                for pk, p in zip(ids[start : start + BATCH], batch, strict=True):
                    assert p.org is not None
                    closed = p.status == closed_status
                    deadline = date(p.deadline)
                    rows.append(
                        (
                            pk,
                            p.org.pk,
                            p.title,
                            p.level,
                            p.owner_id,
                            deadline,
                            deadline,
                            p.channel.pk if p.channel is not None else None,
                            p.domain.pk if p.domain is not None else None,
                            p.description,
                            date(p.found_date or self.default_found_date(p)),
                            p.immediate,
                            p.status,
                            p.closure_kind,
                            when_closed if closed else None,
                            p.org.path,
                        )
                    )
                    for m in p.measures:
                        measure_closed = m.state != OPEN
                        measure_deadline = date(m.deadline)
                        measure_org = m.org or p.org
                        measures.append(
                            (
                                pk,
                                measure_org.pk,
                                m.title,
                                measure_deadline,
                                measure_deadline,
                                closed_status if measure_closed else rectifying,
                                str(m.state) if measure_closed else "",
                                when_closed if measure_closed else None,
                                measure_org.path,
                            )
                        )
                    events.append(
                        (
                            pk,
                            p.org.pk,
                            p.status,
                            comment_closed if closed else comment_open,
                            changes.get_db_prep_save(
                                {
                                    "file": self.filename,
                                    "row": p.row + 1,
                                    "measures": len(p.measures),
                                    "closure_kind": p.closure_kind,
                                },
                                connection,
                            ),
                        )
                    )
                problem_rows.insert(rows)
                indexed((pk, p.title, p.description, p.org.path) for pk, p in zip(ids[start:], batch, strict=False))
                measure_rows.insert(measures)
                event_rows.insert(events)
                self.tick(sum(p.rows for p in batch))
        return len(new_lists)


DEFAULT = object()  # in ``_Rows`` constants: the value a new instance has (its default, now for auto_now)


class _Rows:
    """Rows of one model's table written without model instances: ``insert`` takes
    tuples of the ``varying`` columns' database values (dates adapted, JSON prepared);
    every other column takes the same value in every row, from ``constants`` (``DEFAULT``:
    what a new instance would have), computed once. A column named in neither raises
    ``ValueError``: a field added to the model must be given a value here on purpose
    (one computed per row, like a path copied from the unit, would otherwise be written
    as its default without a word).

    PostgreSQL gets ``COPY … FROM STDIN``, other databases ``executemany``; both inside
    the caller's transaction. An id column among the varying ones takes ids from
    ``reserve_ids``.
    """

    def __init__(self, model: Any, connection: Any, varying: Sequence[str], **constants: Any) -> None:
        self.model = model
        self.connection = connection
        meta = model._meta
        # A generated column (GeneratedField) is the database's to fill.
        fields = [f for f in meta.concrete_fields if not f.generated]
        self.by_attname = {f.attname: f for f in fields}
        unknown = (set(varying) | set(constants)) - set(self.by_attname)
        if unknown:
            raise ValueError(f"{meta.label} has no column to write for {sorted(unknown)}")
        fixed = [f for f in fields if f.attname not in varying and f is not meta.pk]
        unnamed = [f.attname for f in fixed if f.attname not in constants]
        if unnamed:
            raise ValueError(f"{meta.label}: say what the import writes in {unnamed}")
        template = model(**{name: value for name, value in constants.items() if value is not DEFAULT})
        self.constants = tuple(f.get_db_prep_save(f.pre_save(template, True), connection) for f in fixed)
        quote = connection.ops.quote_name
        self.table = quote(meta.db_table)
        names = (*varying, *(f.attname for f in fixed))
        self.columns = ", ".join(quote(self.by_attname[name].column) for name in names)

    def value(self, attname: str, value: Any) -> Any:
        """``value`` of the field ``attname`` as the database takes it."""
        return self.by_attname[attname].get_db_prep_save(value, self.connection)

    def reserve_ids(self, count: int) -> list[int]:
        """``count`` ids for new rows, not used before nor given to anyone else: from the
        table's sequence on PostgreSQL; on SQLite above the highest id the table has had
        (its AUTOINCREMENT counter), which nobody else can take while this transaction
        holds the write lock (``BEGIN IMMEDIATE``). Inserting them moves the counter on."""
        if not count:
            return []
        meta = self.model._meta
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, count],
                )
                return sorted(pk for (pk,) in cursor.fetchall())
            pk = self.connection.ops.quote_name(meta.pk.column)
            cursor.execute(
                f"SELECT max(coalesce((SELECT max({pk}) FROM {self.table}), 0),"
                " coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
                [meta.db_table],
            )
            (highest,) = cursor.fetchone()
        return list(range(highest + 1, highest + 1 + count))

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        constants = self.constants
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + constants)
                return
            width = len(rows[0]) + len(constants)
            marks = ", ".join(["%s"] * width)
            cursor.executemany(
                f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})", [row + constants for row in rows]
            )


# --- Background imports ------------------------------------------------------------------

LEDGER_IMPORT = "ledger"


@transaction.atomic
def ledger_import_queue(*, acting_user: Any, campaign: Campaign, file: Any, dry_run: bool = True) -> ImportJob:
    """Keep the uploaded ledger ``file`` and queue its import into ``campaign`` for
    ``acting_user``; the worker starts once this transaction commits. The file itself is
    checked by the import (its result says what is wrong)."""
    from rectification.tasks import run_ledger_import

    if not may_import(acting_user):
        raise PermissionDenied(_("You may not import problems."))
    if campaign.status == CampaignStatus.CLOSED:
        raise DomainError(_("This campaign is concluded; nothing can be added to it."), field="campaign")
    limit = settings.IMPORT_MAX_BYTES
    name = PurePath(getattr(file, "name", "") or "").name or "ledger"
    if file.size > limit:
        raise DomainError(
            _("The file “%(name)s” is %(size)s MB; the limit is %(limit)s MB.")
            % {"name": name, "size": round(file.size / 1048576, 1), "limit": limit // 1048576},
            field="file",
        )
    job = ImportJob.objects.create(
        kind=LEDGER_IMPORT,
        campaign=campaign,
        org=campaign.org,
        file=file,
        original_name=name[:200],
        dry_run=dry_run,
        created_by=acting_user,
    )
    transaction.on_commit(lambda: run_ledger_import(job.pk))
    return job


def ledger_import_confirm(*, job: ImportJob, acting_user: Any) -> ImportJob:
    """After a clean dry run, import the same file for real: a new job, so the check's
    result stays on its own page."""
    if job.created_by_id != getattr(acting_user, "pk", None) and not getattr(acting_user, "is_superuser", False):
        raise PermissionDenied(_("You may not import problems."))
    if not (job.kind == LEDGER_IMPORT and job.dry_run and job.status == ImportJob.Status.DONE and job.result.get("ok")):
        raise DomainError(_("Only a check that found no problems can be imported."))
    with job.file.open("rb") as stored:
        copy = ContentFile(stored.read(), name=job.original_name)
    assert job.campaign is not None
    return ledger_import_queue(acting_user=acting_user, campaign=job.campaign, file=copy, dry_run=False)


def may_import(user: Any) -> bool:
    """Whoever may enter problems somewhere (or a superuser) may upload a ledger."""
    from orgs.permissions import has_any_role

    return bool(getattr(user, "is_superuser", False)) or has_any_role(user, CREATING_ROLES)
