from decimal import Decimal

import pytest
import time_machine

from core.errors import DomainError
from core.services import item_events
from core.testing.spreadsheets import csv_bytes, xlsx_bytes
from projects.choices import ProjectLevel
from projects.importers import investment_return_import
from projects.models import InvestmentPlan, InvestmentReport, KeyProject
from projects.statistics import project_figures
from projects.tests.factories import InvestmentPlanFactory, InvestmentReportFactory, KeyProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_the_report_day():
    # The figures below are read as of 2026-11-23; rows stamped later would not count.
    with time_machine.travel("2026-11-23 10:00 +0800", tick=False):
        yield


def run(user, data, *, filename="return.xlsx", year=2026, month=10, dry_run=False):
    return investment_return_import(
        data=data,
        filename=filename,
        year=year,
        month=month,
        acting_user=user,
        projects=KeyProject.objects.visible_to(user),
        dry_run=dry_run,
    )


@pytest.fixture
def projects(tree):
    first = KeyProjectFactory(org=tree.community_a, title="富硒食品加工园", code="P-001", level=ProjectLevel.PROVINCIAL)
    second = KeyProjectFactory(org=tree.community_a, title="智能制造基地", code="P-002", level=ProjectLevel.MUNICIPAL)
    InvestmentPlanFactory(project=first, year=2026, amount=Decimal("10000"))
    InvestmentPlanFactory(project=second, year=2026, amount=Decimal("5000"))
    return first, second


def test_amounts_in_mixed_units_give_completion(projects, people):
    first, _second = projects
    # September in 亿元 (unit in the header), October in 万元 (unit on a line above).
    september = xlsx_bytes(
        [["项目名称", "本月完成投资（亿元）"], ["富硒食品加工园", 0.66], ["智能制造基地", "0.2"]],
        title_row="2026年9月重点项目投资完成情况",
    )
    assert run(people.clerk_a, september, month=9).written == 2
    october = xlsx_bytes(
        [
            ["单位：万元"],
            ["项目编码", "项目名称", "年度计划投资", "本月完成投资", "备注"],
            ["P-001", "富硒食品加工园", 10000, "6,600", ""],
            ["P-002", "智能制造基地", None, 3100, "加快进度"],
        ]
    )
    result = run(people.clerk_a, october)
    assert result.ok and result.written == 2
    assert InvestmentReport.objects.get(project=first, month=9).amount == Decimal("6600")
    assert InvestmentReport.objects.get(project=first, month=10).amount == Decimal("6600")
    levels = project_figures(scope=_scope())["investment"]["by_level"]
    assert levels["provincial"]["completion"] == 1.32  # 13,200 of 10,000
    assert levels["municipal"]["completion"] == 1.02  # (2,000 + 3,100) of 5,000
    assert item_events(first).filter(action="investment_reported").count() == 2


def _scope():
    from core.statistics import build_scope

    return build_scope(user=None, date="2026-11-23")


def test_plan_column_sets_the_annual_plan(projects, people):
    first, _second = projects
    data = xlsx_bytes([["项目名称", "年度计划投资（亿元）", "本月完成投资（万元）"], ["富硒食品加工园", 1.5, 100]])
    assert run(people.clerk_a, data).ok
    assert InvestmentPlan.objects.get(project=first, year=2026).amount == Decimal("15000")


def test_unknown_name_and_a_month_reported_twice_are_refused_per_row(projects, people):
    first, _second = projects
    InvestmentReportFactory(project=first, year=2026, month=10, amount=1)
    data = xlsx_bytes(
        [
            ["项目名称", "本月完成投资（万元）"],
            ["富硒食品加工园", 100],
            ["不存在的项目", 50],
            ["智能制造基地", 30],
            ["智能制造基地", 40],
        ],
        sheet="10月",
    )
    result = run(people.clerk_a, data)
    assert not result.ok and result.written == 0
    rows = sorted((problem.location.row, problem.location.column_letter) for problem in result.errors)
    assert rows == [(2, "B"), (3, "A"), (5, "A")]
    texts = " ".join(str(problem) for problem in result.errors)
    assert "10月" in texts and "不存在的项目" in texts
    assert InvestmentReport.objects.count() == 1  # nothing imported, not even the good row


def test_projects_outside_the_scope_do_not_match(projects, people, tree):
    KeyProjectFactory(org=tree.community_b, title="居尚社区项目")
    data = csv_bytes([["项目名称", "本月完成投资"], ["居尚社区项目", 10]])
    result = run(people.clerk_a, data, filename="return.csv")
    assert not result.ok and result.errors[0].location.row == 2
    assert not InvestmentReport.objects.exists()


def test_bad_amounts_and_missing_columns(projects, people):
    data = xlsx_bytes([["项目名称", "本月完成投资"], ["富硒食品加工园", "很多"], ["智能制造基地", -5]])
    result = run(people.clerk_a, data)
    assert [(p.location.row, p.location.column_letter) for p in result.errors] == [(2, "B"), (3, "B")]
    missing = run(people.clerk_a, xlsx_bytes([["项目名称", "备注"], ["富硒食品加工园", ""]]))
    assert not missing.ok and "本月完成投资" in str(missing.errors[0])


def test_dry_run_writes_nothing_and_future_month_refused(projects, people):
    data = xlsx_bytes([["项目名称", "本月完成投资"], ["富硒食品加工园", 10]])
    result = run(people.clerk_a, data, dry_run=True)
    assert result.ok and result.rows == 1 and not InvestmentReport.objects.exists()
    with pytest.raises(DomainError):
        run(people.clerk_a, data, year=2099, month=1)
