"""schemathesis against the API's own ``/api/schema/``: no server error, no answer outside the schema.

Every operation the schema publishes is fuzzed with a bounded number of examples,
signed in (HTTP Basic) as a supervisor at the root org and as a clerk at a community.
The schema is fetched from ``GET /api/schema/`` through the WSGI application, and every
call goes through that application in the test's own database transaction; each example
runs inside a savepoint rolled back after its checks, so POST/PATCH/PUT examples never
pile up and every example meets the same small world (one item of each kind at the
clerk's community and one at a sibling community, so detail endpoints find ids inside
and outside the clerk's scope).

Bounded for CI: a few examples per operation, explicit examples and generation only
(no shrinking), derandomized so every run sends the same requests.
"""

from __future__ import annotations

import base64
import datetime
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.testing.factories import CampaignFactory, ChannelFactory, UserFactory, org_create
from orgs.choices import MemberCategory, OrgKind, Role
from orgs.models import Org, RoleGrant, User

PASSWORD = "Fuzz@2026-api"
EXAMPLES_PER_OPERATION = 6
SIGN_IN_REFUSED = {"not_authenticated", "authentication_failed", "password_change_required", "otp_required"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@dataclass
class World:
    supervisor: User
    clerk: User
    # Resource path prefix ("/api/problems/") -> ids of its items, the clerk's first.
    ids: dict[str, list[Any]] = field(default_factory=dict)


def _items_at(community: Org, *, root: User, clerk: User, leader: User, member: User) -> dict[str, Any]:
    """One item of each kind the API lists, at ``community``, keyed by its API path."""
    from bulletins import services as bulletin_services
    from bulletins.choices import BulletinKind
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
    from wishes import services as wish_services
    from wishes.tests.factories import wish_create

    today = timezone.localdate()
    campaign = CampaignFactory(org=community)
    channel = ChannelFactory(campaign=campaign)
    problem = ProblemFactory(org=community, campaign=campaign, owner=clerk)
    measure = MeasureFactory(problem=problem)
    attachment_add(item=problem, file=evidence(), acting_user=root)
    closed = ProblemFactory(org=community, campaign=campaign, status=ItemStatus.CLOSED)
    visit = VisitFactory(org=community, entity=EntityFactory(org=community), leader=leader, campaign=campaign)
    key_project = KeyProjectFactory(org=community, campaign=campaign)
    study_class = study_services.class_create(
        org=community,
        name=f"{community.name}读书班",
        start_date=today,
        end_date=today + datetime.timedelta(days=2),
        members=[member],
        acting_user=root,
    )
    session = study_services.session_create(study_class=study_class, date=today, topic="学习党章", acting_user=root)
    plan = study_services.plan_create(org=community, category=MemberCategory.ELDERLY, acting_user=root)
    issued = bulletin_services.bulletin_draft(org=community, kind=BulletinKind.MONTH, as_of=today, acting_user=root)
    return {
        "campaigns": campaign,
        "channels": channel,
        "problems": problem,
        "measures": measure,
        "extensions": ExtensionRequestFactory(problem=problem),
        "special-rectifications": SpecialRectificationFactory(org=community, campaign=campaign),
        "problem-lists": ProblemListFactory(org=community, campaign=campaign),
        "inspections": InspectionFactory(
            org=community, campaign=campaign, units=[community], inspector=root, supervisor=root
        ),
        "wishes": wish_create(community=community),
        "micro-projects": wish_services.project_create(
            community=community, title="微项目", campaign=campaign, acting_user=root
        ),
        "suggestions": suggestion_create(community=community),
        "key-projects": key_project,
        "investment-reports": InvestmentReportFactory(project=key_project, month=1),
        "key-tasks": KeyTaskFactory(org=community, campaign=campaign),
        "promotion-events": PromotionEventFactory(org=community),
        "deals": DealFactory(org=community, manager=root),
        "research-topics": TopicFactory(org=community, campaign=campaign),
        "research-entities": visit.entity,
        "research-visits": visit,
        "research-findings": research_services.finding_add(visit=visit, description="道路破损", acting_user=root),
        "study-classes": study_class,
        "study-sessions": session,
        "study-attendance": study_services.check_in(token=study_services.check_in_token(session), member=member),
        "outreach-plans": plan,
        "outreach-records": study_services.outreach_record(
            step=plan.steps.first(), member=member, done_on=today, acting_user=root
        ),
        "dispatch-meetings": supervision_services.dispatch_prepare(org=community, acting_user=root, campaign=campaign),
        "reminders": supervision_services.reminder_send(item=problem, acting_user=root, note="请加快"),
        "bulletins": bulletin_services.bulletin_issue(bulletin=issued, acting_user=root),
        "publications": public_services.publication_publish(item=closed, acting_user=root, public_title="公示"),
    }


def build_world() -> World:
    """District → street → (community A, community B); a supervisor at the district, a
    clerk at community A, and one item of each kind in each community."""
    district = org_create(name="模糊测试区", code="FZ", kind=OrgKind.DISTRICT)
    street = org_create(parent=district, name="模糊街道", code="FZ-JD", kind=OrgKind.STREET)
    community_a = org_create(parent=street, name="模糊甲社区", code="FZ-JD-A", kind=OrgKind.COMMUNITY)
    community_b = org_create(parent=street, name="模糊乙社区", code="FZ-JD-B", kind=OrgKind.COMMUNITY)
    district, street, community_a, community_b = (
        Org.objects.get(pk=o.pk) for o in (district, street, community_a, community_b)
    )

    def person(username: str, role: str, org: Org, **fields: Any) -> User:
        user = UserFactory(username=username, home_org=org, password=PASSWORD, **fields)
        RoleGrant.objects.create(user=user, org=org, role=role)
        return user

    supervisor = person("fz_supervisor", Role.SUPERVISOR, district)
    clerk = person("fz_clerk", Role.CLERK, community_a)
    # The world is built by the installer, whom every service lets through.
    root = UserFactory(username="fz_installer", is_superuser=True, is_staff=True)
    world = World(supervisor=supervisor, clerk=clerk)
    for community, suffix in ((community_a, "a"), (community_b, "b")):
        leader = person(f"fz_leader_{suffix}", Role.LEADER, community)
        member = person(
            f"fz_member_{suffix}",
            Role.MEMBER,
            community,
            is_party_member=True,
            member_category=MemberCategory.ELDERLY,
        )
        other_clerk = clerk if suffix == "a" else person("fz_clerk_b", Role.CLERK, community)
        items = _items_at(community, root=root, clerk=other_clerk, leader=leader, member=member)
        for resource, item in items.items():
            world.ids.setdefault(f"/api/{resource}/", []).append(item.pk)
        world.ids.setdefault("/api/people/", []).extend([leader.pk, member.pk])
        world.ids.setdefault("/api/grants/", []).extend(
            RoleGrant.objects.filter(user__in=[leader, member]).values_list("pk", flat=True)
        )
    world.ids["/api/orgs/"] = [community_a.code, community_b.code, district.code]
    return world


# Ids of the world's items by resource path prefix, filled when the module's world is built
# and read while examples are drawn.
KNOWN_IDS: dict[str, list[Any]] = {}
# Examples sent, by (role, operation), reported at the end of the module.
SENT: Counter[tuple[str, str]] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_examples(request: pytest.FixtureRequest) -> Iterator[None]:
    """One line in the terminal: how many operations and examples the run covered."""
    started = time.monotonic()
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and SENT:
        operations = {operation for _role, operation in SENT}
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nschemathesis: {len(operations)} operations, {len(SENT)} operation-role pairs, "
                f"{sum(SENT.values())} examples in {time.monotonic() - started:.0f} s"
            )
    SENT.clear()


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """The world, built once in an outer transaction that the module's end rolls back;
    each test runs in a savepoint of it (pytest-django's ``db``)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            from core.models import CalendarDay, CalendarYear
            from core.official_calendar import seed

            seed(CalendarYear, CalendarDay)
            built = build_world()
            KNOWN_IDS.update(built.ids)
            yield built
        finally:
            KNOWN_IDS.clear()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


class _Application(WSGIHandler):
    """Django's WSGI handler without the connection clean-up around each request, which
    would close the test's transaction (Django's test client leaves it out too)."""

    def __call__(self, environ: Any, start_response: Any) -> Any:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            return super().__call__(environ, start_response)
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", _Application())
# The coverage phase sends every boundary and malformed value of every parameter: about
# 10,000 requests here, some minutes. CI runs the bounded examples and fuzzing only; set
# API_FUZZ_COVERAGE=1 for the full sweep before a release.
schema.config.phases.coverage.enabled = bool(os.environ.get("API_FUZZ_COVERAGE"))


@schema.hook
def before_generate_path_parameters(context: Any, strategy: Any) -> Any:
    """Path ids are mostly ids of the world's items (in and out of the clerk's scope),
    sometimes whatever the schema allows."""
    path = context.operation.path
    prefix = "/".join(path.split("/")[:3]) + "/"
    name = "code" if prefix == "/api/orgs/" else "id"
    if "{" + name + "}" not in path:
        return strategy
    known = st.deferred(lambda: st.sampled_from(KNOWN_IDS.get(prefix) or [0]).map(lambda value: {name: value}))
    return st.one_of(known, strategy)


@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.parametrize("role", ["supervisor", "clerk"])
@schema.parametrize()
def test_api_conforms_to_its_schema(case: Any, role: str, world: World, db: Any) -> None:
    user = getattr(world, role)
    SENT[(role, case.operation.label)] += 1
    with transaction.atomic():
        response = case.call(headers={"Authorization": f"Basic {_token(user)}"})
        transaction.set_rollback(True)
    # A refused sign-in would make every answer a conforming 403 and the run worthless.
    if response.status_code in (401, 403) and response.headers.get("content-type") == ["application/json"]:
        assert response.json().get("code") not in SIGN_IN_REFUSED, response.json()
    case.validate_response(response, checks=CHECKS)


def test_the_fuzzing_users_sign_in_with_basic_and_see_their_scope(world: World, db: Any) -> None:
    """The credentials the fuzzer sends work, and each role reads what it should."""
    from rest_framework.test import APIClient

    seen = {}
    for role in ("supervisor", "clerk"):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION="Basic " + _token(getattr(world, role)))
        response = api.get("/api/problems/")
        assert response.status_code == 200, response.content
        seen[role] = {row["org"] for row in response.json()["results"]}
    assert seen == {"supervisor": {"FZ-JD-A", "FZ-JD-B"}, "clerk": {"FZ-JD-A"}}


def _token(user: User) -> str:
    return base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
