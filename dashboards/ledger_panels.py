"""The ledger's panels (一台账两清单): key figures, charts, rankings and the bulletin paragraph.

Drawn from the figures of the ``rectification`` statistics provider only (no query here):
``problems.by_status``/``by_level`` for the breakdowns, ``problems.weekly`` for the trend,
``problems.by_unit`` for overdue by unit and the rankings of units (红黑榜).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from core.panels import Card, Chart, Panel, Table, register_panel

# How many units each ranking lists, and how many bars the overdue chart draws.
RANKING_SIZE = 5
OVERDUE_BARS = 15


def percent_text(rate: float | None, digits: int = 1) -> str:
    """0.8734 as 87.3%; a dash where there is nothing to divide by."""
    if rate is None:
        return "—"
    text = f"{rate * 100:.{digits}f}".rstrip("0").rstrip(".")
    return f"{text}%"


def month_day(iso_date: str) -> str:
    """11月20日 in Chinese (20 Nov in English), as bulletins date their figures."""
    day = datetime.date.fromisoformat(iso_date)
    if (get_language() or "zh-hans").startswith("zh"):
        return f"{day.month}月{day.day}日"
    return formats.date_format(day, "j M")


def _status_labels() -> dict[str, str]:
    from rectification.choices import ItemStatus

    return {value: str(label) for value, label in ItemStatus.choices}


def _level_labels() -> dict[str, str]:
    from rectification.choices import ProblemLevel

    return {value: str(label) for value, label in ProblemLevel.choices}


def ledger_cards(figures: dict[str, Any]) -> list[Card]:
    problems, measures = figures["problems"], figures["measures"]
    rate = problems["closure_rate"]
    return [
        Card(_("Problems found"), problems["total"], unit=_("items (unit of count)")),
        Card(_("Rectification measures"), measures["total"], unit=_("items (unit of count)")),
        Card(_("Rectified and closed"), problems["rectified"], unit=_("items (unit of count)"), tone="success"),
        Card(_("Closure rate"), percent_text(rate), tone="success" if rate is not None and rate >= 0.8 else ""),
        Card(
            _("Open and overdue"),
            problems["overdue"],
            unit=_("items (unit of count)"),
            tone="danger" if problems["overdue"] else "",
        ),
        Card(
            _("Added this period"),
            problems["period"]["added"],
            unit=_("items (unit of count)"),
            hint=_("closed this period: %(closed)s") % {"closed": problems["period"]["closed"]},
        ),
    ]


def ledger_charts(figures: dict[str, Any]) -> list[Chart]:
    problems = figures["problems"]
    status_labels, level_labels = _status_labels(), _level_labels()
    status_chart = Chart(
        _("Problems by status"),
        {
            "tooltip": {"trigger": "item"},
            "legend": {"bottom": 0},
            "series": [
                {
                    "type": "pie",
                    "radius": ["40%", "68%"],
                    "label": {"formatter": "{b}: {c}"},
                    "data": [
                        {"name": status_labels.get(status, status), "value": count}
                        for status, count in problems["by_status"].items()
                    ],
                }
            ],
        },
    )
    levels = list(problems["by_level"].items())
    level_chart = Chart(
        _("Problems by level"),
        {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 8, "right": 16, "bottom": 8, "top": 16, "containLabel": True},
            "xAxis": {"type": "value", "minInterval": 1},
            "yAxis": {"type": "category", "data": [level_labels.get(level, level) for level, _n in levels]},
            "series": [{"type": "bar", "data": [n for _level, n in levels], "label": {"show": True}}],
        },
    )
    weeks = problems.get("weekly", [])
    trend_chart = Chart(
        _("Weekly trend: problems added and closed"),
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0},
            "grid": {"left": 8, "right": 16, "bottom": 32, "top": 16, "containLabel": True},
            "xAxis": {"type": "category", "data": [month_day(week["week_start"]) for week in weeks]},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [
                {
                    "name": pgettext("weekly trend", "Added"),
                    "type": "line",
                    "smooth": True,
                    "data": [week["added"] for week in weeks],
                },
                {
                    "name": pgettext("weekly trend", "Closed"),
                    "type": "line",
                    "smooth": True,
                    "data": [week["closed"] for week in weeks],
                },
            ],
        },
    )
    overdue_units = sorted(
        (unit for unit in problems.get("by_unit", []) if unit["overdue"]),
        key=lambda unit: (-unit["overdue"], unit["org"]),
    )[:OVERDUE_BARS]
    overdue_units.reverse()  # the bar chart draws from the bottom up: most overdue on top
    overdue_chart = Chart(
        _("Overdue problems by unit"),
        {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 8, "right": 24, "bottom": 8, "top": 16, "containLabel": True},
            "xAxis": {"type": "value", "minInterval": 1},
            "yAxis": {"type": "category", "data": [unit["org_name"] for unit in overdue_units]},
            "series": [
                {
                    "type": "bar",
                    "itemStyle": {"color": "#dc3545"},
                    "label": {"show": True, "position": "right"},
                    "data": [unit["overdue"] for unit in overdue_units],
                }
            ],
        },
        height=max(200, 28 * len(overdue_units) + 40),
    )
    return [status_chart, level_chart, trend_chart, overdue_chart]


def ranked_units(figures: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The 红黑榜 from ``problems.by_unit``: best and worst closure rate, most overdue.

    Only units with problems are ranked; ties go to the unit with more problems (a full
    ledger rectified weighs more than a short one), then by code, so the order is stable.
    """
    units = [unit for unit in figures["problems"].get("by_unit", []) if unit["total"]]
    best = sorted(units, key=lambda unit: (-(unit["closure_rate"] or 0), -unit["total"], unit["org"]))
    worst = sorted(units, key=lambda unit: ((unit["closure_rate"] or 0), -unit["total"], unit["org"]))
    overdue = sorted((unit for unit in units if unit["overdue"]), key=lambda unit: (-unit["overdue"], unit["org"]))
    return {"best": best[:RANKING_SIZE], "worst": worst[:RANKING_SIZE], "overdue": overdue[:RANKING_SIZE]}


