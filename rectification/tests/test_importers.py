"""Importing the ledger from the sheets offices keep: every format, every layout, every bad
cell named, all or nothing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from campaigns.models import Campaign
from core.models import Event
from core.spreadsheets import CellLocation, read_workbook
from core.testing.factories import CampaignFactory, ChannelFactory, UserFactory
from core.testing.spreadsheets import csv_bytes, ods_bytes, xls_bytes, xlsx_bytes
from rectification.choices import ClosureKind, ItemStatus, ListStatus, ProblemLevel
from rectification.importers import find_ledger_header, import_ledger, parse_date
from rectification.models import Measure, Problem, ProblemList
from rectification.tests.factories import DomainFactory, ProblemListFactory

HEADER = [
    "序号",
    "问题",
    "问题类别",
    "问题来源",
    "所属领域",
    "责任单位",
    "责任人",
    "发现时间",
    "整改时限",
    "立行立改",
    "整改措施",
    "措施责任单位",
    "措施时限",
    "整改状态",
    "备注",
]
COLUMN = {name: chr(ord("A") + index) for index, name in enumerate(HEADER)}
TITLE = "安康高新区主题教育问题整改台账"

FORMATS = {
    "xlsx": lambda rows: (xlsx_bytes(rows, sheet="台账", title_row=TITLE), "台账.xlsx"),
    "xls": lambda rows: (xls_bytes(rows, sheet="台账", title_row=TITLE), "台账.xls"),
    "ods": lambda rows: (ods_bytes(rows, sheet="台账", title_row=TITLE), "台账.ods"),
    "csv-utf8": lambda rows: (csv_bytes(rows, encoding="utf-8", title_row=TITLE), "台账.csv"),
    "csv-utf8-bom": lambda rows: (csv_bytes(rows, encoding="utf-8-sig", title_row=TITLE), "台账.csv"),
    "csv-gbk": lambda rows: (csv_bytes(rows, encoding="gbk", title_row=TITLE), "台账.csv"),
}


# --- Builders of ledgers as offices lay them out --------------------------------------------


def xls_merged_bytes(rows, *, sheet="台账", merged=()):
    """An .xls file with merged areas ``(first_row, last_row, first_column, last_column)``,
    0-based, the value in the top-left cell only (as Excel 97-2003 keeps it)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    worksheet = book.add_sheet(sheet)
    covered = set()
    for first_row, last_row, first_column, last_column in merged:
        value = rows[first_row][first_column]
        worksheet.write_merge(first_row, last_row, first_column, last_column, value)
        covered.update((r, c) for r in range(first_row, last_row + 1) for c in range(first_column, last_column + 1))
    for row_index, row in enumerate(rows):
        for column_index, value in enumerate(row):
            if value is not None and (row_index, column_index) not in covered:
                worksheet.write(row_index, column_index, value)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def row(**cells):
    """One row of ``HEADER`` from its cells by header name."""
    return [cells.get(name) for name in HEADER]


@pytest.fixture
def campaign(tree):
    campaign = CampaignFactory(org=tree.district, name="主题教育", start_date=datetime.date(2023, 9, 1))
    ChannelFactory(campaign=campaign, code="xf", name="信访")
    ChannelFactory(campaign=campaign, code="12345", name="12345热线")
    DomainFactory(campaign=campaign, name="教育")
    DomainFactory(campaign=campaign, name="医疗")
    return campaign


def counts():
    return Problem.objects.count(), Measure.objects.count(), Event.objects.count(), ProblemList.objects.count()


def errors_of(result):
    return [str(problem) for problem in result.errors]


def only_problem(result):
    assert len(result.errors) == 1, errors_of(result)
    return result.errors[0]


