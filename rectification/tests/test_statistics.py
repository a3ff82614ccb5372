"""Ledger statistics against a hand-counted campaign.

Ten problems and nine measures of one campaign in two sibling communities (A and B,
with a grid under A), three special drives, three inspection rounds. The tables in the
comments below are the hand count every figure is checked against; rows are created
directly, not through services, so the figures are tested on their own.

As of 2023-12-05 (a Tuesday), period 2023-11-27 to 2023-12-05:

    problem unit lvl  channel domain drive created deadline (original) status, closed
    P1      A    L    信访    教育   D1    10-01   11-30 (11-15)       rectified 11-20
    P2      A    L    信访    教育   D1    10-01   12-10 (11-30)       rectifying
    P3      A    G    12345   医疗   D2    10-05   11-15               rectifying
    P4      A    G    12345   -      -     11-28   11-30   immediate   rectified 11-29
    P5      A    G    -       医疗   D2    10-10   11-20               rectified 11-25
    P6      B    G    巡察    住房   D3    10-10   11-30               duplicate 12-01 01:00
    P7      B    L    巡察    住房   D3    10-12   12-31               closure requested
    P8      B    G    信访    教育   D1    12-04   12-04   immediate   not actionable 12-04
    P9      B    G    信访    -      D2    10-15   12-20 (12-01)       rectified 12-15 (later)
    P10     B    G    12345   医疗   D3    12-10 (after the date: never counted)
    P11     grid D    信访    教育   -     10-20   -                   explained 11-10
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Channel
from core.statistics import ScopeNotFound, StatsScope, build_scope, collect, providers
from core.testing.factories import CampaignFactory, org_create
from core.testing.queries import assert_num_queries, assert_query_count_stable
from orgs.choices import OrgKind
from rectification import statistics  # registers the provider (as RectificationConfig.ready() does)
from rectification.choices import ClosureKind, ItemStatus, ProblemLevel
from rectification.models import (
    Domain,
    Inspection,
    InspectionFinding,
    Measure,
    Problem,
    SpecialRectification,
)

LEADERSHIP, GRASSROOTS, DEPARTMENT = ProblemLevel.LEADERSHIP, ProblemLevel.GRASSROOTS, ProblemLevel.DEPARTMENT
RECTIFYING, REQUESTED, CLOSED = ItemStatus.RECTIFYING, ItemStatus.CLOSURE_REQUESTED, ItemStatus.CLOSED


def day(month: int, number: int, year: int = 2023) -> datetime.date:
    return datetime.date(year, month, number)


def at(month: int, number: int, hour: int = 10) -> datetime.datetime:
    """An aware time on a day of 2023, in the installation's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime(2023, month, number, hour))


@dataclass
class Ledger:
    campaign: Campaign
    problems: dict[str, Problem]
    measures: dict[str, Measure]
    drives: dict[str, SpecialRectification]


def problem(ledger_campaign: Campaign, org: Any, **fields: Any) -> Problem:
    fields.setdefault("title", "问题")
    return Problem.objects.create(campaign=ledger_campaign, org=org, **fields)


def measure(of: Problem, org: Any, **fields: Any) -> Measure:
    return Measure.objects.create(problem=of, org=org, campaign=of.campaign, title="措施", **fields)


