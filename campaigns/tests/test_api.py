"""Campaigns and channels through the REST API: the ancestor rule, siblings hidden, and a
list whose query count does not grow with its rows."""

from __future__ import annotations

import pytest

from core.testing.factories import CampaignFactory, ChannelFactory, org_create
from core.testing.permissions import api_rows, assert_api_list_scoped, client_for
from core.testing.queries import assert_query_count_stable
from orgs.choices import OrgKind


@pytest.fixture
def campaigns(tree):
    other_district = org_create(name="汉滨区", code="HB", kind=OrgKind.DISTRICT)
    made = {
        "district": CampaignFactory(org=tree.district, name="district"),
        "community_a": CampaignFactory(org=tree.community_a, name="community_a"),
        "community_b": CampaignFactory(org=tree.community_b, name="community_b"),
        "other_district": CampaignFactory(org=other_district, name="other_district"),
    }
    for campaign in made.values():
        ChannelFactory(campaign=campaign, name=f"信访-{campaign.name}")
    return made


def _names(response) -> set[str]:
    assert response.status_code == 200, response.content[:500]
    return {row["name"] for row in api_rows(response)}


def test_a_community_clerk_sees_the_districts_campaign_and_its_own(campaigns, people):
    assert _names(client_for(people.clerk_a).get("/api/campaigns/")) == {"district", "community_a"}


def test_a_sibling_or_another_districts_campaign_is_not_found(campaigns, people):
    client = client_for(people.clerk_a)
    assert client.get(f"/api/campaigns/{campaigns['district'].pk}/").status_code == 200
    assert client.get(f"/api/campaigns/{campaigns['community_b'].pk}/").status_code == 404
    assert client.get(f"/api/campaigns/{campaigns['other_district'].pk}/").status_code == 404


def test_a_campaign_row_carries_its_org_code_and_channels(campaigns, people):
    body = client_for(people.clerk_a).get(f"/api/campaigns/{campaigns['district'].pk}/").json()
    assert body["org"] == "AK" and body["status"] == "active"
    assert [channel["name"] for channel in body["channels"]] == ["信访-district"]


def test_channels_follow_their_campaigns(campaigns, people):
    rows = api_rows(client_for(people.clerk_a).get("/api/channels/"))
    assert {row["name"] for row in rows} == {"信访-district", "信访-community_a"}


def test_the_district_supervisor_sees_its_whole_district_only(campaigns, people):
    assert _names(client_for(people.supervisor).get("/api/campaigns/")) == {"district", "community_a", "community_b"}


def test_anonymous_callers_are_refused(campaigns):
    assert client_for(None).get("/api/campaigns/").status_code in {401, 403}
    assert client_for(None).get("/api/channels/").status_code in {401, 403}


def test_the_shared_contract(db):
    assert_api_list_scoped("/api/campaigns/", make_item=lambda org: CampaignFactory(org=org))


def test_the_list_query_count_does_not_grow(tree, people):
    client = client_for(people.supervisor)
    url = "/api/campaigns/?page_size=50"
    sizes = []
    for _ in range(3):
        ChannelFactory(campaign=CampaignFactory(org=tree.street))

    def add_rows():
        for org in (tree.district, tree.community_a, tree.community_b) * 6:
            campaign = CampaignFactory(org=org)
            ChannelFactory(campaign=campaign)
            ChannelFactory(campaign=campaign)

    count = assert_query_count_stable(
        lambda: sizes.append(len(api_rows(client.get(url)))), add_rows=add_rows, label=url
    )
    assert sizes[-2:] == [3, 21]  # the first call only warms the caches
    assert count == 6  # session, user, grants, count, page, the page's channels
