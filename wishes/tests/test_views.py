"""Office and member pages of wishes and micro-projects."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.factories import UserFactory, person_with_role
from core.testing.html import element
from wishes.choices import WishStatus
from wishes.models import MicroProject, Wish
from wishes.tests.factories import photo, wish_create

pytestmark = pytest.mark.django_db


def test_member_sees_the_wall_of_the_community_and_claims(client, tree, people):
    mine = wish_create(community=tree.community_a)
    elsewhere = wish_create(community=tree.community_b)
    client.force_login(people.member_a)
    html = client.get(reverse("wishes:wish_list")).content.decode()
    assert f'data-wish="{mine.pk}"' in html and f'data-wish="{elsewhere.pk}"' not in html
    assert client.get(reverse("wishes:wish_detail", args=[elsewhere.pk])).status_code == 404
    page = client.get(reverse("wishes:wish_detail", args=[mine.pk])).content.decode()
    assert element(page, "claim") is not None
    client.post(reverse("wishes:wish_action", args=[mine.pk, "claim"]), {"expected_status": "posted"})
    assert Wish.objects.get(pk=mine.pk).owner == people.member_a
    # A second click, on the page as it was, is told someone changed it; nothing moves.
    response = client.post(reverse("wishes:wish_action", args=[mine.pk, "claim"]), {"expected_status": "posted"})
    assert response.status_code == 302
    assert Wish.objects.get(pk=mine.pk).status == WishStatus.CLAIMED


def test_a_party_member_living_in_the_community_claims_without_a_grant(client, tree):
    resident_member = UserFactory(username="resident_member", home_org=tree.grid_a, is_party_member=True)
    wish = wish_create(community=tree.community_a)
    client.force_login(resident_member)
    client.post(reverse("wishes:wish_action", args=[wish.pk, "claim"]), {"expected_status": "posted"})
    assert Wish.objects.get(pk=wish.pk).owner == resident_member


def test_fulfil_through_the_page_needs_a_photo(client, tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    wish = wish_create(community=tree.community_a)
    client.force_login(people.member_a)
    client.post(reverse("wishes:wish_action", args=[wish.pk, "claim"]), {"expected_status": "posted"})
    client.post(reverse("wishes:wish_action", args=[wish.pk, "fulfil"]), {"expected_status": "claimed"})
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.CLAIMED
    client.post(
        reverse("wishes:wish_action", args=[wish.pk, "fulfil"]),
        {"expected_status": "claimed", "photos": [photo()], "note": "已完成"},
    )
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.FULFILLED
    html = client.get(reverse("wishes:wish_detail", args=[wish.pk])).content.decode()
    assert element(html, "photos") is not None


def test_clerk_enters_a_wish_and_opens_a_project_that_an_agency_claims(client, tree, people):
    client.force_login(people.clerk_a)
    response = client.post(
        reverse("wishes:wish_create"),
        {"community": tree.community_a.pk, "title": "帮忙换灯泡", "beneficiary": "李奶奶", "submitter_phone": ""},
    )
    assert response.status_code == 302
    assert Wish.objects.get().source == "staff"
    response = client.post(
        reverse("wishes:project_create"), {"community": tree.community_a.pk, "title": "楼道照明改造", "budget": "5000"}
    )
    project = MicroProject.objects.get()
    agency_clerk = person_with_role("clerk", tree.department, username="agency_clerk")
    client.force_login(agency_clerk)
    html = client.get(reverse("wishes:project_detail", args=[project.pk])).content.decode()
    assert element(html, "claim") is not None
    client.post(
        reverse("wishes:project_action", args=[project.pk, "claim"]),
        {"expected_status": "posted", "claimant_org": tree.department.pk},
    )
    assert MicroProject.objects.get(pk=project.pk).claimant_org == tree.department
    # The agency sees the project it claimed though it lies outside its subtree.
    assert client.get(reverse("wishes:project_list"), {"status": "all"}).status_code == 200
    assert (
        f'data-project="{project.pk}"' in client.get(reverse("wishes:project_list"), {"status": "all"}).content.decode()
    )
