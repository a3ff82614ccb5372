"""Reading and writing the spreadsheets offices pass around: the one reader every importer
uses, and the one writer every export uses.

Offices keep their ledgers in Excel and WPS and send them as .xlsx, the older .xls, .ods
from LibreOffice, or .csv saved by Chinese Excel in GBK. ``read_workbook`` opens all of
them (python-calamine for the binary formats, our own decoding for CSV) and gives back
plain sheets of cell values; ``find_header`` locates the columns an importer needs by the
names offices actually write above them, even under a title row or a merged two-row header;
``cell_text`` and friends clean what Excel does to values (phone numbers turned into
floats, full-width spaces, traditional characters). Every problem found in a file is an
``ImportProblem`` whose ``CellLocation`` names sheet, row, column and header, so a user can
find the cell; importers collect them all and write nothing while there is any.

Header names (单位编码, 姓名…) are the file format itself, like the codes in a data
standard: they are matched and written in Chinese whatever the interface language.

Chinese wording for the translator (zh_Hans catalogue), msgid → msgstr, exactly:

    "sheet “%(sheet)s”"  → "工作表“%(sheet)s”"
    "sheet “%(sheet)s” row %(row)s"  → "工作表“%(sheet)s”第%(row)s行"
    "sheet “%(sheet)s” row %(row)s column %(column)s"  → "工作表“%(sheet)s”第%(row)s行%(column)s列"
    "sheet “%(sheet)s” row %(row)s column %(column)s (%(header)s)"
        → "工作表“%(sheet)s”第%(row)s行%(column)s列（%(header)s）"
    "%(location)s: %(message)s"  → "%(location)s：%(message)s"
    "The file “%(name)s” is empty."  → "文件“%(name)s”是空文件"
    "The file “%(name)s” is not a spreadsheet: upload an .xlsx, .xls, .ods or .csv file."
        → "文件“%(name)s”不是表格文件：请上传 .xlsx、.xls、.ods 或 .csv 文件"
    "The file “%(name)s” is protected by a password: remove the password and upload it again."
        → "文件“%(name)s”设有密码：请取消密码后重新上传"
    "The file “%(name)s” cannot be read as a spreadsheet; it may be damaged. Open it in Excel or WPS,
     save it again and upload the new file."
        → "文件“%(name)s”无法作为表格读取，可能已损坏：请用Excel或WPS打开后重新保存，再上传新文件"
    "The file “%(name)s” has an unrecognised text encoding: save it as a CSV file in UTF-8 or GBK encoding."
        → "文件“%(name)s”编码无法识别：请另存为UTF-8或GBK编码的CSV"
    "The file “%(name)s” has no data."  → "文件“%(name)s”中没有数据"
    "The column “%(header)s” is missing."  → "缺少“%(header)s”列"
    "The file “%(name)s” is %(size)s MB; the limit is %(limit)s MB."   (shared with core.services)
        → "文件“%(name)s”大小为%(size)s MB，超过了%(limit)s MB的上限"
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from core.errors import DomainError

CellValue = str | int | float | bool | datetime.date | datetime.datetime | datetime.time | datetime.timedelta

BINARY_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
TEXT_SUFFIXES = frozenset({".csv", ".txt"})
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Encodings tried for CSV, in order. GB18030 is a superset of GBK and GB2312, which is
# what "CSV (逗号分隔)" from Chinese Excel and WPS writes; UTF-8 with a BOM is what
# "CSV UTF-8" writes. Plain ASCII decodes as UTF-8 first, so nothing is guessed wrongly.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
# How many rows above the header a title, a date line or a note may take.
HEADER_SCAN_ROWS = 20
# Spaces Excel users type or paste: full-width (ideographic) space, no-break space, and
# the zero-width characters that come along when copying from web pages and chat apps.
_SPACES = str.maketrans({"\u3000": " ", "\xa0": " ", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": ""})
_BRACKETED = re.compile(r"[（(][^（()）]*[)）]")
_HEADER_NOISE = re.compile(r"[\s*＊:：]")


@cache
def _t2s() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` with traditional characters turned simplified (OpenCC t2s)."""
    if text.isascii():
        return text
    return _t2s().convert(text)


