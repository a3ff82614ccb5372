"""``manage.py load_demo``: load the demo campaign once (``make run`` calls it)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count

from core.demo import DEMO_ROOT_CODE, DemoContext, demo_is_loaded, demo_load
from core.scoping import subtree_q

# Counts that the summary spells out itself; any other count a loader keeps is appended.
KNOWN_COUNTS = {"orgs", "people", "grants", "accounts", "campaigns"}


class Command(BaseCommand):
    help = (
        "Load the demo campaign modelled on Ankang High-tech Zone's 2023 report: its org tree, "
        "people, campaign and one log-in per role. Does nothing if the demo is already loaded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force-if-empty",
            action="store_true",
            help=(
                "Load only into a database that holds no org yet; a database with a real org tree "
                "is left alone (exit status 0). Safe to run on every start of a real installation."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from orgs.models import Org

        if demo_is_loaded():
            self.stdout.write(f"The demo is already loaded (org {DEMO_ROOT_CODE} exists); nothing changed.")
            return
        if options["force_if_empty"] and Org.objects.exists():
            self.stdout.write("The database already holds an org tree; the demo was not loaded.")
            return
        started = time.monotonic()
        context = demo_load()
        if context is None:  # Loaded by a concurrent run in between.
            self.stdout.write(f"The demo is already loaded (org {DEMO_ROOT_CODE} exists); nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS(summary(context, seconds=time.monotonic() - started)))


def summary(context: DemoContext, *, seconds: float) -> str:
    """One line: what the demo holds, counted in the database under the demo's root."""
    from orgs.models import Org, RoleGrant, User

    assert context.root is not None
    in_demo = subtree_q([context.root.path], field="path")
    orgs = Org.objects.filter(in_demo).count()
    people = User.objects.filter(subtree_q([context.root.path], field="home_org__path"))
    by_category = dict(
        people.filter(is_party_member=True).values_list("member_category").annotate(n=Count("pk")).order_by()
    )
    members = sum(by_category.values())
    grants = RoleGrant.objects.filter(subtree_q([context.root.path], field="org__path")).count()
    categories = ", ".join(f"{by_category.get(value, 0)} {label.lower()}" for value, label in _category_labels())
    extras = "".join(f", {n} {key}" for key, n in context.counts.items() if key not in KNOWN_COUNTS and ":" not in key)
    campaign = context.campaign
    channels = campaign.channels.count() if campaign is not None else 0
    return (
        f"Demo loaded in {seconds:.1f} s: {orgs} orgs, {people.count()} people "
        f"({members} party members: {categories}), {grants} role grants, "
        f"{len(context.accounts)} demo accounts, {context.counts['campaigns']} campaign "
        f"with {channels} channels{extras}. Run `manage.py demo_accounts` for the log-ins."
    )


def _category_labels() -> list[tuple[str, str]]:
    from django.utils import translation

    from orgs.choices import MemberCategory

    # Console output for the developer, in the English of the choices' message ids.
    with translation.override("en"):
        return [(value, str(label)) for value, label in MemberCategory.choices]
