"""The roll-ups the triggers keep give exactly the live counts.

A seeded random sequence of real changes — problems entered with measures, closed,
reopened, extended, an org moved away and back, a ledger imported, dates set straight in
the rows — and after it, for several scopes, today's figures read from the roll-ups must
equal the figures counted live, key for key. Runs on SQLite and PostgreSQL (CI runs both).
"""

from __future__ import annotations

import datetime
import random

import pytest
from django.db.models import Sum
from django.utils import timezone

from core.scoping import PATH_STEP
from core.statistics import build_scope
from core.testing.factories import CampaignFactory, ChannelFactory, person_with_role
from orgs import services as org_services
from rectification import services, statistics, tallies
from rectification.choices import ClosureKind, ItemStatus, ProblemLevel
from rectification.importers import import_ledger
from rectification.models import LedgerDayTally, LedgerTally, Measure, Problem, ProblemSourceTally
from rectification.tests.factories import DomainFactory, evidence
from rectification.tests.test_importers import FORMATS, sample_rows

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def figures(scope, *, live: bool, monkeypatch) -> dict:
    """The ledger's figures and supervision's warning counts (which read the roll-ups too)."""
    from supervision.statistics import supervision_figures

    with monkeypatch.context() as patch:
        if live:
            patch.setattr(statistics, "tally_nodes", lambda scope: None)
        return {**statistics.ledger_figures(scope=scope), "supervision": supervision_figures(scope=scope)}


def tally_snapshot() -> dict:
    return {
        "tally": sorted(
            (row for row in LedgerTally.objects.exclude(n=0).values_list(*tallies.TALLY_KEY, "n")), key=repr
        ),
        "day": sorted(
            LedgerDayTally.objects.exclude(added=0, closed=0, rectified=0, shut=0).values_list(
                *tallies.DAY_KEY, *tallies.DAY_VALUES
            ),
            key=repr,
        ),
        "source": sorted(ProblemSourceTally.objects.exclude(n=0).values_list(*tallies.SOURCE_KEY, "n"), key=repr),
    }