@pytest.fixture
def ledger(tree) -> Ledger:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(org=tree.district, start_date=day(9, 20), end_date=day(12, 31, 2024))
    petition, hotline, patrol = (
        Channel.objects.create(campaign=campaign, code=code, name=name)
        for code, name in [("xf", "信访"), ("rx", "12345热线"), ("xc", "巡察")]
    )
    education, health, housing = (
        Domain.objects.create(campaign=campaign, name=name) for name in ["教育", "医疗", "住房"]
    )
    a, b, grid = tree.community_a, tree.community_b, tree.grid_a

    def drive(name: str, org: Any, level: str, domain: Domain | None, created: datetime.datetime):
        return SpecialRectification.objects.create(
            campaign=campaign, org=org, name=name, level=level, domain=domain, created_at=created
        )

    drives = {
        "D1": drive("教育专项整治", tree.department, LEADERSHIP, education, at(10, 1)),
        "D2": drive("医疗专项整治", tree.department, GRASSROOTS, health, at(10, 1)),
        "D3": drive("住房专项整治", tree.street, LEADERSHIP, housing, at(10, 1)),
        "D4": drive("乡村振兴专项整治", tree.department, GRASSROOTS, None, at(12, 10)),  # after the date
    }
    d1, d2, d3 = drives["D1"], drives["D2"], drives["D3"]

    def closed(kind: str, when: datetime.datetime) -> dict[str, Any]:
        return {"status": CLOSED, "closure_kind": kind, "closed_at": when}

    rectified = ClosureKind.RECTIFIED
    problems = {
        "P1": problem(
            campaign, a, level=LEADERSHIP, channel=petition, domain=education, special_rectification=d1,
            created_at=at(10, 1), deadline=day(11, 30), original_deadline=day(11, 15), **closed(rectified, at(11, 20)),
        ),
        "P2": problem(
            campaign, a, level=LEADERSHIP, channel=petition, domain=education, special_rectification=d1,
            created_at=at(10, 1), deadline=day(12, 10), original_deadline=day(11, 30), status=RECTIFYING,
        ),
        "P3": problem(
            campaign, a, level=GRASSROOTS, channel=hotline, domain=health, special_rectification=d2,
            created_at=at(10, 5), deadline=day(11, 15), status=RECTIFYING,
        ),
        "P4": problem(
            campaign, a, level=GRASSROOTS, channel=hotline, immediate=True,
            created_at=at(11, 28), deadline=day(11, 30), **closed(rectified, at(11, 29)),
        ),
        "P5": problem(
            campaign, a, level=GRASSROOTS, domain=health, special_rectification=d2,
            created_at=at(10, 10), deadline=day(11, 20), **closed(rectified, at(11, 25)),
        ),
        # Closed at 01:00 on 1 December in Shanghai, still 30 November in UTC: late all the same.
        "P6": problem(
            campaign, b, level=GRASSROOTS, channel=patrol, domain=housing, special_rectification=d3,
            created_at=at(10, 10), deadline=day(11, 30), **closed(ClosureKind.DUPLICATE, at(12, 1, hour=1)),
        ),
        "P7": problem(
            campaign, b, level=LEADERSHIP, channel=patrol, domain=housing, special_rectification=d3,
            created_at=at(10, 12), deadline=day(12, 31), status=REQUESTED,
        ),
        "P8": problem(
            campaign, b, level=GRASSROOTS, channel=petition, domain=education, special_rectification=d1, immediate=True,
            created_at=at(12, 4), deadline=day(12, 4), **closed(ClosureKind.NOT_ACTIONABLE, at(12, 4, hour=16)),
        ),
        "P9": problem(
            campaign, b, level=GRASSROOTS, channel=petition, special_rectification=d2,
            created_at=at(10, 15), deadline=day(12, 20), original_deadline=day(12, 1), **closed(rectified, at(12, 15)),
        ),
        "P10": problem(
            campaign, b, level=GRASSROOTS, channel=hotline, domain=health, special_rectification=d3,
            created_at=at(12, 10), deadline=day(12, 31), status=RECTIFYING,
        ),
        "P11": problem(
            campaign, grid, level=DEPARTMENT, channel=petition, domain=education,
            created_at=at(10, 20), **closed(ClosureKind.EXPLAINED, at(11, 10)),
        ),
    }  # fmt: skip
    p = problems
    # measure problem unit lvl created deadline (original) status, closed
    # M1      P1      A    L   10-02   11-15               rectified 11-10
    # M2      P1      A    L   10-02   11-15               rectified 11-18 (late)
    # M3      P2      A    L   10-02   12-10 (11-30)       rectifying
    # M4      P3      A    G   10-06   11-15               closure requested
    # M5      P6      B    G   10-11   11-30               duplicate 12-01 (late)
    # M6      P7      B    L   10-13   12-31               rectifying
    # M7      P9      B    G   10-16   12-20               rectified 12-15 (later)
    # M8      P7      dept L   10-13   11-30               rectifying
    # M9      P10     B    G   12-10 (after the date)
    # M10     P4      A    G   11-28   11-30               rectified 11-29
    measures = {
        "M1": measure(p["P1"], a, created_at=at(10, 2), deadline=day(11, 15), **closed(rectified, at(11, 10))),
        "M2": measure(p["P1"], a, created_at=at(10, 2), deadline=day(11, 15), **closed(rectified, at(11, 18))),
        "M3": measure(
            p["P2"], a, created_at=at(10, 2), deadline=day(12, 10), original_deadline=day(11, 30), status=RECTIFYING
        ),
        "M4": measure(p["P3"], a, created_at=at(10, 6), deadline=day(11, 15), status=REQUESTED),
        "M5": measure(
            p["P6"], b, created_at=at(10, 11), deadline=day(11, 30), **closed(ClosureKind.DUPLICATE, at(12, 1))
        ),
        "M6": measure(p["P7"], b, created_at=at(10, 13), deadline=day(12, 31), status=RECTIFYING),
        "M7": measure(p["P9"], b, created_at=at(10, 16), deadline=day(12, 20), **closed(rectified, at(12, 15))),
        "M8": measure(p["P7"], tree.department, created_at=at(10, 13), deadline=day(11, 30), status=RECTIFYING),
        "M9": measure(p["P10"], b, created_at=at(12, 10), deadline=day(12, 31), status=RECTIFYING),
        "M10": measure(p["P4"], a, created_at=at(11, 28), deadline=day(11, 30), **closed(rectified, at(11, 29))),
    }
    # round start  units    findings (unit, fed back on, orders re-examination, created)
    # I1    11-01  A, B     F1 (A, 11-05, yes, 11-03) F2 (A, 11-05, no) F3 (B, never, yes, 11-04)
    # I2    11-20  B        F4 (B, 11-22, yes, 11-21) F5 (B, 12-08 later, no, 11-21)
    # I3    12-10  A        F6 (A, created 12-11: after the date)
    rounds = []
    for number, start, units in [(1, day(11, 1), [a, b]), (2, day(11, 20), [b]), (3, day(12, 10), [a])]:
        inspection = Inspection.objects.create(
            campaign=campaign, org=tree.district, number=number, title=f"第{number}轮审核检查", start_date=start
        )
        inspection.units.set(units)
        rounds.append(inspection)
    i1, i2, i3 = rounds
    for inspection, org, fed_back_on, orders, created in [
        (i1, a, day(11, 5), True, at(11, 3)),
        (i1, a, day(11, 5), False, at(11, 3)),
        (i1, b, None, True, at(11, 4)),
        (i2, b, day(11, 22), True, at(11, 21)),
        (i2, b, day(12, 8), False, at(11, 21)),
        (i3, a, day(12, 11), True, at(12, 11)),
    ]:
        InspectionFinding.objects.create(
            inspection=inspection,
            org=org,
            description="发现问题",
            fed_back_on=fed_back_on,
            orders_reexamination=orders,
            created_at=created,
        )
    return Ledger(campaign=campaign, problems=problems, measures=measures, drives=drives)


