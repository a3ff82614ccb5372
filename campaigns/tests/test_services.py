"""Campaigns and their channels: who may open and run them, the default channels, the
period, the transitions with their roles, and which campaigns each person sees."""

from __future__ import annotations

import datetime

import pytest

from campaigns import services
from campaigns.choices import DEFAULT_CHANNELS, CampaignStatus
from campaigns.models import Campaign, Channel
from core.errors import DomainError, PermissionDenied
from core.models import Event
from core.services import item_events
from core.testing.factories import CampaignFactory, UserFactory, org_create, person_with_role
from core.testing.permissions import assert_queryset_scoped
from orgs.choices import OrgKind, Role

START = datetime.date(2026, 3, 1)
END = datetime.date(2026, 12, 31)


def _create(acting_user, org, **fields):
    values = {"name": "学习贯彻主题教育", "start_date": START, "end_date": END}
    values.update(fields)
    return services.campaign_create(org=org, acting_user=acting_user, **values)


def _counts() -> tuple[int, int, int]:
    return Event.objects.count(), Campaign.objects.count(), Channel.objects.count()


@pytest.fixture
def campaign(tree, people) -> Campaign:
    return _create(people.supervisor, tree.district)


class TestCampaignCreate:
    def test_opens_with_the_default_channels_and_one_event(self, tree, people):
        before = Event.objects.count()
        campaign = _create(people.supervisor, tree.district, name=" 主题教育 ", short_name="主题教育")
        assert (campaign.name, campaign.status, campaign.org) == ("主题教育", CampaignStatus.PLANNED, tree.district)
        channels = list(campaign.channels.values_list("code", "order"))
        assert channels == [(code, n) for n, (code, _label) in enumerate(DEFAULT_CHANNELS, start=1)]
        assert Event.objects.count() == before + 1
        event = item_events(campaign).get()
        assert (event.actor, event.action, event.to_status, event.org) == (
            people.supervisor,
            "created",
            CampaignStatus.PLANNED,
            tree.district,
        )
        assert event.changes["period"] == ["2026-03-01", "2026-12-31"]

    def test_without_default_channels(self, tree, people):
        assert not _create(people.admin, tree.street, with_default_channels=False).channels.exists()

    @pytest.mark.parametrize("who", ["clerk_a", "street_clerk", "leader", "inspector", "member_a"])
    def test_only_admins_and_supervisors_open_campaigns(self, tree, people, who):
        before = _counts()
        with pytest.raises(PermissionDenied):
            _create(getattr(people, who), tree.street)
        assert _counts() == before

    def test_a_supervisor_of_a_street_cannot_open_one_for_the_district(self, tree):
        street_supervisor = person_with_role(Role.SUPERVISOR, tree.street, username="street_supervisor")
        with pytest.raises(PermissionDenied):
            _create(street_supervisor, tree.district)
        assert _create(street_supervisor, tree.community_a).org == tree.community_a

    def test_the_end_cannot_come_before_the_start(self, tree, people):
        before = _counts()
        with pytest.raises(DomainError) as caught:
            _create(people.supervisor, tree.district, start_date=END, end_date=START)
        assert caught.value.field == "end_date"
        assert _counts() == before

    def test_a_one_day_campaign_is_fine(self, tree, people):
        assert _create(people.supervisor, tree.district, start_date=START, end_date=START).start_date == START

    def test_needs_a_name(self, tree, people):
        before = _counts()
        with pytest.raises(DomainError) as caught:
            _create(people.supervisor, tree.district, name="  ")
        assert caught.value.field == "name"
        assert _counts() == before


