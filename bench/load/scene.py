"""What the load clients need to know about the demo database, printed as JSON; run in
process with the server's environment: ``python -m bench.load.scene``."""

from __future__ import annotations

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
django.setup()

from campaigns.models import Campaign  # noqa: E402
from core.demo import DEMO_PASSWORD  # noqa: E402
from orgs.models import Org, RoleGrant, User  # noqa: E402
from rectification.choices import ItemStatus  # noqa: E402
from rectification.models import Problem  # noqa: E402


def main() -> None:
    clerk = User.objects.get(username="clerk")
    grant = RoleGrant.objects.filter(user=clerk).select_related("org").first()
    problems = list(
        Problem.objects.visible_to(clerk).exclude(status=ItemStatus.CLOSED).order_by("pk").values_list("pk", flat=True)
    )[:200]
    campaign = Campaign.objects.order_by("pk").first()
    member = User.objects.get(username="member")
    member_grant = RoleGrant.objects.filter(user=member).select_related("org").first()
    member_community = member_grant.org.get_parent() if member_grant.org.kind == "grid" else member_grant.org
    communities = list(
        Org.objects.filter(kind__in=["community", "village"]).order_by("path").values_list("pk", flat=True)
    )
    print(
        json.dumps(
            {
                "password": DEMO_PASSWORD,
                "clerk_org": grant.org.code,
                "campaign": campaign.pk,
                "problems": problems,
                "communities": communities[:20],
                # Wishes posted here are on the demo member's wall, for the members to claim.
                "member_community": member_community.pk,
            }
        )
    )


main()
