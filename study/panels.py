"""How study figures show on the dashboards and in the bulletins."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.panels import Card, Chart, Panel, register_panel
from orgs.choices import MemberCategory


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def study_cards(figures: dict[str, Any]) -> list[Card]:
    attendance = figures["attendance"]
    cards = [
        Card(_("Study sessions held"), figures["sessions_held"]),
        Card(
            _("Attendance rate"),
            _percent(attendance["rate"]),
            hint=_("%(attended)s of %(expected)s places") % attendance,
        ),
    ]
    labels = dict(MemberCategory.choices)
    for category, entry in figures["outreach"].items():
        cards.append(
            Card(
                _("%(category)s members reached") % {"category": labels.get(category, category)},
                _percent(entry["share"]),
                hint=_("%(missing)s of %(members)s still missing a step") % entry,
                tone="success" if entry["missing"] == 0 else "warning",
            )
        )
    return cards


def study_charts(figures: dict[str, Any]) -> list[Chart]:
    labels = dict(MemberCategory.choices)
    categories = list(figures["outreach"].items())
    return [
        Chart(
            _("Outreach coverage by member category"),
            {
                "tooltip": {"trigger": "axis"},
                "legend": {},
                "xAxis": {"type": "category", "data": [str(labels.get(c, c)) for c, _e in categories]},
                "yAxis": {"type": "value"},
                "series": [
                    {
                        "name": _("Fully reached"),
                        "type": "bar",
                        "stack": "all",
                        "data": [e["reached"] for _c, e in categories],
                    },
                    {
                        "name": _("Still missing a step"),
                        "type": "bar",
                        "stack": "all",
                        "data": [e["missing"] for _c, e in categories],
                    },
                ],
            },
        )
    ]


def study_bulletin(figures: dict[str, Any]) -> str:
    attendance = figures["attendance"]
    text = _("%(sessions)s study sessions were held with an attendance rate of %(rate)s.") % {
        "sessions": figures["sessions_held"],
        "rate": _percent(attendance["rate"]),
    }
    labels = dict(MemberCategory.choices)
    for category, entry in figures["outreach"].items():
        text += " " + _(
            "%(plan)s for %(members)s %(category)s members: %(reached)s fully reached, "
            "%(missing)s still missing a step."
        ) % {
            "plan": "、".join(entry["plans"]),
            "members": entry["members"],
            "category": labels.get(category, category),
            "reached": entry["reached"],
            "missing": entry["missing"],
        }
    return text


def register_panels() -> None:
    register_panel(
        Panel(
            name="study.summary",
            provider="study",
            title=gettext_lazy("Study and outreach"),
            order=70,
            cards=study_cards,
            charts=study_charts,
            bulletin=study_bulletin,
        )
    )