def scope_of(ledger: Ledger, *, user: Any = None, org: str | None = "AK", **dates: str) -> StatsScope:
    dates.setdefault("date", "2023-12-05")
    return build_scope(user=user, org=org, campaign=ledger.campaign.pk, **dates)


def figures(ledger: Ledger, **kwargs: Any) -> dict[str, Any]:
    return statistics.ledger_figures(scope=scope_of(ledger, **kwargs))


def levels(leadership: int, grassroots: int, department: int = 0) -> dict[str, int]:
    return {LEADERSHIP: leadership, GRASSROOTS: grassroots, DEPARTMENT: department}


def statuses(rectifying: int, requested: int, closed: int) -> dict[str, int]:
    return {RECTIFYING: rectifying, REQUESTED: requested, CLOSED: closed}


def not_fixed(duplicate: int, not_actionable: int, explained: int) -> dict[str, int]:
    return {
        ClosureKind.DUPLICATE: duplicate,
        ClosureKind.NOT_ACTIONABLE: not_actionable,
        ClosureKind.EXPLAINED: explained,
    }


def test_the_provider_is_registered_under_its_name():
    assert providers()["rectification"] is statistics.ledger_figures


def test_problems_of_the_district_match_the_hand_count(ledger):
    problems = figures(ledger, period_start="2023-11-27")["problems"]
    problems.pop("by_unit"), problems.pop("weekly")  # their own tests below
    assert problems == {
        "total": 10,  # P10 was entered after the date
        "by_status": statuses(rectifying=3, requested=1, closed=6),  # P9 closed later: rectifying then
        "open": 4,
        "closed": 6,
        "rectified": 3,  # P1, P4, P5
        "closed_without_fix": 3,
        "closed_without_fix_by_kind": not_fixed(duplicate=1, not_actionable=1, explained=1),
        "closure_rate": 0.3,  # 3 rectified of 10 listed: the three closed without a fix do not count
        "overdue": 1,  # P3
        "overdue_against_original_deadline": 3,  # P2, P3, P9
        "closed_late": 2,  # P5, P6 (local date 12-01)
        "closed_late_against_original_deadline": 3,  # and P1
        "deadline_extended": 3,  # P1, P2, P9
        "period": {"added": 2, "closed": 3, "rectified": 1, "open_at_start": 5, "open_at_end": 4},
        "by_level": levels(leadership=3, grassroots=6, department=1),
        "by_channel": {"信访": 5, "12345热线": 2, "巡察": 2},
        "without_channel": 1,
        "by_domain": {"教育": 4, "医疗": 2, "住房": 2},
        "without_domain": 2,
        "immediate": 2,
        "immediate_closed": 2,
    }


