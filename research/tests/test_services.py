"""Research services: the crowding and double-booking warnings, the catalogue's rounds,
visit logs and findings that become problems of the ledger."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns.models import Channel
from core.errors import Conflict, DomainError, PermissionDenied
from core.services import item_attachments, item_events
from core.testing.factories import CampaignFactory, person_with_role
from rectification.choices import ProblemLevel
from rectification.models import Problem
from research import services
from research.choices import ConflictKind, TopicStatus, VisitStatus
from research.models import ResearchTopic
from research.tests.factories import EntityFactory, at

pytestmark = pytest.mark.django_db
MONDAY = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())


@pytest.fixture
def scene(tree, people):
    """Two leaders over the street, an enterprise in it, the district's campaign."""
    second = person_with_role("leader", tree.street, username="leader_two", real_name="李副书记")
    entity = EntityFactory(org=tree.community_a, name="安康富硒食品有限公司")
    campaign = CampaignFactory(org=tree.district)
    return {
        "first": people.leader,
        "second": second,
        "entity": entity,
        "campaign": campaign,
        "office": people.supervisor,
        "street": tree.street,
    }


def plan(scene, *, leader, day, hour=9, entity=None, confirm=False, hours=2):
    starts_at = at(day, hour)
    return services.visit_plan(
        org=scene["street"],
        leader=leader,
        entity=entity or scene["entity"],
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        campaign=scene["campaign"],
        acting_user=scene["office"],
        confirm=confirm,
    )


class TestCrowding:
    def test_two_leaders_at_one_enterprise_within_the_window_are_warned(self, scene, settings):
        settings.VISIT_CROWDING_DAYS = 7
        first = plan(scene, leader=scene["first"], day=MONDAY)
        with pytest.raises(services.VisitConflictWarning) as warning:
            plan(scene, leader=scene["second"], day=MONDAY + datetime.timedelta(days=6))
        assert [(c.kind, c.visit.pk) for c in warning.value.conflicts] == [(ConflictKind.CROWDING, first.pk)]
        assert warning.value.code == "visit_conflict"

    def test_outside_the_window_there_is_no_warning(self, scene, settings):
        settings.VISIT_CROWDING_DAYS = 7
        plan(scene, leader=scene["first"], day=MONDAY)
        later = plan(scene, leader=scene["second"], day=MONDAY + datetime.timedelta(days=8))
        assert later.conflicts_confirmed is False

    def test_the_window_is_configurable(self, scene, settings):
        plan(scene, leader=scene["first"], day=MONDAY)
        settings.VISIT_CROWDING_DAYS = 14
        with pytest.raises(services.VisitConflictWarning):
            plan(scene, leader=scene["second"], day=MONDAY + datetime.timedelta(days=10))
        settings.VISIT_CROWDING_DAYS = 2
        assert plan(scene, leader=scene["second"], day=MONDAY + datetime.timedelta(days=10)).pk

    def test_the_same_leader_again_at_one_place_is_not_crowding(self, scene):
        plan(scene, leader=scene["first"], day=MONDAY)
        assert plan(scene, leader=scene["first"], day=MONDAY + datetime.timedelta(days=1)).conflicts_confirmed is False

    def test_confirming_saves_and_marks_the_visit(self, scene):
        first = plan(scene, leader=scene["first"], day=MONDAY)
        second = plan(scene, leader=scene["second"], day=MONDAY, hour=14, confirm=True)
        assert second.conflicts_confirmed is True
        created = item_events(second).get(action="created")
        assert created.changes == {"conflicts": [first.pk]}

    def test_a_cancelled_visit_crowds_nobody(self, scene):
        first = plan(scene, leader=scene["first"], day=MONDAY)
        services.visit_cancel(visit=first, acting_user=scene["office"])
        assert plan(scene, leader=scene["second"], day=MONDAY).conflicts_confirmed is False


