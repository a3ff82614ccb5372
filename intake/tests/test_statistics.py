"""The intake figures, counted by hand, and the panel drawn from them."""

from __future__ import annotations

import pytest

from core.citizens import QueryCodeHolder
from core.panels import panels
from core.statistics import build_scope, collect
from intake import services
from intake.choices import IntakeChannel
from intake.tests.factories import suggestion_create

pytestmark = pytest.mark.django_db


def test_intake_figures_by_hand(tree, people):
    at_home = [suggestion_create(community=tree.community_a) for _ in range(3)]
    hotline = suggestion_create(community=tree.community_a, channel=IntakeChannel.HOTLINE, acting_user=people.clerk_a)
    repeat = suggestion_create(community=tree.community_a)
    elsewhere = suggestion_create(community=tree.community_b)
    for suggestion in at_home:
        services.suggestion_answer(suggestion=suggestion, acting_user=people.clerk_a, reply="已办结")
    services.suggestion_route(suggestion=hotline, acting_user=people.clerk_a, org=tree.department)
    services.suggestion_answer(suggestion=hotline, acting_user=people.supervisor, reply="已办结")
    services.suggestion_mark_duplicate(suggestion=repeat, acting_user=people.clerk_a, duplicate_of=at_home[0])
    services.suggestion_rate(suggestion=at_home[0], holder=QueryCodeHolder(at_home[0]), satisfied=True)
    services.suggestion_rate(suggestion=at_home[1], holder=QueryCodeHolder(at_home[1]), satisfied=False)
    services.suggestion_rate(suggestion=hotline, holder=QueryCodeHolder(hotline), satisfied=True)
    del elsewhere

    figures = collect(build_scope(user=people.clerk_a), names=["intake"])["intake"]
    assert (figures["received"], figures["routed"], figures["answered"], figures["duplicates"]) == (5, 1, 4, 1)
    assert figures["by_channel"]["online"] == 4 and figures["by_channel"]["hotline"] == 1
    assert figures["closure_rate"] == 0.75
    assert figures["satisfaction_rate"] == pytest.approx(2 / 3, abs=0.001)
    units = {row["name"]: (row["rated"], row["satisfied"]) for row in figures["satisfaction_by_unit"]}
    assert units == {"现代城社区": (2, 1), "经济发展局": (1, 1)}
    assert [row["name"] for row in figures["closure_by_community"]] == ["现代城社区"]

    district = collect(build_scope(user=people.supervisor), names=["intake"])["intake"]
    assert district["received"] == 6
    assert [(row["name"], row["received"]) for row in district["closure_by_street"]] == [("建民街道", 5)]

    panel = next(panel for panel in panels() if panel.name == "intake.summary")
    assert panel.cards(figures)[0].value == 5
    assert panel.charts(figures)[0].option["series"][0]["data"][0]["value"] == 4
    assert "75.0%" in panel.bulletin(figures)
