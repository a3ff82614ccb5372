"""Exporting the ledger in the offices' layout, and importing it again unchanged."""

from __future__ import annotations

import datetime
import io

import pytest
from python_calamine import CalamineWorkbook

from core.personal import FULL_EXPORT
from core.spreadsheets import read_workbook
from core.testing.factories import CampaignFactory, ChannelFactory
from rectification.choices import ClosureKind, ItemStatus, ProblemLevel
from rectification.exporters import export_ledger, ledger_template
from rectification.importers import find_ledger_header, import_ledger
from rectification.models import Problem
from rectification.tests.factories import DomainFactory, MeasureFactory, ProblemFactory


def campaign_with_reference_data(org, name):
    campaign = CampaignFactory(org=org, name=name, start_date=datetime.date(2023, 9, 1))
    ChannelFactory(campaign=campaign, code="xf", name="信访")
    DomainFactory(campaign=campaign, name="教育")
    return campaign


@pytest.fixture
def ledger(tree, people):
    campaign = campaign_with_reference_data(tree.district, "主题教育")
    lamps = ProblemFactory(
        campaign=campaign,
        org=tree.community_a,
        title="社区路灯长期不亮",
        level=ProblemLevel.GRASSROOTS,
        channel=campaign.channels.get(),
        domain=campaign.domains.get(),
        owner=people.clerk_a,
        found_date=datetime.date(2023, 10, 15),
        deadline=datetime.date(2023, 12, 31),
        description="群众多次反映",
    )
    MeasureFactory(problem=lamps, title="排查全部路灯")
    MeasureFactory(
        problem=lamps,
        title="更换损坏灯具",
        org=tree.street,
        deadline=datetime.date(2023, 11, 30),
        status=ItemStatus.CLOSED,
        closure_kind=ClosureKind.RECTIFIED,
    )
    closed = ProblemFactory(
        campaign=campaign,
        org=tree.community_b,
        title="楼道堆放杂物",
        level=ProblemLevel.DEPARTMENT,
        found_date=datetime.date(2023, 10, 16),
        deadline=None,
        immediate=True,
        status=ItemStatus.CLOSED,
        closure_kind=ClosureKind.DUPLICATE,
    )
    MeasureFactory(problem=closed, title="清理楼道", status=ItemStatus.CLOSED, closure_kind=ClosureKind.DUPLICATE)
    ProblemFactory(
        campaign=campaign, org=tree.community_b, title="没有措施的问题", found_date=datetime.date(2023, 10, 1)
    )
    return campaign


def snapshot(campaign):
    """What the ledger says, by unit code and title, without ids."""
    result = {}
    for problem in Problem.objects.filter(campaign=campaign).select_related("org", "owner", "channel", "domain"):
        measures = [
            (m.title, m.org.code, m.deadline, m.status, m.closure_kind)
            for m in problem.measures.select_related("org").order_by("id")
        ]
        result[(problem.org.code, problem.title)] = (
            problem.level,
            problem.channel.name if problem.channel else None,
            problem.domain.name if problem.domain else None,
            problem.owner_id,
            problem.found_date,
            problem.deadline,
            problem.immediate,
            problem.status,
            problem.closure_kind,
            problem.description,
            measures,
        )
    return result


def test_export_layout(ledger):
    data = export_ledger(Problem.objects.filter(campaign=ledger), personal=FULL_EXPORT)
    with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
        sheet = book.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges
    assert rows[0][0] == "主题教育问题整改台账"
    assert rows[1][10] == "整改措施" and rows[2][10:14] == ["措施内容", "责任单位", "完成时限", "完成情况"]
    assert ((0, 0), (0, 15)) in merged  # title row
    assert ((1, 10), (1, 13)) in merged  # group title
    # The lamps problem (community A comes first by path) spans rows 4 and 5.
    assert rows[3][:3] == [1, "社区路灯长期不亮", "基层党组织"] or rows[3][:3] == [
        1.0,
        "社区路灯长期不亮",
        "基层党组织",
    ]
    assert rows[3][7] == "2023年10月15日"
    assert ((3, 1), (4, 1)) in merged
    assert rows[4][10:14] == ["更换损坏灯具", "建民街道", "2023年11月30日", "已销号"]
    header = find_ledger_header(read_workbook(data=data, filename="x.xlsx"))
    assert header.first_data_row == 3 and not header.missing


def test_export_then_import_gives_the_same_ledger(ledger, tree, people):
    data = export_ledger(Problem.objects.filter(campaign=ledger), personal=FULL_EXPORT)
    other = campaign_with_reference_data(tree.district, "第二批主题教育")
    result = import_ledger(data=data, filename="台账.xlsx", campaign=other, acting_user=people.supervisor)
    assert result.ok, [str(p) for p in result.errors]
    assert snapshot(other) == snapshot(ledger)


def test_export_of_a_filtered_queryset(ledger):
    data = export_ledger(Problem.objects.filter(campaign=ledger, status=ItemStatus.CLOSED), personal=FULL_EXPORT)
    rows = read_workbook(data=data, filename="x.xlsx").sheets[0].rows
    assert [row[1] for row in rows[3:]] == ["楼道堆放杂物"]


def test_template_imports_only_its_example_problems(tree, people):
    data = ledger_template()
    workbook = read_workbook(data=data, filename="template.xlsx")
    assert [sheet.name for sheet in workbook.sheets] == ["台账", "填表说明"]
    header = find_ledger_header(workbook)
    assert not header.missing and header.first_data_row == 3
    notes = workbook.sheets[1].rows
    assert len(notes) > 10
    campaign = campaign_with_reference_data(tree.district, "主题教育")
    result = import_ledger(data=data, filename="template.xlsx", campaign=campaign, acting_user=people.supervisor)
    # The example units do not exist: the template names them, nothing else is wrong.
    assert {problem.location.header for problem in result.errors} <= {"责任单位", "整改措施/责任单位", "责任人"}
