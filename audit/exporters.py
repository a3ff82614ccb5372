"""The audit log as an .xlsx file: the filtered rows, in the page's columns, plus the
browser, the request id and the full changes for the record.

Rows are read in chunks (``iterator``) so a half-year's log never sits in memory as
model instances all at once; openpyxl's write-only mode streams the sheet.
"""

from __future__ import annotations

import io
import json

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from audit.labels import action_label, changes_summary, entry_time, object_type_label
from audit.models import AuditEntry

CHUNK = 2000


def _cells(sheet: object, *values: str) -> list[WriteOnlyCell]:
    """Every value as text: a user name typed into a failed sign-in such as
    ``=HYPERLINK(...)`` must reach the auditor as the words typed, never as a formula.
    Control characters (a NUL typed into a filter or a user name) cannot be stored in a
    worksheet; each shows as U+FFFD instead of making the export fail."""
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value or ""))
        cell.data_type = "s"
        cells.append(cell)
    return cells


def export_entries(entries: QuerySet[AuditEntry]) -> tuple[bytes, int]:
    """The workbook's bytes and the number of rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit log"))
    widths = (20, 20, 16, 14, 22, 12, 30, 18, 50, 40, 30, 36, 60)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append(
        [
            _("Time"),
            _("Account"),
            _("Client address"),
            _("Category"),
            _("Action"),
            _("Object type"),
            _("Object"),
            _("Org"),
            _("Changes"),
            _("Detail"),
            _("Browser"),
            _("Request id"),
            _("Changes (as recorded)"),
        ]
    )
    rows = 0
    for entry in entries.select_related("org").iterator(chunk_size=CHUNK):
        sheet.append(
            _cells(
                sheet,
                entry_time(entry.created_at),
                entry.actor_name,
                entry.address,
                entry.get_category_display(),
                action_label(entry.action, entry.object_type),
                object_type_label(entry.object_type),
                entry.object_repr,
                entry.org.name if entry.org else "",
                changes_summary(entry.changes, entry.object_type),
                entry.detail,
                entry.user_agent,
                entry.request_id,
                json.dumps(entry.changes, ensure_ascii=False, sort_keys=True) if entry.changes else "",
            )
        )
        rows += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), rows
