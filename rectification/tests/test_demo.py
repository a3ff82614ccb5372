"""The demo's ledger holds the report's figures, counted by the real statistics code.

Loading takes several seconds, so one test loads it and checks everything about it.
"""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from core.demo import DEMO_ROOT_CODE
from core.models import Attachment, Event, Light
from core.statistics import build_scope, collect
from orgs.choices import Role
from orgs.demo import XIANDAICHENG_CODE
from orgs.models import RoleGrant
from rectification import demo
from rectification.choices import ExtensionStatus, ItemStatus, ListStatus, ProblemLevel, RoundDirection
from rectification.models import ExtensionRequest, Measure, Problem, ProblemList, SpecialRectification

pytestmark = pytest.mark.django_db


def test_demo_ledger_shows_the_reports_figures(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path  # the evidence files of the closures
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "677 problems" in out.getvalue()
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
