"""``StatsScope.within`` leaves out the path test when the scope is the whole tree, and only
then: the counts stay those of the path test."""

from __future__ import annotations

from core.statistics import build_scope
from core.testing.factories import org_create
from orgs.choices import OrgKind
from orgs.models import User


def people_counted(scope) -> int:
    return User.objects.filter(scope.within("home_org__path")).count()


def test_the_whole_tree_needs_no_path_test(tree, people):
    everything = build_scope(user=None)
    assert everything.covers_all()
    assert "orgs_org" not in str(User.objects.filter(everything.within("home_org__path")).query)
    assert people_counted(everything) == User.objects.filter(home_org__isnull=False).count() > 0
    # A supervisor of the single top org reads the whole tree too.
    assert build_scope(user=people.supervisor).covers_all()


def test_a_part_of_the_tree_keeps_the_path_test(tree, people):
    for scope in (build_scope(user=people.clerk_a), build_scope(user=None, org=tree.street.code)):
        assert not scope.covers_all()
        assert "orgs_org" in str(User.objects.filter(scope.within("home_org__path")).query)
    street = build_scope(user=None, org=tree.street.code)
    assert people_counted(street) == User.objects.filter(home_org__path__startswith=tree.street.path).count()


def test_a_second_top_org_is_not_covered_by_the_first(tree, people):
    other = org_create(name="另一个区", code="QT", kind=OrgKind.DISTRICT)
    User.objects.create(username="elsewhere", home_org=other)
    scope = build_scope(user=people.supervisor)
    assert not scope.covers_all()
    assert people_counted(scope) == User.objects.filter(home_org__path__startswith=tree.district.path).count()
    assert build_scope(user=None).covers_all()
    assert people_counted(build_scope(user=None)) == User.objects.filter(home_org__isnull=False).count()
