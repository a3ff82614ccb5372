"""The bulletin as a Word file (python-docx), laid out as offices expect a 通报.

A4 with the margins of official documents, the title in 方正小标宋简体 二号, section
headings in 黑体 三号 numbered 一、二、, body text in 仿宋_GB2312 三号 with a two-character
first-line indent and a fixed 28-point line, tables with borders. Chinese font names go
in the East Asian slot of each run's fonts (``w:rFonts/@w:eastAsia``), which Word uses for
CJK characters; the Latin slot gets Times New Roman for digits and letters.
"""

from __future__ import annotations

import io
from copy import deepcopy
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
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


TABLE_TEXT_STYLE = "Bulletin table text"


def _table_text_style(document):  # type: ignore[no-untyped-def]
    """One paragraph style for every table cell (仿宋 小四, single line): set once on the
    style rather than on each of thousands of runs, which python-docx does slowly."""
    try:
        return document.styles[TABLE_TEXT_STYLE]
    except KeyError:
        pass
    style = document.styles.add_style(TABLE_TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.font.name = LATIN_FONT
    style.font.size = SIZE_4_SMALL
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = 1.0
    return style


def _table(document, columns: list[str], rows: list[list]) -> None:  # type: ignore[no-untyped-def]
    """A bordered table: headings in 黑体, then one row per entry, each a copy of a styled
    template row filled in with lxml (python-docx's own ``add_row`` and ``cells`` walk the
    whole table for every row: seconds for a few hundred rows)."""
    table = document.add_table(rows=2, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header, template = table.rows[0], table.rows[1]
    for cell, heading in zip(header.cells, columns, strict=True):
        _font(cell.paragraphs[0].add_run(str(heading)), east_asian=HEADING_FONT, size=SIZE_4_SMALL)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    text_style = _table_text_style(document)
    for cell in template.cells:
        cell.paragraphs[0].style = text_style
    body = table._tbl
    template_row = template._tr
    body.remove(template_row)
    for values in rows:
        row = deepcopy(template_row)
        for cell, value in zip(row.tc_lst, values, strict=True):
            run = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.set(qn("xml:space"), "preserve")
            text.text = str(value)
            run.append(text)
            cell.p_lst[0].append(run)
        body.append(row)


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


def docx_response(bulletin: Bulletin, *, public: bool, user: Any = None) -> HttpResponse:
    """The Word file as a download named after the bulletin's title.

    A staff copy (names of units and of the people answering for the items it lists) is
    an export with personal data: it is written to the audit log for ``user``."""
    if not public:
        from audit.services import audit_export

        audit_export(user, what="bulletins.bulletin", rows=1, personal=True, filters={"bulletin": bulletin.pk})
    response = HttpResponse(bulletin_docx(bulletin, public=public), content_type=DOCX_TYPE)
    filename = quote(f"{bulletin.title}.docx".replace("/", "-"))
    response["Content-Disposition"] = (
        f"attachment; filename=\"bulletin-{bulletin.pk}.docx\"; filename*=UTF-8''{filename}"
    )
    return response
