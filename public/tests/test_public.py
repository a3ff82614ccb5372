"""Publishing items and the public progress pages: no login, no personal data."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError, PermissionDenied
from core.models import Event
from public import services
from public.masking import mask_text
from public.models import Publication
from rectification import services as ledger
from rectification.models import Problem
from rectification.tests.factories import ProblemFactory

OWNER_NAME = "王建国"
OWNER_PHONE = "13812345678"


@pytest.fixture
def project(tree, people):  # type: ignore[no-untyped-def]
    """A centralized governance project with a progress report naming people and a phone."""
    people.clerk_a.real_name = OWNER_NAME
    people.clerk_a.mobile = OWNER_PHONE
    people.clerk_a.save()
    problem = ProblemFactory(
        org=tree.community_a,
        campaign__org=tree.district,
        owner=people.clerk_a,
        title=f"老旧小区雨污分流改造（联系人{OWNER_NAME} {OWNER_PHONE}）",
        deadline=timezone.localdate() + datetime.timedelta(days=40),
    )
    ledger.progress_report(
        item=problem,
        acting_user=people.clerk_a,
        text=f"已完成管网铺设800米，{OWNER_NAME}现场督导，咨询电话{OWNER_PHONE}，身份证610902199001011234。",
        percent=60,
    )
    return problem


def test_mask_text() -> None:
    text = mask_text("李四说：请拨打 138 1234 5678 或 0915-3212345，身份证61090219900101123X", names=["李四"])
    assert "李*说" in text
    assert "138****5678" in text
    assert "1234 5678" not in text and "3212345" not in text and "19900101" not in text


@pytest.mark.django_db
def test_only_supervisors_publish_and_withdraw(project, people) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        services.publication_publish(item=project, acting_user=people.clerk_a, public_title="雨污分流改造")
    with pytest.raises(DomainError):
        services.publication_publish(item=project, acting_user=people.supervisor, public_title="  ")
    publication = services.publication_publish(
        item=project, acting_user=people.supervisor, public_title="现代城社区雨污分流改造", summary="集中整治项目"
    )
    with pytest.raises(DomainError):
        services.publication_publish(item=project, acting_user=people.supervisor, public_title="again")
    problem_type = ContentType.objects.get_for_model(Problem)
    assert Event.objects.filter(content_type=problem_type, object_id=project.pk, action="published").exists()
    with pytest.raises(PermissionDenied):
        services.publication_withdraw(publication=publication, acting_user=people.clerk_a)
    services.publication_withdraw(publication=publication, acting_user=people.supervisor, reason="已完工")
    with pytest.raises(DomainError):
        services.publication_withdraw(publication=publication, acting_user=people.supervisor)
    assert not Publication.objects.live().exists()
    # Published again after a withdrawal: a new live publication.
    services.publication_publish(item=project, acting_user=people.supervisor, public_title="雨污分流改造")
    assert Publication.objects.live().count() == 1 and Publication.objects.count() == 2


@pytest.mark.django_db
def test_public_pages_show_progress_without_personal_data(client, project, people) -> None:  # type: ignore[no-untyped-def]
    publication = services.publication_publish(
        item=project,
        acting_user=people.supervisor,
        public_title=f"现代城社区雨污分流改造（{OWNER_NAME}负责）",
        summary=f"集中整治项目，咨询{OWNER_PHONE}",
    )
    listing = client.get(reverse("public:progress_list"))
    assert listing.status_code == 200
    assert f'data-publication="{publication.pk}"' in listing.text
    detail = client.get(publication.get_absolute_url())
    assert detail.status_code == 200
    for page in (listing.text, detail.text):
        assert OWNER_NAME not in page and OWNER_PHONE not in page and "19900101" not in page
        assert "login" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "王**" in detail.text and "138****5678" in detail.text
    assert 'aria-valuenow="60"' in detail.text
    assert "已完成管网铺设800米" in detail.text
    assert "现代城社区雨污分流改造（王**负责）" in detail.text and "集中整治项目" in detail.text
    # Withdrawn: gone from the public.
    services.publication_withdraw(publication=publication, acting_user=people.supervisor)
    assert client.get(publication.get_absolute_url()).status_code == 404
    assert f'data-publication="{publication.pk}"' not in client.get(reverse("public:progress_list")).text


@pytest.mark.django_db
def test_publish_from_the_problem_page(client, project, people) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people.clerk_a)
    assert 'id="publish-form"' not in client.get(project.get_absolute_url()).text
    client.force_login(people.supervisor)
    assert 'id="publish-form"' in client.get(project.get_absolute_url()).text
    content_type = ContentType.objects.get_for_model(Problem)
    url = reverse("public:publish", args=[content_type.pk, project.pk])
    response = client.post(url, {"public_title": "雨污分流改造", "summary": "", "next": project.get_absolute_url()})
    assert response.status_code == 302
    assert Publication.objects.live().filter(object_id=project.pk).exists()
    assert 'id="public-link"' in client.get(project.get_absolute_url()).text
    manage = client.get(reverse("public:manage"))
    assert "雨污分流改造" in manage.text
    client.force_login(people.clerk_b)
    assert client.post(url, {"public_title": "x"}).status_code == 404


@pytest.mark.django_db
def test_start_page_links_to_progress(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("public:start"))
    assert response.status_code == 200
    assert reverse("public:progress_list") in response.text
