"""The whole demo that ``make run`` loads, loaded once for this module: the report's
numbers in the org tree, the people, the log-ins, the ledger and supervision, each counted
by the real code.

Loading takes most of a minute on the test machines, so it is loaded once, in a
transaction that is rolled back when the module ends; each test runs in a savepoint
inside it (pytest-django's ``django_db``), so what one test changes the next does not
see. The tests that need a database without the demo are in ``test_demo.py``.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from campaigns.choices import CampaignStatus
from campaigns.demo import REPORT_CHANNEL_CODES
from campaigns.models import Campaign, Channel
from core.demo import DEMO_PASSWORD, DEMO_ROOT_CODE, demo_account_specs
from core.models import Attachment, Event, Light
from core.statistics import build_scope, collect
from orgs.choices import MemberCategory, OrgKind, Role
from orgs.demo import MEMBER_TOTALS, XIANDAICHENG_CODE
from orgs.models import Org, RoleGrant, User, mobile_validator
from public.models import Publication
from rectification import demo
from rectification.choices import ExtensionStatus, ItemStatus, ListStatus, ProblemLevel, RoundDirection
from rectification.models import ExtensionRequest, Measure, Problem, ProblemList, SpecialRectification
from supervision.models import DispatchMeeting, MonthlySnapshot, Reminder

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_output(django_db_setup: None, django_db_blocker) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """What ``load_demo`` printed; the demo is in the database until the module ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def snapshot() -> dict[str, int]:
    return {
        "orgs": Org.objects.count(),
        "people": User.objects.count(),
        "grants": RoleGrant.objects.count(),
        "campaigns": Campaign.objects.count(),
        "channels": Channel.objects.count(),
        "events": Event.objects.count(),
    }


def test_demo_holds_the_reports_figures_and_loads_once(demo_output: str) -> None:
    assert "Demo loaded" in demo_output
    assert "239 outflow" in demo_output
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


