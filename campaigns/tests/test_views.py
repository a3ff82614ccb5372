"""Campaign pages through the test client: who sees which campaign, who may open, edit
and move one, and the channel list; a refusal shows a message and changes nothing.

Assertions read element ids, names, links, status codes, the database and events, never
interface wording, which the translator may change at any time.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages

from campaigns import services
from campaigns.choices import DEFAULT_CHANNELS, CampaignStatus
from campaigns.models import Campaign, Channel
from core.models import Event
from core.services import item_events
from core.testing.factories import CampaignFactory, UserFactory, org_create, person_with_role
from core.testing.html import element, linked_pks
from core.testing.permissions import client_for
from orgs.choices import OrgKind, Role

START = datetime.date(2026, 3, 1)
END = datetime.date(2026, 12, 31)


def error_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == messages.ERROR]


def state() -> tuple:
    """What a refused request must leave exactly as it was."""
    return (
        Event.objects.count(),
        sorted(Campaign.objects.values_list("pk", "name", "status", "start_date", "end_date")),
        sorted(Channel.objects.values_list("pk", "name", "is_active")),
    )


@pytest.fixture
def campaign(tree, people) -> Campaign:
    return services.campaign_create(
        org=tree.district, name="作风建设年", start_date=START, end_date=END, acting_user=people.supervisor
    )


@pytest.fixture
def other_district(db):
    """A second district beside 安康高新区, with its own campaign and clerk."""
    district = org_create(name="汉滨区", code="HB", kind=OrgKind.DISTRICT)
    community = org_create(parent=district, name="新城社区", code="HB-XC", kind=OrgKind.COMMUNITY)
    return {
        "campaign": CampaignFactory(org=district, name="汉滨区专项整治"),
        "clerk": person_with_role(Role.CLERK, community, username="hb_clerk"),
    }


def listed(user) -> set[int]:
    response = client_for(user).get("/campaigns/")
    assert response.status_code == 200
    return linked_pks(response.content.decode(), "/campaigns/")


@pytest.mark.parametrize("url", ["/campaigns/", "/campaigns/new/", "/campaigns/1/", "/campaigns/1/edit/"])
def test_anonymous_visitors_are_sent_to_log_in(db, url):
    response = client_for(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


class TestList:
    def test_a_community_clerk_sees_the_districts_campaign_not_another_districts(
        self, tree, people, campaign, other_district
    ):
        assert listed(people.clerk_a) == {campaign.pk}
        assert listed(other_district["clerk"]) == {other_district["campaign"].pk}

    def test_a_campaign_of_a_street_is_not_seen_by_the_department(self, tree, people, campaign):
        street_campaign = CampaignFactory(org=tree.street, name="建民街道专项")
        department_clerk = person_with_role(Role.CLERK, tree.department, username="department_clerk")
        assert listed(people.clerk_a) == {campaign.pk, street_campaign.pk}
        assert listed(department_clerk) == {campaign.pk}

    def test_nobody_without_roles_sees_any(self, tree, campaign):
        assert listed(UserFactory(username="loner", home_org=tree.grid_a)) == set()

    def test_only_managers_get_the_new_campaign_link(self, tree, people, campaign):
        assert 'href="/campaigns/new/"' in client_for(people.supervisor).get("/campaigns/").content.decode()
        assert 'href="/campaigns/new/"' not in client_for(people.clerk_a).get("/campaigns/").content.decode()

    def test_query_count_does_not_grow_with_campaigns(self, tree, people):
        from core.testing.queries import assert_query_count_stable

        client = client_for(people.clerk_a)
        client.get("/campaigns/")

        def add_rows():
            for org in (tree.district, tree.street, tree.community_a):
                services.campaign_create(
                    org=org, name=f"{org.name}专项", start_date=START, end_date=END, acting_user=people.admin
                )

        assert_query_count_stable(lambda: client.get("/campaigns/"), add_rows=add_rows, label="campaign list")


class TestDetail:
    def test_shows_the_campaign_and_its_channels(self, tree, people, campaign):
        response = client_for(people.clerk_a).get(f"/campaigns/{campaign.pk}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "作风建设年" in html
        assert element(html, "campaign-status") is not None
        channels = element(html, "channels")
        assert channels is not None and channels.html.count("<li") == len(DEFAULT_CHANNELS)
        assert not response.context["can_manage"] and not response.context["transitions"]

    def test_a_manager_gets_the_actions(self, tree, people, campaign):
        response = client_for(people.supervisor).get(f"/campaigns/{campaign.pk}/")
        assert response.context["can_manage"]
        assert [t.name for t in response.context["transitions"]] == ["start"]
        assert f'action="/campaigns/{campaign.pk}/transition/"' in response.content.decode()

    def test_outside_scope_is_404(self, tree, people, campaign, other_district):
        assert client_for(other_district["clerk"]).get(f"/campaigns/{campaign.pk}/").status_code == 404
        assert client_for(people.clerk_a).get(f"/campaigns/{other_district['campaign'].pk}/").status_code == 404
        assert client_for(people.clerk_a).get("/campaigns/999999/").status_code == 404

    def test_edit_and_actions_outside_scope_are_404(self, tree, people, other_district):
        foreign = other_district["campaign"]
        before = state()
        client = client_for(people.supervisor)
        assert client.get(f"/campaigns/{foreign.pk}/edit/").status_code == 404
        assert (
            client.post(f"/campaigns/{foreign.pk}/transition/", {"action": "conclude", "comment": "x"}).status_code
            == 404
        )
        assert client.post(f"/campaigns/{foreign.pk}/channel_add/", {"name": "新渠道"}).status_code == 404
        assert state() == before


def _form(**changes) -> dict:
    data = {
        "name": "学习贯彻主题教育",
        "short_name": "主题教育",
        "org": "AK",
        "start_date": "2026-03-01",
        "end_date": "2026-12-31",
        "description": "",
    }
    data.update(changes)
    return data


class TestCreate:
    def test_a_supervisor_opens_a_campaign_with_the_default_channels(self, tree, people):
        before = Event.objects.count()
        response = client_for(people.supervisor).post("/campaigns/new/", _form())
        campaign = Campaign.objects.get(name="学习贯彻主题教育")
        assert response.status_code == 302 and response["Location"] == campaign.get_absolute_url()
        assert (campaign.org, campaign.status, campaign.start_date, campaign.end_date) == (
            tree.district,
            CampaignStatus.PLANNED,
            START,
            END,
        )
        assert list(campaign.channels.values_list("code", flat=True)) == [code for code, _label in DEFAULT_CHANNELS]
        assert Event.objects.count() == before + 1
        event = item_events(campaign).get()
        assert (event.action, event.actor, event.to_status) == ("created", people.supervisor, CampaignStatus.PLANNED)

    @pytest.mark.parametrize("who", ["clerk_a", "street_clerk", "leader", "inspector", "member_a"])
    def test_others_are_refused_and_nothing_is_created(self, tree, people, who):
        before = state()
        response = client_for(getattr(people, who)).post("/campaigns/new/", _form(org="AK-JM"))
        assert response.status_code == 200
        # Refused by the service, or (outside the scope) the code reads as unknown.
        assert response.context["form"].errors
        assert state() == before

    def test_the_end_before_the_start_is_a_field_error(self, tree, people):
        before = state()
        response = client_for(people.supervisor).post(
            "/campaigns/new/", _form(start_date="2026-12-31", end_date="2026-03-01")
        )
        assert response.status_code == 200 and "end_date" in response.context["form"].errors
        assert 'value="学习贯彻主题教育"' in response.content.decode()
        assert state() == before

    def test_an_unknown_org_is_a_field_error(self, tree, people):
        response = client_for(people.supervisor).post("/campaigns/new/", _form(org="NO-SUCH"))
        assert "org" in response.context["form"].errors
        assert not Campaign.objects.exists()


class TestEdit:
    def test_a_supervisor_edits(self, tree, people, campaign):
        response = client_for(people.supervisor).post(
            f"/campaigns/{campaign.pk}/edit/",
            {"name": "作风建设提升年", "short_name": "", "start_date": "2026-03-01", "end_date": "2027-01-31"},
        )
        assert response.status_code == 302 and response["Location"] == campaign.get_absolute_url()
        campaign.refresh_from_db()
        assert (campaign.name, campaign.end_date) == ("作风建设提升年", datetime.date(2027, 1, 31))
        event = item_events(campaign).get(action="updated")
        assert event.actor == people.supervisor and event.changes["name"] == ["作风建设年", "作风建设提升年"]

    def test_the_form_shows_the_current_values(self, tree, people, campaign):
        html = client_for(people.supervisor).get(f"/campaigns/{campaign.pk}/edit/").content.decode()
        assert element(html, "id_name").html.count('value="作风建设年"') == 1

    def test_the_date_inputs_hold_iso_dates(self, tree, people, campaign):
        html = client_for(people.supervisor).get(f"/campaigns/{campaign.pk}/edit/").content.decode()
        assert 'value="2026-03-01"' in element(html, "id_start_date").html
        assert 'value="2026-12-31"' in element(html, "id_end_date").html

    def test_a_clerk_is_refused(self, tree, people, campaign):
        before = state()
        response = client_for(people.clerk_a).post(
            f"/campaigns/{campaign.pk}/edit/", {"name": "改名", "start_date": "2026-03-01", "end_date": "2026-12-31"}
        )
        assert response.status_code == 200 and response.context["form"].non_field_errors()
        assert state() == before


def transition(user, campaign, action, comment=""):
    return client_for(user).post(f"/campaigns/{campaign.pk}/transition/", {"action": action, "comment": comment})


class TestTransitions:
    def test_start_then_conclude_with_a_reason(self, tree, people, campaign):
        response = transition(people.supervisor, campaign, "start")
        assert response.status_code == 302 and response["Location"] == campaign.get_absolute_url()
        assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.ACTIVE
        transition(people.supervisor, campaign, "conclude", "任务全部完成")
        assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.CLOSED
        events = list(item_events(campaign).values_list("action", "from_status", "to_status", "comment"))
        assert events[1:] == [
            ("start", CampaignStatus.PLANNED, CampaignStatus.ACTIVE, ""),
            ("conclude", CampaignStatus.ACTIVE, CampaignStatus.CLOSED, "任务全部完成"),
        ]

    @pytest.mark.parametrize("comment", ["", "   "])
    def test_conclude_without_a_reason_is_refused(self, tree, people, campaign, comment):
        transition(people.supervisor, campaign, "start")
        before = state()
        response = transition(people.supervisor, campaign, "conclude", comment)
        assert response.status_code == 302
        assert error_messages(response)
        assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.ACTIVE
        assert state() == before

    @pytest.mark.parametrize("who", ["clerk_a", "street_clerk", "leader", "inspector"])
    def test_others_may_not_start(self, tree, people, campaign, who):
        before = state()
        response = transition(getattr(people, who), campaign, "start")
        assert error_messages(response)
        assert state() == before

    def test_a_transition_from_the_wrong_status_is_refused(self, tree, people, campaign):
        before = state()
        response = transition(people.supervisor, campaign, "conclude", "提前结束")
        assert error_messages(response) and state() == before

    def test_an_unknown_action_or_path_is_refused(self, tree, people, campaign):
        before = state()
        assert client_for(people.supervisor).post(f"/campaigns/{campaign.pk}/explode/").status_code == 404
        assert client_for(people.supervisor).get(f"/campaigns/{campaign.pk}/transition/").status_code == 405
        assert state() == before


class TestChannels:
    def test_a_supervisor_adds_a_channel(self, tree, people, campaign):
        response = client_for(people.supervisor).post(f"/campaigns/{campaign.pk}/channel_add/", {"name": "廉政信箱"})
        assert response.status_code == 302
        channel = campaign.channels.get(name="廉政信箱")
        assert channel.is_active and channel.order == len(DEFAULT_CHANNELS) + 1
        assert item_events(campaign).filter(action="channel_added", actor=people.supervisor).count() == 1

    def test_a_duplicate_name_is_refused(self, tree, people, campaign):
        client = client_for(people.supervisor)
        client.post(f"/campaigns/{campaign.pk}/channel_add/", {"name": "廉政信箱"})
        before = state()
        response = client.post(f"/campaigns/{campaign.pk}/channel_add/", {"name": "廉政信箱"})
        assert error_messages(response)
        assert state() == before
        assert campaign.channels.filter(name="廉政信箱").count() == 1

    def test_an_empty_name_is_refused(self, tree, people, campaign):
        before = state()
        response = client_for(people.supervisor).post(f"/campaigns/{campaign.pk}/channel_add/", {"name": ""})
        assert error_messages(response) and state() == before

    def test_toggle_takes_a_channel_out_of_use_and_back(self, tree, people, campaign):
        client = client_for(people.supervisor)
        channel = campaign.channels.get(code="hotline")
        client.post(f"/campaigns/{campaign.pk}/channel_toggle/", {"channel": channel.pk})
        assert not Channel.objects.get(pk=channel.pk).is_active
        client.post(f"/campaigns/{campaign.pk}/channel_toggle/", {"channel": channel.pk})
        assert Channel.objects.get(pk=channel.pk).is_active
        changes = [e.changes for e in item_events(campaign).filter(action="channel_updated")]
        assert changes == [{"is_active": [True, False]}, {"is_active": [False, True]}]

    def test_a_clerk_may_not_change_channels(self, tree, people, campaign):
        channel = campaign.channels.get(code="hotline")
        client = client_for(people.clerk_a)
        before = state()
        assert error_messages(client.post(f"/campaigns/{campaign.pk}/channel_add/", {"name": "廉政信箱"}))
        assert error_messages(client.post(f"/campaigns/{campaign.pk}/channel_toggle/", {"channel": channel.pk}))
        assert state() == before

    def test_a_channel_of_another_campaign_is_404(self, tree, people, campaign):
        other = CampaignFactory(org=tree.district)
        foreign_channel = Channel.objects.create(campaign=other, code="x", name="别的渠道")
        response = client_for(people.supervisor).post(
            f"/campaigns/{campaign.pk}/channel_toggle/", {"channel": foreign_channel.pk}
        )
        assert response.status_code == 404
        assert Channel.objects.get(pk=foreign_channel.pk).is_active

    def test_a_garbled_channel_id_is_404(self, tree, people, campaign):
        response = client_for(people.supervisor).post(f"/campaigns/{campaign.pk}/channel_toggle/", {"channel": "abc"})
        assert response.status_code == 404
