"""The demo that ``make run`` loads: the report's numbers, one log-in per role, loaded once.

Loading takes a few seconds, so one test loads it and checks everything about it.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import Count

from campaigns.choices import CampaignStatus
from campaigns.demo import REPORT_CHANNEL_CODES
from campaigns.models import Campaign, Channel
from core.demo import DEMO_PASSWORD, DEMO_ROOT_CODE, demo_account_specs
from core.models import Event
from core.testing.factories import org_create
from orgs.choices import MemberCategory, OrgKind, Role
from orgs.demo import MEMBER_TOTALS
from orgs.models import Org, RoleGrant, User, mobile_validator

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, int]:
    return {
        "orgs": Org.objects.count(),
        "people": User.objects.count(),
        "grants": RoleGrant.objects.count(),
        "campaigns": Campaign.objects.count(),
        "channels": Channel.objects.count(),
        "events": Event.objects.count(),
    }


def test_demo_holds_the_reports_figures_and_loads_once() -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "Demo loaded" in out.getvalue()
    assert "239 outflow" in out.getvalue()
    root = Org.objects.get(code=DEMO_ROOT_CODE)
    assert root.name == "安康高新区"
    assert root.kind == OrgKind.DISTRICT

    # Members of every category in the report's numbers.
    by_category = dict(
        User.objects.filter(is_party_member=True).values_list("member_category").annotate(n=Count("pk")).order_by()
    )
    assert by_category == {
        MemberCategory.OUTFLOW: 239,
        MemberCategory.SCATTERED: 470,
        MemberCategory.ELDERLY: 126,
        MemberCategory.NEW_EMPLOYMENT: 85,
        MemberCategory.IN_SERVICE: 600,
    }
    assert by_category == MEMBER_TOTALS
    # Members who live somewhere live in a grid of it (or their trade's party branch).
    for category in (MemberCategory.OUTFLOW, MemberCategory.ELDERLY, MemberCategory.SCATTERED):
        kinds = set(User.objects.filter(member_category=category).values_list("home_org__kind", flat=True))
        assert kinds == {OrgKind.GRID}
    assert User.objects.filter(
        member_category=MemberCategory.OUTFLOW, home_org__path__startswith=Org.objects.get(name="罗家梁村").path
    ).exists()

    # Mobiles are valid and unique; names too, so a search finds one person.
    mobiles = list(User.objects.exclude(mobile="").values_list("mobile", flat=True))
    assert len(mobiles) == len(set(mobiles)) == User.objects.filter(home_org__isnull=False).count()
    for mobile in mobiles:
        mobile_validator(mobile)
    names = list(User.objects.filter(home_org__isnull=False).values_list("real_name", flat=True))
    assert len(names) == len(set(names))

    # The tree: departments, the campaign office, discipline inspection, party orgs.
    departments = set(Org.objects.filter(kind=OrgKind.DEPARTMENT).values_list("name", flat=True))
    assert {
        "经济发展局",
        "教育局",
        "卫生健康局",
        "不动产登记中心",
        "社区管理局",
        "主题教育办公室",
        "纪检监察工委",
    } <= departments
    assert len(departments) >= 12
    assert Org.objects.get(name="高新区党工委").kind == OrgKind.PARTY_WORKING_COMMITTEE
    organs = Org.objects.get(name="高新区机关党委")
    assert organs.kind == OrgKind.PARTY_COMMITTEE
    assert Org.objects.get_children(organs).filter(kind=OrgKind.PARTY_BRANCH).count() >= 10
    for name, kind in (("现代城社区", OrgKind.COMMUNITY), ("罗家梁村", OrgKind.VILLAGE)):
        locality = Org.objects.get(name=name)
        assert locality.kind == kind
        assert Org.objects.get_parent(locality).name == "建民街道"
        assert 2 <= Org.objects.get_children(locality).filter(kind=OrgKind.GRID).count() <= 4
        assert Org.objects.get_children(locality).filter(kind=OrgKind.PARTY_BRANCH).count() == 1
        assert locality.head is not None
        assert RoleGrant.objects.filter(org=locality, role=Role.CLERK).exists()
    codes = list(Org.objects.values_list("code", flat=True))
    assert all(code.startswith(DEMO_ROOT_CODE) for code in codes)

    # County-level leaders from the report, with the leader role over the whole zone.
    for name in ("罗武侠", "陈帆", "曹英忠", "黄荣荣"):
        leader = User.objects.get(real_name=name)
        assert RoleGrant.objects.filter(user=leader, org=root, role=Role.LEADER).exists()
    assert RoleGrant.objects.filter(org=root, role=Role.LEADER).count() >= 9
    assert root.head.real_name == "罗武侠"

    # One log-in per role, with a grant of that role; nobody else can log in.
    specs = demo_account_specs()
    assert {spec.role for spec in specs} == set(Role.values)
    usernames = [spec.username for spec in specs]
    assert usernames == ["admin", "supervisor", "leader", "clerk", "member", "inspector", "security", "auditor"]
    for spec in specs:
        person = User.objects.get(username=spec.username)
        assert person.check_password(DEMO_PASSWORD)
        assert person.grants.filter(role=spec.role).exists()
    assert User.objects.get(username="leader").real_name == "罗武侠"
    assert User.objects.get(username="clerk").grants.get().org.name == "现代城社区"
    member = User.objects.get(username="member")
    assert member.is_party_member and Org.objects.get_parent(member.home_org).name == "现代城社区"
    assert User.objects.get(username="inspector").home_org.name == "纪检监察工委"
    assert not User.objects.exclude(username__in=usernames).exclude(password__startswith="!").exists()

    # The campaign: the report's, under way, with the default channels.
    campaign = Campaign.objects.get(org=root)
    assert campaign.status == CampaignStatus.ACTIVE
    assert str(campaign.start_date) == "2023-09-01"
    assert set(REPORT_CHANNEL_CODES) <= set(campaign.channels.values_list("code", flat=True))
    actions = list(
        Event.objects.filter(
            content_type=ContentType.objects.get_for_model(Campaign), object_id=campaign.pk
        ).values_list("action", flat=True)
    )
    assert actions[:2] == ["created", "start"] and set(actions[2:]) == {"domain_added"}

    # Every org and person was made by a service, which wrote its event.
    for model in (Org, User):
        created = set(
            Event.objects.filter(content_type=ContentType.objects.get_for_model(model), action="created").values_list(
                "object_id", flat=True
            )
        )
        assert set(model.objects.values_list("pk", flat=True)) <= created

    # Loading again changes nothing.
    before = snapshot()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert snapshot() == before

    # The accounts table names every log-in and its password.
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    table = out.getvalue()
    for username in usernames:
        assert username in table
    assert DEMO_PASSWORD in table
    assert "现代城社区" in table


def test_demo_keeps_out_of_a_real_org_tree_when_asked() -> None:
    org_create(name="汉滨区", code="HB", kind=OrgKind.DISTRICT)
    out = StringIO()
    call_command("load_demo", "--force-if-empty", stdout=out)
    assert "not loaded" in out.getvalue()
    assert not Org.objects.filter(code=DEMO_ROOT_CODE).exists()
    assert not User.objects.exists()


def test_accounts_command_says_when_there_is_no_demo() -> None:
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    assert "load_demo" in out.getvalue()