class TestCampaignUpdate:
    def test_changes_are_recorded(self, campaign, people):
        before = Event.objects.count()
        services.campaign_update(campaign=campaign, acting_user=people.admin, end_date=datetime.date(2027, 1, 31))
        assert Event.objects.count() == before + 1
        assert item_events(campaign).last().changes == {"end_date": ["2026-12-31", "2027-01-31"]}

    def test_period_checked_against_the_stored_start(self, campaign, people):
        before = _counts()
        with pytest.raises(DomainError):
            services.campaign_update(campaign=campaign, acting_user=people.admin, end_date=datetime.date(2026, 1, 1))
        assert _counts() == before
        assert Campaign.objects.get(pk=campaign.pk).end_date == END

    def test_status_is_not_edited_here(self, campaign, people):
        with pytest.raises(DomainError):
            services.campaign_update(campaign=campaign, acting_user=people.admin, status=CampaignStatus.CLOSED)

    def test_a_clerk_cannot_edit(self, campaign, people):
        with pytest.raises(PermissionDenied):
            services.campaign_update(campaign=campaign, acting_user=people.clerk_a, name="改名")


class TestCampaignTransitions:
    def test_start_conclude_reopen(self, campaign, people):
        campaign = services.campaign_transition(campaign=campaign, action="start", acting_user=people.admin)
        assert campaign.status == CampaignStatus.ACTIVE
        campaign = services.campaign_transition(
            campaign=campaign, action="conclude", acting_user=people.supervisor, comment="任务完成"
        )
        assert campaign.status == CampaignStatus.CLOSED
        campaign = services.campaign_transition(
            campaign=campaign, action="reopen", acting_user=people.supervisor, comment="整改回头看"
        )
        assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.ACTIVE
        assert [(e.action, e.from_status, e.to_status) for e in item_events(campaign)][1:] == [
            ("start", "planned", "active"),
            ("conclude", "active", "closed"),
            ("reopen", "closed", "active"),
        ]

    def test_conclude_needs_a_comment(self, campaign, people):
        campaign = services.campaign_transition(campaign=campaign, action="start", acting_user=people.supervisor)
        before = _counts()
        with pytest.raises(DomainError) as caught:
            services.campaign_transition(campaign=campaign, action="conclude", acting_user=people.supervisor)
        assert caught.value.field == "comment"
        assert _counts() == before and Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.ACTIVE

    @pytest.mark.parametrize("who", ["clerk_a", "leader", "inspector", "street_clerk"])
    def test_others_cannot_start(self, campaign, people, who):
        before = _counts()
        with pytest.raises(PermissionDenied):
            services.campaign_transition(campaign=campaign, action="start", acting_user=getattr(people, who))
        assert _counts() == before and Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.PLANNED

    def test_only_a_supervisor_reopens(self, campaign, people):
        campaign = services.campaign_transition(campaign=campaign, action="start", acting_user=people.admin)
        campaign = services.campaign_transition(
            campaign=campaign, action="conclude", acting_user=people.admin, comment="完成"
        )
        with pytest.raises(PermissionDenied):
            services.campaign_transition(campaign=campaign, action="reopen", acting_user=people.admin, comment="再来")
        assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.CLOSED

    def test_cannot_conclude_a_planned_campaign(self, campaign, people):
        with pytest.raises(DomainError):
            services.campaign_transition(
                campaign=campaign, action="conclude", acting_user=people.supervisor, comment="x"
            )

    def test_available_actions(self, campaign, people):
        assert [t.name for t in Campaign.workflow.available(campaign, people.admin)] == ["start"]
        assert Campaign.workflow.available(campaign, people.clerk_a) == []


