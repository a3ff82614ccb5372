"""Dashboard panels and the bulletin paragraph of key projects and investment promotion,
drawn from the "projects" figures (``projects.statistics``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.panels import Card, Chart, Panel, register_panel
from projects.choices import ProjectLevel, ProjectStage
from projects.templatetags.projects import wan_yuan


def _percent(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio * 100:.0f}%"


def project_cards(figures: dict[str, Any]) -> list[Card]:
    projects, investment = figures["projects"], figures["investment"]
    levels = investment["by_level"]
    return [
        Card(_("Key projects"), projects["total"]),
        Card(_("Entered the pipeline this year"), projects["entered_pipeline_year"]),
        Card(_("Completed and in operation this year"), projects["completed_year"]),
        Card(
            _("Provincial projects: annual investment done"),
            _percent(levels[ProjectLevel.PROVINCIAL]["completion"]),
            hint=_("%(count)s projects") % {"count": levels[ProjectLevel.PROVINCIAL]["projects"]},
        ),
        Card(
            _("Municipal projects: annual investment done"),
            _percent(levels[ProjectLevel.MUNICIPAL]["completion"]),
            hint=_("%(count)s projects") % {"count": levels[ProjectLevel.MUNICIPAL]["projects"]},
        ),
        Card(
            _("Projects behind plan"),
            investment["behind_plan"],
            tone="warning" if investment["behind_plan"] else "success",
        ),
    ]


def promotion_cards(figures: dict[str, Any]) -> list[Card]:
    promotion, tasks = figures["promotion"], figures["tasks"]
    return [
        Card(_("One-to-one promotion visits"), promotion["visits"]),
        Card(_("Promotion events"), promotion["events"]),
        Card(_("Deals signed"), promotion["deals_signed"]),
        Card(_("Funds in place"), wan_yuan(promotion["funds_in_place"])),
        Card(
            _("Key tasks done"),
            f"{tasks['done']}/{tasks['total']}",
            tone="danger" if tasks["overdue"] else "",
            hint=_("%(count)s overdue") % {"count": tasks["overdue"]} if tasks["overdue"] else "",
        ),
    ]


def project_charts(figures: dict[str, Any]) -> list[Chart]:
    stages = figures["projects"]["by_stage"]
    levels = figures["investment"]["by_level"]
    stage_option = {
        "tooltip": {},
        "xAxis": {"type": "category", "data": [str(label) for label in ProjectStage.labels]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "data": [stages[value] for value in ProjectStage.values]}],
    }
    completion = [
        None if levels[level]["completion"] is None else round(levels[level]["completion"] * 100, 1)
        for level in ProjectLevel.values
    ]
    level_option = {
        "tooltip": {},
        "xAxis": {"type": "category", "data": [str(label) for label in ProjectLevel.labels]},
        "yAxis": {"type": "value", "axisLabel": {"formatter": "{value}%"}},
        "series": [{"type": "bar", "data": completion, "label": {"show": True, "formatter": "{c}%"}}],
    }
    return [
        Chart(_("Key projects by stage"), stage_option),
        Chart(_("Annual investment done by level"), level_option),
    ]


def bulletin(figures: dict[str, Any]) -> str:
    """e.g. 全区181个重点项目，新入库47个、建成投产31个；省级重点项目10个完成年度投资132%……"""
    projects, investment, promotion = figures["projects"], figures["investment"], figures["promotion"]
    if not projects["total"] and not promotion["visits"] and not promotion["events"] and not promotion["deals_signed"]:
        return ""
    levels = investment["by_level"]
    return _(
        "%(total)s key projects in all, %(pipeline)s newly entered in the pipeline and %(completed)s completed and "
        "in operation this year; %(provincial)s provincial key projects at %(provincial_done)s and %(municipal)s "
        "municipal key projects at %(municipal_done)s of their annual investment plan. %(visits)s one-to-one "
        "promotion visits and %(events)s promotion events were held, %(deals)s projects signed and %(funds)s "
        "of funds are in place."
    ) % {
        "total": projects["total"],
        "pipeline": projects["entered_pipeline_year"],
        "completed": projects["completed_year"],
        "provincial": projects["by_level"][ProjectLevel.PROVINCIAL],
        "provincial_done": _percent(levels[ProjectLevel.PROVINCIAL]["completion"]),
        "municipal": projects["by_level"][ProjectLevel.MUNICIPAL],
        "municipal_done": _percent(levels[ProjectLevel.MUNICIPAL]["completion"]),
        "visits": promotion["visits"],
        "events": promotion["events"],
        "deals": promotion["deals_signed"],
        "funds": wan_yuan(Decimal(promotion["funds_in_place"])),
    }


register_panel(
    Panel(
        name="projects.key_projects",
        provider="projects",
        title=gettext_lazy("Key projects"),
        order=40,
        cards=project_cards,
        charts=project_charts,
        bulletin=bulletin,
    )
)
register_panel(
    Panel(
        name="projects.promotion",
        provider="projects",
        title=gettext_lazy("Investment promotion and key tasks"),
        order=41,
        cards=promotion_cards,
    )
)