class TestDoubleBooking:
    def test_overlapping_visits_of_one_leader_are_warned(self, scene):
        other = EntityFactory(org=scene["entity"].org)
        first = plan(scene, leader=scene["first"], day=MONDAY, hour=9, hours=3)
        with pytest.raises(services.VisitConflictWarning) as warning:
            plan(scene, leader=scene["first"], day=MONDAY, hour=11, entity=other)
        assert [(c.kind, c.visit.pk) for c in warning.value.conflicts] == [(ConflictKind.DOUBLE_BOOKED, first.pk)]

    def test_back_to_back_visits_are_fine(self, scene):
        other = EntityFactory(org=scene["entity"].org)
        plan(scene, leader=scene["first"], day=MONDAY, hour=9, hours=2)
        assert plan(scene, leader=scene["first"], day=MONDAY, hour=11, entity=other).pk


class TestPlanning:
    def test_only_a_leader_can_be_scheduled(self, scene, people):
        with pytest.raises(DomainError) as error:
            plan(scene, leader=people.clerk_a, day=MONDAY)
        assert error.value.field == "leader"

    def test_a_clerk_of_a_community_may_not_plan_for_the_district(self, scene, people, tree):
        with pytest.raises(PermissionDenied):
            services.visit_plan(
                org=tree.district,
                leader=scene["first"],
                entity=scene["entity"],
                starts_at=at(MONDAY),
                ends_at=at(MONDAY, 11),
                acting_user=people.clerk_a,
            )

    def test_a_visit_must_end_after_it_starts(self, scene):
        with pytest.raises(DomainError) as error:
            plan(scene, leader=scene["first"], day=MONDAY, hours=0)
        assert error.value.field == "ends_at"


class TestLog:
    def test_a_log_makes_the_visit_done_with_its_counts(self, scene):
        visit = plan(scene, leader=scene["first"], day=MONDAY)
        visit = services.visit_log(
            visit=visit,
            acting_user=scene["first"],
            people_met=6,
            questionnaires=3,
            petitions_received=2,
            petitions_resolved=1,
            summary="走访企业",
        )
        assert (visit.status, visit.questionnaires, visit.petitions_resolved) == (VisitStatus.DONE, 3, 1)
        assert item_events(visit).filter(action="logged", to_status=VisitStatus.DONE).exists()

    def test_more_resolved_than_received_is_refused(self, scene):
        visit = plan(scene, leader=scene["first"], day=MONDAY)
        with pytest.raises(DomainError) as error:
            services.visit_log(visit=visit, acting_user=scene["first"], petitions_received=1, petitions_resolved=2)
        assert error.value.field == "petitions_resolved"


class TestFindingToProblem:
    def test_a_finding_turned_into_a_problem_carries_its_links(self, scene, tree):
        visit = plan(scene, leader=scene["first"], day=MONDAY)
        finding = services.finding_add(
            visit=visit, description="企业用电容量不足，影响扩产", acting_user=scene["first"]
        )
        finding = services.finding_to_problem(
            finding=finding,
            acting_user=scene["office"],
            org=tree.community_a,
            level=ProblemLevel.GRASSROOTS,
            deadline=timezone.localdate() + datetime.timedelta(days=30),
        )
        problem = Problem.objects.get(pk=finding.problem_id)
        assert problem.title == "企业用电容量不足，影响扩产"
        assert problem.org == tree.community_a
        assert problem.channel.code == services.RESEARCH_CHANNEL_CODE
        assert list(problem.research_findings.all()) == [finding]
        assert finding.visit.entity.name in problem.description
        assert item_events(problem).filter(action="created").exists()

    def test_the_channel_is_added_when_the_campaign_has_none(self, scene, tree):
        Channel.objects.filter(campaign=scene["campaign"]).delete()
        visit = plan(scene, leader=scene["first"], day=MONDAY)
        finding = services.finding_add(visit=visit, description="配套道路未打通", acting_user=scene["first"])
        finding = services.finding_to_problem(
            finding=finding, acting_user=scene["office"], org=tree.community_a, level=ProblemLevel.GRASSROOTS
        )
        assert finding.problem.channel.name == services.RESEARCH_CHANNEL_NAME

    def test_a_finding_goes_into_the_ledger_once(self, scene, tree):
        visit = plan(scene, leader=scene["first"], day=MONDAY)
        finding = services.finding_add(visit=visit, description="融资难", acting_user=scene["first"])
        services.finding_to_problem(
            finding=finding, acting_user=scene["office"], org=tree.community_a, level=ProblemLevel.GRASSROOTS
        )
        with pytest.raises(Conflict):
            services.finding_to_problem(
                finding=finding, acting_user=scene["office"], org=tree.community_a, level=ProblemLevel.GRASSROOTS
            )
        assert Problem.objects.count() == 1