class Run:
    """The random sequence of changes, through the services wherever one exists."""

    def __init__(self, tree, people, seed: int) -> None:
        self.rng = random.Random(seed)
        self.tree, self.people = tree, people
        self.campaign = CampaignFactory(org=tree.district, name="主题教育", start_date=datetime.date(2023, 9, 1))
        self.channels = [
            ChannelFactory(campaign=self.campaign, code="xf", name="信访"),
            ChannelFactory(campaign=self.campaign, code="12345", name="12345热线"),
        ]
        self.domains = [
            DomainFactory(campaign=self.campaign, name="教育"),
            DomainFactory(campaign=self.campaign, name="医疗"),
        ]
        self.other = CampaignFactory(org=tree.district, name="集中整治")
        self.orgs = [tree.community_a, tree.community_b, tree.grid_a, tree.street]
        self.moved = False
        self.imported = False
        # Asks for closures and extensions wherever community B has been moved.
        self.fixer = person_with_role("leader", tree.district, username="district_leader")

    def create(self) -> None:
        rng = self.rng
        campaign = rng.choice([self.campaign, self.campaign, self.other])
        found = TODAY - datetime.timedelta(days=rng.randrange(0, 60))
        deadline = None if rng.random() < 0.15 else found + datetime.timedelta(days=rng.randrange(0, 90))
        mine = campaign is self.campaign
        services.problem_create(
            acting_user=self.people.supervisor,
            campaign=campaign,
            org=rng.choice(self.orgs),
            title=f"问题{rng.randrange(10**6)}",
            level=rng.choice(ProblemLevel.values),
            deadline=deadline,
            found_date=found,
            immediate=rng.random() < 0.2,
            channel=rng.choice([None, *self.channels]) if mine else None,
            domain=rng.choice([None, *self.domains]) if mine else None,
            measures=[{"title": f"措施{i}", "org": rng.choice(self.orgs)} for i in range(rng.randrange(0, 3))],
        )

    def _problem(self, status: str) -> Problem | None:
        ids = list(Problem.objects.filter(status=status).values_list("pk", flat=True))
        return Problem.objects.get(pk=self.rng.choice(ids)) if ids else None

    def close(self) -> None:
        problem = self._problem(ItemStatus.RECTIFYING)
        if problem is None:
            return
        kind = self.rng.choice([ClosureKind.RECTIFIED, ClosureKind.RECTIFIED, ClosureKind.DUPLICATE])
        for item in [*problem.measures.exclude(status=ItemStatus.CLOSED), problem]:
            item = type(item).objects.get(pk=item.pk)
            if item.status == ItemStatus.RECTIFYING:
                item = services.item_request_closure(item=item, acting_user=self.fixer, evidence=[evidence()])
            services.item_approve_closure(
                item=item, acting_user=self.people.supervisor, closure_kind=kind, comment="核实"
            )

    def reopen(self) -> None:
        problem = self._problem(ItemStatus.CLOSED)
        if problem is not None:
            services.item_reopen(item=problem, acting_user=self.people.supervisor, comment="群众反映仍未解决")

    def extend(self) -> None:
        problem = self._problem(ItemStatus.RECTIFYING)
        if problem is None or problem.deadline is None or problem.extensions.filter(status="pending").exists():
            return
        extension = services.extension_request(
            item=problem,
            acting_user=self.fixer,
            requested_deadline=max(problem.deadline, TODAY) + datetime.timedelta(days=30),
            reason="需协调资金",
        )
        services.extension_decide(extension=extension, acting_user=self.people.supervisor, approve=True)

    def move(self) -> None:
        tree = self.tree
        community_b = type(tree.community_b).objects.get(pk=tree.community_b.pk)
        parent = tree.street if self.moved else tree.department
        org_services.org_move(org=community_b, new_parent=parent, acting_user=self.people.admin)
        self.moved = not self.moved

    def import_file(self) -> None:
        if self.imported:
            return
        data, _ = FORMATS["xlsx"](sample_rows(self.people))
        result = import_ledger(
            data=data, filename="台账.xlsx", campaign=self.campaign, acting_user=self.people.supervisor
        )
        assert not result.errors
        self.imported = True

    def backdate(self) -> None:
        """Dates no service sets: added weeks ago, closed days ago (the period figures)."""
        rng = self.rng
        problem = self._problem(rng.choice([ItemStatus.RECTIFYING, ItemStatus.CLOSED]))
        if problem is None:
            return
        added = timezone.now() - datetime.timedelta(days=rng.randrange(1, 100), hours=rng.randrange(24))
        changes = {"created_at": added}
        if problem.status == ItemStatus.CLOSED:
            changes["closed_at"] = added + datetime.timedelta(days=rng.randrange(0, 40))
            if changes["closed_at"] > timezone.now():
                changes["closed_at"] = timezone.now()
        Problem.objects.filter(pk=problem.pk).update(**changes)
        Measure.objects.filter(problem=problem).update(created_at=added)

    def step(self) -> None:
        action = self.rng.choices(
            [self.create, self.close, self.reopen, self.extend, self.move, self.import_file, self.backdate],
            weights=[8, 4, 2, 2, 1, 1, 3],
        )[0]
        action()