def test_problems_by_reporting_unit_match_the_hand_count(ledger, tree):
    """The district's units are its children; a unit counts its whole subtree."""
    by_unit = figures(ledger)["problems"]["by_unit"]
    assert [row["org"] for row in by_unit] == ["AK-JJ", "AK-JM"]  # in tree order
    department, street = by_unit
    assert department == {
        "org": "AK-JJ", "org_name": "经济发展局", "total": 0, "open": 0, "closed": 0, "rectified": 0,
        "overdue": 0, "closure_rate": None,
    }  # fmt: skip
    assert (street["total"], street["open"], street["closed"], street["rectified"], street["overdue"]) == (
        10, 4, 6, 3, 1,
    )  # fmt: skip

    community_a, community_b = figures(ledger, org="AK-JM")["problems"]["by_unit"]
    # A: P1–P5 and P11 (at its grid); closed P1, P4, P5 (rectified) and P11; P3 overdue.
    assert (community_a["org"], community_a["total"], community_a["closed"], community_a["rectified"]) == (
        "AK-JM-XDC", 6, 4, 3,
    )  # fmt: skip
    assert (community_a["overdue"], community_a["closure_rate"]) == (1, 0.5)
    # B: P6–P9 (P10 came later); P6 and P8 closed without a fix; P9 closed only after the date.
    assert (community_b["org"], community_b["total"], community_b["closed"], community_b["rectified"]) == (
        "AK-JM-JS", 4, 2, 0,
    )  # fmt: skip
    assert (community_b["open"], community_b["overdue"], community_b["closure_rate"]) == (2, 0, 0.0)


def test_a_leader_without_a_picked_org_sees_units_below_their_grant(ledger, people):
    by_unit = figures(ledger, user=people.leader, org=None)["problems"]["by_unit"]
    assert [row["org"] for row in by_unit] == ["AK-JM-XDC", "AK-JM-JS"]


def test_weekly_trend_of_added_and_closed_problems(ledger):
    weekly = figures(ledger)["problems"]["weekly"]  # as of Tuesday 5 December 2023
    assert len(weekly) == statistics.TREND_WEEKS
    assert weekly[0]["week_start"] == "2023-09-18"
    assert weekly[-1]["week_start"] == "2023-12-04"
    busy = {row["week_start"]: (row["added"], row["closed"]) for row in weekly if row["added"] or row["closed"]}
    assert busy == {
        "2023-09-25": (2, 0),  # P1, P2 entered on Sunday 1 October
        "2023-10-02": (1, 0),
        "2023-10-09": (4, 0),  # P5, P6, P7 and P9 (Sunday 15 October)
        "2023-10-16": (1, 0),
        "2023-11-06": (0, 1),  # P11 explained
        "2023-11-20": (0, 2),
        "2023-11-27": (1, 2),  # P6 closed at 01:00 on 1 December, Shanghai time
        "2023-12-04": (1, 1),
    }


def test_measures_of_the_district_match_the_hand_count(ledger):
    measures = figures(ledger, period_start="2023-11-27")["measures"]
    assert measures == {
        "total": 9,
        "by_status": statuses(rectifying=4, requested=1, closed=4),
        "open": 5,
        "closed": 4,
        "rectified": 3,
        "closed_without_fix": 1,
        "closed_without_fix_by_kind": not_fixed(duplicate=1, not_actionable=0, explained=0),
        "closure_rate": 0.3333,
        "overdue": 2,  # M4, M8
        "overdue_against_original_deadline": 3,  # and M3
        "closed_late": 2,  # M2, M5
        "closed_late_against_original_deadline": 2,
        "deadline_extended": 1,
        "period": {"added": 1, "closed": 2, "rectified": 1, "open_at_start": 6, "open_at_end": 5},
        "by_level": levels(leadership=5, grassroots=4),  # the level of each measure's problem
    }


