"""Dashboard panels and bulletin paragraphs: how each app shows its figures.

The figures themselves come from the statistics registry (:mod:`core.statistics`); a
panel says how one provider's figures are shown: a few key figures as cards, charts as
ECharts options, and a paragraph of prose for the weekly and monthly bulletins (通报).
The dashboards and the bulletins draw every registered panel, so an app that lands later
plugs in by registering its panels from ``AppConfig.ready()``::

    from core.panels import Card, Chart, Panel, register_panel

    def wish_cards(figures: dict) -> list[Card]:
        return [Card(_("Wishes posted"), figures["posted"])]

    register_panel(Panel(name="wishes.summary", provider="wishes", title=_("Micro-wishes"),
                         cards=wish_cards, order=30))

Every callable receives the provider's figures for the scope being shown, exactly as
:func:`core.statistics.collect` returns them, and must not query the database: the
dashboard computes the figures once and draws every panel from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured

Figures = dict[str, Any]


@dataclass(frozen=True)
class Card:
    """One key figure: a label, a value, an optional unit and tone.

    ``tone`` is one of "", "success", "warning", "danger" (Bootstrap's colours), for a
    figure that is good or needs attention; ``hint`` is a short line under the value.
    """

    label: str
    value: Any
    unit: str = ""
    hint: str = ""
    tone: str = ""


@dataclass(frozen=True)
class Chart:
    """One chart: a title and an ECharts ``option`` (JSON-serialisable, no functions)."""

    title: str
    option: dict[str, Any]
    # Height of the chart on the dashboard, in pixels.
    height: int = 280


@dataclass(frozen=True)
class Table:
    """A small table of figures (a ranking of units, say), drawn on the dashboard and
    copied into bulletins: ``columns`` are headings, ``rows`` lists of plain values
    (already formatted where a unit or a percent sign belongs)."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    # Bootstrap tone of the table's heading: "success" for a best list, "danger" for a worst.
    tone: str = ""


@dataclass(frozen=True)
class Panel:
    """A block of the dashboard (and a paragraph of the bulletin) for one provider."""

    name: str
    provider: str
    title: Any
    order: int = 100
    cards: Callable[[Figures], list[Card]] | None = None
    charts: Callable[[Figures], list[Chart]] | None = None
    # One paragraph of bulletin prose from the figures, already translated (gettext),
    # e.g. "全区共查摆问题677条，制定整改措施782条……"; ``None`` leaves it out of bulletins.
    bulletin: Callable[[Figures], str] | None = None
    # Tables (rankings) shown on the dashboard and printed in bulletins.
    tables: Callable[[Figures], list[Table]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


_panels: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    """Add ``panel``; registering the same one twice is harmless, two with one name is not."""
    existing = _panels.get(panel.name)
    if existing is not None and existing != panel:
        raise ImproperlyConfigured(f"A dashboard panel named '{panel.name}' is already registered.")
    _panels[panel.name] = panel


def panels() -> list[Panel]:
    """Every registered panel, by ``order`` then name."""
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.name))
