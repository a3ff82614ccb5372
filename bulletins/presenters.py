"""A bulletin laid out as the office prints it: numbered sections of paragraphs and tables.

The printable page, the public page and the Word file all draw from :func:`layout`, so
the three say the same thing; the public layout leaves out every person's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from bulletins.models import Bulletin
from dashboards.ledger_panels import month_day

NUMERALS = "一二三四五六七八九十"


@dataclass
class LaidOutTable:
    title: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[LaidOutTable] = field(default_factory=list)
    note: str = ""


@dataclass
class Layout:
    title: str
    number_line: str
    date_line: str
    sections: list[Section]


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def numbered(index: int, heading: str) -> str:
    """一、总体进展 in Chinese; "1. Overall progress" in English."""
    if (get_language() or "zh-hans").startswith("zh"):
        return f"{NUMERALS[index]}、{heading}"
    return f"{index + 1}. {heading}"


def number_line(bulletin: Bulletin) -> str:
    if bulletin.number is None:
        return _("Draft, not yet issued")
    return _("%(year)s, issue %(number)s") % {"year": bulletin.year, "number": bulletin.number}


def date_line(bulletin: Bulletin) -> str:
    from core.templatetags.taizhang import cn_date

    day = bulletin.issued_at.date() if bulletin.issued_at else bulletin.as_of
    return _("%(office)s, %(date)s") % {"office": bulletin.org.name, "date": cn_date(day)}


def overdue_table(figures: dict[str, Any], *, public: bool) -> LaidOutTable:
    """The overdue items by unit: the responsible person only in the office's copy."""
    columns = [
        pgettext("bulletin column", "No."),
        pgettext("bulletin column", "Unit"),
        pgettext("bulletin column", "Problem"),
        pgettext("bulletin column", "Deadline"),
        pgettext("bulletin column", "Working days overdue"),
    ]
    if not public:
        columns.append(pgettext("bulletin column", "Responsible person"))
    rows = []
    for place, item in enumerate(figures.get("overdue_items", []), start=1):
        row = [place, item["unit"], item["title"], month_day(item["deadline"]), item["overdue_working_days"]]
        if not public:
            row.append(item["owner"] or "—")
        rows.append(row)
    return LaidOutTable(title="", columns=columns, rows=rows)


def layout(bulletin: Bulletin, *, public: bool = False) -> Layout:
    """The bulletin in four numbered sections, from its text and its frozen figures."""
    figures = bulletin.figures or {}
    rankings = Section(
        heading="",
        tables=[
            LaidOutTable(title=table["title"], columns=table["columns"], rows=table["rows"])
            for table in figures.get("tables", [])
        ],
        paragraphs=_paragraphs(bulletin.analysis),
    )
    overdue = Section(heading="", tables=[overdue_table(figures, public=public)])
    shown, total = len(figures.get("overdue_items", [])), figures.get("overdue_item_count", 0)
    if not total:
        overdue.tables = []
        overdue.note = _("No problem is overdue by %(days)s working days or more.") % {
            "days": figures.get("overdue_threshold_working_days", "")
        }
    elif shown < total:
        overdue.note = _("The first %(shown)s of %(total)s are listed; the ledger lists them all.") % {
            "shown": shown,
            "total": total,
        }
    sections = [
        Section(heading="", paragraphs=_paragraphs(bulletin.headline)),
        rankings,
        overdue,
        Section(heading="", paragraphs=_paragraphs(bulletin.requirements)),
    ]
    headings = [
        _("Overall progress"),
        _("Units compared"),
        _("Problems overdue, by unit"),
        _("Next steps required"),
    ]
    for index, (section, heading) in enumerate(zip(sections, headings, strict=True)):
        section.heading = numbered(index, heading)
    page = Layout(
        title=bulletin.title, number_line=number_line(bulletin), date_line=date_line(bulletin), sections=sections
    )
    return _masked(page, bulletin) if public else page


def _masked(page: Layout, bulletin: Bulletin) -> Layout:
    """The public copy: the text a supervisor wrote may still name people or give a phone
    number; every paragraph and cell goes through the public pages' masking, with the
    names the bulletin knows (owners of the items named, who drafted and issued it)."""
    from public.masking import mask_text

    names = {item["owner"] for item in (bulletin.figures or {}).get("overdue_items", []) if item.get("owner")}
    for person in (bulletin.created_by, bulletin.issued_by):
        if person is not None:
            names.add(person.get_full_name())

    def mask(value: Any) -> Any:
        return mask_text(value, names=names) if isinstance(value, str) else value

    page.title = mask(page.title)
    for section in page.sections:
        section.paragraphs = [mask(text) for text in section.paragraphs]
        section.note = mask(section.note)
        for table in section.tables:
            table.rows = [[mask(value) for value in row] for row in table.rows]
    return page