def test_special_rectifications_and_their_progress(ledger):
    drives = figures(ledger)["special_rectifications"]
    by_name = {row.pop("name"): row for row in drives.pop("drives")}
    assert drives == {
        "total": 3,  # the fourth began after the date
        "by_level": levels(leadership=2, grassroots=1),
        "leading_departments": 2,
        "domains": 3,
    }
    department, street = "AK-JJ", "AK-JM"
    expected = {
        "教育专项整治": ("D1", LEADERSHIP, department, "教育", 3, 1, 0.3333),  # P1 of P1, P2, P8
        "医疗专项整治": ("D2", GRASSROOTS, department, "医疗", 3, 1, 0.3333),  # P5 of P3, P5, P9 (later)
        "住房专项整治": ("D3", LEADERSHIP, street, "住房", 2, 0, 0.0),  # P6 a duplicate; P10 later
    }
    assert set(by_name) == set(expected)
    for name, (key, level, org, domain, count, rectified, progress) in expected.items():
        assert by_name[name] == {
            "id": ledger.drives[key].pk,
            "level": level,
            "status": "under_way",
            "org": org,
            "org_name": ledger.drives[key].org.name,
            "domain": domain,
            "problems": count,
            "rectified": rectified,
            "progress": progress,
        }, name


def test_inspections_their_findings_and_units_ordered_to_reexamine(ledger):
    assert figures(ledger)["inspections"] == {
        "rounds": 2,  # the third began after the date
        "findings": 5,
        "findings_fed_back": 3,  # F1, F2, F4; F5 only after the date
        "units_with_findings": 2,
        "reexamination_orders": 3,
        "units_ordered_to_reexamine": 2,
    }


def test_a_community_counts_its_own_subtree_and_not_its_sibling(ledger):
    community_a = figures(ledger, org="AK-JM-XDC", period_start="2023-11-27")
    problems = community_a["problems"]
    assert problems["total"] == 6  # P1-P5 and the grid's P11
    assert problems["by_level"] == levels(leadership=2, grassroots=3, department=1)
    assert problems["by_channel"] == {"信访": 3, "12345热线": 2}
    assert (problems["rectified"], problems["closure_rate"]) == (3, 0.5)
    assert problems["closed_without_fix_by_kind"] == not_fixed(duplicate=0, not_actionable=0, explained=1)
    assert community_a["measures"]["total"] == 5  # M1-M4, M10: by the measure's own unit
    assert community_a["special_rectifications"]["total"] == 0  # led by a department and the street
    assert community_a["inspections"] == {
        "rounds": 1,
        "findings": 2,
        "findings_fed_back": 2,
        "units_with_findings": 1,
        "reexamination_orders": 1,
        "units_ordered_to_reexamine": 1,
    }
    community_b = figures(ledger, org="AK-JM-JS")
    assert community_b["problems"]["total"] == 4  # P6-P9
    assert community_b["problems"]["by_channel"] == {"信访": 2, "巡察": 2}
    assert community_b["measures"]["total"] == 3  # M5-M7; M8 of B's problem is the department's
    assert community_b["inspections"]["rounds"] == 2
    assert community_b["inspections"]["findings"] == 3


def test_a_users_grants_bound_the_figures(ledger, people):
    assert figures(ledger, user=people.clerk_a, org=None)["problems"]["total"] == 6
    assert figures(ledger, user=people.leader, org=None)["problems"]["total"] == 10  # the street: A and B
    assert figures(ledger, user=people.leader, org="AK-JM-JS")["problems"]["total"] == 4
    assert figures(ledger, user=people.supervisor, org=None)["problems"]["total"] == 10
    member = figures(ledger, user=people.member_a, org=None)  # members read no ledger
    assert member["problems"]["total"] == member["measures"]["total"] == member["inspections"]["findings"] == 0
    with pytest.raises(ScopeNotFound) as refused:
        scope_of(ledger, user=people.clerk_b, org="AK-JM-XDC")
    assert refused.value.field == "org"


