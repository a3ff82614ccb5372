"""The Word file: opened with python-docx, it holds the figures the statistics API gives
for the same scope and date; it is laid out as offices expect; the public copy names no one."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn

from bulletins import services
from bulletins.choices import BulletinKind
from bulletins.documents import bulletin_docx
from bulletins.tests.conftest import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_ledger_statistics")]


def open_docx(data: bytes):  # type: ignore[no-untyped-def]
    return Document(io.BytesIO(data))


def all_text(document) -> str:  # type: ignore[no-untyped-def]
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("|".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def numbers_after(text: str, word: str) -> int:
    found = re.search(re.escape(word) + r"(\d+)", text)
    assert found, f"{word} not in {text!r}"
    return int(found.group(1))


@pytest.mark.parametrize("org", ["AK", "AK-JM"])
def test_docx_figures_equal_the_statistics_api(client, people, ledger, org) -> None:
    client.force_login(people.supervisor)
    api = client.get("/api/statistics/", {"org": org, "date": TODAY.isoformat()}).json()["rectification"]
    org_row = {"AK": ledger.district, "AK-JM": ledger.street}[org]
    with translation.override("zh-hans"):
        bulletin = services.bulletin_draft(
            org=org_row, kind=BulletinKind.WEEK, as_of=TODAY, acting_user=people.supervisor
        )
        document = open_docx(bulletin_docx(bulletin))
    text = all_text(document)
    problems, measures = api["problems"], api["measures"]
    assert numbers_after(text, "共查摆问题") == problems["total"]
    assert numbers_after(text, "制定整改措施") == measures["total"]
    assert numbers_after(text, "已整改销号") == problems["rectified"]
    assert numbers_after(text, "其中逾期") == problems["overdue"]
    assert numbers_after(text, "本期新增问题") == problems["period"]["added"]
    rate = re.search(r"整改率([\d.]+)%", text)
    assert rate and abs(float(rate.group(1)) / 100 - problems["closure_rate"]) < 0.0006
    # The ranking tables carry each unit's figures as the API counts them.
    rows = {tuple(cell.text for cell in row.cells) for table in document.tables for row in table.rows}
    for unit in problems["by_unit"]:
        if unit["total"]:
            assert any(row[1] == unit["org_name"] and row[2] == str(unit["total"]) for row in rows)


def test_docx_layout_as_offices_expect(people, ledger) -> None:
    with translation.override("zh-hans"):
        bulletin = services.bulletin_draft(
            org=ledger.district, kind=BulletinKind.WEEK, as_of=TODAY, acting_user=people.supervisor
        )
        document = open_docx(bulletin_docx(bulletin))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    title = document.paragraphs[0]
    assert title.text == bulletin.title
    assert title.runs[0].font.size.pt == 22
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    headings = [p for p in document.paragraphs if re.match(r"^[一二三四]、", p.text)]
    assert [p.text[:2] for p in headings] == ["一、", "二、", "三、", "四、"]
    assert {p.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) for p in headings} == {"黑体"}
    body = next(p for p in document.paragraphs if p.text.startswith("截至"))
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body.runs[0].font.size.pt == 16
    assert all(table.style.name == "Table Grid" for table in document.tables)
    cell = document.tables[0].rows[1].cells[1].paragraphs[0]
    assert cell.style.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert cell.style.font.size.pt == 12
    heading = document.tables[0].rows[0].cells[1].paragraphs[0]
    assert heading.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"


def test_overdue_items_named_with_their_owner_only_in_the_office_copy(people, ledger) -> None:
    with translation.override("zh-hans"):
        bulletin = services.bulletin_draft(
            org=ledger.district, kind=BulletinKind.WEEK, as_of=TODAY, acting_user=people.supervisor
        )
        office = all_text(open_docx(bulletin_docx(bulletin)))
        public = all_text(open_docx(bulletin_docx(bulletin, public=True)))
    assert "居尚社区积水问题长期未解决" in office and "居尚社区积水问题长期未解决" in public
    owner = people.clerk_b.get_full_name()
    assert owner in office
    assert owner not in public


def test_public_copy_masks_names_and_phones_written_into_the_text(people, ledger) -> None:
    owner = people.clerk_b.get_full_name()
    bulletin = services.bulletin_draft(
        org=ledger.district, kind=BulletinKind.WEEK, as_of=TODAY, acting_user=people.supervisor
    )
    services.bulletin_update(
        bulletin=bulletin,
        acting_user=people.supervisor,
        requirements=f"请{owner}同志牵头整改，联系电话13812345678。",
    )
    office = all_text(open_docx(bulletin_docx(bulletin)))
    public = all_text(open_docx(bulletin_docx(bulletin, public=True)))
    assert owner in office and "13812345678" in office
    assert owner not in public and "13812345678" not in public
    assert owner[0] + "*" in public and "5678" in public
