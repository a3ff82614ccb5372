"""The supervision pages through the test client: scope, the reminder button, dispatch."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.models import Notification
from rectification.models import Problem
from rectification.tests.factories import MeasureFactory, ProblemFactory
from supervision.models import DispatchMeeting, DispatchTask, Reminder

TODAY = datetime.date.today


@pytest.fixture
def overdue(tree, people):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    today = timezone.localdate()
    problem = ProblemFactory(
        org=tree.community_a,
        campaign__org=tree.district,
        owner=people.clerk_a,
        title="垃圾清运不及时",
        found_date=today - datetime.timedelta(days=60),
        deadline=today - datetime.timedelta(days=30),
    )
    MeasureFactory(problem=problem, title="增加清运车次", deadline=today - datetime.timedelta(days=3))
    return problem


@pytest.mark.django_db
def test_warnings_page_is_scoped(client, people, overdue) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people.supervisor)
    response = client.get(reverse("supervision:warnings"))
    assert response.status_code == 200
    assert f'data-item="{overdue.pk}"' in response.text
    response = client.get(reverse("supervision:warnings"), {"level": "yellow"})
    assert f'data-item="{overdue.pk}"' not in response.text
    response = client.get(reverse("supervision:warnings"), {"kind": "rectification.measure", "level": "overdue"})
    assert 'data-level="red"' in response.text
    client.force_login(people.clerk_b)
    response = client.get(reverse("supervision:warnings"))
    assert f'data-item="{overdue.pk}"' not in response.text


@pytest.mark.django_db
def test_the_ledger_list_shows_each_problems_step_on_the_ladder(client, people, overdue) -> None:  # type: ignore[no-untyped-def]
    """Overdue 30 calendar days (at least 20 working days): named in the bulletin, on the list."""
    client.force_login(people.supervisor)
    response = client.get(reverse("rectification:problem_list"))
    assert response.status_code == 200
    assert 'class="escalation" data-level="bulletin"' in response.text


@pytest.mark.django_db
def test_supervisor_reminds_from_the_problem_page(client, people, overdue, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    url = overdue.get_absolute_url()
    client.force_login(people.clerk_a)
    assert 'id="remind-button"' not in client.get(url).text
    client.force_login(people.supervisor)
    page = client.get(url).text
    assert 'id="remind-button"' in page and 'data-level="bulletin"' in page
    content_type = ContentType.objects.get_for_model(Problem)
    target = reverse("supervision:reminder_send", args=[content_type.pk, overdue.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(target, {"note": "请三日内反馈", "next": url})
    assert response.status_code == 302 and response.url == url
    reminder = Reminder.objects.get(object_id=overdue.pk, content_type=content_type)
    assert reminder.note == "请三日内反馈" and reminder.sent_by == people.supervisor
    assert Notification.objects.filter(recipient=people.clerk_a).count() == 1
    # The same day again: refused with a message, still one reminder.
    client.post(target, {"note": "再催"})
    assert Reminder.objects.filter(object_id=overdue.pk).count() == 1
    # A clerk cannot send one, even by posting directly.
    client.force_login(people.clerk_a)
    client.post(target, {"note": "x"})
    assert Reminder.objects.count() == 1
    # Someone outside the scope gets a 404.
    client.force_login(people.clerk_b)
    assert client.post(target, {"note": "x"}).status_code == 404
    client.force_login(people.supervisor)
    log = client.get(reverse("supervision:reminders")).text
    assert f'data-reminder="{reminder.pk}"' in log


@pytest.mark.django_db
def test_dispatch_pages(client, people, tree, overdue) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people.supervisor)
    response = client.post(reverse("supervision:dispatch_list"), {"org": tree.street.pk, "date": TODAY().isoformat()})
    meeting = DispatchMeeting.objects.get(org=tree.street)
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    page = client.get(meeting.get_absolute_url()).text
    assert f'data-object="{overdue.pk}"' in page
    entry = meeting.entries.get(object_id=overdue.pk, content_type=ContentType.objects.get_for_model(Problem))
    response = client.post(
        reverse("supervision:dispatch_decide", args=[meeting.pk]),
        {
            "entry": entry.pk,
            "kind": "task",
            "text": "社区书记牵头，一周内清运完毕",
            "owner": people.clerk_a.pk,
            "deadline": (TODAY() + datetime.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    task = DispatchTask.objects.get()
    assert task.org == tree.community_a and task.owner == people.clerk_a
    assert client.get(task.get_absolute_url()).status_code == 200
    client.post(reverse("supervision:dispatch_hold", args=[meeting.pk]), {"minutes": "会议要求限期整改"})
    meeting.refresh_from_db()
    assert meeting.status == "held"
    client.force_login(people.clerk_b)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(task.get_absolute_url()).status_code == 404
    client.force_login(people.clerk_a)
    assert 'id="decision-form"' not in client.get(meeting.get_absolute_url()).text


@pytest.mark.django_db
def test_commands(people, overdue) -> None:  # type: ignore[no-untyped-def]
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("daily_check", "--date", "2026-10-05", stdout=out)
    assert '"working_day": false' in out.getvalue()
    out = StringIO()
    call_command("weekly_dispatch", "--org", overdue.org.code, stdout=out)
    assert DispatchMeeting.objects.filter(org=overdue.org).exists()
    out = StringIO()
    call_command("monthly_rollup", "--month", "2026-01", "--depth", "1", stdout=out)
    assert out.getvalue().strip() == "2026-01: 1"


@pytest.mark.django_db
def test_list_pages_do_not_query_per_row(client, people, tree, overdue) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from core.testing.queries import assert_query_count_stable
    from public.services import publication_publish
    from supervision import services

    client.force_login(people.supervisor)
    today = timezone.localdate()

    def more_rows() -> None:
        for number in range(3):
            problem = ProblemFactory(
                org=tree.community_b,
                campaign__org=tree.district,
                owner=people.clerk_b,
                found_date=today - datetime.timedelta(days=60),
                deadline=today - datetime.timedelta(days=10 + number),
            )
            services.reminder_send(item=problem, acting_user=people.supervisor, note="请加快")
            publication_publish(item=problem, acting_user=people.supervisor, public_title=f"公示{number}")

    services.reminder_send(item=overdue, acting_user=people.supervisor)
    publication_publish(item=overdue, acting_user=people.supervisor, public_title="公示")

    def pages() -> None:
        assert client.get(reverse("supervision:warnings")).status_code == 200
        assert client.get(reverse("supervision:reminders")).status_code == 200
        assert client.get(reverse("public:progress_list")).status_code == 200

    assert_query_count_stable(pages, add_rows=more_rows, label="warnings and reminders")