def test_figures_as_of_a_past_date(ledger):
    """As of 21 November: later items left out, items closed later still open."""
    past = figures(ledger, date="2023-11-21")  # period: Monday 20 to Tuesday 21 November
    assert past["scope"] == {
        "org": "AK",
        "campaign": ledger.campaign.pk,
        "as_of": "2023-11-21",
        "period_start": "2023-11-20",
        "period_end": "2023-11-21",
    }
    problems = past["problems"]
    assert problems["total"] == 8  # not P4, P8, P10
    assert problems["by_status"] == statuses(rectifying=5, requested=1, closed=2)  # P1, P11 closed by then
    assert (problems["rectified"], problems["closure_rate"]) == (1, 0.125)
    assert problems["overdue"] == 2  # P3, P5
    assert problems["overdue_against_original_deadline"] == 2
    assert problems["period"] == {"added": 0, "closed": 1, "rectified": 1, "open_at_start": 7, "open_at_end": 6}
    assert problems["immediate"] == 0
    drives = {row["name"]: (row["problems"], row["rectified"]) for row in past["special_rectifications"]["drives"]}
    assert drives == {"教育专项整治": (2, 1), "医疗专项整治": (3, 0), "住房专项整治": (2, 0)}
    assert past["inspections"] == {
        "rounds": 2,
        "findings": 5,
        "findings_fed_back": 2,
        "units_with_findings": 2,
        "reexamination_orders": 3,
        "units_ordered_to_reexamine": 2,
    }


def test_without_a_campaign_every_campaign_counts(ledger, tree):
    other = CampaignFactory(org=tree.district)
    problem(other, tree.community_a, level=GRASSROOTS, created_at=at(11, 1))
    assert figures(ledger)["problems"]["total"] == 10
    everything = statistics.ledger_figures(scope=build_scope(user=None, date="2023-12-05"))
    assert everything["problems"]["total"] == 11
    assert everything["scope"]["campaign"] is None


def test_closing_without_a_fix_leaves_the_rate_unchanged(ledger):
    """Marking an open problem a duplicate neither raises the rate nor shrinks its base."""
    before = figures(ledger)["problems"]
    Problem.objects.filter(pk=ledger.problems["P3"].pk).update(
        status=CLOSED, closure_kind=ClosureKind.DUPLICATE, closed_at=at(12, 5)
    )
    after = figures(ledger)["problems"]
    assert (after["closed"], after["total"], after["closure_rate"]) == (before["closed"] + 1, 10, 0.3)


def test_an_empty_scope_has_no_rates(db, tree):
    empty = statistics.ledger_figures(scope=build_scope(user=None, org="AK", date="2023-12-05"))
    assert empty["problems"]["total"] == 0
    assert empty["problems"]["closure_rate"] is None
    assert empty["special_rectifications"]["drives"] == []


def test_the_ledger_takes_fourteen_queries_however_many_rows(ledger, tree):
    scope = scope_of(ledger)
    with assert_num_queries(14, label="ledger figures"):  # 13, and whether the scope is the whole tree
        statistics.ledger_figures(scope=scope)

    def add_rows() -> None:
        unit = org_create(parent=tree.street, kind=OrgKind.COMMUNITY)
        domain = Domain.objects.create(campaign=ledger.campaign, name="养老")
        drive = SpecialRectification.objects.create(
            campaign=ledger.campaign, org=unit, name="养老专项整治", level=GRASSROOTS, domain=domain
        )
        channel = Channel.objects.create(campaign=ledger.campaign, code="yjx", name="意见箱")
        for number in range(20):
            item = problem(
                ledger.campaign,
                unit,
                level=GRASSROOTS,
                channel=channel,
                domain=domain,
                special_rectification=drive,
                created_at=at(11, 1 + number),
                deadline=day(11, 30),
            )
            measure(item, unit, created_at=at(11, 1 + number), deadline=day(11, 30))
        inspection = Inspection.objects.create(
            campaign=ledger.campaign, org=tree.district, number=9, title="第9轮", start_date=day(11, 25)
        )
        inspection.units.set([unit, tree.community_a])
        for _ in range(5):
            InspectionFinding.objects.create(inspection=inspection, org=unit, description="x", created_at=at(11, 26))

    count = assert_query_count_stable(lambda: statistics.ledger_figures(scope=scope), add_rows=add_rows)
    assert count == 13  # the same scope again: whether it is the whole tree is known
    assert statistics.ledger_figures(scope=scope)["problems"]["total"] == 30


def test_a_user_scope_adds_one_query_for_the_grants_once(ledger, people):
    scope = scope_of(ledger, user=people.leader, org=None)
    people.leader.__dict__.pop("_grant_cache", None)
    with assert_num_queries(16):  # the grants, and the org they reach, to break figures down by
        statistics.ledger_figures(scope=scope)
    with assert_num_queries(14):
        statistics.ledger_figures(scope=scope)


def test_collect_gathers_every_registered_provider(ledger):
    from orgs import statistics as org_statistics  # noqa: F401  (as OrgsConfig.ready() does)

    collected = collect(scope_of(ledger))
    assert {"orgs", "rectification"} <= set(collected)
    assert collected["rectification"]["problems"]["total"] == 10
