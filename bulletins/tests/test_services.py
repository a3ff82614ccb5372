"""Bulletin services: draft, edit, regenerate, issue; who may; an issued one never changes."""

from __future__ import annotations

import datetime

import pytest

from bulletins import services
from bulletins.choices import BulletinKind, BulletinStatus
from bulletins.models import Bulletin
from bulletins.tests.conftest import TODAY
from core.errors import Conflict, DomainError, PermissionDenied
from core.services import item_events
from rectification.tests.factories import ProblemFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_ledger_statistics")]


@pytest.fixture
def draft(ledger, people) -> Bulletin:
    return services.bulletin_draft(
        org=ledger.district, kind=BulletinKind.WEEK, as_of=TODAY, acting_user=people.supervisor
    )


def test_draft_takes_the_figures_and_writes_the_text(draft, ledger) -> None:
    problems = draft.figures["statistics"]["rectification"]["problems"]
    assert (problems["total"], problems["rectified"]) == (5, 1)
    assert draft.period_start == TODAY - datetime.timedelta(days=TODAY.weekday()) and draft.period_end == TODAY
    assert draft.status == BulletinStatus.DRAFT and draft.number is None
    assert "安康高新区" in draft.title
    assert draft.headline and draft.analysis and draft.requirements
    assert [item["unit_code"] for item in draft.figures["overdue_items"]] == ["AK-JM-JS"]
    assert draft.figures["overdue_item_count"] == 1
    assert [e.action for e in item_events(draft)] == ["created"]


def test_monthly_period(ledger, people) -> None:
    bulletin = services.bulletin_draft(
        org=ledger.street, kind=BulletinKind.MONTH, as_of=TODAY, acting_user=people.supervisor
    )
    assert bulletin.period_start == TODAY.replace(day=1)
    assert bulletin.figures["statistics"]["rectification"]["problems"]["total"] == 4


def test_only_supervisors_draft_edit_and_issue(draft, ledger, people) -> None:
    for person in (people.leader, people.clerk_a, people.inspector):
        with pytest.raises(PermissionDenied):
            services.bulletin_draft(org=ledger.street, kind=BulletinKind.WEEK, as_of=TODAY, acting_user=person)
        with pytest.raises(PermissionDenied):
            services.bulletin_update(bulletin=draft, acting_user=person, title="改")
        with pytest.raises(PermissionDenied):
            services.bulletin_issue(bulletin=draft, acting_user=person)


def test_no_bulletin_of_a_day_to_come(ledger, people) -> None:
    with pytest.raises(DomainError):
        services.bulletin_draft(
            org=ledger.district,
            kind=BulletinKind.WEEK,
            as_of=TODAY + datetime.timedelta(days=1),
            acting_user=people.supervisor,
        )


def test_edit_records_what_changed(draft, people) -> None:
    services.bulletin_update(bulletin=draft, acting_user=people.supervisor, title="第一周通报", analysis="点评")
    draft.refresh_from_db()
    assert (draft.title, draft.analysis) == ("第一周通报", "点评")
    event = list(item_events(draft))[-1]
    assert event.action == "updated" and event.changes["title"][1] == "第一周通报"
    with pytest.raises(DomainError):
        services.bulletin_update(bulletin=draft, acting_user=people.supervisor, title="  ")
    with pytest.raises(DomainError):
        services.bulletin_update(bulletin=draft, acting_user=people.supervisor, figures="{}")


def test_regenerate_takes_new_figures_and_keeps_the_requirements(draft, ledger, people) -> None:
    services.bulletin_update(bulletin=draft, acting_user=people.supervisor, requirements="本周要求")
    ProblemFactory(org=ledger.community_a)
    services.bulletin_regenerate(bulletin=draft, acting_user=people.supervisor)
    draft.refresh_from_db()
    assert draft.figures["statistics"]["rectification"]["problems"]["total"] == 6
    assert draft.requirements == "本周要求"
    assert "6" in draft.headline


def test_issue_numbers_the_series_and_freezes(draft, ledger, people) -> None:
    services.bulletin_issue(bulletin=draft, acting_user=people.supervisor)
    draft.refresh_from_db()
    assert (draft.status, draft.number, draft.issued_by) == (BulletinStatus.ISSUED, 1, people.supervisor)
    second = services.bulletin_draft(
        org=ledger.district, kind=BulletinKind.WEEK, as_of=TODAY, acting_user=people.supervisor
    )
    services.bulletin_issue(bulletin=second, acting_user=people.supervisor)
    assert second.number == 2
    monthly = services.bulletin_draft(
        org=ledger.district, kind=BulletinKind.MONTH, as_of=TODAY, acting_user=people.supervisor
    )
    services.bulletin_issue(bulletin=monthly, acting_user=people.supervisor)
    assert monthly.number == 1  # its own series


def test_an_issued_bulletin_refuses_every_change(draft, ledger, people) -> None:
    services.bulletin_issue(bulletin=draft, acting_user=people.supervisor)
    frozen = Bulletin.objects.get(pk=draft.pk)
    figures, title = frozen.figures, frozen.title
    ProblemFactory(org=ledger.community_a)
    with pytest.raises(DomainError):
        services.bulletin_update(bulletin=frozen, acting_user=people.supervisor, title="改过的标题")
    with pytest.raises(DomainError):
        services.bulletin_regenerate(bulletin=frozen, acting_user=people.supervisor)
    with pytest.raises(DomainError):
        services.bulletin_issue(bulletin=frozen, acting_user=people.supervisor)
    frozen.refresh_from_db()
    assert (frozen.figures, frozen.title, frozen.number) == (figures, title, 1)


def test_a_stale_copy_cannot_change_an_issued_bulletin(draft, people) -> None:
    """Two desks: one issues while the other still holds the draft in memory; the second's
    edit meets the conditional UPDATE, which matches drafts only."""
    stale = Bulletin.objects.get(pk=draft.pk)
    services.bulletin_issue(bulletin=draft, acting_user=people.supervisor)
    with pytest.raises(Conflict):
        services.bulletin_update(bulletin=stale, acting_user=people.supervisor, title="迟到的修改")
    with pytest.raises(Conflict):
        services.bulletin_issue(bulletin=stale, acting_user=people.supervisor)
    assert Bulletin.objects.get(pk=draft.pk).title != "迟到的修改"
    assert Bulletin.objects.filter(number__isnull=False).count() == 1


def test_the_installer_drafts_from_the_command_line(ledger) -> None:
    bulletin = services.bulletin_draft(org=ledger.district, kind=BulletinKind.WEEK, as_of=TODAY, acting_user=None)
    assert bulletin.created_by is None and bulletin.pk


def test_working_days_overdue_counted_as_the_calendar_counts_them(db) -> None:
    from bulletins.content import working_days_since
    from core.calendar import working_days_between

    today = datetime.date(2026, 10, 9)  # after the National Day holiday and its adjusted working days
    first = datetime.date(2026, 9, 1)
    count = working_days_since(first, today)
    for offset in range((today - first).days + 1):
        deadline = first + datetime.timedelta(days=offset)
        assert count(deadline) == working_days_between(deadline, today), deadline
