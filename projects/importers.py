"""The monthly investment return (月度投资报表) offices send to the city and the province:
one sheet, one row per project, amounts in 万元 or 亿元 as the header says.

Columns are found by the names offices write (项目名称, 本月完成投资 …, see ``COLUMNS``)
below any title rows. The unit of an amount column comes from its header ("本月完成投资
（亿元）"), else from a line above the table ("单位：万元"), else 万元. Projects are matched
by code where the return has a code column and the cell is filled, else by name, among the
projects the importing person sees. The whole return is checked first; a project that
matches nothing, a project listed twice or a month already reported each give a message
naming the sheet, row and column, and nothing is written while any remains.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from audit.services import audit_import
from core import spreadsheets
from core.errors import DomainError
from core.spreadsheets import Column, Header, ImportProblem
from projects import services
from projects.models import InvestmentReport, KeyProject

COLUMNS = [
    Column("code", "项目编码", ("项目代码", "编码", "项目编号", "code"), required=False),
    Column("name", "项目名称", ("项目", "名称", "name")),
    Column("plan", "年度计划投资", ("年度计划", "计划投资", "年度计划投资额", "本年计划投资", "plan"), required=False),
    Column(
        "amount",
        "本月完成投资",
        ("当月完成投资", "月度完成投资", "本月完成", "当月完成", "本月投资", "完成投资", "amount"),
    ),
    Column("note", "备注", ("说明", "note"), required=False),
]
# Multipliers from a unit written in a header to 万元.
UNITS = (("亿元", Decimal("10000")), ("万元", Decimal("1")), ("元", Decimal("0.0001")))
_UNIT_LINE = re.compile(r"单位\s*[:：]?\s*(亿元|万元|元)")


@dataclass
class ReturnResult:
    """What an import of a return did (or with ``dry_run`` would do): rows checked,
    reports written, and the problems found (non-empty: nothing was written)."""

    rows: int = 0
    written: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def unit_of(title: str) -> Decimal | None:
    """The multiplier to 万元 a header or a line names, or ``None``."""
    for word, factor in UNITS:
        if word in title:
            return factor
    return None


def _sheet_unit(header: Header) -> Decimal:
    """The unit named on a line above the table or anywhere in the header row, else 万元."""
    for row in range(0, header.row + 1):
        for column in range(len(header.sheet.rows[row]) if row < len(header.sheet.rows) else 0):
            match = _UNIT_LINE.search(header.sheet.text(row, column))
            if match:
                return unit_of(match[1]) or Decimal("1")
    return Decimal("1")


def _number(value: Any) -> Decimal | None:
    """A cell as a number: numbers as they are, text with thousands separators too."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = spreadsheets.cell_text(value, simplify=False).replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def investment_return_import(
    *,
    data: bytes,
    filename: str,
    year: int,
    month: int,
    acting_user: Any,
    projects: QuerySet[KeyProject],
    dry_run: bool = False,
) -> ReturnResult:
    """Check the return for ``month`` of ``year`` and, unless ``dry_run`` or anything is
    wrong, write every row through ``services.investment_reports_import``.

    ``projects`` are the projects the importer may report for (the selector's queryset,
    already scoped to the user and the picked org).
    """
    services.check_month(year, month)
    workbook = spreadsheets.read_workbook(data=data, filename=filename)
    header = spreadsheets.find_table(workbook, COLUMNS)
    result = ReturnResult(dry_run=dry_run)
    result.errors.extend(header.missing_problems())
    if result.errors:
        return result
    default_unit = _sheet_unit(header)
    amount_unit = unit_of(header.titles["amount"]) or default_unit
    plan_unit = unit_of(header.titles.get("plan", "")) or default_unit

    by_code: dict[str, tuple[int, int, str]] = {}
    by_name: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for pk, org_id, title, code in projects.values_list("pk", "org_id", "title", "code"):
        by_name[spreadsheets.clean_text(title)].append((pk, org_id, title))
        if code:
            by_code[code] = (pk, org_id, title)
    already = set(
        InvestmentReport.objects.filter(year=year, month=month, project__in=projects).values_list(
            "project_id", flat=True
        )
    )

    lines: list[services.ReportLine] = []
    seen: dict[int, int] = {}
    for row in header.data_rows():
        result.rows += 1
        problems: list[ImportProblem] = []

        def problem(key: str | None, message: str, *, row: int = row, problems: list = problems) -> None:
            problems.append(ImportProblem(location=header.location(row, key), message=message))

        name = header.text(row, "name")
        code = header.text(row, "code") if header.has("code") else ""
        match: tuple[int, int, str] | None = None
        if code:
            match = by_code.get(code)
            if match is None:
                problem("code", _("No key project you can report for has the code “%(code)s”.") % {"code": code})
        elif not name:
            problem("name", _("The project name is empty."))
        else:
            found = by_name.get(name, [])
            if not found:
                problem("name", _("No key project you can report for is named “%(name)s”.") % {"name": name})
            elif len(found) > 1:
                problem("name", _("Several projects are named “%(name)s”: add their codes.") % {"name": name})
            else:
                match = found[0]

        amount = _number(header.value(row, "amount"))
        if amount is None:
            problem("amount", _("Write the investment of the month as a number (0 if none)."))
        elif amount < 0:
            problem("amount", _("An amount cannot be negative."))
        plan = None
        if header.has("plan") and header.text(row, "plan"):
            plan = _number(header.value(row, "plan"))
            if plan is None or plan < 0:
                problem("plan", _("Write the annual plan as a number, or leave the cell empty."))
                plan = None

        if match is not None:
            pk, org_id, _title = match
            if pk in already:
                problem(
                    "amount",
                    _("%(year)s-%(month)02d has already been reported for this project.")
                    % {"year": year, "month": month},
                )
            elif pk in seen:
                problem("name", _("This project is already listed in row %(row)s.") % {"row": seen[pk]})
            else:
                seen[pk] = row + 1
        if problems:
            result.errors.extend(problems)
            continue
        assert match is not None and amount is not None
        converted = (amount * amount_unit).quantize(Decimal("0.0001"))
        if converted >= services.AMOUNT_MAX:
            result.errors.append(
                ImportProblem(location=header.location(row, "amount"), message=_("This amount is too large."))
            )
            continue
        lines.append(
            services.ReportLine(
                project_id=match[0],
                org_id=match[1],
                amount=converted,
                plan=(plan * plan_unit).quantize(Decimal("0.0001")) if plan is not None else None,
            )
        )
    if not result.errors and not result.rows:
        result.errors.append(ImportProblem(location=None, message=_("The return lists no projects.")))
    if result.errors or dry_run:
        return result
    result.written = services.investment_reports_import(
        lines=lines,
        year=year,
        month=month,
        acting_user=acting_user,
        note=_("Imported from %(file)s") % {"file": filename},
    )
    audit_import(acting_user, what="projects.investment_reports", rows=result.written, filename=filename)
    return result


def return_template(*, projects: QuerySet[KeyProject], year: int) -> bytes:
    """The return to fill in: the projects the user reports for, with this year's plan."""
    from projects.selectors import with_investment

    rows = [
        (project.code, project.title, project.planned if project.planned is not None else "", "", "")
        for project in with_investment(projects, year=year).order_by("org__path", "title")
    ]
    return spreadsheets.xlsx_write(
        header=["项目编码", "项目名称", "年度计划投资（万元）", "本月完成投资（万元）", "备注"],
        rows=rows,
        sheet="月度投资报表",
    )


def check_period(year: Any, month: Any) -> tuple[int, int]:
    try:
        year, month = int(year), int(month)
    except (TypeError, ValueError):
        raise DomainError(_("Pick the month the return is for."), field="month") from None
    services.check_month(year, month)
    return year, month
