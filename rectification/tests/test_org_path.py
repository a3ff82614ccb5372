"""The owner's path copied onto problems and measures (``org_path``): written on every
way in, rewritten when an org moves, and the one thing scoping reads."""

from __future__ import annotations

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from core.testing.factories import CampaignFactory
from orgs import services as org_services
from orgs.models import Org
from rectification import services
from rectification.choices import ProblemLevel
from rectification.models import Measure, Problem
from rectification.tests.factories import MeasureFactory, ProblemFactory

IN_A_MONTH = timezone.localdate() + datetime.timedelta(days=30)


@pytest.fixture
def campaign(tree):
    return CampaignFactory(org=tree.district)


def paths_agree() -> None:
    """Every row's copy equals its owner's path (what the join would have said)."""
    for model in (Problem, Measure):
        rows = list(model.objects.values_list("org_path", "org__path"))
        assert rows and all(copy == real for copy, real in rows), model


def test_services_write_the_owner_path(campaign, tree, people):
    problem = services.problem_create(
        acting_user=people.clerk_a,
        campaign=campaign,
        org=tree.community_a,
        title="路灯不亮",
        level=ProblemLevel.GRASSROOTS,
        deadline=IN_A_MONTH,
        measures=[{"title": "更换灯具"}, {"title": "网格巡查", "org": tree.grid_a}],
    )
    problem.refresh_from_db()
    assert problem.org_path == tree.community_a.path
    assert sorted(problem.measures.values_list("org_path", flat=True)) == sorted(
        [tree.community_a.path, tree.grid_a.path]
    )
    measure = problem.measures.get(org=tree.community_a)
    services.measure_update(measure=measure, acting_user=people.leader, org=tree.community_b)
    measure.refresh_from_db()
    assert measure.org_path == tree.community_b.path
    # An instance saved again keeps a correct path even if it still holds the old one.
    services.problem_update(problem=problem, acting_user=people.clerk_a, title="路灯长期不亮")
    paths_agree()


def test_factories_and_plain_saves_write_it(tree):
    problem = ProblemFactory(org=tree.grid_a)
    MeasureFactory(problem=problem, org=tree.community_b)
    assert problem.org_path == tree.grid_a.path  # read back from the row on first use
    problem.org = tree.street
    problem.save(update_fields=["org"])
    paths_agree()


def test_an_org_move_rewrites_the_subtree_paths(campaign, tree, people):
    in_a = ProblemFactory(org=tree.community_a, campaign=campaign)
    in_grid = ProblemFactory(org=tree.grid_a, campaign=campaign)
    MeasureFactory(problem=in_grid)
    elsewhere = ProblemFactory(org=tree.community_b, campaign=campaign)
    org_services.org_move(org=tree.community_a, new_parent=tree.department, acting_user=people.admin)
    moved = Org.objects.get(pk=tree.community_a.pk)
    assert moved.path.startswith(tree.department.path)
    paths_agree()
    assert Problem.objects.get(pk=in_a.pk).org_path == moved.path
    assert Problem.objects.get(pk=elsewhere.pk).org_path == tree.community_b.path
    # The street's leader no longer sees the moved community's problems; the department's scope does.
    assert set(Problem.objects.visible_to(people.leader).values_list("pk", flat=True)) == {elsewhere.pk}
    within = set(Problem.objects.within(tree.department).values_list("pk", flat=True))
    assert within == {in_a.pk, in_grid.pk}


def test_the_migration_fills_paths_from_the_tree(tree):
    ProblemFactory(org=tree.community_a)
    MeasureFactory(problem=ProblemFactory(org=tree.grid_a), org=tree.community_b)
    Problem.objects.update(org_path="")
    Measure.objects.update(org_path="")
    migration = importlib.import_module("rectification.migrations.0003_org_path")
    migration.fill_org_paths(None, SimpleNamespace(connection=connection))
    paths_agree()


def test_broad_scopes_do_not_drive_the_plan_on_sqlite(tree, people):
    """A province, city or district scope is written so SQLite walks the order's index
    (``+org_path``); a narrower one keeps the path index. Elsewhere both are plain
    comparisons."""
    broad = str(Problem.objects.visible_to(people.supervisor).query)  # the district: depth 1
    narrow = str(Problem.objects.within(tree.grid_a).query)  # a grid: depth 4
    column = '"rectification_problem"."org_path"'
    if connection.vendor == "sqlite":
        assert f"+{column} >=" in broad and f"+{column} <" in broad
    else:
        assert f"+{column}" not in broad
    assert f"+{column}" not in narrow and f"{column} >=" in narrow
    assert "orgs_org" not in broad and "orgs_org" not in narrow
