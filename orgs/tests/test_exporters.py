"""Exports of the org tree and people: the import's columns, Chinese words, a round trip."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from core.models import Event
from core.personal import FULL_EXPORT
from core.spreadsheets import cell_text, read_workbook
from core.testing.factories import UserFactory
from orgs.exporters import export_orgs, export_people
from orgs.importers import ORG_COLUMNS, PEOPLE_COLUMNS, import_orgs, import_people
from orgs.models import Org, User


def sheet_rows(data: bytes) -> list[list[str]]:
    sheet = read_workbook(data=data, filename="export.xlsx").sheets[0]
    return [[cell_text(value, simplify=False) for value in row] for row in sheet.rows]


def test_export_orgs_writes_the_import_columns_in_tree_order(tree, django_assert_max_num_queries):
    Org.objects.filter(code="AK-JM").update(short_name="建民")
    with django_assert_max_num_queries(1):
        data = export_orgs(Org.objects.all())
    rows = sheet_rows(data)
    assert rows[0] == [column.label for column in ORG_COLUMNS]
    assert rows[1:] == [
        ["AK", "安康高新区", "", "区县", ""],
        ["AK-JJ", "经济发展局", "AK", "部门", ""],
        ["AK-JM", "建民街道", "AK", "街道", "建民"],
        ["AK-JM-XDC", "现代城社区", "AK-JM", "社区", ""],
        ["AK-JM-XDC-01", "现代城第一网格", "AK-JM-XDC", "网格", ""],
        ["AK-JM-JS", "居尚社区", "AK-JM", "社区", ""],
    ]
    worksheet = load_workbook(io.BytesIO(data)).active
    assert worksheet.title == "单位" and worksheet.freeze_panes == "A2" and worksheet["A1"].font.b


def test_a_scoped_export_names_the_parents_outside_it(tree, people, django_assert_max_num_queries):
    visible = Org.objects.visible_to(people.clerk_a)
    with django_assert_max_num_queries(3):  # the clerk's grants, the orgs, the parent outside
        rows = sheet_rows(export_orgs(visible))
    assert [row[:3] for row in rows[1:]] == [
        ["AK-JM-XDC", "现代城社区", "AK-JM"],
        ["AK-JM-XDC-01", "现代城第一网格", "AK-JM-XDC"],
    ]


def test_exported_orgs_import_again_unchanged(tree, people):
    result = import_orgs(data=export_orgs(Org.objects.all()), filename="单位.xlsx", acting_user=people.admin)
    assert result.ok, [str(problem) for problem in result.errors]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 6)
    assert not Event.objects.filter(action="imported").exists()


def test_exported_tree_rebuilds_an_empty_database(tree):
    before = {
        code: (name, kind, parent.code if parent else "")
        for code, name, kind, parent in (
            (org.code, org.name, org.kind, Org.objects.get_parent(org)) for org in Org.objects.all()
        )
    }
    data = export_orgs(Org.objects.all())
    Org.objects.all().delete()
    installer = UserFactory(username="root", is_superuser=True)
    result = import_orgs(data=data, filename="单位.xlsx", acting_user=installer)
    assert result.ok and result.created == 6
    after = {
        org.code: (org.name, org.kind, parent.code if (parent := Org.objects.get_parent(org)) else "")
        for org in Org.objects.all()
    }
    assert after == before
    assert all(not found for found in Org.objects.find_problems())


def test_export_people_and_import_them_again(tree, people, django_assert_max_num_queries):
    UserFactory(
        username="zhangsan",
        real_name="张三",
        mobile="13800000000",
        home_org=tree.community_a,
        is_party_member=True,
        member_category="new_employment",
        position="网格员",
        email="zs@example.cn",
    )
    queryset = User.objects.visible_to(people.clerk_a)
    with django_assert_max_num_queries(2):
        data = export_people(queryset, personal=FULL_EXPORT)
    rows = sheet_rows(data)
    assert rows[0] == [column.label for column in PEOPLE_COLUMNS]
    by_account = {row[0]: row for row in rows[1:]}
    assert set(by_account) == {"clerk_a", "zhangsan", "member_a"}
    assert by_account["zhangsan"] == [
        "zhangsan",
        "张三",
        "13800000000",
        "AK-JM-XDC",
        "是",
        "新就业群体",
        "网格员",
        "zs@example.cn",
    ]
    assert by_account["member_a"][3:6] == ["AK-JM-XDC-01", "是", "在职"]
    assert by_account["clerk_a"][4:6] == ["否", ""]
    # People come unit by unit.
    assert [row[0] for row in rows[1:]] == ["clerk_a", "zhangsan", "member_a"]
    worksheet = load_workbook(io.BytesIO(data)).active
    assert worksheet["C2"].data_type == "s"  # the phone number stays text in Excel
    result = import_people(data=data, filename="人员.xlsx", acting_user=people.clerk_a)
    assert result.ok, [str(problem) for problem in result.errors]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