def sample_rows(people):
    """Three problems: one over two measure rows (empty 问题 below), one with its 序号
    repeated, one closed; dates in every way offices write them; traditional text."""
    return [
        HEADER,
        row(
            序号=1,
            问题="社區路燈長期不亮，群眾夜間出行不便",
            问题类别="基层党组织",
            问题来源="信访",
            所属领域="教育",
            责任单位="现代城社区",
            责任人=people.clerk_a.real_name,
            发现时间="2023年10月15日",
            整改时限="2023.12.31",
            立行立改="否",
            整改措施="排查全部路灯",
            措施时限="2023/11/30",
            整改状态="整改中",
            备注="群众多次反映",
        ),
        row(整改措施="更换损坏灯具", 措施责任单位="AK-JM", 整改状态="已完成"),
        row(
            序号=2,
            问题="办事指南不清楚",
            问题类别="部门",
            问题来源="12345热线",
            责任单位="AK-JM-XDC",
            发现时间=45214,  # an Excel serial: 2023-10-15
            整改时限="2023年12月底",
            整改措施="重新印制办事指南",
        ),
        row(序号=2, 整改措施="在网站公布办事流程"),
        row(
            序号=3,
            问题="楼道堆放杂物",
            问题类别="基层党组织",
            责任单位="现代城社区",
            发现时间="2023-10-16",
            整改时限="立行立改",
            整改措施="清理楼道",
            整改状态="已销号",
        ),
    ]


# --- Formats and layouts -------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
def test_ledger_imports_from_every_format(campaign, people, tree, kind):
    data, filename = FORMATS[kind](sample_rows(people))
    result = import_ledger(data=data, filename=filename, campaign=campaign, acting_user=people.street_clerk)
    assert result.ok, errors_of(result)
    assert (result.created, result.measures, result.closed, result.lists_created) == (3, 5, 1, 1)

    lamps = Problem.objects.get(title="社区路灯长期不亮，群众夜间出行不便")  # stored simplified
    assert lamps.org == tree.community_a
    assert lamps.level == ProblemLevel.GRASSROOTS
    assert lamps.channel.name == "信访" and lamps.domain.name == "教育"
    assert lamps.owner == people.clerk_a
    assert lamps.found_date == datetime.date(2023, 10, 15)
    assert lamps.deadline == lamps.original_deadline == datetime.date(2023, 12, 31)
    assert lamps.description == "群众多次反映"
    assert lamps.status == ItemStatus.RECTIFYING and not lamps.immediate
    first, second = lamps.measures.order_by("id")
    assert (first.title, first.org, first.deadline, first.status) == (
        "排查全部路灯",
        tree.community_a,
        datetime.date(2023, 11, 30),
        ItemStatus.RECTIFYING,
    )
    assert (second.org, second.deadline, second.status, second.closure_kind) == (
        tree.street,
        datetime.date(2023, 12, 31),  # the problem's deadline when the measure has none
        ItemStatus.CLOSED,
        ClosureKind.RECTIFIED,
    )

    guide = Problem.objects.get(title="办事指南不清楚")
    assert guide.found_date == datetime.date(2023, 10, 15)
    assert guide.deadline == datetime.date(2023, 12, 31)  # 2023年12月底
    assert guide.measures.count() == 2  # 序号 2 repeated

    corridor = Problem.objects.get(title="楼道堆放杂物")
    assert corridor.immediate and corridor.deadline is None
    assert (corridor.status, corridor.closure_kind) == (ItemStatus.CLOSED, ClosureKind.RECTIFIED)
    assert corridor.closed_at is not None
    assert corridor.measures.get().status == ItemStatus.CLOSED

    problem_list = ProblemList.objects.get(campaign=campaign, org=tree.community_a)
    assert problem_list.status == ListStatus.DRAFTING
    events = Event.objects.filter(action="imported").order_by("id")
    assert events.count() == 3  # one per problem
    assert all(event.actor == people.street_clerk for event in events)
    assert events.last().to_status == ItemStatus.CLOSED