def test_demo_ledger_shows_the_reports_figures(demo_output: str) -> None:
    assert "677 problems" in demo_output
    today = timezone.localdate()

    figures = collect(build_scope(user=None), names=["rectification"])["rectification"]
    problems, measures = figures["problems"], figures["measures"]
    drives, inspections = figures["special_rectifications"], figures["inspections"]

    # 县级领导问题清单27条，整改措施52条，专项整治项目11个; 基层党组织问题清单650条，整改措施730条.
    assert problems["by_level"] == {"leadership": 27, "grassroots": 650, "department": 0}
    assert measures["by_level"] == {"leadership": 52, "grassroots": 730, "department": 0}
    assert drives["by_level"] == {"leadership": 11, "grassroots": 16, "department": 0}
    # 10个部门牵头，对10个重点领域开展专项整治，专项整治项目16个 (the leadership drives are
    # led by some of the same departments in the same domains, so the zone counts ten too).
    assert drives["leading_departments"] == 10
    assert drives["domains"] == 10
    grassroots_drives = SpecialRectification.objects.filter(level=ProblemLevel.GRASSROOTS)
    assert grassroots_drives.values("org").distinct().count() == 10
    assert grassroots_drives.values("domain").distinct().count() == 10
    assert {"经济发展局", "教育局", "不动产登记中心", "社区管理局", "卫生健康局"} <= set(
        grassroots_drives.values_list("org__name", flat=True)
    )
    assert {"乡村振兴", "教育", "医疗", "住房"} <= set(grassroots_drives.values_list("domain__name", flat=True))
    assert all(drive["problems"] > 0 for drive in drives["drives"])
    # 3轮审核检查，现场向单位“一把手”反馈问题16个，责令9个单位重新检视问题.
    assert inspections["rounds"] == 3
    assert inspections["findings_fed_back"] == 16
    assert inspections["units_ordered_to_reexamine"] == 9
    assert problems["immediate"] == problems["immediate_closed"] == 60

    # Problems came from the channels the report names.
    for channel in ("信访", "监督检查", "巡察", "审计", "调研发现", "座谈", "12345热线"):
        assert problems["by_channel"].get(channel, 0) > 0, channel
    assert problems["without_channel"] == 0

    # A spread of statuses: most closed (a few not as rectified), some asked for, the
    # rest being rectified, some late, some on an extension.
    by_status = problems["by_status"]
    assert by_status[ItemStatus.CLOSED] > problems["total"] / 2
    assert by_status[ItemStatus.CLOSURE_REQUESTED] > 0 and by_status[ItemStatus.RECTIFYING] > 0
    assert all(n > 0 for n in problems["closed_without_fix_by_kind"].values())
    assert problems["overdue"] > 0
    assert problems["deadline_extended"] > 0
    assert problems["overdue_against_original_deadline"] > problems["overdue"]
    assert measures["by_status"][ItemStatus.CLOSURE_REQUESTED] > 0

    # The lights: many grey, some red, some yellow, some green; the clerk's community too.
    lights = Counter(problem.light(today) for problem in Problem.objects.all())
    assert lights[Light.GREY] > problems["total"] / 2
    assert lights[Light.RED] > 0 and lights[Light.YELLOW] > 0 and lights[Light.GREEN] > 0
    clerk_lights = {problem.light(today) for problem in Problem.objects.filter(org__code=XIANDAICHENG_CODE)}
    assert clerk_lights == {Light.GREY, Light.RED, Light.YELLOW, Light.GREEN}

    # Approved extensions moved the deadline and kept the original one.
    approved = ExtensionRequest.objects.filter(status=ExtensionStatus.APPROVED, measure__isnull=True)
    assert approved.exists()
    for extension in approved.select_related("problem"):
        assert extension.problem.original_deadline == extension.previous_deadline < extension.problem.deadline
    assert ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING).exists()
    assert ExtensionRequest.objects.filter(status=ExtensionStatus.REFUSED).exists()

    # Owners: county-level leaders own the leadership list; clerks and heads the others.
    leaders = set(RoleGrant.objects.filter(role=Role.LEADER, org__code=DEMO_ROOT_CODE).values_list("user", flat=True))
    leadership = Problem.objects.filter(level=ProblemLevel.LEADERSHIP)
    assert set(leadership.values_list("org__code", flat=True)) == {DEMO_ROOT_CODE}
    assert set(leadership.values_list("owner", flat=True)) <= leaders
    assert not Problem.objects.filter(owner__isnull=True).exists()
    assert not Measure.objects.filter(owner__isnull=True).exists()
    assert not Problem.objects.filter(deadline__isnull=True).exists()

    # Review rounds: the leadership list three times up and down (三上三下), then accepted.
    leadership_list = ProblemList.objects.get(org__code=DEMO_ROOT_CODE)
    assert leadership_list.status == ListStatus.ACCEPTED
    assert list(leadership_list.rounds.values_list("direction", "outcome")) == [
        (RoundDirection.UP, ListStatus.SUBMITTED),
        (RoundDirection.DOWN, ListStatus.RETURNED),
    ] * 2 + [(RoundDirection.UP, ListStatus.SUBMITTED), (RoundDirection.DOWN, ListStatus.ACCEPTED)]
    # Grassroots lists accepted after one to three rounds; the nine ordered to re-examine
    # were returned and submitted again (the last round's still awaiting review).
    grassroots_lists = ProblemList.objects.exclude(org__code=DEMO_ROOT_CODE)
    assert grassroots_lists.count() == 37
    reexamined = set(
        grassroots_lists.filter(rounds__comment__in=[f.description for f in demo.FINDINGS if f.missed]).values_list(
            "pk", flat=True
        )
    )
    assert len(reexamined) == 9
    for problem_list in grassroots_lists:
        if problem_list.pk in reexamined:
            assert problem_list.status in {ListStatus.SUBMITTED, ListStatus.ACCEPTED}
            last = problem_list.rounds.order_by("-created_at", "-id").first()
            assert last.direction == RoundDirection.UP or last.outcome == ListStatus.ACCEPTED
        else:
            assert problem_list.status == ListStatus.ACCEPTED
            assert 1 <= problem_list.rounds_up <= 3
    assert Counter(grassroots_lists.values_list("status", flat=True)) == {
        ListStatus.ACCEPTED: 35,
        ListStatus.SUBMITTED: 2,
    }

    # Every change went through the services: each item has its "created" event, each
    # closure its approval event, and each closure request its evidence.
    for model in (Problem, Measure):
        content_type = ContentType.objects.get_for_model(model)
        events = Event.objects.filter(content_type=content_type)
        assert events.filter(action="created").count() == model.objects.count()
        closed = model.objects.filter(status=ItemStatus.CLOSED).count()
        assert events.filter(action="approve_closure").count() == closed
        requests = events.filter(action="request_closure").count()
        assert requests >= closed + model.objects.filter(status=ItemStatus.CLOSURE_REQUESTED).count()
        assert Attachment.objects.filter(content_type=content_type).count() == requests


def test_demo_has_reminders_a_held_dispatch_a_snapshot_and_publications(demo_output: str) -> None:
    reminders = Reminder.objects.all()
    assert reminders.exists()
    assert reminders.filter(delivered_at__isnull=True).count() == 0
    assert Event.objects.filter(action="reminded").count() == reminders.count()
    meeting = DispatchMeeting.objects.get()
    assert meeting.status == "held" and meeting.entries.exists()
    # Tasks and a note: no new measure, so the ledger keeps the report's figures.
    assert not meeting.decisions.filter(kind="measure").exists()
    assert meeting.decisions.filter(kind="task", task__isnull=False).count() >= 2
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    assert MonthlySnapshot.objects.filter(month=last_month, org__depth=1).exists()
    publications = Publication.objects.live()
    assert 1 <= publications.count() <= 6
    assert all("集中整治" in p.summary for p in publications)
