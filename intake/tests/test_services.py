"""Submission, triage and the submitter's verdict through the services."""

from __future__ import annotations

import pytest
from django.core import mail

from core.citizens import QueryCodeHolder
from core.errors import DomainError, PermissionDenied
from core.models import Notification
from core.services import item_events
from core.testing.factories import CampaignFactory, ChannelFactory, org_create, person_with_role
from intake import selectors, services
from intake.choices import IntakeChannel, SuggestionKind, SuggestionStatus
from intake.models import Suggestion
from intake.similarity import grams, similarity
from intake.tests.factories import suggestion_create
from orgs.choices import OrgKind
from rectification.choices import ProblemLevel

pytestmark = pytest.mark.django_db


def test_ngram_similarity_works_on_chinese_without_a_segmenter():
    a = grams("小区3号楼路灯坏了，晚上很黑")
    b = grams("3号楼的路灯坏了好久，晚上太黑了")
    c = grams("孩子上幼儿园学位紧张")
    assert similarity(a, b) > 0.35
    assert similarity(a, c) < 0.1
    assert similarity(a, a) == 1.0


def test_public_submission_waits_at_its_community_with_a_reply_deadline(tree):
    suggestion = suggestion_create(community=tree.community_a)
    assert (suggestion.status, suggestion.org, suggestion.channel) == (
        SuggestionStatus.RECEIVED,
        tree.community_a,
        IntakeChannel.ONLINE,
    )
    assert suggestion.deadline > suggestion.received_on
    assert len(suggestion.query_code) == 10


def test_only_staff_enter_other_channels(tree, people):
    with pytest.raises(PermissionDenied):
        suggestion_create(community=tree.community_a, channel=IntakeChannel.HOTLINE)
    with pytest.raises(PermissionDenied):
        suggestion_create(community=tree.community_a, channel=IntakeChannel.HOTLINE, acting_user=people.clerk_b)
    made = suggestion_create(community=tree.community_a, channel=IntakeChannel.HOTLINE, acting_user=people.clerk_a)
    assert made.created_by == people.clerk_a


def test_bad_phone_names_the_field(tree):
    with pytest.raises(DomainError) as error:
        suggestion_create(community=tree.community_a, submitter_phone="0915-123")
    assert error.value.field == "phone"


