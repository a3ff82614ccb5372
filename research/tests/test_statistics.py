"""Research figures: counted from visits that were logged, in the scope asked for."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.panels import panels
from core.statistics import build_scope, collect
from research.choices import TopicStatus, VisitKind, VisitStatus
from research.tests.factories import EntityFactory, TopicFactory, VisitFactory, at

pytestmark = pytest.mark.django_db
PAST = timezone.localdate() - datetime.timedelta(days=20)


def done(org, kind, **counts):
    return VisitFactory(
        org=org,
        entity=EntityFactory(org=org),
        kind=kind,
        status=VisitStatus.DONE,
        starts_at=at(PAST),
        ends_at=at(PAST, 11),
        **counts,
    )


def test_figures_add_up_logged_visits_within_the_scope(tree, people):
    done(tree.community_a, VisitKind.ENTERPRISE_VISIT, questionnaires=3, people_met=5)
    done(tree.community_a, VisitKind.TALK, people_met=20)
    done(tree.community_b, VisitKind.PETITION_RECEPTION, petitions_received=4, petitions_resolved=3)
    VisitFactory(org=tree.community_a, entity=EntityFactory(org=tree.community_a))  # planned: not counted
    TopicFactory(org=tree.district, status=TopicStatus.ASSIGNED, leader=people.leader)
    TopicFactory(org=tree.district)

    figures = collect(build_scope(user=None), names=["research"])["research"]
    assert figures["visits"]["done"] == 3
    assert figures["visits"]["enterprises"] == 1
    assert figures["questionnaires"] == 3
    assert figures["talk_people"] == 20
    assert figures["petitions"] == {"received": 4, "resolved": 3, "resolved_share": 0.75}
    assert figures["topics"]["total"] == 2 and figures["topics"]["selected"] == 1

    clerk_view = collect(build_scope(user=people.clerk_a), names=["research"])["research"]
    assert clerk_view["visits"]["done"] == 2
    assert clerk_view["petitions"]["received"] == 0

    panel = next(p for p in panels() if p.provider == "research")
    assert panel.cards(figures)[2].value == 3
    assert panel.charts(figures)[0].option["series"][0]["data"][0] == 1