def test_two_row_merged_header_and_merged_problem_cells_xlsx(campaign, people, tree):
    top = ["序号", "问题", "问题类别", "责任单位", "整改时限", "整改措施", None, None, "整改状态"]
    bottom = [None, None, None, None, None, "措施内容", "责任单位", "完成时限", None]
    body = [
        [1, "停车难", "基层党组织", "居尚社区", "2023年12月31日", "施划车位", "居尚社区", "2023年11月1日", "整改中"],
        [None, None, None, None, None, "协调共享车位", "建民街道", "2023年11月15日", None],
        [None, None, None, None, None, "加强巡查", None, None, None],
        [2, "垃圾清运不及时", "基层党组织", "居尚社区", "2023年12月1日", "增加清运频次", None, None, "已完成"],
        ["填表说明：本表由各单位填报", None, None, None, None, None, None, None, None],
    ]
    # Title row 1, header rows 2-3, problem 1 on rows 4-6, problem 2 on row 7, a note on row 8.
    merged = ["A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "F2:H2", "I2:I3"]
    merged += [f"{col}4:{col}6" for col in "ABCDEI"]
    merged += ["A8:I8"]
    data = xlsx_bytes([top, bottom, *body], sheet="台账", title_row=TITLE, merged=merged)
    result = import_ledger(data=data, filename="台账.xlsx", campaign=campaign, acting_user=people.leader)
    assert result.ok, errors_of(result)
    assert (result.created, result.measures) == (2, 4)
    parking = Problem.objects.get(title="停车难")
    assert parking.org == tree.community_b
    measures = list(parking.measures.order_by("id").values_list("title", "org__code", "deadline"))
    assert measures == [
        ("施划车位", "AK-JM-JS", datetime.date(2023, 11, 1)),
        ("协调共享车位", "AK-JM", datetime.date(2023, 11, 15)),
        ("加强巡查", "AK-JM-JS", datetime.date(2023, 12, 31)),
    ]
    assert Problem.objects.get(title="垃圾清运不及时").status == ItemStatus.CLOSED


def test_merged_problem_cells_in_xls(campaign, people, tree):
    rows = [
        [TITLE, None, None, None, None],
        ["序号", "问题", "问题类别", "责任单位", "整改措施"],
        [1, "停车难", "基层党组织", "居尚社区", "施划车位"],
        [None, None, None, None, "协调共享车位"],
    ]
    merged = [(0, 0, 0, 4)] + [(2, 3, column, column) for column in range(4)]
    data = xls_merged_bytes(rows, merged=merged)
    result = import_ledger(data=data, filename="台账.xls", campaign=campaign, acting_user=people.leader)
    assert result.ok, errors_of(result)
    assert (result.created, result.measures) == (1, 2)


def test_two_row_header_in_csv_without_merges(campaign, people, tree):
    rows = [
        ["序号", "问题", "问题类别", "责任单位", "整改措施", "", "", "整改状态"],
        ["", "", "", "", "措施内容", "责任单位", "完成时限", ""],
        ["1", "停车难", "基层党组织", "居尚社区", "施划车位", "建民街道", "2023-11-01", "整改中"],
    ]
    data = csv_bytes(rows, encoding="gbk")
    header = find_ledger_header(read_workbook(data=data, filename="a.csv"))
    assert header.first_data_row == 2
    result = import_ledger(data=data, filename="台账.csv", campaign=campaign, acting_user=people.leader)
    assert result.ok, errors_of(result)
    measure = Measure.objects.get()
    assert (measure.title, measure.org, measure.deadline) == ("施划车位", tree.street, datetime.date(2023, 11, 1))


def test_header_synonyms(campaign, people, tree):
    rows = [
        ["编号", "存在问题", "层级", "渠道", "领域", "牵头单位", "完成时限", "具体措施", "状态"],
        ["1", "停车难", "县级领导班子", "12345热线", "医疗", "AK-JM", "2023/12/31", "施划车位", "推进中"],
    ]
    result = import_ledger(
        data=xlsx_bytes(rows), filename="ledger.xlsx", campaign=campaign, acting_user=people.supervisor
    )
    assert result.ok, errors_of(result)
    problem = Problem.objects.get()
    assert (problem.level, problem.channel.code, problem.domain.name, problem.org) == (
        ProblemLevel.LEADERSHIP,
        "12345",
        "医疗",
        tree.street,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023年10月15日", datetime.date(2023, 10, 15)),
        ("2023.10.15", datetime.date(2023, 10, 15)),
        ("2023/10/15", datetime.date(2023, 10, 15)),
        ("2023-10-15", datetime.date(2023, 10, 15)),
        (45214, datetime.date(2023, 10, 15)),
        (45214.0, datetime.date(2023, 10, 15)),
        ("45214", datetime.date(2023, 10, 15)),
        (datetime.datetime(2023, 10, 15, 0, 0), datetime.date(2023, 10, 15)),
        ("2023年13月1日", None),
        ("下周", None),
    ],
)
def test_dates_as_offices_write_them(value, expected):
    assert parse_date(value) == expected


