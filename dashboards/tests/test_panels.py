"""The ledger's panels drawn from hand-written figures, and a failing panel kept apart."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from core import panels as panel_registry
from core.panels import Panel
from dashboards.ledger_panels import LEDGER_PANEL, ledger_bulletin, ledger_tables, percent_text, ranked_units
from dashboards.selectors import panel_blocks, period_bounds


def unit(code: str, total: int, rectified: int, overdue: int = 0) -> dict:
    return {
        "org": code,
        "org_name": f"单位{code}",
        "total": total,
        "open": total - rectified,
        "closed": rectified,
        "rectified": rectified,
        "overdue": overdue,
        "closure_rate": round(rectified / total, 4) if total else None,
    }


def figures(units: list[dict]) -> dict:
    return {
        "scope": {"org": "AK", "as_of": "2026-11-20"},
        "problems": {
            "total": 677,
            "open": 600,
            "rectified": 77,
            "closure_rate": 0.1137,
            "overdue": 12,
            "by_status": {"rectifying": 590, "closure_requested": 10, "closed": 77},
            "by_level": {"leadership": 20, "grassroots": 600, "department": 57},
            "period": {"added": 9, "closed": 4},
            "by_unit": units,
            "weekly": [{"week_start": "2026-11-16", "added": 9, "closed": 4}],
        },
        "measures": {"total": 782},
    }


def test_ranking_orders_by_rate_then_size_and_leaves_out_empty_units() -> None:
    units = [unit("A", 10, 5, overdue=2), unit("B", 4, 2), unit("C", 0, 0), unit("D", 8, 8), unit("E", 6, 0, 5)]
    ranked = ranked_units(figures(units))
    assert [u["org"] for u in ranked["best"]] == ["D", "A", "B", "E"]
    assert [u["org"] for u in ranked["worst"]] == ["E", "A", "B", "D"]
    assert [u["org"] for u in ranked["overdue"]] == ["E", "A"]


def test_tables_carry_the_ranked_figures() -> None:
    best, worst, overdue = ledger_tables(figures([unit("A", 10, 5, overdue=2), unit("D", 8, 8)]))
    assert best.rows[0][1:] == ["单位D", 8, 8, "100%"]
    assert worst.rows[0][1:] == ["单位A", 10, 5, "50%"]
    assert overdue.rows == [[1, "单位A", 5, 2]]


def test_bulletin_paragraph_names_the_figures_in_chinese() -> None:
    with translation.override("zh-hans"):
        text = ledger_bulletin(figures([]))
    assert text.startswith("截至11月20日")
    for number in ("677", "782", "77", "11.4%", "12"):
        assert number in text


def test_percent_text() -> None:
    assert percent_text(None) == "—"
    assert percent_text(0.5) == "50%"
    assert percent_text(0.87345) == "87.3%"


def test_period_bounds() -> None:
    thursday = datetime.date(2026, 11, 19)
    assert period_bounds("this_week", thursday) == (datetime.date(2026, 11, 16), thursday)
    assert period_bounds("last_week", thursday) == (datetime.date(2026, 11, 9), datetime.date(2026, 11, 15))
    assert period_bounds("this_month", thursday) == (datetime.date(2026, 11, 1), thursday)
    assert period_bounds("last_month", thursday) == (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))


@pytest.fixture
def broken_panel(monkeypatch: pytest.MonkeyPatch) -> Panel:
    def explode(figures: dict) -> list:
        raise KeyError("missing figure")

    panel = Panel(name="test.broken", provider="rectification", title="broken", order=1, cards=explode)
    monkeypatch.setitem(panel_registry._panels, panel.name, panel)
    return panel


def test_a_failing_panel_becomes_a_note_and_the_others_are_drawn(broken_panel: Panel) -> None:
    blocks = {block.name: block for block in panel_blocks({"rectification": figures([unit("A", 3, 1)])})}
    assert blocks["test.broken"].note and not blocks["test.broken"].cards
    ledger = blocks[LEDGER_PANEL.name]
    assert not ledger.note
    assert [card.value for card in ledger.cards][:3] == [677, 782, 77]
    assert len(ledger.charts) == 4 and len(ledger.tables) == 3


def test_a_missing_or_failed_provider_becomes_a_note() -> None:
    blocks = {block.name: block for block in panel_blocks({}, {"rectification"})}
    assert blocks[LEDGER_PANEL.name].note
    assert not blocks[LEDGER_PANEL.name].charts


def test_figures_are_written_as_offices_write_them() -> None:
    from dashboards.templatetags.dashboard_figures import figure

    with translation.override("zh-hans"):
        assert figure(1_000_000) == "100万"
        assert figure(677) == "677"
        assert figure("64.2%") == "64.2%"
        assert figure(None) is None