class TestChannels:
    def test_add_a_channel_at_the_end(self, campaign, people):
        before = Event.objects.count()
        channel = services.channel_add(
            campaign=campaign, name="领导信箱", code="mailbox", acting_user=people.supervisor
        )
        assert (channel.code, channel.order) == ("mailbox", len(DEFAULT_CHANNELS) + 1)
        assert Event.objects.count() == before + 1
        assert item_events(campaign).last().changes == {"channel": "领导信箱"}

    def test_a_chinese_name_gets_a_code_of_its_own(self, campaign, people):
        first = services.channel_add(campaign=campaign, name="座谈走访", acting_user=people.supervisor)
        second = services.channel_add(campaign=campaign, name="问卷调查", acting_user=people.supervisor)
        assert first.code and second.code and first.code != second.code

    def test_a_duplicate_name_is_refused(self, campaign, people):
        taken = campaign.channels.get(code="hotline").name
        before = _counts()
        with pytest.raises(DomainError) as caught:
            services.channel_add(campaign=campaign, name=taken, code="new-code", acting_user=people.supervisor)
        assert caught.value.field == "name"
        assert _counts() == before

    def test_a_duplicate_code_is_refused(self, campaign, people):
        before = _counts()
        with pytest.raises(DomainError):
            services.channel_add(campaign=campaign, name="新渠道", code="hotline", acting_user=people.supervisor)
        assert _counts() == before

    def test_the_same_name_in_another_campaign_is_fine(self, campaign, tree, people):
        other = _create(people.supervisor, tree.district, name="另一项工作")
        assert services.channel_add(campaign=other, name="领导信箱", acting_user=people.admin)
        assert services.channel_add(campaign=campaign, name="领导信箱", acting_user=people.admin)

    def test_rename_to_a_taken_name_is_refused(self, campaign, people):
        hotline = campaign.channels.get(code="hotline")
        petition_name = campaign.channels.get(code="petition").name
        before = _counts()
        with pytest.raises(DomainError):
            services.channel_update(channel=hotline, name=petition_name, acting_user=people.supervisor)
        assert _counts() == before
        assert Channel.objects.get(pk=hotline.pk).name != petition_name

    def test_take_out_of_use_and_rename(self, campaign, people):
        hotline = campaign.channels.get(code="hotline")
        before = Event.objects.count()
        services.channel_update(
            channel=hotline, name="12345政务服务便民热线", is_active=False, acting_user=people.supervisor
        )
        stored = Channel.objects.get(pk=hotline.pk)
        assert (stored.name, stored.is_active) == ("12345政务服务便民热线", False)
        assert Event.objects.count() == before + 1
        assert set(item_events(campaign).last().changes) == {"name", "is_active"}

    def test_an_update_without_change_writes_nothing(self, campaign, people):
        hotline = campaign.channels.get(code="hotline")
        before = Event.objects.count()
        services.channel_update(channel=hotline, name=hotline.name, acting_user=people.supervisor)
        assert Event.objects.count() == before

    def test_a_clerk_cannot_touch_channels(self, campaign, people):
        with pytest.raises(PermissionDenied):
            services.channel_add(campaign=campaign, name="新渠道", acting_user=people.clerk_a)
        with pytest.raises(PermissionDenied):
            services.channel_update(channel=campaign.channels.first(), is_active=False, acting_user=people.clerk_a)


class TestVisibility:
    @pytest.fixture
    def campaigns(self, tree):
        other_district = org_create(name="汉滨区", code="HB", kind=OrgKind.DISTRICT)
        return {
            "district": CampaignFactory(org=tree.district, name="district"),
            "street": CampaignFactory(org=tree.street, name="street"),
            "community_a": CampaignFactory(org=tree.community_a, name="community_a"),
            "community_b": CampaignFactory(org=tree.community_b, name="community_b"),
            "department": CampaignFactory(org=tree.department, name="department"),
            "other_district": CampaignFactory(org=other_district, name="other_district"),
        }

    def _seen(self, user) -> set[str]:
        return set(Campaign.objects.visible_to(user).values_list("name", flat=True))

    def test_a_community_clerk_sees_its_own_and_those_above_not_its_siblings(self, campaigns, people):
        assert self._seen(people.clerk_a) == {"district", "street", "community_a"}

    def test_a_grid_member_sees_the_campaigns_above(self, campaigns, people):
        assert self._seen(people.member_a) == {"district", "street", "community_a"}

    def test_a_street_leader_sees_its_subtree_and_above(self, campaigns, people):
        assert self._seen(people.leader) == {"district", "street", "community_a", "community_b"}

    def test_the_district_supervisor_sees_its_district_not_another(self, campaigns, people):
        assert self._seen(people.supervisor) == set(campaigns) - {"other_district"}

    def test_nobody_sees_nothing(self, campaigns, tree):
        assert self._seen(UserFactory(username="nobody", home_org=tree.community_a)) == set()

    def test_the_shared_contract(self, db):
        assert_queryset_scoped(
            lambda user: Campaign.objects.visible_to(user),
            make_item=lambda org: CampaignFactory(org=org),
        )
