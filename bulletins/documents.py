"""The bulletin as a Word file (python-docx), laid out as offices expect a 通报.

A4 with the margins of official documents, the title in 方正小标宋简体 二号, section
headings in 黑体 三号 numbered 一、二、, body text in 仿宋_GB2312 三号 with a two-character
first-line indent and a fixed 28-point line, tables with borders. Chinese font names go
in the East Asian slot of each run's fonts (``w:rFonts/@w:eastAsia``), which Word uses for
CJK characters; the Latin slot gets Times New Roman for digits and letters.
"""

from __future__ import annotations

import io
from urllib.parse import quote

from django.http import HttpResponse
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from bulletins.models import Bulletin
from bulletins.presenters import Layout, layout

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4_SMALL = Pt(12)  # 小四, for tables
LINE = Pt(28)


def _font(run, *, east_asian: str, size: Pt, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)


def _paragraph(
    document,
    text: str,
    *,
    east_asian: str = BODY_FONT,
    size: Pt = SIZE_3,
    bold: bool = False,
    align=None,
    indent: bool = True,
):  # type: ignore[no-untyped-def]
    paragraph = document.add_paragraph()
    format = paragraph.paragraph_format
    format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    format.line_spacing = LINE
    format.space_before = format.space_after = Pt(0)
    if indent:
        format.first_line_indent = Pt(size.pt * 2)
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), east_asian=east_asian, size=size, bold=bold)
    return paragraph


def _table(document, columns: list[str], rows: list[list]) -> None:  # type: ignore[no-untyped-def]
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, heading in zip(table.rows[0].cells, columns, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(str(heading)), east_asian=HEADING_FONT, size=SIZE_4_SMALL)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            _font(cell.paragraphs[0].add_run(str(value)), east_asian=BODY_FONT, size=SIZE_4_SMALL)


def render(page: Layout) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = SIZE_3
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    _paragraph(document, page.title, east_asian=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, page.number_line, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, page.date_line, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for part in page.sections:
        _paragraph(document, part.heading, east_asian=HEADING_FONT, indent=True)
        for text in part.paragraphs:
            _paragraph(document, text)
        for table in part.tables:
            if table.title:
                _paragraph(
                    document,
                    table.title,
                    east_asian=HEADING_FONT,
                    size=SIZE_4_SMALL,
                    align=WD_ALIGN_PARAGRAPH.CENTER,
                    indent=False,
                )
            _table(document, table.columns, table.rows)
        if part.note:
            _paragraph(document, part.note)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def bulletin_docx(bulletin: Bulletin, *, public: bool = False) -> bytes:
    """The Word file of ``bulletin`` (the public copy without names with ``public``)."""
    return render(layout(bulletin, public=public))


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(bulletin: Bulletin, *, public: bool) -> HttpResponse:
    """The Word file as a download named after the bulletin's title."""
    response = HttpResponse(bulletin_docx(bulletin, public=public), content_type=DOCX_TYPE)
    filename = quote(f"{bulletin.title}.docx".replace("/", "-"))
    response["Content-Disposition"] = (
        f"attachment; filename=\"bulletin-{bulletin.pk}.docx\"; filename*=UTF-8''{filename}"
    )
    return response
