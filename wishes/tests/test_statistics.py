"""The wish figures, counted by hand, and the panel drawn from them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.citizens import QueryCodeHolder
from core.panels import panels
from core.statistics import build_scope, collect
from wishes import services
from wishes.tests.factories import photo, wish_create

pytestmark = pytest.mark.django_db


def test_wish_figures_by_hand(tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    waiting = wish_create(community=tree.community_a, created_at=three_days_ago)
    claimed = wish_create(community=tree.community_a, created_at=three_days_ago)
    done = wish_create(community=tree.community_a, created_at=three_days_ago)
    wish_create(community=tree.community_b)
    for wish in (claimed, done):
        services.item_claim(item=wish, acting_user=people.member_a)
    services.item_fulfil(item=done, acting_user=people.member_a, photos=[photo()])
    services.item_confirm(item=done, acting_user=QueryCodeHolder(done), rating=4)
    services.project_create(community=tree.community_a, title="楼道照明", acting_user=people.clerk_a)

    figures = collect(build_scope(user=people.clerk_a), names=["wishes"])["wishes"]
    wishes = figures["wishes"]
    assert (wishes["posted"], wishes["waiting"], wishes["claimed"], wishes["fulfilled"], wishes["confirmed"]) == (
        3,
        1,
        2,
        1,
        1,
    )
    assert wishes["days_to_claim"] == pytest.approx(3.0, abs=0.1)
    assert wishes["rating_average"] == 4
    assert wishes["claim_rate"] == pytest.approx(2 / 3, abs=0.001)
    assert figures["projects"]["posted"] == 1 and figures["projects"]["claimed"] == 0
    assert figures["by_community"][0]["name"] == "现代城社区"
    del waiting

    # The supervisor at the district sees community B too.
    everything = collect(build_scope(user=people.supervisor), names=["wishes"])["wishes"]
    assert everything["wishes"]["posted"] == 4
    # The day before anything was posted, nothing counts.
    earlier = collect(
        build_scope(user=people.supervisor, date=timezone.localdate() - datetime.timedelta(days=5)), names=["wishes"]
    )["wishes"]
    assert earlier["wishes"]["posted"] == 0

    panel = next(panel for panel in panels() if panel.name == "wishes.summary")
    assert [card.value for card in panel.cards(figures)][:3] == [3, 2, 1]
    assert panel.charts(figures)[0].option["series"][0]["data"][0] == 3
    assert "3" in panel.bulletin(figures)
