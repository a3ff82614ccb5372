"""``manage.py stats``: the registry's figures as JSON or text, and arguments it refuses."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from core.testing.factories import CampaignFactory
from orgs import statistics as org_statistics  # noqa: F401  (registers, as OrgsConfig.ready() does)
from rectification import statistics as ledger_statistics  # noqa: F401  (as RectificationConfig.ready() does)
from rectification.choices import ProblemLevel
from rectification.models import Problem


def stats(*args: str) -> str:
    out = StringIO()
    call_command("stats", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def campaign(tree, people):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(org=tree.district)
    for org in (tree.community_a, tree.community_a, tree.community_b):
        Problem.objects.create(campaign=campaign, org=org, title="问题", level=ProblemLevel.GRASSROOTS)
    return campaign


def test_json_holds_every_provider_and_parses(campaign, tree):
    figures: dict[str, Any] = json.loads(stats("--json", "--campaign", str(campaign.pk)))
    assert {"orgs", "rectification"} <= set(figures)
    assert figures["rectification"]["problems"]["total"] == 3
    assert figures["rectification"]["scope"]["campaign"] == campaign.pk
    assert figures["orgs"]["orgs"] == 6
    assert figures["orgs"]["people"] == 8
    assert figures["orgs"]["party_members"] == 1


def test_json_keeps_chinese_readable(campaign):
    output = stats("--json", "--org", "AK-JM-XDC", "--date", "2099-01-01")
    assert "\\u" not in output
    figures = json.loads(output)
    assert figures["rectification"]["problems"]["total"] == 2
    assert figures["rectification"]["scope"]["as_of"] == "2099-01-01"
    assert figures["orgs"]["orgs"] == 2  # the community and its grid


def test_a_date_before_the_items_counts_none_of_them(campaign):
    figures = json.loads(stats("--json", "--date", "2000-01-03"))
    assert figures["rectification"]["problems"]["total"] == 0
    assert figures["rectification"]["scope"]["period_start"] == "2000-01-03"  # a Monday


def test_a_user_sees_only_their_subtree(campaign):
    figures = json.loads(stats("--json", "--user", "clerk_b"))
    assert figures["rectification"]["problems"]["total"] == 1
    assert figures["orgs"]["orgs"] == 1


def test_text_output_is_readable(campaign):
    output = stats("--org", "AK")
    assert "rectification:" in output
    assert "  problems:" in output
    assert "    total: 3" in output
    assert "closure_rate: 0.0" in output


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--org", "NOPE"], "--org"),
        (["--campaign", "999999"], "--campaign"),
        (["--campaign", "abc"], "--campaign"),
        (["--date", "2023-13-01"], "--date"),
        (["--date", "05.12.2023"], "--date"),
        (["--date", "2023-12-05", "--to", "2023-12-06"], "--to"),
        (["--from", "2023-12-05", "--to", "2023-12-04", "--date", "2023-12-05"], "--from"),
        (["--user", "nobody"], "--user"),
        (["--user", "clerk_b", "--org", "AK-JM-XDC"], "--org"),
    ],
)
def test_bad_arguments_are_named(campaign, args, named):
    with pytest.raises(CommandError) as refused:
        stats("--json", *args)
    assert str(refused.value).startswith(f"{named}:"), str(refused.value)