def column_letter(index: int) -> str:
    """Spreadsheet letter of the 0-based column ``index``: 0 → A, 25 → Z, 26 → AA."""
    if index < 0:
        raise ValueError("column index must not be negative")
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass(frozen=True)
class CellLocation:
    """A place in a file a user can find: sheet name, 1-based row, column letter and the
    header written above the column. ``row`` 0 means the whole sheet; an empty
    ``column_letter`` means the whole row."""

    sheet: str
    row: int = 0
    column_letter: str = ""
    header: str = ""

    def __str__(self) -> str:
        values = {"sheet": self.sheet, "row": self.row, "column": self.column_letter, "header": self.header}
        if not self.row:
            return _("sheet “%(sheet)s”") % values
        if not self.column_letter:
            return _("sheet “%(sheet)s” row %(row)s") % values
        if not self.header:
            return _("sheet “%(sheet)s” row %(row)s column %(column)s") % values
        return _("sheet “%(sheet)s” row %(row)s column %(column)s (%(header)s)") % values


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong in an imported file: where (``None`` for the file as a whole) and
    what, as a message ready to show."""

    location: CellLocation | None
    message: str

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return _("%(location)s: %(message)s") % {"location": self.location, "message": self.message}

    def as_dict(self) -> dict[str, Any]:
        """The problem as one row of an error table (web page, API, JSON)."""
        location = self.location
        return {
            "sheet": location.sheet if location else "",
            "row": location.row if location else None,
            "column": location.column_letter if location else "",
            "header": location.header if location else "",
            "message": self.message,
            "text": str(self),
        }


@dataclass
class ImportResult:
    """What an import did, or with ``dry_run`` would do.

    ``errors`` non-empty means nothing was written. ``created``, ``updated`` and
    ``unchanged`` count rows of the file; on a dry run they count what a real run would do.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        """True if the database was changed."""
        return self.ok and not self.dry_run and bool(self.created or self.updated)


@dataclass(frozen=True)
class Sheet:
    """One sheet's cells as read: ``rows[0]`` is spreadsheet row 1, ``rows[r][0]`` column A.

    Rows may be of different lengths; ``merged`` lists merged areas as 0-based inclusive
    ``((first_row, first_column), (last_row, last_column))``, where the value sits in the
    top-left cell only (as in the file).
    """

    name: str
    rows: list[list[CellValue]]
    merged: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()

    def value(self, row: int, column: int) -> CellValue:
        """The raw value at 0-based ``row`` and ``column`` ("" outside the data)."""
        if row < len(self.rows) and column < len(self.rows[row]):
            return self.rows[row][column]
        return ""

    def text(self, row: int, column: int, *, simplify: bool = True) -> str:
        return cell_text(self.value(row, column), simplify=simplify)

    def location(self, row: int, column: int | None = None, header: str = "") -> CellLocation:
        """Where 0-based ``row`` and ``column`` are, as a user counts them."""
        letter = column_letter(column) if column is not None else ""
        return CellLocation(sheet=self.name, row=row + 1, column_letter=letter, header=header)

    def with_merged_filled(self) -> Sheet:
        """A copy where every cell of a merged area holds the area's value, so that a
        header merged over several columns (or a unit name merged over several rows)
        reads the same in each of them."""
        if not self.merged:
            return self
        rows = [list(row) for row in self.rows]
        for (first_row, first_column), (last_row, last_column) in self.merged:
            value = self.value(first_row, first_column)
            for row in range(first_row, min(last_row, len(rows) - 1) + 1):
                missing = last_column + 1 - len(rows[row])
                if missing > 0:
                    rows[row].extend([""] * missing)
                for column in range(first_column, last_column + 1):
                    rows[row][column] = value
        return Sheet(name=self.name, rows=rows, merged=self.merged)

    def is_empty_row(self, row: int) -> bool:
        return row >= len(self.rows) or all(cell_text(value, simplify=False) == "" for value in self.rows[row])


@dataclass(frozen=True)
class Workbook:
    """The sheets of one file, in file order (a CSV is one sheet named after the file)."""

    filename: str
    sheets: list[Sheet]


# --- Reading --------------------------------------------------------------------------