def test_month_deadlines():
    assert parse_date("2023年2月底", month_allowed=True) == datetime.date(2023, 2, 28)
    assert parse_date("2024.2", month_allowed=True) == datetime.date(2024, 2, 29)
    assert parse_date("2023年2月底") is None


# --- Bad cells ------------------------------------------------------------------------------


def good_row(**changes):
    cells = {
        "序号": 1,
        "问题": "停车难",
        "问题类别": "基层党组织",
        "责任单位": "现代城社区",
        "整改措施": "施划车位",
        "发现时间": "2023-10-15",
        "整改时限": "2023-12-31",
    }
    cells.update(changes)
    return row(**cells)


BAD_CELLS = [
    ("问题", {"问题": None}),
    ("问题类别", {"问题类别": "村级"}),
    ("问题类别", {"问题类别": None}),
    ("问题来源", {"问题来源": "巡视"}),
    ("所属领域", {"所属领域": "交通"}),
    ("责任单位", {"责任单位": "不存在的单位"}),
    ("责任单位", {"责任单位": None}),
    ("责任单位", {"责任单位": "居尚社区"}),  # outside the clerk's reach
    ("责任人", {"责任人": "王五"}),
    ("发现时间", {"发现时间": "去年"}),
    ("发现时间", {"发现时间": "2099-01-01"}),
    ("整改时限", {"整改时限": "2023-02-30"}),
    ("整改时限", {"整改时限": "2023-10-01"}),  # before it was found
    ("立行立改", {"立行立改": "也许"}),
    ("措施责任单位", {"措施责任单位": "AK-JM"}),  # above the clerk's unit
    ("措施时限", {"措施时限": "月底前"}),
    ("整改状态", {"整改状态": "差不多"}),
]


@pytest.mark.parametrize(("header", "changes"), BAD_CELLS)
def test_each_bad_cell_is_named_and_nothing_is_written(campaign, people, tree, header, changes):
    rows = [HEADER, good_row(问题="第一个问题", 序号=1), good_row(序号=2, **changes)]
    before = counts()
    data = xlsx_bytes(rows, sheet="台账", title_row=TITLE)
    result = import_ledger(data=data, filename="台账.xlsx", campaign=campaign, acting_user=people.clerk_a)
    problem = only_problem(result)
    assert problem.location == CellLocation(sheet="台账", row=4, column_letter=COLUMN[header], header=header)
    assert problem.message
    assert counts() == before


def test_missing_columns_are_named(campaign, people):
    rows = [["序号", "问题", "整改措施"], [1, "停车难", "施划车位"]]
    result = import_ledger(data=xlsx_bytes(rows), filename="a.xlsx", campaign=campaign, acting_user=people.supervisor)
    assert len(result.errors) == 2  # 问题类别 and 责任单位
    assert all(problem.location.row == 1 for problem in result.errors)


def test_not_a_spreadsheet_and_concluded_campaign(campaign, people):
    result = import_ledger(data=b"\x00\x01garbage", filename="a.pdf", campaign=campaign, acting_user=people.supervisor)
    assert only_problem(result).location is None
    Campaign.objects.filter(pk=campaign.pk).update(status="closed")
    campaign.refresh_from_db()
    rows = [HEADER, good_row()]
    result = import_ledger(data=xlsx_bytes(rows), filename="a.xlsx", campaign=campaign, acting_user=people.supervisor)
    assert only_problem(result).location is None
    assert Problem.objects.count() == 0