def test_route_above_the_community_counts_as_escalated(tree, people, django_capture_on_commit_callbacks):
    inside = suggestion_create(community=tree.community_a)
    services.suggestion_route(suggestion=inside, acting_user=people.clerk_a, org=tree.grid_a)
    assert Suggestion.objects.get(pk=inside.pk).escalated is False
    department_clerk = person_with_role("clerk", tree.department, username="department_clerk")
    outside = suggestion_create(community=tree.community_a, submitter_email="li@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_route(suggestion=outside, acting_user=people.clerk_a, org=tree.department)
    outside.refresh_from_db()
    assert (outside.status, outside.org, outside.escalated) == (SuggestionStatus.ROUTED, tree.department, True)
    assert len(mail.outbox) == 1 and outside.query_code in mail.outbox[0].subject
    # The owner's clerks are told in Taizhang.
    assert Notification.objects.filter(recipient=department_clerk, url=outside.get_absolute_url()).exists()
    # The community still sees what it sent up; the department now owns it.
    assert selectors.suggestions_visible(user=people.clerk_a).filter(pk=outside.pk).exists()
    services.suggestion_answer(suggestion=outside, acting_user=people.supervisor, reply="已安排维修")
    outside.refresh_from_db()
    assert outside.answered_by_org == tree.department and not outside.closed_in_community


def test_answer_and_the_submitter_rates_once(tree, people):
    suggestion = suggestion_create(community=tree.community_a)
    with pytest.raises(DomainError):
        services.suggestion_answer(suggestion=suggestion, acting_user=people.clerk_a, reply="  ")
    services.suggestion_answer(suggestion=suggestion, acting_user=people.clerk_a, reply="已修好")
    suggestion.refresh_from_db()
    assert suggestion.closed_in_community
    other = suggestion_create(community=tree.community_a)
    with pytest.raises(PermissionDenied):
        services.suggestion_rate(suggestion=suggestion, holder=QueryCodeHolder(other), satisfied=True)
    services.suggestion_rate(suggestion=suggestion, holder=QueryCodeHolder(suggestion), satisfied=True, comment="好")
    with pytest.raises(DomainError):
        services.suggestion_rate(suggestion=suggestion, holder=QueryCodeHolder(suggestion), satisfied=False)
    suggestion.refresh_from_db()
    assert suggestion.satisfied is True
    assert list(item_events(suggestion).values_list("action", flat=True)) == ["created", "answer", "rate"]


def test_staff_cannot_rate_for_the_submitter(tree, people):
    suggestion = suggestion_create(community=tree.community_a)
    services.suggestion_answer(suggestion=suggestion, acting_user=people.clerk_a, reply="已修好")
    with pytest.raises(PermissionDenied):
        services.suggestion_rate(suggestion=suggestion, holder=people.supervisor, satisfied=True)


def test_turned_into_a_problem_with_its_channel_linked_both_ways(tree, people):
    campaign = CampaignFactory(org=tree.district)
    channel = ChannelFactory(campaign=campaign, code="hotline", name="12345热线")
    suggestion = suggestion_create(
        community=tree.community_a, channel=IntakeChannel.HOTLINE, acting_user=people.clerk_a
    )
    services.suggestion_to_problem(
        suggestion=suggestion,
        acting_user=people.street_clerk,
        campaign=campaign,
        org=tree.street,
        level=ProblemLevel.GRASSROOTS,
    )
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PROBLEM and suggestion.escalated
    problem = suggestion.problem
    assert problem.channel == channel and problem.org == tree.street
    assert list(problem.suggestions.all()) == [suggestion]
    services.suggestion_answer(suggestion=suggestion, acting_user=people.street_clerk, reply="已列入整改")
    assert Suggestion.objects.get(pk=suggestion.pk).status == SuggestionStatus.ANSWERED


def test_duplicates_are_listed_by_similarity_and_marked(tree, people):
    first = suggestion_create(community=tree.community_a, content="3号楼楼道路灯坏了一个月没人修")
    suggestion_create(community=tree.community_b, content="希望增加小区篮球场")
    later = suggestion_create(community=tree.community_a, content="3号楼楼道的路灯坏了快一个月了，没人修")
    matches = selectors.similar_earlier(later)
    assert [match.item.pk for match in matches] == [first.pk]
    with pytest.raises(DomainError):
        services.suggestion_mark_duplicate(suggestion=later, acting_user=people.clerk_a, duplicate_of=later)
    services.suggestion_mark_duplicate(suggestion=later, acting_user=people.clerk_a, duplicate_of=first)
    later.refresh_from_db()
    assert (later.status, later.duplicate_of) == (SuggestionStatus.DUPLICATE, first)


def test_owner_proposed_from_past_routing_and_from_the_text(tree, people):
    housing = org_create(parent=tree.district, name="住房和城乡建设局", code="AK-ZJ", kind=OrgKind.DEPARTMENT)
    past = suggestion_create(community=tree.community_a, content="小区门口下水道堵了，污水横流")
    services.suggestion_route(suggestion=past, acting_user=people.supervisor, org=tree.department)
    new = suggestion_create(community=tree.community_b, content="小区门口的下水道又堵了，污水流到路上")
    proposals = selectors.owner_proposals(new)
    assert {proposal.org.pk for proposal in proposals} == {tree.department.pk, housing.pk}
    by_org = {proposal.org.pk: proposal for proposal in proposals}
    assert by_org[tree.department.pk].reasons and by_org[housing.pk].reasons


def test_closure_rows_per_community_and_street(tree, people):
    for _ in range(3):
        services.suggestion_answer(
            suggestion=suggestion_create(community=tree.community_a, kind=SuggestionKind.REQUEST),
            acting_user=people.clerk_a,
            reply="已办结",
        )
    sent_up = suggestion_create(community=tree.community_a)
    services.suggestion_route(suggestion=sent_up, acting_user=people.clerk_a, org=tree.department)
    services.suggestion_answer(suggestion=sent_up, acting_user=people.supervisor, reply="已办结")
    suggestion_create(community=tree.community_b)
    from django.db.models import Q

    rows = {row["name"]: row for row in selectors.closure_rows(scope_q=Q())}
    assert (rows["现代城社区"]["answered"], rows["现代城社区"]["in_community"], rows["现代城社区"]["rate"]) == (
        4,
        3,
        0.75,
    )
    assert rows["居尚社区"]["received"] == 1 and rows["居尚社区"]["rate"] is None
    streets = selectors.closure_rows(scope_q=Q(), group="street")
    assert [(row["name"], row["received"], row["rate"]) for row in streets] == [("建民街道", 5, 0.75)]


def test_joined_to_a_problem_already_in_the_ledger(tree, people):
    from rectification.services import problem_create

    campaign = CampaignFactory(org=tree.district)
    problem = problem_create(
        acting_user=people.street_clerk,
        campaign=campaign,
        org=tree.street,
        title="下水道堵塞",
        level=ProblemLevel.GRASSROOTS,
    )
    suggestion = suggestion_create(community=tree.community_a)
    with pytest.raises(PermissionDenied):
        services.suggestion_to_problem(suggestion=suggestion, acting_user=people.clerk_a, problem=problem)
    services.suggestion_to_problem(suggestion=suggestion, acting_user=people.street_clerk, problem=problem)
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.problem, suggestion.escalated) == (SuggestionStatus.PROBLEM, problem, True)
    assert list(problem.suggestions.all()) == [suggestion]