@pytest.mark.parametrize("seed", [1, 2])
def test_rollups_equal_live_counts_after_random_changes(tree, people, monkeypatch, seed):
    run = Run(tree, people, seed)
    for _ in range(45):
        run.step()
    run.import_file()  # on SQLite without its row triggers, counted once, triggers put back
    for _ in range(8):
        run.step()  # and the triggers count again after it
    assert Problem.objects.count() > 10 and Measure.objects.count() > 5
    two_weeks_ago = (TODAY - datetime.timedelta(days=14)).isoformat()
    scopes = [
        build_scope(user=None),
        build_scope(user=None, org=tree.district.code, period_start=two_weeks_ago),
        build_scope(user=None, org=tree.street.code, campaign=run.campaign.pk),
        build_scope(user=None, org=tree.community_a.code, period_start=two_weeks_ago),
        build_scope(user=None, org=tree.community_b.code),
        build_scope(user=people.leader),
        build_scope(user=people.supervisor, campaign=run.other.pk, period_start=two_weeks_ago),
    ]
    warned = []
    for scope in scopes:
        assert statistics.tally_nodes(scope) is not None, scope
        tallied = figures(scope, live=False, monkeypatch=monkeypatch)
        live = figures(scope, live=True, monkeypatch=monkeypatch)
        assert tallied == live, scope.as_dict()
        warned.append(sum(live["supervision"][level] for level in ("yellow", "red", "leader", "bulletin")))
    assert max(warned) > 0  # the warning counts compared are not all zero
    # The roll-ups are not all zero, and a rebuild from the items finds what the triggers kept.
    # Each item counts once per ancestor node down to TALLY_DEPTH (the test tree is 4 deep).
    expected = sum(
        min(len(path) // PATH_STEP, tallies.TALLY_DEPTH)
        for model in (Problem, Measure)
        for path in model.objects.values_list("org_path", flat=True)
    )
    assert LedgerTally.objects.aggregate(total=Sum("n"))["total"] == expected
    kept = tally_snapshot()
    tallies.rebuild()
    assert tally_snapshot() == kept


def test_scopes_below_the_rollups_and_past_dates_are_counted_live(tree, people, monkeypatch):
    assert statistics.tally_nodes(build_scope(user=None, org=tree.grid_a.code)) is not None  # depth 4
    # The test tree is 4 deep: with roll-ups 3 deep, its grids are below them.
    monkeypatch.setattr(statistics, "TALLY_DEPTH", 3)
    assert statistics.tally_nodes(build_scope(user=None, org=tree.grid_a.code)) is None
    assert statistics.tally_nodes(build_scope(user=people.clerk_a)) is not None  # a community: depth 3
    assert statistics.tally_nodes(build_scope(user=None, date="2024-01-01")) is None


def test_tab_counts_from_rollups_equal_live_counts(tree, people):
    from django.http import QueryDict

    from rectification.filters import ProblemFilterSet
    from rectification.selectors import problems_visible, status_counts, tab_counts

    run = Run(tree, people, 3)
    for _ in range(30):
        run.step()
    for user, scope in [(people.supervisor, None), (people.leader, None), (people.supervisor, tree.street)]:
        for query in ["", "status=rectifying", "overdue=true", "overdue=false&level=grassroots", "immediate=true"]:
            base = problems_visible(user=user, scope=scope)
            filterset = ProblemFilterSet(QueryDict(query), queryset=base, user=user)
            assert tab_counts(user=user, scope=scope, filterset=filterset) == status_counts(filterset.qs), query
        filterset = ProblemFilterSet(
            QueryDict(f"campaign={run.campaign.pk}"), queryset=problems_visible(user=user, scope=scope), user=user
        )
        assert tab_counts(user=user, scope=scope, filterset=filterset) == status_counts(filterset.qs)


def test_the_rebuild_command_recounts_what_was_lost(tree, people):
    import io

    from django.core.management import call_command

    run = Run(tree, people, 4)
    for _ in range(10):
        run.create()
    kept = tally_snapshot()
    LedgerTally.objects.all().delete()
    ProblemSourceTally.objects.update(n=0)
    out = io.StringIO()
    call_command("rebuild_tallies", stdout=out)
    assert tally_snapshot() == kept and kept["tally"]
    assert "rebuilt" in out.getvalue()


def test_an_import_is_counted_and_leaves_the_triggers_in_place(tree, people):
    """On SQLite the importer drops the row triggers, counts its rows once, and puts them
    back in the same transaction; on PostgreSQL the statement triggers count it."""
    run = Run(tree, people, 5)
    run.create()
    run.import_file()
    assert LedgerTally.objects.aggregate(total=Sum("n"))["total"] == sum(
        min(len(path) // PATH_STEP, tallies.TALLY_DEPTH)
        for model in (Problem, Measure)
        for path in model.objects.values_list("org_path", flat=True)
    )
    before = LedgerTally.objects.filter(kind="p").aggregate(total=Sum("n"))["total"]
    run.create()  # a service write after the import: counted by the triggers again
    assert LedgerTally.objects.filter(kind="p").aggregate(total=Sum("n"))["total"] > before
    kept = tally_snapshot()
    tallies.rebuild()
    assert tally_snapshot() == kept
