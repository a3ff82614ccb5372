"""Research pages: planning with the warning to confirm, the week calendar, the catalogue
and its rounds, scoping of every list, and imports that name the bad cell."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.testing.factories import CampaignFactory, ChannelFactory, person_with_role
from core.testing.html import element
from core.testing.permissions import ScopedQuerysetTests, assert_page_scoped, client_for
from core.testing.queries import assert_query_count_stable
from core.testing.spreadsheets import xlsx_bytes
from research import selectors, services
from research.choices import TopicStatus, VisitStatus
from research.models import Entity, ResearchTopic, Visit
from research.tests.factories import EntityFactory, TopicFactory, VisitFactory, at

pytestmark = pytest.mark.django_db
NEXT_MONDAY = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())


def visit_post(leader, entity, day, hour=9, **extra):
    return {
        "org": "AK",
        "leader": leader.pk,
        "entity": entity.pk,
        "kind": "enterprise_visit",
        "starts_at": f"{day.isoformat()}T{hour:02d}:00",
        "ends_at": f"{day.isoformat()}T{hour + 2:02d}:00",
        **extra,
    }


class TestPlanningPage:
    def test_the_second_leader_at_one_enterprise_sees_the_warning_and_may_save_anyway(self, tree, people):
        first = person_with_role("leader", tree.district, username="leader_one")
        second = person_with_role("leader", tree.district, username="leader_two")
        entity = EntityFactory(org=tree.community_a)
        client = client_for(people.supervisor)
        url = reverse("research:visit_create")
        assert client.post(url, visit_post(first, entity, NEXT_MONDAY)).status_code == 302
        response = client.post(url, visit_post(second, entity, NEXT_MONDAY + datetime.timedelta(days=2)))
        assert response.status_code == 200
        warning = element(response.content.decode(), "visit-conflicts")
        assert warning is not None and 'data-conflict="crowding"' in warning.html
        assert Visit.objects.count() == 1
        response = client.post(url, visit_post(second, entity, NEXT_MONDAY + datetime.timedelta(days=2), confirm="on"))
        assert response.status_code == 302
        assert Visit.objects.filter(conflicts_confirmed=True).count() == 1

    def test_the_week_calendar_shows_each_visit_on_its_day(self, tree, people):
        visit = VisitFactory(
            org=tree.street,
            entity=EntityFactory(org=tree.street),
            starts_at=at(NEXT_MONDAY + datetime.timedelta(days=2), 10),
            ends_at=at(NEXT_MONDAY + datetime.timedelta(days=2), 12),
        )
        response = client_for(people.leader).get(reverse("research:week"), {"week": NEXT_MONDAY.isoformat()})
        cell = element(response.content.decode(), "week")
        assert cell is not None
        wednesday = (NEXT_MONDAY + datetime.timedelta(days=2)).isoformat()
        html = response.content.decode()
        day_cell = html[html.index(f'data-day="{wednesday}"') :]
        day_cell = day_cell[: day_cell.index("</td>")]
        assert f'data-visit="{visit.pk}"' in day_cell

    def test_logging_a_visit_and_recording_a_finding(self, tree, people):
        visit = VisitFactory(org=tree.street, leader=people.leader, entity=EntityFactory(org=tree.street))
        client = client_for(people.leader)
        url = reverse("research:visit_detail", args=[visit.pk])
        response = client.post(
            url,
            {
                "log": "1",
                "people_met": 5,
                "questionnaires": 3,
                "petitions_received": 2,
                "petitions_resolved": 2,
                "summary": "好",
            },
        )
        assert response.status_code == 302
        client.post(url, {"finding": "1", "description": "企业招工难"})
        visit.refresh_from_db()
        assert (visit.status, visit.questionnaires) == (VisitStatus.DONE, 3)
        assert list(visit.findings.values_list("description", flat=True)) == ["企业招工难"]

    def test_a_finding_goes_into_the_ledger_from_the_visit_page(self, tree, people):
        campaign = CampaignFactory(org=tree.district)
        visit = VisitFactory(
            org=tree.street, leader=people.leader, entity=EntityFactory(org=tree.street), campaign=campaign
        )
        ChannelFactory(campaign=campaign, code="research", name="调研发现")
        finding = services.finding_add(visit=visit, description="道路破损", acting_user=people.leader)
        response = client_for(people.leader).post(
            reverse("research:finding_to_problem", args=[finding.pk]),
            {"org": tree.community_a.code, "level": "grassroots", "campaign": campaign.pk},
        )
        assert response.status_code == 302
        finding.refresh_from_db()
        assert finding.problem is not None
        page = client_for(people.leader).get(reverse("research:visit_detail", args=[visit.pk])).content.decode()
        assert f'data-problem="{finding.problem.pk}"' in page
        # and the problem's page links back to the visit it was found on
        problem_page = client_for(people.leader).get(reverse("rectification:problem_detail", args=[finding.problem.pk]))
        html = problem_page.content.decode()
        assert 'id="problem-research-findings"' in html
        assert reverse("research:visit_detail", args=[visit.pk]) in html


class TestCatalogue:
    def test_topics_page_counts_by_status(self, tree, people):
        campaign = CampaignFactory(org=tree.district)
        TopicFactory(org=tree.district, campaign=campaign)
        TopicFactory(org=tree.district, campaign=campaign, status=TopicStatus.SELECTED)
        response = client_for(people.supervisor).get(reverse("research:topic_list"), {"status": "selected"})
        html = response.content.decode()
        assert 'id="tab-selected"' in html
        assert len(re.findall(r'id="topic-\d+"', html)) == 1

    def test_a_round_is_recorded_from_the_page(self, tree, people):
        campaign = CampaignFactory(org=tree.district)
        topics = [TopicFactory(org=tree.district, campaign=campaign) for _ in range(3)]
        response = client_for(people.supervisor).post(
            reverse("research:round_list"),
            {"held_on": timezone.localdate().isoformat(), "topics": [topics[0].pk, topics[1].pk], "is_final": "on"},
        )
        assert response.status_code == 302
        assert set(ResearchTopic.objects.filter(status=TopicStatus.SELECTED).values_list("pk", flat=True)) == {
            topics[0].pk,
            topics[1].pk,
        }

    def test_the_topic_import_names_the_bad_cell_and_writes_nothing(self, tree, people):
        campaign = CampaignFactory(org=tree.district)
        data = xlsx_bytes(
            [["调研方面", "课题名称", "提出单位"], ["工业经济", "工业发展", "经发局"], ["", "没有方面的课题", ""]],
            sheet="课题指南",
        )
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client_for(people.supervisor).post(
            reverse("research:topic_import"),
            {"campaign": campaign.pk, "org": "AK", "file": SimpleUploadedFile("topics.xlsx", data)},
        )
        errors = element(response.content.decode(), "import-errors")
        assert errors is not None and "课题指南" in errors.text and "A" in errors.text and "3" in errors.text
        assert not ResearchTopic.objects.exists()
        good = xlsx_bytes([["调研方面", "课题名称"], ["工业经济", "工业发展"], ["民生", "就业"]])
        response = client_for(people.supervisor).post(
            reverse("research:topic_import"),
            {"campaign": campaign.pk, "org": "AK", "file": SimpleUploadedFile("topics.xlsx", good)},
        )
        assert response.status_code == 302
        assert ResearchTopic.objects.count() == 2


class TestEntityImport:
    def test_all_or_nothing_with_places_named(self, tree, people):
        from research.importers import import_entities

        rows = [
            ["名称", "类型", "统一社会信用代码", "所属单位编码"],
            ["安康甲公司", "企业", "91610900MA70000001", "AK-JM-XDC"],
            ["安康乙公司", "工厂", "123", "NOPE"],
        ]
        result = import_entities(
            data=xlsx_bytes(rows, sheet="企业"), filename="e.xlsx", org=tree.street, acting_user=people.supervisor
        )
        where = {(p.location.row, p.location.column_letter) for p in result.errors}
        assert where == {(3, "B"), (3, "C"), (3, "D")}
        assert not Entity.objects.exists()
        rows[2] = ["现代城社区", "场所", "", ""]
        result = import_entities(
            data=xlsx_bytes(rows), filename="e.xlsx", org=tree.street, acting_user=people.supervisor
        )
        assert result.ok and result.created == 2
        assert dict(Entity.objects.values_list("name", "org__code")) == {
            "安康甲公司": "AK-JM-XDC",
            "现代城社区": "AK-JM",
        }
        again = import_entities(
            data=xlsx_bytes(rows), filename="e.xlsx", org=tree.street, acting_user=people.supervisor
        )
        assert (again.created, again.unchanged) == (0, 2)


class TestVisitsAreScoped(ScopedQuerysetTests):
    def make_item(self, org):
        return VisitFactory(org=org, entity=EntityFactory(org=org))

    def read(self, user):
        return selectors.visits_visible(user=user)


class TestTopicsAreScoped(ScopedQuerysetTests):
    def make_item(self, org):
        return TopicFactory(org=org)

    def read(self, user):
        return selectors.topics_visible(user=user)


def test_the_visit_list_page_is_scoped(db):
    assert_page_scoped(
        reverse("research:visit_list"),
        make_item=lambda org: VisitFactory(org=org, entity=EntityFactory(org=org, name=f"企业{org.code}")),
        text=lambda visit: visit.entity.name,
    )


def test_list_pages_do_not_grow_queries_with_rows(tree, people):
    client = client_for(people.supervisor)
    VisitFactory(
        org=tree.street,
        entity=EntityFactory(org=tree.street),
        starts_at=at(NEXT_MONDAY, 9),
        ends_at=at(NEXT_MONDAY, 10),
    )
    TopicFactory(org=tree.district)
    for name in ("research:visit_list", "research:topic_list", "research:entity_list", "research:week"):
        url = reverse(name)

        def add_rows():
            for hour in (9, 11, 14):
                VisitFactory(
                    org=tree.street,
                    entity=EntityFactory(org=tree.street),
                    starts_at=at(NEXT_MONDAY, hour),
                    ends_at=at(NEXT_MONDAY, hour + 1),
                )
                TopicFactory(org=tree.district)

        assert_query_count_stable(
            lambda url=url: client.get(url, {"week": NEXT_MONDAY.isoformat()}), add_rows=add_rows, label=name
        )
