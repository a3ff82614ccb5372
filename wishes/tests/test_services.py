"""The life of a wish and of a micro-project through the services."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from core.errors import Conflict, DomainError, PermissionDenied
from core.models import Event, Notification
from core.services import item_events
from core.testing.factories import person_with_role
from wishes import services
from wishes.choices import WishSource, WishStatus
from wishes.models import MicroProject, QueryCodeHolder, Wish
from wishes.tests.factories import photo, wish_create

pytestmark = pytest.mark.django_db


def test_post_gives_a_unique_unambiguous_code(tree):
    codes = {wish_create(community=tree.community_a).query_code for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == 10
        assert not set(code) & set("01OILZ25SB8")


def test_post_refuses_a_bad_mobile_and_a_non_local_org(tree):
    with pytest.raises(DomainError) as error:
        wish_create(community=tree.community_a, submitter_phone="12345")
    assert error.value.field == "phone"
    with pytest.raises(DomainError) as error:
        wish_create(community=tree.department)
    assert error.value.field == "community"


def test_staff_entry_needs_a_caretaker_role(tree, people):
    with pytest.raises(PermissionDenied):
        wish_create(community=tree.community_b, source=WishSource.STAFF, acting_user=people.clerk_a)
    wish = wish_create(community=tree.community_a, source=WishSource.STAFF, acting_user=people.clerk_a)
    assert wish.created_by == people.clerk_a


def test_claim_fulfil_confirm_by_the_resident(tree, people, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    wish = wish_create(community=tree.community_a, submitter_email="resident@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        services.item_claim(item=wish, acting_user=people.member_a)
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED
    assert wish.owner == people.member_a
    assert wish.deadline > timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        services.item_fulfil(item=wish, acting_user=people.member_a, photos=[photo()], note="已送到家中")
    wish.refresh_from_db()
    assert wish.status == WishStatus.FULFILLED
    with django_capture_on_commit_callbacks(execute=True):
        services.item_confirm(item=wish, acting_user=QueryCodeHolder(wish), rating=5, thanks="谢谢党员同志")
    wish.refresh_from_db()
    assert (wish.status, wish.rating, wish.thanks) == (WishStatus.CONFIRMED, 5, "谢谢党员同志")
    actions = list(item_events(wish).values_list("action", flat=True))
    assert actions == ["created", "claim", "fulfil", "confirm"]
    # The resident was written to on the claim and the fulfilment; the member was told of the confirmation.
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(recipient=people.member_a).exists()


def test_a_code_holder_confirms_only_its_own_wish(tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    wish, other = wish_create(community=tree.community_a), wish_create(community=tree.community_a)
    services.item_claim(item=wish, acting_user=people.member_a)
    services.item_fulfil(item=wish, acting_user=people.member_a, photos=[photo()])
    with pytest.raises(PermissionDenied):
        services.item_confirm(item=wish, acting_user=QueryCodeHolder(other), rating=3)
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.FULFILLED


def test_fulfilment_needs_a_photo_not_any_file(tree, people):
    wish = wish_create(community=tree.community_a)
    services.item_claim(item=wish, acting_user=people.member_a)
    with pytest.raises(DomainError):
        services.item_fulfil(item=wish, acting_user=people.member_a, photos=[])
    from rectification.tests.factories import evidence

    with pytest.raises(DomainError) as error:
        services.item_fulfil(item=wish, acting_user=people.member_a, photos=[evidence()])
    assert error.value.field == "photos"


def test_only_the_claimant_fulfils(tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other_member = person_with_role("member", tree.grid_a, username="member_other")
    wish = wish_create(community=tree.community_a)
    services.item_claim(item=wish, acting_user=people.member_a)
    with pytest.raises(PermissionDenied):
        services.item_fulfil(item=wish, acting_user=other_member, photos=[photo()])


def test_members_of_another_community_cannot_claim(tree, people):
    wish = wish_create(community=tree.community_b)
    with pytest.raises(PermissionDenied):
        services.item_claim(item=wish, acting_user=people.member_a)


def test_second_claim_is_refused(tree, people):
    other_member = person_with_role("member", tree.grid_a, username="member_other")
    wish = wish_create(community=tree.community_a)
    stale = Wish.objects.get(pk=wish.pk)
    services.item_claim(item=wish, acting_user=people.member_a)
    with pytest.raises(Conflict):
        services.item_claim(item=stale, acting_user=other_member)
    assert Wish.objects.get(pk=wish.pk).owner == people.member_a


def test_a_lapsed_claim_returns_the_wish_to_the_wall(tree, people):
    wish = wish_create(community=tree.community_a)
    services.item_claim(item=wish, acting_user=people.member_a)
    wish.refresh_from_db()
    assert services.claims_lapse(today=wish.deadline) == 0
    assert services.claims_lapse(today=wish.deadline + datetime.timedelta(days=1)) == 1
    wish.refresh_from_db()
    assert (wish.status, wish.owner_id, wish.deadline) == (WishStatus.POSTED, None, None)
    assert Event.objects.filter(action="lapse", object_id=wish.pk).count() == 1
    # Back on the wall: another member may claim it.
    services.item_claim(item=wish, acting_user=people.member_a)


def test_lapse_command(tree, people):
    from django.core.management import call_command

    wish = wish_create(community=tree.community_a)
    services.item_claim(item=wish, acting_user=people.member_a)
    wish.refresh_from_db()
    later = (wish.deadline + datetime.timedelta(days=3)).isoformat()
    call_command("lapse_claims", "--date", later)
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.POSTED


def test_micro_project_is_claimed_by_an_org(tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    agency_clerk = person_with_role("clerk", tree.department, username="agency_clerk")
    project = services.project_create(community=tree.community_a, title="楼道照明改造", acting_user=people.clerk_a)
    with pytest.raises(PermissionDenied):
        services.item_claim(item=project, acting_user=agency_clerk, claimant_org=tree.street)
    services.item_claim(item=project, acting_user=agency_clerk, claimant_org=tree.department)
    project.refresh_from_db()
    assert project.claimant_org == tree.department
    colleague = person_with_role("leader", tree.department, username="agency_leader")
    services.item_fulfil(item=project, acting_user=colleague, photos=[photo()])
    with pytest.raises(PermissionDenied):
        services.item_confirm(item=project, acting_user=agency_clerk, rating=4)
    services.item_confirm(item=project, acting_user=people.clerk_a, rating=4)
    assert MicroProject.objects.get(pk=project.pk).status == WishStatus.CONFIRMED


def test_withdraw_needs_a_reason(tree, people):
    wish = wish_create(community=tree.community_a)
    with pytest.raises(DomainError):
        services.item_withdraw(item=wish, acting_user=people.clerk_a, comment="")
    services.item_withdraw(item=wish, acting_user=people.clerk_a, comment="重复提交")
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.WITHDRAWN