def read_workbook(*, data: bytes, filename: str) -> Workbook:
    """Open ``data`` (the bytes of the file called ``filename``) as a workbook.

    .xlsx, .xlsm, .xlsb, .xls and .ods go through python-calamine; .csv (and .txt) are
    decoded as UTF-8 (with or without BOM), UTF-16 with BOM, then GB18030/GBK. The
    content decides, not the name: an .xlsx renamed .csv still opens. Raises
    ``DomainError`` naming the file when it is empty, too big, not a spreadsheet, damaged,
    locked by a password, or text in an encoding that cannot be recognised.
    """
    name = PurePath(filename or "").name or "?"
    suffix = PurePath(name).suffix.lower()
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise DomainError(
            _("The file “%(name)s” is %(size)s MB; the limit is %(limit)s MB.")
            % {"name": name, "size": round(len(data) / 1048576, 1), "limit": limit // 1048576},
            field="file",
        )
    if not data.strip():
        raise DomainError(_("The file “%(name)s” is empty.") % {"name": name}, field="file")
    if data.startswith((ZIP_SIGNATURE, OLE_SIGNATURE)):
        return _read_binary(data, name)
    if suffix in TEXT_SUFFIXES:
        return _read_csv(data, name)
    raise DomainError(
        _("The file “%(name)s” is not a spreadsheet: upload an .xlsx, .xls, .ods or .csv file.") % {"name": name},
        field="file",
    )


def _read_binary(data: bytes, name: str) -> Workbook:
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            sheets = []
            for index, sheet_name in enumerate(book.sheet_names):
                sheet = book.get_sheet_by_index(index)
                # Keep empty rows and columns before the data so row 1 stays row 1.
                rows = sheet.to_python(skip_empty_area=False)
                merged = tuple(sheet.merged_cell_ranges or ())
                sheets.append(Sheet(name=sheet_name, rows=rows, merged=merged))
    except PasswordError:
        raise DomainError(
            _("The file “%(name)s” is protected by a password: remove the password and upload it again.")
            % {"name": name},
            field="file",
        ) from None
    except (CalamineError, ValueError, OSError):
        suffix = PurePath(name).suffix.lower()
        if suffix in BINARY_SUFFIXES:
            message = _(
                "The file “%(name)s” cannot be read as a spreadsheet; it may be damaged. "
                "Open it in Excel or WPS, save it again and upload the new file."
            )
        else:
            message = _("The file “%(name)s” is not a spreadsheet: upload an .xlsx, .xls, .ods or .csv file.")
        raise DomainError(message % {"name": name}, field="file") from None
    return Workbook(filename=name, sheets=sheets)


def decode_text(data: bytes, name: str) -> str:
    """The text of a CSV file: UTF-8 (BOM or not), UTF-16 with a BOM, or GB18030/GBK."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: Sequence[str] = ("utf-16",)
    else:
        encodings = CSV_ENCODINGS
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Control characters other than tab and line breaks mean binary, not text that
        # happened to decode (GB18030 accepts a great many byte sequences).
        if any(ord(char) < 32 and char not in "\t\r\n" for char in text):
            break
        return text
    raise DomainError(
        _("The file “%(name)s” has an unrecognised text encoding: save it as a CSV file in UTF-8 or GBK encoding.")
        % {"name": name},
        field="file",
    )


def _read_csv(data: bytes, name: str) -> Workbook:
    text = decode_text(data, name)
    # Commas from Excel, tabs from "Unicode text" and copied tables, semicolons from
    # European locales: the one found most often in the first lines (a title line above
    # the table has none).
    sample = "\n".join(text.splitlines()[:HEADER_SCAN_ROWS])
    delimiter = max((",", "\t", ";"), key=sample.count)
    rows: list[list[CellValue]] = [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return Workbook(filename=name, sheets=[Sheet(name=PurePath(name).stem or name, rows=rows)])


# --- Cell values ----------------------------------------------------------------------


def clean_text(text: str) -> str:
    """``text`` without the odd spaces of pasted text, stripped at both ends."""
    return text.translate(_SPACES).strip()


def cell_text(value: Any, *, simplify: bool = True) -> str:
    """A cell's value as the text a person reads in it.

    Whole floats lose the ``.0`` Excel gives every number (13800000000.0 → "13800000000"),
    dates read as ISO dates, odd spaces go, and with ``simplify`` traditional characters
    become simplified.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ") if value.time() != datetime.time(0) else value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    text = clean_text(str(value))
    return to_simplified(text) if simplify else text


def cell_digits(value: Any) -> str:
    """A number typed as text or stored as a float, as its digits: for phone numbers and
    codes Excel turned into numbers ("13800000000.0", "138 0000 0000", "138-0000-0000")."""
    text = cell_text(value, simplify=False)
    text = re.sub(r"[\s\-－]", "", text)
    return re.sub(r"^(\d+)\.0+$", r"\1", text)


_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Excel counts days from 1899-12-30 (its 1900 leap-year bug folded in).
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def cell_date(value: Any) -> datetime.date | None:
    """A date as offices write it: a date cell, an Excel serial number, or the text
    2023-10-15, 2023/10/15, 2023.10.15, 2023年10月15日 or 20231015. ``None`` if the cell
    holds none of these (an empty cell included: the caller decides what empty means)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serials run to 9999-12-31
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        return None
    text = cell_text(value, simplify=False)
    match = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
    if not match:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


YES_WORDS = frozenset({"是", "有", "y", "yes", "true", "t", "1", "√", "✓", "✔"})
NO_WORDS = frozenset({"否", "无", "不是", "n", "no", "false", "f", "0", "×", "✗", "x"})


def cell_yes_no(value: Any) -> bool | None:
    """``True`` for 是/Y/1/TRUE/√, ``False`` for 否/N/0/FALSE/×, ``None`` for anything else
    (an empty cell included: the caller decides what empty means)."""
    if isinstance(value, bool):
        return value
    word = cell_text(value).lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return None


# --- Headers --------------------------------------------------------------------------


def header_key(text: str) -> str:
    """A header reduced for matching: simplified, without spaces, required-field stars,
    colons or bracketed notes (“手机号（必填）” → “手机号”), lower-case."""
    text = to_simplified(clean_text(text))
    text = _BRACKETED.sub("", text)
    return _HEADER_NOISE.sub("", text).lower()


@dataclass(frozen=True)
class Column:
    """A column an importer reads: its ``key`` in code, the header it is written under
    (``label``, also the export's header) and the other headers offices use for it."""

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = True

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(header_key(name) for name in (self.label, *self.synonyms))


@dataclass(frozen=True)
class Header:
    """Where the header of a table sits in a sheet and which column holds what.

    ``row`` is the 0-based index of the header's first row, ``first_data_row`` that of
    the first row below it; ``indexes`` maps column keys to 0-based column indexes and
    ``titles`` to the header text as written. ``missing`` lists required columns not found.
    """

    sheet: Sheet
    row: int
    first_data_row: int
    indexes: dict[str, int]
    titles: dict[str, str]
    missing: tuple[Column, ...]

    def has(self, key: str) -> bool:
        return key in self.indexes

    def value(self, row: int, key: str) -> CellValue:
        """The raw value of column ``key`` in 0-based ``row`` ("" if the column is absent)."""
        if key not in self.indexes:
            return ""
        return self.sheet.value(row, self.indexes[key])

    def text(self, row: int, key: str, *, simplify: bool = True) -> str:
        return cell_text(self.value(row, key), simplify=simplify)

    def location(self, row: int, key: str | None = None) -> CellLocation:
        """The cell of column ``key`` in 0-based ``row`` (the whole row without a key)."""
        if key is None or key not in self.indexes:
            return self.sheet.location(row)
        return self.sheet.location(row, self.indexes[key], self.titles[key])

    def data_rows(self) -> Iterable[int]:
        """0-based indexes of the rows below the header that hold anything."""
        for row in range(self.first_data_row, len(self.sheet.rows)):
            if not self.sheet.is_empty_row(row):
                yield row

    def missing_problems(self) -> list[ImportProblem]:
        """One problem per required column that was not found, at the header row."""
        return [
            ImportProblem(
                location=self.sheet.location(self.row),
                message=_("The column “%(header)s” is missing.") % {"header": column.label},
            )
            for column in self.missing
        ]


def _header_candidates(sheet: Sheet, row: int, header_rows: int) -> list[tuple[set[str], str]]:
    """For each column, the header texts it may match and the title to show for it."""
    width = max((len(sheet.rows[r]) for r in range(row, min(row + header_rows, len(sheet.rows)))), default=0)
    result = []
    for column in range(width):
        parts = [sheet.text(r, column) for r in range(row, row + header_rows)]
        parts = [part for index, part in enumerate(parts) if part and part not in parts[:index]]
        keys = {header_key(part) for part in parts}
        if len(parts) > 1:
            keys.add(header_key("".join(parts)))
        result.append((keys - {""}, "/".join(parts)))
    return result


def find_header(sheet: Sheet, columns: Sequence[Column], *, header_rows: int = 1) -> Header:
    """Find the header of ``columns`` in ``sheet``, below any title rows.

    The header is the first row (of the first ``HEADER_SCAN_ROWS``) in which every
    required column is found; failing that, the row where most are, and the problems say
    which are missing. With ``header_rows`` 2 a header spans two rows (a merged group
    title above the column titles): a column matches on either row or on both joined, and
    merged areas are filled first.
    """
    if header_rows > 1:
        sheet = sheet.with_merged_filled()
    required = [column.key for column in columns if column.required]
    best: tuple[tuple[int, int], int, dict[str, int], dict[str, str]] | None = None
    for row in range(min(len(sheet.rows), HEADER_SCAN_ROWS)):
        if sheet.is_empty_row(row):
            continue
        candidates = _header_candidates(sheet, row, header_rows)
        indexes: dict[str, int] = {}
        titles: dict[str, str] = {}
        for column in columns:
            wanted = column.keys
            for index, (keys, title) in enumerate(candidates):
                if keys & wanted and index not in indexes.values():
                    indexes[column.key] = index
                    titles[column.key] = title
                    break
        score = (sum(1 for key in required if key in indexes), len(indexes))
        if best is None or score > best[0]:
            best = (score, row, indexes, titles)
        if score[0] == len(required):
            break
    if best is None or not best[2]:
        first = next((row for row in range(len(sheet.rows)) if not sheet.is_empty_row(row)), 0)
        best = ((0, 0), first, {}, {})
    _score, row, indexes, titles = best
    missing = tuple(column for column in columns if column.required and column.key not in indexes)
    return Header(
        sheet=sheet,
        row=row,
        first_data_row=row + header_rows,
        indexes=indexes,
        titles=titles,
        missing=missing,
    )


def find_table(workbook: Workbook, columns: Sequence[Column], *, header_rows: int = 1) -> Header:
    """The header of ``columns`` in the first sheet that has all required ones, else in
    the sheet that has most of them (its ``missing`` then says what is not there)."""
    if not workbook.sheets:
        raise DomainError(_("The file “%(name)s” has no data.") % {"name": workbook.filename}, field="file")
    best: Header | None = None
    for sheet in workbook.sheets:
        header = find_header(sheet, columns, header_rows=header_rows)
        if not header.missing:
            return header
        if best is None or len(header.indexes) > len(best.indexes):
            best = header
    assert best is not None
    return best


# --- Writing --------------------------------------------------------------------------

# Roughly how wide a character shows in Excel's default font: CJK characters take two.
_MAX_WIDTH = 60
_WIDTH_SAMPLE_ROWS = 2000


def _display_width(value: Any) -> int:
    text = cell_text(value, simplify=False)
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def xlsx_write(*, header: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "Sheet1") -> bytes:
    """An .xlsx file of ``header`` and ``rows``: bold header, frozen top row, columns as
    wide as their content (within reason). Text stays text, so codes like "001" and phone
    numbers keep their digits when the file is opened and saved again."""
    from openpyxl import Workbook as OpenpyxlWorkbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = list(rows)
    widths = [_display_width(title) for title in header]
    for row in rows[:_WIDTH_SAMPLE_ROWS]:
        for index, value in enumerate(row):
            if index < len(widths):
                widths[index] = max(widths[index], _display_width(value))
            else:
                widths.append(_display_width(value))
    book = OpenpyxlWorkbook(write_only=True)
    worksheet = book.create_sheet(title=sheet[:31])
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = min(max(width, 4) + 2, _MAX_WIDTH)
    worksheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for title in header:
        cell = WriteOnlyCell(worksheet, value=title)
        cell.font = bold
        header_cells.append(cell)
    worksheet.append(header_cells)
    for row in rows:
        worksheet.append(list(row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