def test_ambiguous_unit_names_ask_for_the_code(campaign, people, tree):
    from core.testing.factories import org_create

    org_create(parent=tree.community_a, name="综合办", code="X1")
    org_create(parent=tree.community_b, name="综合办", code="X2")
    rows = [HEADER, good_row(责任单位="综合办")]
    result = import_ledger(data=xlsx_bytes(rows), filename="a.xlsx", campaign=campaign, acting_user=people.supervisor)
    assert "X1" in only_problem(result).message
    result = import_ledger(
        data=xlsx_bytes([HEADER, good_row(责任单位="X2")]),
        filename="a.xlsx",
        campaign=campaign,
        acting_user=people.supervisor,
    )
    assert result.ok, errors_of(result)


def test_every_bad_cell_is_reported_once(campaign, people):
    rows = [
        HEADER,
        good_row(问题类别="村级", 发现时间="去年", 整改状态="差不多"),
        good_row(序号=2, 问题="其他", 责任单位="无"),
    ]
    result = import_ledger(data=xlsx_bytes(rows), filename="a.xlsx", campaign=campaign, acting_user=people.supervisor)
    located = sorted((p.location.row, p.location.column_letter) for p in result.errors)
    assert located == [
        (2, COLUMN["问题类别"]),
        (2, COLUMN["发现时间"]),
        (2, COLUMN["整改状态"]),
        (3, COLUMN["责任单位"]),
    ]


def test_a_closed_problem_with_an_open_measure_is_refused(campaign, people):
    rows = [
        ["序号", "问题", "问题类别", "责任单位", "整改措施", "措施状态", "整改状态"],
        [1, "停车难", "基层党组织", "现代城社区", "施划车位", "已完成", "已销号"],
        [None, None, None, None, "协调车位", "整改中", None],
    ]
    result = import_ledger(data=xlsx_bytes(rows), filename="a.xlsx", campaign=campaign, acting_user=people.supervisor)
    assert only_problem(result).location.row == 3 and only_problem(result).location.column_letter == "F"


def test_other_outcomes_and_waiting_closure(campaign, people):
    rows = [
        HEADER,
        good_row(序号=1, 问题="甲", 整改状态="重复问题"),
        good_row(序号=2, 问题="乙", 整改状态="待销号"),
        good_row(序号=3, 问题="丙", 整改状态="Closed"),
    ]
    result = import_ledger(data=xlsx_bytes(rows), filename="a.xlsx", campaign=campaign, acting_user=people.supervisor)
    assert result.ok, errors_of(result)
    outcomes = dict(Problem.objects.values_list("title", "closure_kind"))
    assert outcomes == {"甲": ClosureKind.DUPLICATE, "乙": "", "丙": ClosureKind.RECTIFIED}


# --- All or nothing, dry runs, repeats ------------------------------------------------------


def test_dry_run_counts_and_writes_nothing(campaign, people, tree):
    before = counts()
    data, filename = FORMATS["xlsx"](sample_rows(people))
    result = import_ledger(
        data=data, filename=filename, campaign=campaign, acting_user=people.street_clerk, dry_run=True
    )
    assert result.ok and result.dry_run and not result.written
    assert (result.created, result.measures, result.closed) == (3, 5, 1)
    assert result.by_unit == [{"org": "现代城社区", "code": "AK-JM-XDC", "problems": 3, "measures": 5}]
    assert counts() == before


def test_the_same_file_twice_is_refused(campaign, people):
    data, filename = FORMATS["xlsx"](sample_rows(people))
    assert import_ledger(data=data, filename=filename, campaign=campaign, acting_user=people.street_clerk).ok
    before = counts()
    again = import_ledger(data=data, filename=filename, campaign=campaign, acting_user=people.street_clerk)
    assert len(again.errors) == 3
    assert counts() == before


def test_the_same_problem_twice_in_a_file_is_refused(campaign, people):
    rows = [HEADER, good_row(序号=1), good_row(序号=2)]
    result = import_ledger(data=xlsx_bytes(rows), filename="a.xlsx", campaign=campaign, acting_user=people.supervisor)
    problem = only_problem(result)
    assert (problem.location.row, problem.location.column_letter) == (3, COLUMN["问题"])


