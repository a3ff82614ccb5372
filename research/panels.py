"""How research figures show on the dashboards and in the bulletins."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.panels import Card, Chart, Panel, register_panel
from research.choices import TopicStatus, VisitKind


def research_cards(figures: dict[str, Any]) -> list[Card]:
    topics, visits, petitions = figures["topics"], figures["visits"], figures["petitions"]
    return [
        Card(
            _("Research topics selected"),
            topics["selected"],
            hint=_("of %(total)s candidates") % {"total": topics["total"]},
        ),
        Card(_("Enterprises visited"), visits["enterprises"]),
        Card(_("Questionnaires collected"), figures["questionnaires"]),
        Card(_("People met"), figures["people_met"]),
        Card(
            _("Petition cases resolved"),
            petitions["resolved"],
            hint=_("of %(total)s received") % {"total": petitions["received"]},
            tone="success" if petitions["resolved"] == petitions["received"] else "",
        ),
    ]


def research_charts(figures: dict[str, Any]) -> list[Chart]:
    kinds = [(str(label), figures["visits"]["by_kind"].get(value, 0)) for value, label in VisitKind.choices]
    statuses = [(str(label), figures["topics"]["by_status"].get(value, 0)) for value, label in TopicStatus.choices]
    return [
        Chart(
            _("Research activities by kind"),
            {
                "tooltip": {},
                "xAxis": {
                    "type": "category",
                    "data": [k for k, _n in kinds],
                    "axisLabel": {"interval": 0, "rotate": 30},
                },
                "yAxis": {"type": "value"},
                "series": [{"type": "bar", "data": [n for _k, n in kinds]}],
            },
        ),
        Chart(
            _("Research topics by status"),
            {
                "tooltip": {"trigger": "item"},
                "series": [{"type": "pie", "radius": "60%", "data": [{"name": k, "value": n} for k, n in statuses]}],
            },
        ),
    ]


def research_bulletin(figures: dict[str, Any]) -> str:
    topics, visits, petitions = figures["topics"], figures["visits"], figures["petitions"]
    by_kind = visits["by_kind"]
    return _(
        "%(areas)s areas and %(topics)s candidate research topics were listed and %(selected)s selected; "
        "leaders visited %(enterprises)s enterprises, collected %(questionnaires)s questionnaires, held "
        "%(symposiums)s symposiums, gave %(briefings)s policy briefings and %(talks)s talks with %(talk_people)s "
        "people, received %(received)s petition cases and resolved %(resolved)s."
    ) % {
        "areas": topics["areas"],
        "topics": topics["total"],
        "selected": topics["selected"],
        "enterprises": visits["enterprises"],
        "questionnaires": figures["questionnaires"],
        "symposiums": by_kind.get(VisitKind.SYMPOSIUM, 0),
        "briefings": by_kind.get(VisitKind.POLICY_BRIEFING, 0),
        "talks": by_kind.get(VisitKind.TALK, 0),
        "talk_people": figures["talk_people"],
        "received": petitions["received"],
        "resolved": petitions["resolved"],
    }


def register_panels() -> None:
    register_panel(
        Panel(
            name="research.summary",
            provider="research",
            title=gettext_lazy("Research visits"),
            order=60,
            cards=research_cards,
            charts=research_charts,
            bulletin=research_bulletin,
        )
    )
