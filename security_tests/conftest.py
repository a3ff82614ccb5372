"""The permission matrix's world: one item of each kind at a community, its parent street
and district above, a sibling community beside it, and one person per role at each of
the three positions (own, parent, sibling).

The world is built once per test module inside an outer transaction that is rolled back
when the module ends, so no other test module ever sees it; each case runs in its own
savepoint (pytest-django's ``db``), so a POST that changes an item leaves the next case
the world as it was.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from core.testing.factories import CampaignFactory, ChannelFactory, UserFactory, org_create
from orgs.choices import MemberCategory, OrgKind, Role
from orgs.models import Org, RoleGrant, User

ROLES: tuple[str, ...] = (
    Role.ADMIN,
    Role.SECURITY_ADMIN,
    Role.AUDIT_ADMIN,
    Role.SUPERVISOR,
    Role.LEADER,
    Role.CLERK,
    Role.MEMBER,
    Role.INSPECTOR,
)
# Where the role is held, seen from the items (all at community A): at the item's own
# org, at its parent (the street), at a sibling (community B).
POSITIONS: tuple[str, ...] = ("own", "parent", "sibling")
PUBLIC = "public"


@dataclass
class World:
    district: Org
    street: Org
    community: Org
    sibling: Org
    grid: Org
    users: dict[tuple[str, str], User] = field(default_factory=dict)
    items: dict[str, Any] = field(default_factory=dict)
    sessions: dict[tuple[str, str], str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["items"][name]
        except KeyError:
            raise AttributeError(name) from None

    def user(self, role: str, position: str) -> User | None:
        return None if role == PUBLIC else self.users[(role, position)]


def build_world() -> World:
    from bulletins import services as bulletin_services
    from bulletins.choices import BulletinKind
    from core.models import ImportJob, Notification
    from core.services import attachment_add
    from intake.tests.factories import suggestion_create
    from projects.tests.factories import (
        DealFactory,
        InvestmentReportFactory,
        KeyProjectFactory,
        KeyTaskFactory,
        PromotionEventFactory,
    )
    from public import services as public_services
    from rectification.models import ItemStatus
    from rectification.tests.factories import (
        ExtensionRequestFactory,
        InspectionFactory,
        MeasureFactory,
        ProblemFactory,
        ProblemListFactory,
        SpecialRectificationFactory,
        evidence,
    )
    from research import services as research_services
    from research.tests.factories import EntityFactory, TopicFactory, VisitFactory
    from study import services as study_services
    from supervision import services as supervision_services
    from supervision.models import DispatchTask
    from wishes import services as wish_services
    from wishes.tests.factories import photo, wish_create

    district = org_create(name="矩阵区", code="MX", kind=OrgKind.DISTRICT)
    street = org_create(parent=district, name="矩阵街道", code="MX-JD", kind=OrgKind.STREET)
    community = org_create(parent=street, name="矩阵甲社区", code="MX-JD-A", kind=OrgKind.COMMUNITY)
    sibling = org_create(parent=street, name="矩阵乙社区", code="MX-JD-B", kind=OrgKind.COMMUNITY)
    grid = org_create(parent=community, name="矩阵甲第一网格", code="MX-JD-A-01", kind=OrgKind.GRID)
    district, street, community, sibling, grid = (
        Org.objects.get(pk=o.pk) for o in (district, street, community, sibling, grid)
    )
    world = World(district=district, street=street, community=community, sibling=sibling, grid=grid)
    at = {"own": community, "parent": street, "sibling": sibling}
    for role in ROLES:
        for position, org in at.items():
            user = UserFactory(
                username=f"mx_{role}_{position}",
                home_org=org,
                is_party_member=role == Role.MEMBER,
                member_category=MemberCategory.ELDERLY if role == Role.MEMBER else "",
            )
            RoleGrant.objects.create(user=user, org=org, role=role)
            world.users[(role, position)] = user
    # Builds the world with a superuser, who passes every service's check.
    root = UserFactory(username="mx_installer", is_superuser=True, is_staff=True)
    world.items["root"] = root
    items = world.items
    today = timezone.localdate()

    campaign = CampaignFactory(org=community, name="矩阵主题教育")
    items["campaign"] = campaign
    items["channel"] = ChannelFactory(campaign=campaign, code="mx-ch", name="矩阵渠道")
    problem = ProblemFactory(org=community, campaign=campaign, owner=world.users[(Role.CLERK, "own")])
    items["problem"] = problem
    items["measure"] = MeasureFactory(problem=problem)
    # A problem with no open measure, on which each closure transition can run.
    items["bare_problem"] = ProblemFactory(org=community, campaign=campaign)
    items["extension"] = ExtensionRequestFactory(problem=problem)
    items["drive"] = SpecialRectificationFactory(org=community, campaign=campaign)
    items["problem_list"] = ProblemListFactory(org=community, campaign=campaign)
    items["inspection"] = InspectionFactory(
        org=community, campaign=campaign, units=[community], inspector=root, supervisor=root
    )
    items["attachment"] = attachment_add(item=problem, file=evidence(), acting_user=root)
    items["closed_problem"] = ProblemFactory(org=community, campaign=campaign, status=ItemStatus.CLOSED)

    wish = wish_create(community=community)
    items["wish"] = wish
    items["micro_project"] = wish_services.project_create(
        community=community, title="矩阵微项目", campaign=campaign, acting_user=root
    )
    items["wish_photo"] = attachment_add(item=wish, file=photo("照片.jpg"), acting_user=root)
    items["earlier_suggestion"] = suggestion_create(community=community, content="5号楼门禁坏了")
    items["suggestion"] = suggestion_create(community=community)

    items["key_project"] = KeyProjectFactory(org=community, campaign=campaign)
    items["investment_report"] = InvestmentReportFactory(project=items["key_project"], month=1)
    items["key_task"] = KeyTaskFactory(org=community, campaign=campaign)
    items["promotion"] = PromotionEventFactory(org=community)
    items["deal"] = DealFactory(org=community, manager=root)

    items["topic"] = TopicFactory(org=community, campaign=campaign)
    items["entity"] = EntityFactory(org=community)
    items["visit"] = VisitFactory(
        org=community, entity=items["entity"], leader=world.users[(Role.LEADER, "own")], campaign=campaign
    )
    research_services.research_channel(campaign=campaign, acting_user=root)
    items["finding"] = research_services.finding_add(visit=items["visit"], description="道路破损", acting_user=root)

    study_class = study_services.class_create(
        org=community,
        name="矩阵读书班",
        start_date=today,
        end_date=today + datetime.timedelta(days=2),
        members=[world.users[(Role.MEMBER, "own")]],
        acting_user=root,
    )
    items["study_class"] = study_class
    items["study_session"] = study_services.session_create(
        study_class=study_class, date=today, topic="学习党章", acting_user=root
    )
    items["check_in_token"] = study_services.check_in_token(items["study_session"])
    items["plan"] = study_services.plan_create(org=community, category=MemberCategory.ELDERLY, acting_user=root)
    member = world.users[(Role.MEMBER, "own")]
    # Attendance of yesterday's session: today's stays open for the check-in rows.
    earlier = study_services.session_create(
        study_class=study_class, date=today + datetime.timedelta(days=1), topic="学习党史", acting_user=root
    )
    study_services.attendance_tick(session=earlier, members=[member], acting_user=root)
    items["attendance"] = earlier.attendances.get()
    items["outreach_record"] = study_services.outreach_record(
        step=items["plan"].steps.first(), member=member, done_on=today, acting_user=root
    )

    meeting = supervision_services.dispatch_prepare(org=community, acting_user=root, campaign=campaign)
    items["meeting"] = meeting
    items["task"] = DispatchTask.objects.create(
        org=community,
        campaign=campaign,
        meeting=meeting,
        title="矩阵交办任务",
        status="in_progress",
        deadline=today + datetime.timedelta(days=10),
        owner=world.users[(Role.CLERK, "own")],
    )
    items["reminder"] = supervision_services.reminder_send(item=problem, acting_user=root, note="请加快")

    items["bulletin"] = bulletin_services.bulletin_draft(
        org=community, kind=BulletinKind.WEEK, as_of=today, acting_user=root
    )
    issued = bulletin_services.bulletin_draft(org=community, kind=BulletinKind.MONTH, as_of=today, acting_user=root)
    items["issued_bulletin"] = bulletin_services.bulletin_issue(bulletin=issued, acting_user=root)

    items["publication"] = public_services.publication_publish(
        item=items["closed_problem"], acting_user=root, public_title="矩阵公示"
    )
    items["problem_type"] = ContentType.objects.get_for_model(type(problem))
    items["import_job"] = ImportJob.objects.create(
        kind="ledger",
        org=community,
        campaign=campaign,
        original_name="台账.xlsx",
        created_by=world.users[(Role.CLERK, "own")],
    )
    from audit.services import audit_record

    items["audit_entry"] = audit_record(
        "matrix_probe", category="setting", actor=root, org=community, detail="矩阵审计条目"
    )
    items["notification"] = Notification.objects.create(recipient=world.users[(Role.CLERK, "own")], title="矩阵通知")
    return world


def _sign_in(world: World) -> None:
    """One session per person, made once: each case sends its cookie instead of signing
    in again (a sign-in writes a session, an audit entry and the last-login time)."""
    from django.conf import settings
    from django.test import Client

    world.sessions = {}
    for key, user in world.users.items():
        client = Client()
        client.force_login(user)
        world.sessions[key] = client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """The world, built in an outer transaction that the module's end rolls back."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            from core.models import CalendarDay, CalendarYear
            from core.official_calendar import seed

            seed(CalendarYear, CalendarDay)
            world = build_world()
            _sign_in(world)
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _official_calendar(db: Any) -> None:
    """The world seeded the official calendar once; each case runs in a savepoint of it."""