def test_existing_lists_are_kept(campaign, people, tree):
    ProblemListFactory(campaign=campaign, org=tree.community_a, status=ListStatus.ACCEPTED)
    result = import_ledger(
        data=xlsx_bytes([HEADER, good_row()]), filename="a.xlsx", campaign=campaign, acting_user=people.supervisor
    )
    assert result.ok and result.lists_created == 0
    assert ProblemList.objects.get(org=tree.community_a).status == ListStatus.ACCEPTED


def test_ten_thousand_rows_with_one_bad_cell_import_nothing(campaign, people, tree):
    rows = [HEADER]
    for n in range(10_000):
        cells = {"问题": f"问题{n}", "序号": n + 1, "整改措施": f"措施{n}"}
        if n == 7_321:
            cells["整改时限"] = "2023-13-01"
        rows.append(good_row(**cells))
    data = csv_bytes(rows, encoding="gbk", title_row=TITLE)
    before = counts()
    reported = []
    result = import_ledger(
        data=data,
        filename="台账.csv",
        campaign=campaign,
        acting_user=people.supervisor,
        progress=lambda done, total: reported.append((done, total)),
    )
    problem = only_problem(result)
    assert problem.location == CellLocation(
        sheet="台账", row=7_321 + 3, column_letter=COLUMN["整改时限"], header="整改时限"
    )
    assert counts() == before
    assert reported and reported[-1][0] >= 10_000


def test_ten_thousand_rows_import(campaign, people, tree):
    rows = [HEADER]
    for n in range(5_000):
        rows.append(good_row(**{"问题": f"问题{n}", "序号": n + 1, "整改措施": f"措施{n}甲"}))
        rows.append(row(序号=n + 1, 整改措施=f"措施{n}乙", 整改状态="已完成"))
    data = xlsx_bytes(rows)
    reported = []
    result = import_ledger(
        data=data,
        filename="台账.xlsx",
        campaign=campaign,
        acting_user=people.supervisor,
        progress=lambda done, total: reported.append((done, total)),
    )
    assert result.ok, errors_of(result)[:3]
    assert (Problem.objects.count(), Measure.objects.count()) == (5_000, 10_000)
    assert Event.objects.filter(action="imported").count() == 5_000
    assert reported[-1] == (20_000, 20_000)