class TestCatalogue:
    def test_rounds_narrow_the_catalogue_and_the_final_one_selects(self, tree, people):
        campaign = CampaignFactory(org=tree.district)
        office = people.supervisor
        topics = [
            services.topic_create(
                campaign=campaign, org=tree.district, area=f"方面{n % 3}", title=f"课题{n}", acting_user=office
            )
            for n in range(6)
        ]
        first = services.selection_round_record(
            campaign=campaign, org=tree.district, held_on=timezone.localdate(), topics=topics[:4], acting_user=office
        )
        final = services.selection_round_record(
            campaign=campaign,
            org=tree.district,
            held_on=timezone.localdate(),
            topics=topics[:2],
            acting_user=office,
            is_final=True,
        )
        statuses = dict(ResearchTopic.objects.values_list("title", "status"))
        assert statuses == {
            "课题0": TopicStatus.SELECTED,
            "课题1": TopicStatus.SELECTED,
            "课题2": TopicStatus.CANDIDATE,
            "课题3": TopicStatus.CANDIDATE,
            "课题4": TopicStatus.CANDIDATE,
            "课题5": TopicStatus.CANDIDATE,
        }
        # Each round keeps the shortlist it had.
        assert {t.pk for t in first.topics.all()} == {t.pk for t in topics[:4]}
        assert (first.number, final.number) == (1, 2)

    def test_assignment_and_report(self, tree, people, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        campaign = CampaignFactory(org=tree.district)
        topic = services.topic_create(
            campaign=campaign, org=tree.district, area="工业", title="工业经济", acting_user=people.supervisor
        )
        with pytest.raises(DomainError):
            services.topic_assign(topic=topic, leader=people.leader, acting_user=people.supervisor)
        services.selection_round_record(
            campaign=campaign,
            org=tree.district,
            held_on=timezone.localdate(),
            topics=[topic],
            is_final=True,
            acting_user=people.supervisor,
        )
        district_leader = person_with_role("leader", tree.district, username="county_leader")
        topic = services.topic_assign(topic=topic, leader=district_leader, acting_user=people.supervisor)
        assert topic.status == TopicStatus.ASSIGNED
        with pytest.raises(PermissionDenied):
            services.topic_report(topic=topic, file=SimpleUploadedFile("r.txt", b"report"), acting_user=people.clerk_a)
        topic = services.topic_report(
            topic=topic,
            file=SimpleUploadedFile("report.txt", "调研报告".encode()),
            characters=12000,
            acting_user=district_leader,
        )
        assert (topic.status, topic.report_characters) == (TopicStatus.REPORTED, 12000)
        assert [a.original_name for a in item_attachments(topic)] == ["report.txt"]

    def test_a_title_appears_once_per_campaign(self, tree, people):
        campaign = CampaignFactory(org=tree.district)
        services.topic_create(
            campaign=campaign, org=tree.district, area="a", title="同一课题", acting_user=people.supervisor
        )
        with pytest.raises(DomainError) as error:
            services.topic_create(
                campaign=campaign, org=tree.district, area="b", title="同一课题", acting_user=people.supervisor
            )
        assert error.value.field == "title"
        with pytest.raises(PermissionDenied):
            services.topic_create(campaign=campaign, org=tree.district, area="b", title="x", acting_user=people.clerk_a)
