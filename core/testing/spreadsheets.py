"""Builders of spreadsheets as offices send them, for importers' tests.

Each returns the bytes of a file: .xlsx (openpyxl), .xls (xlwt), .ods (odfpy) and .csv in
UTF-8, UTF-8 with BOM or GBK. ``rows`` are lists of cell values; ``None`` leaves a cell
empty. ``title_row`` puts a title line above the table (merged across it in .xlsx, as
offices do), so importers must find the header below it.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from typing import Any

Rows = Sequence[Sequence[Any]]


def _with_title(rows: Rows, title_row: str | None) -> list[list[Any]]:
    body = [list(row) for row in rows]
    return [[title_row], *body] if title_row is not None else body


def xlsx_bytes(
    rows: Rows,
    *,
    sheet: str = "Sheet1",
    title_row: str | None = None,
    merged: Sequence[str] = (),
    extra_sheets: dict[str, Rows] | None = None,
) -> bytes:
    """An .xlsx file; ``merged`` are ranges like ``"A1:C1"`` (of the final layout, title
    row included); ``extra_sheets`` adds sheets after the first, by name."""
    from openpyxl import Workbook

    book = Workbook()
    worksheet = book.active
    worksheet.title = sheet
    body = _with_title(rows, title_row)
    for row in body:
        worksheet.append(list(row))
    if title_row is not None:
        width = max((len(row) for row in rows), default=1)
        if width > 1:
            worksheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for cell_range in merged:
        worksheet.merge_cells(cell_range)
    for name, extra_rows in (extra_sheets or {}).items():
        extra = book.create_sheet(title=name)
        for row in extra_rows:
            extra.append(list(row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def xls_bytes(rows: Rows, *, sheet: str = "Sheet1", title_row: str | None = None) -> bytes:
    """An .xls file (Excel 97-2003), as older office machines still write."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    worksheet = book.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for row_index, row in enumerate(_with_title(rows, title_row)):
        for column_index, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime.date):
                worksheet.write(row_index, column_index, value, date_style)
            else:
                worksheet.write(row_index, column_index, value)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def ods_bytes(rows: Rows, *, sheet: str = "Sheet1", title_row: str | None = None) -> bytes:
    """An .ods file (LibreOffice, WPS); numbers are stored as numbers, text as text."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name=sheet)
    for row in _with_title(rows, title_row):
        table_row = TableRow()
        for value in row:
            if value is None or value == "":
                table_row.addElement(TableCell())
            elif isinstance(value, bool):
                cell = TableCell(valuetype="boolean", booleanvalue="true" if value else "false")
                cell.addElement(P(text="TRUE" if value else "FALSE"))
                table_row.addElement(cell)
            elif isinstance(value, int | float):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
                table_row.addElement(cell)
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
                table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    output = io.BytesIO()
    document.write(output)
    return output.getvalue()


def csv_bytes(
    rows: Rows, *, encoding: str = "utf-8", title_row: str | None = None, delimiter: str = ",", newline: str = "\r\n"
) -> bytes:
    """A .csv file: ``encoding`` "utf-8", "utf-8-sig" (Excel's "CSV UTF-8", with BOM) or
    "gbk" (Chinese Excel's plain "CSV"); Excel ends lines with CRLF."""
    output = io.StringIO(newline="")
    writer = csv.writer(output, delimiter=delimiter, lineterminator=newline)
    for row in _with_title(rows, title_row):
        writer.writerow(["" if value is None else value for value in row])
    return output.getvalue().encode(encoding)
