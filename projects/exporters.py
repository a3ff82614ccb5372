"""Excel exports of the project lists: the rows the filters chose, as offices lay them out."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from core.personal import PersonalExport
from core.spreadsheets import xlsx_write
from projects.models import Deal, KeyProject, KeyTask, PromotionEvent
from projects.selectors import completion


def _date(value: object) -> str:
    return value.isoformat() if value else ""  # type: ignore[attr-defined]


def projects_xlsx(projects: Iterable[KeyProject], *, personal: PersonalExport) -> bytes:
    """Projects annotated by ``selectors.with_investment``; the first two columns and the
    plan are those the monthly return reads, so the export is a starting return too.
    People are named as ``personal`` allows (masked for viewers who may not take them out)."""
    header = [
        "项目编码",
        "项目名称",
        "年度计划投资（万元）",
        "本年完成投资（万元）",
        "完成率",
        "级别",
        "行业",
        "责任单位",
        "包抓领导",
        "项目专班",
        "阶段",
        "入库日期",
        "开工日期",
        "建成投产日期",
        "总投资（万元）",
        "计划完成日期",
        "状态",
        "建设地点",
    ]
    rows = []
    for project in projects:
        ratio = completion(project)
        rows.append(
            [
                project.code,
                project.title,
                project.planned if project.planned is not None else "",
                project.done,
                f"{ratio * 100:.1f}%" if ratio is not None else "",
                project.get_level_display(),
                project.industry,
                project.org.name,
                personal.name(project.leader),
                project.team_name,
                project.get_stage_display(),
                _date(project.pipeline_date),
                _date(project.construction_date),
                _date(project.operation_date),
                project.total_investment,
                _date(project.deadline),
                project.get_status_display(),
                project.location,
            ]
        )
    return xlsx_write(header=header, rows=rows, sheet=_("Key projects"))


def tasks_xlsx(tasks: Iterable[KeyTask], *, personal: PersonalExport) -> bytes:
    header = ["年度", "重点工作", "责任单位", "责任人", "包抓领导", "完成时限", "状态", "工作内容"]
    rows = [
        [
            task.year,
            task.title,
            task.org.name,
            personal.name(task.owner),
            personal.name(task.leader),
            _date(task.deadline),
            task.get_status_display(),
            task.description,
        ]
        for task in tasks
    ]
    return xlsx_write(header=header, rows=rows, sheet=_("Key tasks"))


def promotions_xlsx(promotions: Iterable[PromotionEvent], *, personal: PersonalExport) -> bytes:
    header = ["类型", "名称", "日期", "带队领导", "地点", "目标企业", "成效", "单位"]
    rows = [
        [
            item.get_kind_display(),
            item.title,
            _date(item.date),
            personal.name(item.leader),
            item.place,
            "、".join(item.companies),
            item.outcome,
            item.org.name,
        ]
        for item in promotions
    ]
    return xlsx_write(header=header, rows=rows, sheet=_("Promotion"))


def deals_xlsx(deals: Iterable[Deal], *, personal: PersonalExport) -> bytes:
    header = ["企业名称", "项目名称", "行业", "签约金额（万元）", "签约日期", "到位资金（万元）", "项目管家", "单位"]
    rows = [
        [
            deal.company,
            deal.project_name,
            deal.industry,
            deal.amount,
            _date(deal.signed_date),
            deal.funds,
            personal.name(deal.manager),
            deal.org.name,
        ]
        for deal in deals
    ]
    return xlsx_write(header=header, rows=rows, sheet=_("Signed deals"))
