"""Importing the org tree and people: every format, every bad input, all or nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from core.models import Event
from core.spreadsheets import CellLocation
from core.testing.factories import UserFactory
from core.testing.spreadsheets import csv_bytes, ods_bytes, xls_bytes, xlsx_bytes
from orgs.choices import MemberCategory, OrgKind
from orgs.importers import import_orgs, import_people
from orgs.models import Org, User

ORG_HEADER = ["单位编码", "单位名称", "上级单位编码", "单位类型", "简称"]
PEOPLE_HEADER = ["账号", "姓名", "手机号", "所属单位编码", "是否党员", "党员类别", "职务", "邮箱"]

FORMATS = {
    "xlsx": lambda rows, sheet: (xlsx_bytes(rows, sheet=sheet), f"{sheet}.xlsx"),
    "xls": lambda rows, sheet: (xls_bytes(rows, sheet=sheet), f"{sheet}.xls"),
    "ods": lambda rows, sheet: (ods_bytes(rows, sheet=sheet), f"{sheet}.ods"),
    "csv-utf8": lambda rows, sheet: (csv_bytes(rows, encoding="utf-8"), f"{sheet}.csv"),
    "csv-utf8-bom": lambda rows, sheet: (csv_bytes(rows, encoding="utf-8-sig"), f"{sheet}.csv"),
    "csv-gbk": lambda rows, sheet: (csv_bytes(rows, encoding="gbk"), f"{sheet}.csv"),
}


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def counts():
    return Org.objects.count(), User.objects.count(), Event.objects.count()


def orgs_file(*rows, title_row=None):
    return {"data": xlsx_bytes([ORG_HEADER, *rows], sheet="单位", title_row=title_row), "filename": "单位.xlsx"}


def people_file(*rows, header=PEOPLE_HEADER):
    return {"data": xlsx_bytes([header, *rows], sheet="人员"), "filename": "人员.xlsx"}


def parent_code(code):
    parent = Org.objects.get_parent(Org.objects.get(code=code))
    return parent.code if parent else None


def assert_tree_sound():
    assert all(not found for found in Org.objects.find_problems())


def only_problem(result):
    assert len(result.errors) == 1, [str(problem) for problem in result.errors]
    return result.errors[0]


# --- Orgs: formats and structure --------------------------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
def test_orgs_import_from_every_format(tree, people, kind):
    rows = [
        ORG_HEADER,
        # A child before its parent, traditional characters, words for kinds.
        ["AK-JM-NEW-01", "新社區第一網格", "AK-JM-NEW", "網格", "一网格"],
        ["AK-JM-NEW", "新社区", "AK-JM", "社区", None],
        ["AK-DW", "高新区党工委", "AK", "party_working_committee", ""],
    ]
    data, filename = FORMATS[kind](rows, "单位")
    before = Event.objects.count()
    result = import_orgs(data=data, filename=filename, acting_user=people.admin)
    assert result.ok, [str(problem) for problem in result.errors]
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    grid = Org.objects.get(code="AK-JM-NEW-01")
    assert (grid.name, grid.kind, grid.short_name) == ("新社区第一网格", OrgKind.GRID, "一网格")
    assert parent_code("AK-JM-NEW-01") == "AK-JM-NEW"
    assert parent_code("AK-JM-NEW") == "AK-JM"
    assert Org.objects.get(code="AK-DW").kind == OrgKind.PARTY_WORKING_COMMITTEE
    assert_tree_sound()
    events = Event.objects.filter(action="imported")
    assert Event.objects.count() - before == events.count() == 3
    event = events.get(object_id=grid.pk)
    assert event.actor == people.admin and event.org_id == grid.pk
    assert event.changes["parent"] == "AK-JM-NEW" and event.comment == filename


def test_new_units_go_after_existing_siblings_without_moving_them(tree, people):
    paths = dict(Org.objects.values_list("code", "path"))
    result = import_orgs(
        **orgs_file(
            ["AK-JM-A-02", "安居第二网格", "AK-JM-A", "网格"],
            ["AK-JM-A", "安居社区", "AK-JM", "社区"],
            ["AK-JM-A-01", "安居第一网格", "AK-JM-A", "网格"],
            ["AK-0", "办公室", "AK", "部门"],
            ["AK-JM-XDC-02", "现代城第二网格", "AK-JM-XDC", "网格"],
        ),
        acting_user=people.admin,
    )
    assert result.ok and result.created == 5
    assert_tree_sound()
    assert dict(Org.objects.filter(code__in=paths).values_list("code", "path")) == paths
    street = Org.objects.get(code="AK-JM")
    assert [child.code for child in Org.objects.get_children(street)] == ["AK-JM-XDC", "AK-JM-JS", "AK-JM-A"]
    community = Org.objects.get(code="AK-JM-A")
    assert [child.code for child in Org.objects.get_children(community)] == ["AK-JM-A-01", "AK-JM-A-02"]
    assert community.numchild == 2 and Org.objects.get(code="AK-JM").numchild == 3
    assert [child.code for child in Org.objects.get_children(Org.objects.get(code="AK"))] == ["AK-JJ", "AK-JM", "AK-0"]
    assert parent_code("AK-JM-XDC-02") == "AK-JM-XDC"


def test_title_row_above_the_header_keeps_row_numbers(tree, people):
    result = import_orgs(
        **orgs_file(["AK-X", "", "AK", "部门"], title_row="安康高新区单位名单"), acting_user=people.admin
    )
    problem = only_problem(result)
    assert problem.location == CellLocation(sheet="单位", row=3, column_letter="B", header="单位名称")


def test_a_thousand_units_in_a_bounded_number_of_queries(tree, people, django_assert_max_num_queries):
    rows = []
    for street in range(10):
        rows.append([f"S{street:02d}", f"街道{street}", "AK", "街道"])
        for community in range(99):
            rows.append([f"S{street:02d}-{community:02d}", f"社区{street}-{community}", f"S{street:02d}", "社区"])
    with django_assert_max_num_queries(150):
        result = import_orgs(**orgs_file(*rows), acting_user=people.admin)
    assert result.ok and result.created == 1000
    assert Org.objects.get_children_count(Org.objects.get(code="S03")) == 99
    assert Event.objects.filter(action="imported").count() == 1000
    assert_tree_sound()


def test_new_root_by_the_installer(superuser):
    result = import_orgs(
        **orgs_file(["HZ", "汉滨区", None, "区县"], ["HZ-01", "老城街道", "HZ", "街道"]), acting_user=superuser
    )
    assert result.ok and result.created == 2
    assert Org.objects.get(code="HZ").depth == 1
    assert parent_code("HZ-01") == "HZ"


# --- Orgs: updates ----------------------------------------------------------------------


def test_existing_codes_are_updated_and_unchanged_rows_left_alone(tree, people):
    result = import_orgs(
        **orgs_file(
            ["AK-JM", "建民街道办事处", "AK", "街道", "建民"],
            ["AK-JJ", "经济发展局", "AK", "部门", ""],
            ["AK", "安康高新区", None, "区县", ""],
        ),
        acting_user=people.admin,
    )
    assert result.ok, [str(problem) for problem in result.errors]
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    street = Org.objects.get(code="AK-JM")
    assert (street.name, street.short_name) == ("建民街道办事处", "建民")
    event = Event.objects.get(action="imported")
    assert event.object_id == street.pk
    assert event.changes == {"name": ["建民街道", "建民街道办事处"], "short_name": ["", "建民"]}


def test_without_a_short_name_column_the_short_name_is_kept(tree, people):
    Org.objects.filter(code="AK-JM").update(short_name="建民")
    data = xlsx_bytes([ORG_HEADER[:4], ["AK-JM", "建民街道", "AK", "街道"]], sheet="单位")
    result = import_orgs(data=data, filename="单位.xlsx", acting_user=people.admin)
    assert result.ok and result.unchanged == 1
    assert Org.objects.get(code="AK-JM").short_name == "建民"


def test_an_existing_unit_is_not_moved_by_import(tree, people):
    before = counts()
    result = import_orgs(
        **orgs_file(["AK-JM-JS", "居尚社区", "AK-JJ", "社区"], ["AK", "安康高新区", "AK-JJ", "区县"]),
        acting_user=people.admin,
    )
    assert len(result.errors) == 2
    assert [problem.location.row for problem in result.errors] == [2, 3]
    assert all(problem.location.column_letter == "C" for problem in result.errors)
    assert "AK-JM" in result.errors[0].message  # where it sits now
    assert counts() == before
    assert parent_code("AK-JM-JS") == "AK-JM"


# --- Orgs: bad input, nothing imported ----------------------------------------------------


def test_every_bad_row_is_reported_and_nothing_is_imported(tree, people):
    before = counts()
    result = import_orgs(
        **orgs_file(
            ["AK-N1", "新单位一", "AK", "部门"],  # row 2: fine
            ["AK-N2", "新单位二", "NOPE", "部门"],  # row 3: unknown parent
            ["AK-N1", "重复", "AK", "部门"],  # row 4: duplicate code
            ["AK-N3", "   ", "AK", "部门"],  # row 5: empty name
            ["AK-N4", "新单位四", "AK", "工厂"],  # row 6: unknown kind
            [None, "无编码", "AK", "部门"],  # row 7: empty code
            ["AK-C1", "循环一", "AK-C2", "部门"],  # rows 8, 9: a loop
            ["AK-C2", "循环二", "AK-C1", "部门"],
            ["AK-N5", "新单位五", "AK", None],  # row 10: empty kind
            ["AK-N6", "名" * 101, "AK", "部门"],  # row 11: name too long
        ),
        acting_user=people.admin,
    )
    assert not result.ok and result.created == result.updated == 0
    assert counts() == before
    located = {(p.location.row, p.location.column_letter): p for p in result.errors}
    assert sorted(located) == [
        (3, "C"),
        (4, "A"),
        (5, "B"),
        (6, "D"),
        (7, "A"),
        (8, "C"),
        (9, "C"),
        (10, "D"),
        (11, "B"),
    ]
    assert len(result.errors) == len(located)  # one message per bad cell
    assert located[3, "C"].location == CellLocation(sheet="单位", row=3, column_letter="C", header="上级单位编码")
    assert "NOPE" in located[3, "C"].message
    assert "AK-N1" in located[4, "A"].message and "2" in located[4, "A"].message
    assert "工厂" in located[6, "D"].message and "社区" in located[6, "D"].message
    assert "AK-C1" in located[8, "C"].message and "AK-C2" in located[8, "C"].message
    for problem in result.errors:
        text = str(problem)
        assert "单位" in text and str(problem.location.row) in text and problem.location.column_letter in text


def test_a_unit_that_is_its_own_parent(tree, people):
    problem = only_problem(import_orgs(**orgs_file(["AK-S", "自己", "AK-S", "部门"]), acting_user=people.admin))
    assert (problem.location.row, problem.location.column_letter) == (2, "C")


def test_missing_columns_are_reported_at_the_header_row(tree, people):
    before = counts()
    data = xlsx_bytes([["单位编码", "单位名称"], ["AK-X", "某单位"]], sheet="单位")
    result = import_orgs(data=data, filename="单位.xlsx", acting_user=people.admin)
    assert [problem.location for problem in result.errors] == [CellLocation(sheet="单位", row=1)] * 2
    assert "上级单位编码" in result.errors[0].message and "单位类型" in result.errors[1].message
    assert counts() == before


@pytest.mark.parametrize(
    ("data", "filename"),
    [(b"\x80\x81\xff\x00\xfe\x90", "单位.csv"), (b"%PDF-1.7", "单位.pdf"), (b"PK\x03\x04broken", "单位.xlsx")],
)
def test_unreadable_files_give_one_problem_naming_the_file(tree, people, data, filename):
    before = counts()
    problem = only_problem(import_orgs(data=data, filename=filename, acting_user=people.admin))
    assert problem.location is None and filename in problem.message
    assert counts() == before


def test_people_importer_reports_unreadable_files_too(tree, people):
    problem = only_problem(import_people(data=b"\x80\x81\xff\x00", filename="人员.csv", acting_user=people.admin))
    assert problem.location is None and "人员.csv" in problem.message


# --- Orgs: reach --------------------------------------------------------------------------


def test_a_parent_outside_the_users_reach_is_refused(tree):
    from core.testing.factories import person_with_role

    street_admin = person_with_role("admin", tree.street, username="street_admin")
    before = counts()
    result = import_orgs(
        **orgs_file(
            ["AK-JM-XDC-02", "现代城第二网格", "AK-JM-XDC", "网格"],  # inside: fine
            ["AK-JJ-01", "科室", "AK-JJ", "部门"],  # a sibling's subtree
            ["AK-JJ-01-01", "小组", "AK-JJ-01", "部门"],  # below the refused one: no second message
            ["AK-JJ", "经济发展局", "AK", "部门"],  # changing a unit outside reach
            ["NEW-ROOT", "新区", None, "区县"],  # a new root needs the installer
        ),
        acting_user=street_admin,
    )
    located = {(p.location.row, p.location.column_letter) for p in result.errors}
    assert located == {(3, "C"), (5, "A"), (6, "C")}
    assert counts() == before


def test_clerks_may_not_change_the_tree(tree, people):
    result = import_orgs(**orgs_file(["AK-JM-XDC-02", "网格二", "AK-JM-XDC", "网格"]), acting_user=people.clerk_a)
    assert only_problem(result).location.column_letter == "C"


# --- Orgs: dry run --------------------------------------------------------------------------


def test_dry_run_counts_and_writes_nothing(tree, people):
    before = counts()
    result = import_orgs(
        **orgs_file(["AK-N", "新单位", "AK", "部门"], ["AK-JM", "建民街道（改）", "AK", "街道"]),
        acting_user=people.admin,
        dry_run=True,
    )
    assert result.ok and result.dry_run and not result.written
    assert (result.created, result.updated) == (1, 1)
    assert counts() == before
    assert Org.objects.get(code="AK-JM").name == "建民街道"


# --- People -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
def test_people_import_from_every_format(tree, people, kind):
    rows = [
        PEOPLE_HEADER,
        ["zhangsan", "張三", 13800000000, "AK-JM-XDC", "是", "年老體弱", "网格员", "zs@example.cn"],
        ["lisi", "李四", "139 0000 0001", "AK-JM-XDC-01", "N", None, None, None],
        ["wangwu", "王五", None, "AK-JM-XDC", 1, "new_employment", "", ""],
    ]
    data, filename = FORMATS[kind](rows, "人员")
    result = import_people(data=data, filename=filename, acting_user=people.clerk_a)
    assert result.ok, [str(problem) for problem in result.errors]
    assert (result.created, result.updated) == (3, 0)
    zhang = User.objects.get(username="zhangsan")
    assert (zhang.real_name, zhang.mobile, zhang.home_org.code) == ("张三", "13800000000", "AK-JM-XDC")
    assert zhang.is_party_member and zhang.member_category == MemberCategory.ELDERLY
    assert (zhang.position, zhang.email) == ("网格员", "zs@example.cn")
    assert not zhang.has_usable_password()
    lisi = User.objects.get(username="lisi")
    assert (lisi.mobile, lisi.is_party_member, lisi.member_category) == ("13900000001", False, "")
    assert User.objects.get(username="wangwu").member_category == MemberCategory.NEW_EMPLOYMENT
    events = Event.objects.filter(action="imported")
    assert events.count() == 3
    event = events.get(object_id=zhang.pk)
    assert event.actor == people.clerk_a and event.org_id == tree.community_a.pk
    assert event.changes["home_org"] == "AK-JM-XDC"


def test_every_bad_person_row_is_reported_and_nothing_is_imported(tree, people):
    before = counts()
    result = import_people(
        **people_file(
            ["ok1", "好人", "13800000001", "AK-JM-XDC", "否", None, None, None],  # row 2: fine
            ["bad2", "坏号", 123, "AK-JM-XDC", "否", None, None, None],  # row 3: bad phone
            ["bad3", "无单位", None, "NOPE", "否", None, None, None],  # row 4: unknown unit
            ["ok1", "重复", None, "AK-JM-XDC", "否", None, None, None],  # row 5: duplicate account
            ["bad5", None, None, "AK-JM-XDC", "否", None, None, None],  # row 6: empty name
            ["bad6", "非党员", None, "AK-JM-XDC", "否", "在职", None, None],  # row 7: category without member
            ["bad7", "乱填", None, "AK-JM-XDC", "也许", None, None, None],  # row 8: not yes or no
            ["bad8", "乱类", None, "AK-JM-XDC", "是", "退休", None, None],  # row 9: unknown category
            ["bad 9", "空格", None, "AK-JM-XDC", "否", None, None, None],  # row 10: bad account name
            ["bad10", "坏邮箱", None, "AK-JM-XDC", "否", None, None, "not-an-email"],  # row 11: bad e-mail
            ["bad11", "别处", None, "AK-JM-JS", "否", None, None, None],  # row 12: another community
        ),
        acting_user=people.clerk_a,
    )
    assert not result.ok and result.created == 0
    assert counts() == before
    located = {(p.location.row, p.location.column_letter): p for p in result.errors}
    assert sorted(located) == [
        (3, "C"),
        (4, "D"),
        (5, "A"),
        (6, "B"),
        (7, "F"),
        (8, "E"),
        (9, "F"),
        (10, "A"),
        (11, "H"),
        (12, "D"),
    ]
    assert len(result.errors) == len(located)
    phone = located[3, "C"]
    assert phone.location == CellLocation(sheet="人员", row=3, column_letter="C", header="手机号")
    assert "123" in phone.message
    assert "NOPE" in located[4, "D"].message
    assert "退休" in located[9, "F"].message


def test_people_are_updated_by_account_name(tree, people):
    result = import_people(
        **people_file(["member_a", "党员甲", "13700000000", "AK-JM-XDC", "是", "流出党员", "支部委员", ""]),
        acting_user=people.clerk_a,
    )
    assert result.ok and result.updated == 1
    member = User.objects.get(username="member_a")
    assert (member.real_name, member.home_org, member.member_category) == ("党员甲", tree.community_a, "outflow")
    event = Event.objects.get(action="imported")
    assert event.changes["home_org"] == ["AK-JM-XDC-01", "AK-JM-XDC"]
    assert event.changes["member_category"] == ["in_service", "outflow"]
    again = import_people(
        **people_file(["member_a", "党员甲", "13700000000", "AK-JM-XDC", "是", "流出", "支部委员", ""]),
        acting_user=people.clerk_a,
    )
    assert (again.updated, again.unchanged) == (0, 1)


def test_leaving_the_party_clears_the_category(tree, people):
    header = ["账号", "姓名", "所属单位编码", "是否党员"]
    result = import_people(
        **people_file(["member_a", "党员甲", "AK-JM-XDC-01", "否"], header=header), acting_user=people.clerk_a
    )
    assert result.ok
    member = User.objects.get(username="member_a")
    assert (member.is_party_member, member.member_category) == (False, "")


def test_people_outside_reach_and_superusers_are_not_changed(tree, people, superuser):
    result = import_people(
        **people_file(
            ["clerk_b", "别人", None, "AK-JM-XDC", "否", None, None, None],  # lives in community B
            ["root", "装机", None, "AK-JM-XDC", "否", None, None, None],  # a superuser
        ),
        acting_user=people.clerk_a,
    )
    assert [(p.location.row, p.location.column_letter) for p in result.errors] == [(2, "A"), (3, "A")]
    assert User.objects.get(username="clerk_b").home_org == tree.community_b


# --- The management command ------------------------------------------------------------------


def test_command_imports_as_the_installer(tmp_path, db):
    path = tmp_path / "单位.csv"
    path.write_bytes(csv_bytes([ORG_HEADER, ["HB", "汉滨区", "", "区县", ""]], encoding="gbk"))
    stdout = io.StringIO()
    call_command("import_orgs", str(path), stdout=stdout)
    assert "1" in stdout.getvalue()
    event = Event.objects.get(action="imported")
    assert event.actor is None and Org.objects.get(code="HB").depth == 1


def test_command_prints_each_problem_and_fails(tmp_path, tree, people):
    path = tmp_path / "单位.xlsx"
    path.write_bytes(xlsx_bytes([ORG_HEADER, ["X1", "", "AK", "部门"], ["X2", "某", "NOPE", "部门"]], sheet="单位"))
    stderr = io.StringIO()
    before = counts()
    with pytest.raises(CommandError) as caught:
        call_command("import_orgs", str(path), "--user", "admin", stderr=stderr)
    assert caught.value.returncode == 1
    lines = stderr.getvalue().strip().splitlines()
    assert len(lines) == 2
    assert "2" in lines[0] and "B" in lines[0] and "单位名称" in lines[0]
    assert "3" in lines[1] and "NOPE" in lines[1]
    assert counts() == before


def test_command_people_dry_run_and_unknown_user(tmp_path, tree, people):
    path = tmp_path / "人员.xlsx"
    path.write_bytes(xlsx_bytes([PEOPLE_HEADER, ["new1", "新人", None, "AK-JM", "否", None, None, None]]))
    stdout = io.StringIO()
    before = counts()
    call_command("import_orgs", str(path), "--people", "--dry-run", "--user", "street_clerk", stdout=stdout)
    assert "1" in stdout.getvalue()
    assert counts() == before
    with pytest.raises(CommandError):
        call_command("import_orgs", str(path), "--people", "--user", "nobody")
    with pytest.raises(CommandError):
        call_command("import_orgs", str(tmp_path / "missing.xlsx"))
    call_command("import_orgs", str(path), "--people", "--user", "street_clerk", stdout=io.StringIO())
    assert User.objects.get(username="new1").home_org == tree.street


def test_a_row_with_several_bad_cells_gets_a_message_for_each(tree, people):
    result = import_people(
        **people_file([None, None, "12345", "NOPE", "否", None, None, None]), acting_user=people.clerk_a
    )
    assert sorted(problem.location.column_letter for problem in result.errors) == ["A", "B", "C", "D"]
    assert {problem.location.row for problem in result.errors} == {2}