def test_rows_are_written_as_the_models_would_write_them(campaign, people, tree):
    """Problems, measures and events go in as plain rows with reserved ids: no id is
    taken twice (not even one of a deleted problem), each measure and event names its own
    problem, and every column holds what the model would have put there."""
    ChannelFactory(campaign=campaign, code="dc", name="督察")
    earlier = Problem.objects.create(
        campaign=campaign, org=tree.community_a, title="早先的问题", level=ProblemLevel.GRASSROOTS
    )
    highest = earlier.pk
    earlier.delete()
    rows = [HEADER]
    for n in range(3):
        rows.append(good_row(**{"问题": f"问题{n}", "序号": n + 1, "问题来源": "督察", "整改措施": f"措施{n}甲"}))
        rows.append(row(序号=n + 1, 整改措施=f"措施{n}乙", 整改状态="已完成" if n == 2 else None))
    rows.append(good_row(**{"问题": "已销号的问题", "序号": 4, "整改措施": "清理", "整改状态": "已销号"}))
    result = import_ledger(
        data=xlsx_bytes(rows), filename="台账.xlsx", campaign=campaign, acting_user=people.supervisor
    )
    assert result.ok, errors_of(result)
    problems = list(Problem.objects.filter(campaign=campaign).order_by("pk"))
    assert [p.title for p in problems] == ["问题0", "问题1", "问题2", "已销号的问题"]
    assert all(p.pk > highest for p in problems)
    for problem in problems:
        assert problem.campaign_id == campaign.pk and problem.created_by == people.supervisor
        assert problem.created_at is not None and problem.updated_at is not None
        assert problem.special_rectification_id is None and problem.owner_id is None
        assert problem.deadline == problem.original_deadline == datetime.date(2023, 12, 31)
        assert problem.found_date == datetime.date(2023, 10, 15)
        (event,) = Event.objects.filter(object_id=problem.pk, action="imported")
        assert event.item == problem and event.org_id == problem.org_id and event.actor == people.supervisor
        assert event.changes["measures"] == problem.measures.count()
        assert event.created_at == problem.created_at
        for measure in problem.measures.all():
            assert measure.campaign_id == campaign.pk and measure.org_id == problem.org_id
            assert measure.created_by == people.supervisor and measure.updated_at is not None
    assert [p.channel.name if p.channel else None for p in problems] == ["督察", "督察", "督察", None]
    assert [[m.title for m in p.measures.order_by("pk")] for p in problems] == [
        ["措施0甲", "措施0乙"],
        ["措施1甲", "措施1乙"],
        ["措施2甲", "措施2乙"],
        ["清理"],
    ]
    closed = problems[-1]
    assert closed.status == ItemStatus.CLOSED and closed.closed_at == closed.created_at
    assert Event.objects.get(object_id=closed.pk, action="imported").changes == {
        "file": "台账.xlsx",
        "row": 8,  # header on row 1, no title row
        "measures": 1,
        "closure_kind": ClosureKind.RECTIFIED,
    }
    assert [m.status for m in problems[2].measures.order_by("pk")] == [ItemStatus.RECTIFYING, ItemStatus.CLOSED]
    # The ids used are taken: the next problem entered by hand gets a new one.
    after = Problem.objects.create(campaign=campaign, org=tree.community_a, title="之后的问题", level="grassroots")
    assert after.pk > problems[-1].pk


@pytest.mark.django_db
def test_a_column_the_import_does_not_name_stops_it():
    """A field added to the models must be given its value in the import on purpose, not
    written as its default in every row without a word."""
    from django.db import connection

    from rectification.importers import DEFAULT, _Rows

    varying = ("problem_id", "org_id", "org_path", "title", "deadline", "original_deadline", "status", "closure_kind")
    constants = {"campaign_id": 1, "created_by_id": None, "created_at": DEFAULT, "updated_at": DEFAULT}
    with pytest.raises(ValueError, match="closed_at"):
        _Rows(Measure, connection, varying, **constants, owner_id=DEFAULT)
    with pytest.raises(ValueError, match="no_such_field"):
        _Rows(Measure, connection, (*varying, "closed_at"), **constants, owner_id=DEFAULT, no_such_field=1)
    rows = _Rows(Measure, connection, (*varying, "closed_at"), **constants, owner_id=DEFAULT)
    assert rows.columns.count(",") == len(Measure._meta.concrete_fields) - 2  # all but the id


# --- The command ----------------------------------------------------------------------------


def test_command_imports_and_dry_runs(campaign, people, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(FORMATS["xlsx"](sample_rows(people))[0])
    out = io.StringIO()
    call_command("import_ledger", str(path), "--campaign", str(campaign.pk), "--dry-run", stdout=out)
    assert "3" in out.getvalue() and Problem.objects.count() == 0
    call_command("import_ledger", str(path), "--campaign", str(campaign.pk), "--user", "street_clerk", stdout=out)
    assert Problem.objects.count() == 3
    assert Event.objects.filter(action="imported", actor=people.street_clerk).count() == 3


def test_command_prints_every_problem_and_fails(campaign, people, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, good_row(问题类别="村级"), good_row(序号=2, 问题="乙", 发现时间="去年")]))
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_ledger", str(path), "--campaign", str(campaign.pk), stderr=err)
    assert raised.value.returncode == 1
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 2 and "Sheet1" in lines[0]
    assert Problem.objects.count() == 0


def test_command_refuses_unknown_campaign_and_user(campaign, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, good_row()]))
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), "--campaign", "999999")
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), "--campaign", str(campaign.pk), "--user", "nobody")
    UserFactory(username="inactive", is_active=False)
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), "--campaign", str(campaign.pk), "--user", "inactive")