def ledger_tables(figures: dict[str, Any]) -> list[Table]:
    ranked = ranked_units(figures)
    rate_columns = [
        pgettext("ranking column", "Rank"),
        pgettext("ranking column", "Unit"),
        pgettext("ranking column", "Problems"),
        pgettext("ranking column", "Rectified"),
        pgettext("ranking column", "Closure rate"),
    ]

    def rate_rows(units: list[dict[str, Any]]) -> list[list[Any]]:
        return [
            [place, unit["org_name"], unit["total"], unit["rectified"], percent_text(unit["closure_rate"])]
            for place, unit in enumerate(units, start=1)
        ]

    return [
        Table(_("Red list: highest closure rate"), rate_columns, rate_rows(ranked["best"]), tone="success"),
        Table(_("Black list: lowest closure rate"), rate_columns, rate_rows(ranked["worst"]), tone="danger"),
        Table(
            _("Most overdue problems"),
            [
                pgettext("ranking column", "Rank"),
                pgettext("ranking column", "Unit"),
                pgettext("ranking column", "Open problems"),
                pgettext("ranking column", "Overdue problems"),
            ],
            [
                [place, unit["org_name"], unit["open"], unit["overdue"]]
                for place, unit in enumerate(ranked["overdue"], start=1)
            ],
            tone="danger",
        ),
    ]


def ledger_bulletin(figures: dict[str, Any]) -> str:
    """The headline paragraph of the weekly and monthly bulletin, in the report's words."""
    problems, measures = figures["problems"], figures["measures"]
    return _(
        "As of %(date)s, %(problems)s problems have been found and %(measures)s rectification measures "
        "drawn up; %(rectified)s problems have been rectified and closed, a closure rate of %(rate)s; "
        "%(open)s are still open, %(overdue)s of them overdue. In this period %(added)s problems were "
        "added and %(closed)s closed."
    ) % {
        "date": month_day(figures["scope"]["as_of"]),
        "problems": problems["total"],
        "measures": measures["total"],
        "rectified": problems["rectified"],
        "rate": percent_text(problems["closure_rate"]),
        "open": problems["open"],
        "overdue": problems["overdue"],
        "added": problems["period"]["added"],
        "closed": problems["period"]["closed"],
    }


LEDGER_PANEL = Panel(
    name="rectification.ledger",
    provider="rectification",
    title=gettext_lazy("Problem ledger and rectification"),
    order=10,
    cards=ledger_cards,
    charts=ledger_charts,
    bulletin=ledger_bulletin,
    tables=ledger_tables,
)


def register() -> None:
    register_panel(LEDGER_PANEL)
