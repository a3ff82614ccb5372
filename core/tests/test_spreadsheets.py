"""The shared spreadsheet reader and writer: every format, every odd value offices send."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from core.errors import DomainError
from core.spreadsheets import (
    CellLocation,
    Column,
    ImportProblem,
    ImportResult,
    Sheet,
    Workbook,
    cell_digits,
    cell_text,
    cell_yes_no,
    column_letter,
    find_header,
    find_table,
    header_key,
    read_workbook,
    xlsx_write,
)
from core.testing.spreadsheets import csv_bytes, ods_bytes, xls_bytes, xlsx_bytes

ROWS = [
    ["单位编码", "单位名称", "手机号", "人数"],
    ["AK-01", "現代城社區", 13800000000, 12],
    ["AK-02", "　居尚社区 ", "13900000001", 3.5],
]
EXPECTED_TEXT = [
    ["单位编码", "单位名称", "手机号", "人数"],
    ["AK-01", "现代城社区", "13800000000", "12"],
    ["AK-02", "居尚社区", "13900000001", "3.5"],
]

BUILDERS = {
    "xlsx": lambda rows: (xlsx_bytes(rows, sheet="单位"), "单位.xlsx"),
    "xls": lambda rows: (xls_bytes(rows, sheet="单位"), "单位.xls"),
    "ods": lambda rows: (ods_bytes(rows, sheet="单位"), "单位.ods"),
    "csv-utf8": lambda rows: (csv_bytes(rows, encoding="utf-8"), "单位.csv"),
    "csv-utf8-bom": lambda rows: (csv_bytes(rows, encoding="utf-8-sig"), "单位.csv"),
    "csv-gbk": lambda rows: (csv_bytes(rows, encoding="gbk"), "单位.csv"),
}


def texts(sheet: Sheet) -> list[list[str]]:
    return [[cell_text(value) for value in row] for row in sheet.rows if any(cell_text(v) for v in row)]


@pytest.mark.parametrize("kind", BUILDERS)
def test_every_format_reads_to_the_same_cells(kind):
    data, filename = BUILDERS[kind](ROWS)
    workbook = read_workbook(data=data, filename=filename)
    assert len(workbook.sheets) == 1
    sheet = workbook.sheets[0]
    assert sheet.name == "单位"  # a CSV's one sheet is named after the file, as in Excel
    assert texts(sheet) == EXPECTED_TEXT


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_empty_rows_and_columns_before_the_data_keep_row_and_column_numbers(kind):
    rows = [[], [], [None, None, "单位编码", "单位名称"], [None, None, "AK", "安康"]]
    data, filename = BUILDERS[kind](rows)
    sheet = read_workbook(data=data, filename=filename).sheets[0]
    header = find_header(sheet, [Column("code", "单位编码"), Column("name", "单位名称")])
    assert header.row == 2
    assert list(header.data_rows()) == [3]
    assert header.location(3, "name") == CellLocation(sheet="单位", row=4, column_letter="D", header="单位名称")


def test_gbk_csv_with_title_row_and_tabs():
    data = csv_bytes([["编码", "名称"], ["X1", "黨支部"]], encoding="gbk", delimiter="\t", title_row="单位名单")
    sheet = read_workbook(data=data, filename="名单.csv").sheets[0]
    header = find_header(sheet, [Column("code", "单位编码", ("编码",)), Column("name", "单位名称", ("名称",))])
    assert header.row == 1
    assert header.text(2, "name") == "党支部"
    assert header.text(2, "name", simplify=False) == "黨支部"


def test_bom_does_not_stick_to_the_first_header():
    data = csv_bytes([["单位编码"], ["A"]], encoding="utf-8-sig")
    assert read_workbook(data=data, filename="a.csv").sheets[0].rows[0][0] == "单位编码"


def test_xlsx_sent_with_a_csv_name_still_opens():
    sheet = read_workbook(data=xlsx_bytes(ROWS, sheet="单位"), filename="导出.csv").sheets[0]
    assert texts(sheet) == EXPECTED_TEXT


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"\x80\x81\xff\x00\xfe\x90", "单位.csv"),  # no encoding reads this
        (b"\xff\xfe\x41", "单位.csv"),  # a UTF-16 mark with half a character
        (b"a,b\x00\x01,c", "单位.csv"),  # binary posing as text
    ],
)
def test_undecodable_csv_names_the_file(data, filename):
    with pytest.raises(DomainError) as caught:
        read_workbook(data=data, filename=filename)
    assert "单位.csv" in str(caught.value)
    assert caught.value.field == "file"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"%PDF-1.7 not a table", "报告.pdf"),
        (b"PK\x03\x04 damaged", "报告.xlsx"),
        (b"PK\x03\x04 a zip of something else", "报告.docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 broken", "报告.xls"),
        (b"", "报告.xlsx"),
        (b"  \r\n ", "报告.csv"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused_by_name(data, filename):
    with pytest.raises(DomainError) as caught:
        read_workbook(data=data, filename=f"/tmp/上传/{filename}")
    assert filename in str(caught.value)
    assert "/tmp" not in str(caught.value)


def test_files_over_the_limit_are_refused(settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    with pytest.raises(DomainError) as caught:
        read_workbook(data=b"a," * 600_000, filename="大.csv")
    assert "大.csv" in str(caught.value)


@pytest.mark.parametrize(
    ("index", "letter"), [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")]
)
def test_column_letter(index, letter):
    assert column_letter(index) == letter


def test_column_letter_refuses_negative_index():
    with pytest.raises(ValueError):
        column_letter(-1)


def test_cell_location_names_sheet_row_column_and_header():
    full = str(CellLocation(sheet="单位", row=5, column_letter="C", header="上级单位编码"))
    for part in ("单位", "5", "C", "上级单位编码"):
        assert part in full
    assert "C" in str(CellLocation(sheet="单位", row=5, column_letter="C"))
    row_only = str(CellLocation(sheet="单位", row=5))
    assert "5" in row_only and "单位" in row_only
    assert "单位" in str(CellLocation(sheet="单位"))
    assert str(CellLocation(sheet="单位")) != row_only


def test_import_problem_text_and_table_row():
    location = CellLocation(sheet="人员", row=7, column_letter="C", header="手机号")
    problem = ImportProblem(location=location, message="bad number")
    assert "bad number" in str(problem) and "人员" in str(problem) and "7" in str(problem)
    assert problem.as_dict() == {
        "sheet": "人员",
        "row": 7,
        "column": "C",
        "header": "手机号",
        "message": "bad number",
        "text": str(problem),
    }
    whole_file = ImportProblem(location=None, message="unreadable")
    assert str(whole_file) == "unreadable"
    assert whole_file.as_dict()["row"] is None


def test_import_result_states():
    assert ImportResult(created=1).written
    assert not ImportResult(created=1, dry_run=True).written
    assert not ImportResult(unchanged=3).written
    failed = ImportResult(errors=[ImportProblem(location=None, message="x")])
    assert not failed.ok and not failed.written


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (13800000000.0, "13800000000"),
        (12, "12"),
        (1.5, "1.5"),
        (None, ""),
        ("", ""),
        ("\u3000 网格\xa0\u200b", "网格"),
        ("現代城社區", "现代城社区"),
        (True, "1"),
        (datetime.date(2023, 10, 15), "2023-10-15"),
        (datetime.datetime(2023, 10, 15), "2023-10-15"),
        (datetime.datetime(2023, 10, 15, 9, 30), "2023-10-15 09:30:00"),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_cell_text_keeps_traditional_when_asked():
    assert cell_text(" 現代城 ", simplify=False) == "現代城"


@pytest.mark.parametrize(
    ("value", "digits"),
    [(13800000000.0, "13800000000"), ("13800000000.0", "13800000000"), ("138 0000-0000", "13800000000"), ("", "")],
)
def test_cell_digits(value, digits):
    assert cell_digits(value) == digits


@pytest.mark.parametrize(
    ("value", "answer"),
    [
        *[("是", True), ("Y", True), ("yes", True), (1, True), (1.0, True), ("√", True), (True, True)],
        *[("否", False), ("n", False), (0, False), ("FALSE", False), (False, False)],
        *[("也许", None), ("", None)],
    ],
)
def test_cell_yes_no(value, answer):
    assert cell_yes_no(value) is answer


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("*手机号（必填）", "手机号"),
        ("單位編碼", "单位编码"),
        (" 上级 单位编码：", "上级单位编码"),
        ("E-mail", "e-mail"),
    ],
)
def test_header_key(text, key):
    assert header_key(text) == key


COLUMNS = [
    Column("code", "单位编码", ("编码", "代码")),
    Column("name", "单位名称", ("名称",)),
    Column("parent", "上级单位编码", ("上级编码",), required=False),
]


def test_header_found_below_a_title_by_synonyms():
    sheet = Sheet(
        name="单位",
        rows=[["2023年单位名单", "", ""], ["填表日期：10月15日", "", ""], ["名称", "代码", "備註"], ["安康", "AK", ""]],
    )
    header = find_header(sheet, COLUMNS)
    assert (header.row, header.first_data_row) == (2, 3)
    assert header.indexes == {"name": 0, "code": 1}
    assert header.titles == {"name": "名称", "code": "代码"}
    assert not header.has("parent") and header.value(3, "parent") == ""
    assert header.missing == ()
    assert header.location(3, "code") == CellLocation(sheet="单位", row=4, column_letter="B", header="代码")
    assert header.location(3) == CellLocation(sheet="单位", row=4)


def test_missing_required_columns_give_one_problem_each_at_the_header_row():
    sheet = Sheet(name="单位", rows=[["标题"], ["上级编码", "其他"], ["AK", "x"]])
    header = find_header(sheet, COLUMNS)
    assert header.row == 1
    assert [column.key for column in header.missing] == ["code", "name"]
    problems = header.missing_problems()
    assert len(problems) == 2
    assert all(problem.location == CellLocation(sheet="单位", row=2) for problem in problems)
    assert "单位编码" in problems[0].message and "单位名称" in problems[1].message


def test_a_sheet_without_any_known_header_reports_every_required_column():
    header = find_header(Sheet(name="Sheet1", rows=[[], ["随便", "什么"]]), COLUMNS)
    assert header.row == 1 and len(header.missing) == 2


def test_two_row_header_under_merged_group_titles():
    rows = [
        ["问题清单", None, None, None],
        ["序号", "整改措施", None, "责任单位"],
        [None, "措施内容", "完成时限", None],
        [1, "修路", "2023-12-31", "住建局"],
    ]
    data = xlsx_bytes(rows, sheet="台账", merged=["A1:D1", "B2:C2", "A2:A3", "D2:D3"])
    sheet = read_workbook(data=data, filename="台账.xlsx").sheets[0]
    columns = [
        Column("number", "序号"),
        Column("measure", "整改措施措施内容", ("措施内容",)),
        Column("deadline", "完成时限"),
        Column("owner", "责任单位"),
    ]
    header = find_header(sheet, columns, header_rows=2)
    assert header.row == 1 and header.first_data_row == 3
    assert header.indexes == {"number": 0, "measure": 1, "deadline": 2, "owner": 3}
    assert header.titles["measure"] == "整改措施/措施内容"
    assert header.text(3, "owner") == "住建局"
    assert header.location(3, "deadline").column_letter == "C"


def test_with_merged_filled_copies_the_value_over_the_area():
    sheet = Sheet(name="s", rows=[["a", "", ""], ["", "", ""]], merged=(((0, 0), (1, 2)),))
    assert sheet.with_merged_filled().rows == [["a", "a", "a"], ["a", "a", "a"]]
    assert sheet.rows[1] == ["", "", ""]  # the original is left alone


def test_find_table_picks_the_sheet_that_has_the_columns():
    data = xlsx_bytes([["说明"], ["本表由办公室填写"]], sheet="说明", extra_sheets={"单位": [["单位编码", "单位名称"]]})
    header = find_table(read_workbook(data=data, filename="a.xlsx"), COLUMNS)
    assert header.sheet.name == "单位" and not header.missing


def test_find_table_on_a_workbook_without_sheets():
    with pytest.raises(DomainError):
        find_table(Workbook(filename="空.xlsx", sheets=[]), COLUMNS)


def test_xlsx_write_bold_frozen_header_wide_columns_and_text_kept():
    data = xlsx_write(
        header=["单位编码", "单位名称", "手机号"],
        rows=[["001", "安康高新技术产业开发区建民街道现代城社区", "13800000000"], ["002", None, ""]],
        sheet="单位",
    )
    worksheet = load_workbook(io.BytesIO(data)).active
    assert worksheet.title == "单位"
    assert worksheet.freeze_panes == "A2"
    assert worksheet["A1"].font.b and not worksheet["A2"].font.b
    assert worksheet["A2"].value == "001" and worksheet["C2"].value == "13800000000"
    assert worksheet.column_dimensions["B"].width > worksheet.column_dimensions["A"].width >= 8
    assert worksheet.column_dimensions["B"].width <= 60
    sheet = read_workbook(data=data, filename="单位.xlsx").sheets[0]
    assert sheet.rows[1][0] == "001"
