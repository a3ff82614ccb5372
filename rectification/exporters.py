"""Export the ledger as offices lay it out, and the empty template to fill in.

``export_ledger`` writes what ``rectification.importers.import_ledger`` reads: a title row,
a two-row header (“整改措施” over “措施内容 | 责任单位 | 完成时限 | 完成情况”), one row per
measure with the problem's own cells merged down over its measures, dates as 2023年10月15日
and statuses as the words offices use (整改中, 待销号, 已销号, 重复问题 …). Units are written
by name, people by real name. Imported again into another campaign on the same org tree,
with the same channel and domain names, the file gives the same problems and measures; a
problem whose closure was only asked for (待销号) comes back as being rectified, since
closure is asked for in Taizhang with evidence.

The problems are read in chunks of ``CHUNK`` with their measures, so a province-wide
export never builds one query with a million ids.

Chinese wording for the translator (zh_Hans catalogue) of the template's notes, msgid → msgstr:

    "Column"  → "列名"
    "Required"  → "是否必填"
    "What to write"  → "填写说明"
    "Yes"  → "是"      "No"  → "否"
    "Number of the problem. A problem with several measures takes one row per measure: merge its
     cells down over them, leave them empty below the first row, or repeat its number."
        → "问题序号。一个问题有多项整改措施时，每项措施占一行：问题本身的各列可向下合并单元格，
           也可在首行以下留空，或重复填写同一序号。"
    … one note per column, see ``TEMPLATE_NOTES``.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.personal import PersonalExport
from rectification.importers import date_word, level_word, status_word
from rectification.models import Measure, Problem

CHUNK = 500
SHEET = "台账"
NOTES_SHEET = "填表说明"
YES, NO = "是", "否"

# (group title, column title, width); a group title spans the columns that share it.
PROBLEM_COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 6),
    ("问题", 40),
    ("问题类别", 14),
    ("问题来源", 12),
    ("所属领域", 12),
    ("责任单位", 18),
    ("责任人", 10),
    ("发现时间", 16),
    ("整改时限", 16),
    ("立行立改", 8),
)
MEASURE_GROUP = "整改措施"
MEASURE_COLUMNS: tuple[tuple[str, int], ...] = (
    ("措施内容", 40),
    ("责任单位", 18),
    ("完成时限", 16),
    ("完成情况", 10),
)
TAIL_COLUMNS: tuple[tuple[str, int], ...] = (("整改状态", 10), ("备注", 30))
WIDTH = len(PROBLEM_COLUMNS) + len(MEASURE_COLUMNS) + len(TAIL_COLUMNS)
# 0-based indexes of the columns merged down over a problem's measure rows.
MERGED_DOWN = tuple(range(len(PROBLEM_COLUMNS))) + tuple(range(len(PROBLEM_COLUMNS) + len(MEASURE_COLUMNS), WIDTH))

TEMPLATE_NOTES: tuple[tuple[str, bool, Any], ...] = (
    (
        "序号",
        False,
        gettext_lazy(
            "Number of the problem. A problem with several measures takes one row per measure: merge its cells "
            "down over them, leave them empty below the first row, or repeat its number."
        ),
    ),
    ("问题", True, gettext_lazy("The problem as found, in one or a few sentences (also 问题描述 or 存在问题).")),
    ("问题类别", True, gettext_lazy("县级领导班子, 基层党组织 or 部门.")),
    ("问题来源", False, gettext_lazy("One of the campaign's channels, as named in Taizhang (信访, 12345热线 …).")),
    ("所属领域", False, gettext_lazy("One of the campaign's domains, as named in Taizhang; leave empty if none.")),
    (
        "责任单位",
        True,
        gettext_lazy("Full name or code of the unit responsible, within your reach and the campaign's units."),
    ),
    ("责任人", False, gettext_lazy("Real name of the person responsible, working in that unit.")),
    (
        "发现时间",
        False,
        gettext_lazy("Date the problem was found, e.g. 2023年10月15日, 2023-10-15 or 2023/10/15; not in the future."),
    ),
    (
        "整改时限",
        False,
        gettext_lazy("Deadline: a date, a month (2023年12月底), 长期坚持 (no deadline) or 立行立改."),
    ),
    ("立行立改", False, gettext_lazy("是 if the problem was fixed at once, else 否 or empty.")),
    ("整改措施/措施内容", False, gettext_lazy("One measure per row.")),
    (
        "整改措施/责任单位",
        False,
        gettext_lazy("Unit carrying out the measure, if not the problem's unit."),
    ),
    ("整改措施/完成时限", False, gettext_lazy("Deadline of the measure, if not the problem's.")),
    (
        "整改措施/完成情况",
        False,
        gettext_lazy("Status of the measure, in the same words as 整改状态; empty means as its problem."),
    ),
    (
        "整改状态",
        False,
        gettext_lazy(
            "整改中 (being rectified, also 未完成 or 推进中), 已销号 or 已完成 (closed as rectified), 重复问题, "
            "不具备整改条件 or 经核实不属实 (closed without rectification). Empty means being rectified."
        ),
    ),
    ("备注", False, gettext_lazy("Anything else; kept with the problem's description.")),
)


def _header_rows() -> tuple[list[str], list[str]]:
    top = [title for title, _width in PROBLEM_COLUMNS]
    top += [MEASURE_GROUP] * len(MEASURE_COLUMNS)
    top += [title for title, _width in TAIL_COLUMNS]
    bottom = [title for title, _width in PROBLEM_COLUMNS]
    bottom += [title for title, _width in MEASURE_COLUMNS]
    bottom += [title for title, _width in TAIL_COLUMNS]
    return top, bottom


def _widths() -> list[int]:
    return [width for _title, width in (*PROBLEM_COLUMNS, *MEASURE_COLUMNS, *TAIL_COLUMNS)]


def _problem_rows(
    problem: Problem, number: int, measures: Sequence[Measure], personal: PersonalExport
) -> list[list[Any]]:
    """The rows of one problem: its own cells on the first, one measure per row."""
    own = [
        number,
        problem.title,
        level_word(problem.level),
        problem.channel.name if problem.channel else "",
        problem.domain.name if problem.domain else "",
        problem.org.name,
        personal.name(problem.owner),
        date_word(problem.found_date),
        date_word(problem.deadline),
        YES if problem.immediate else NO,
    ]
    tail = [status_word(problem.status, problem.closure_kind), problem.description]
    if not measures:
        return [[*own, "", "", "", "", *tail]]
    rows = []
    for index, measure in enumerate(measures):
        cells = [
            measure.title,
            measure.org.name if measure.org_id != problem.org_id else "",
            date_word(measure.deadline) if measure.deadline != problem.deadline else "",
            status_word(measure.status, measure.closure_kind),
        ]
        if index == 0:
            rows.append([*own, *cells, *tail])
        else:
            rows.append([*([None] * len(own)), *cells, *([None] * len(tail))])
    return rows


def _chunked_problems(queryset: QuerySet[Problem]) -> Iterable[tuple[Problem, list[Measure]]]:
    """The problems of ``queryset`` by unit, date found and id, with their measures."""
    ids = list(queryset.order_by().order_by("org_path", "found_date", "id").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        problems = Problem.objects.filter(pk__in=chunk).select_related("org", "owner", "channel", "domain", "campaign")
        by_id = {problem.pk: problem for problem in problems}
        measures: dict[int, list[Measure]] = {}
        for measure in Measure.objects.filter(problem_id__in=chunk).select_related("org").order_by("id"):
            measures.setdefault(measure.problem_id, []).append(measure)
        for pk in chunk:
            if pk in by_id:
                yield by_id[pk], measures.get(pk, [])


def _merge(sheet: Any, coordinates: str) -> None:
    """``sheet.merge_cells`` without its overlap check.

    openpyxl checks each new range against every range merged before (a linear scan), so a
    ledger of tens of thousands of problems took minutes to export; the ranges here are
    disjoint by construction (one problem's rows, one column each).
    """
    from openpyxl.worksheet.merge import MergedCellRange

    merged = MergedCellRange(sheet, coordinates)
    sheet.merged_cells.ranges.add(merged)
    sheet._clean_merge_range(merged)


def _write(rows_of_problems: Iterable[list[list[Any]]], *, title: str, notes: bool = False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    bold = Font(bold=True)
    last = get_column_letter(WIDTH)
    sheet.append([title])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = centred
    sheet.row_dimensions[1].height = 30
    top, bottom = _header_rows()
    sheet.append(top)
    sheet.append(bottom)
    for row in (2, 3):
        for column in range(1, WIDTH + 1):
            cell = sheet.cell(row=row, column=column)
            cell.font, cell.alignment, cell.border = bold, centred, border
    first_measure = len(PROBLEM_COLUMNS) + 1
    for column in range(1, WIDTH + 1):
        if not first_measure <= column < first_measure + len(MEASURE_COLUMNS):
            letter = get_column_letter(column)
            sheet.merge_cells(f"{letter}2:{letter}3")
    sheet.merge_cells(
        f"{get_column_letter(first_measure)}2:{get_column_letter(first_measure + len(MEASURE_COLUMNS) - 1)}2"
    )
    for index, width in enumerate(_widths(), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C4"
    current = 4
    for rows in rows_of_problems:
        for values in rows:
            sheet.append(values)
        if len(rows) > 1:
            for column in MERGED_DOWN:
                letter = get_column_letter(column + 1)
                _merge(sheet, f"{letter}{current}:{letter}{current + len(rows) - 1}")
        current += len(rows)
    for row in sheet.iter_rows(min_row=4, max_row=current - 1, max_col=WIDTH):
        for cell in row:
            cell.alignment = wrap
            cell.border = border
    sheet.print_title_rows = "2:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if notes:
        _notes_sheet(book)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _notes_sheet(book: Any) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = book.create_sheet(NOTES_SHEET)
    sheet.append([_("Column"), _("Required"), _("What to write")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, required, note in TEMPLATE_NOTES:
        sheet.append([column, _("Yes") if required else _("No"), str(note)])
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 90
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def ledger_title(campaign_names: Iterable[str]) -> str:
    names = sorted(set(campaign_names))
    return f"{names[0]}问题整改台账" if len(names) == 1 else "问题整改台账"


def export_ledger(queryset: QuerySet[Problem], *, personal: PersonalExport) -> bytes:
    """The problems of ``queryset`` (already scoped and filtered) with their measures, as
    an .xlsx file in the layout offices use; it imports again (see the module docstring).
    The person responsible is named as ``personal`` allows (masked for the administrator)."""
    campaigns: set[str] = set()

    def problems() -> Iterable[list[list[Any]]]:
        for number, (problem, measures) in enumerate(_chunked_problems(queryset), start=1):
            campaigns.add(problem.campaign.name)
            yield _problem_rows(problem, number, measures, personal)

    rows = list(problems())
    return _write(rows, title=ledger_title(campaigns))


def ledger_template() -> bytes:
    """The empty ledger to fill in: title row, header, two example problems (one with two
    measures, merged) and a sheet explaining each column."""
    today = datetime.date.today()
    examples = [
        [
            [
                1,
                "（示例）社区路灯长期不亮，群众夜间出行不便",
                "基层党组织",
                "信访",
                "",
                "XX社区",
                "张三",
                date_word(today),
                f"{today.year + 1}年6月底",
                NO,
                "排查辖区全部路灯",
                "",
                "",
                "",
                "整改中",
                "示例行，填写时请删除",
            ],
            [None] * 10 + ["更换损坏灯具", "XX街道", "", "已完成", None, None],
        ],
        [
            [
                2,
                "（示例）办事指南内容陈旧",
                "部门",
                "",
                "",
                "XX局",
                "",
                date_word(today),
                "立行立改",
                YES,
                "重新印制办事指南",
                "",
                "",
                "",
                "已完成",
                "",
            ]
        ],
    ]
    return _write(examples, title="XX区主题教育问题整改台账", notes=True)
