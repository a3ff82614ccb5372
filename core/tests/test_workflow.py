"""The one workflow mechanism on the test-only ``Ticket``: who may move it, what each move
needs, that a refused move writes nothing, the event and the notification of an allowed
one, the three-colour light around a holiday, and the checks on evidence files."""

from __future__ import annotations

import datetime
import io
import struct
import threading
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings

from core.errors import Conflict, DomainError, PermissionDenied
from core.models import Attachment, Event, Light, Notification
from core.services import attachment_add, item_attachments, item_events, item_transition
from core.testing.factories import person_with_role
from core.tests.workflow_app.models import Ticket, TicketStatus
from orgs.choices import Role
from orgs.models import User


def png_bytes() -> bytes:
    """A real 1×1 PNG, so the content sniffing sees what a camera upload would send."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def png(name: str = "现场照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["问题", "措施"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ticket(tree, people) -> Ticket:
    return Ticket.objects.create(org=tree.community_a, title="小区路灯不亮", status=TicketStatus.OPEN)


@pytest.fixture
def requested(ticket, people) -> Ticket:
    return item_transition(item=ticket, action="request_closure", acting_user=people.clerk_a, evidence=[png()])


def snapshot(item: Ticket) -> tuple:
    """What a refused transition must leave exactly as it was."""
    return (
        Ticket.objects.get(pk=item.pk).status,
        Event.objects.count(),
        Attachment.objects.count(),
        Notification.objects.count(),
    )


class TestAllowedPath:
    def test_request_closure_with_evidence_then_approval_by_the_level_above(self, ticket, people):
        requested = item_transition(
            item=ticket, action="request_closure", acting_user=people.clerk_a, comment=" 已修复 ", evidence=[png()]
        )
        assert requested.status == TicketStatus.REQUESTED
        [attachment] = item_attachments(ticket)
        assert (attachment.media_type, attachment.original_name, attachment.org) == (
            "image/png",
            "现场照片.png",
            ticket.org,
        )
        assert attachment.uploaded_by == people.clerk_a and len(attachment.sha256) == 64
        closed = item_transition(item=requested, action="approve", acting_user=people.leader)
        assert closed.status == TicketStatus.CLOSED == Ticket.objects.get(pk=ticket.pk).status
        assert [(e.action, e.from_status, e.to_status) for e in item_events(ticket)] == [
            ("request_closure", "open", "requested"),
            ("approve", "requested", "closed"),
        ]

    def test_the_event_says_who_from_to_and_why(self, ticket, people):
        item_transition(
            item=ticket, action="request_closure", acting_user=people.clerk_a, comment="已修复", evidence=[png()]
        )
        event = item_events(ticket).get()
        assert event.item == ticket and event.org == ticket.org
        assert (event.actor, event.action, event.from_status, event.to_status, event.comment) == (
            people.clerk_a,
            "request_closure",
            "open",
            "requested",
            "已修复",
        )

    def test_send_back_with_a_reason_reopens(self, requested, people):
        item_transition(item=requested, action="send_back", acting_user=people.inspector, comment="照片不清楚")
        assert Ticket.objects.get(pk=requested.pk).status == TicketStatus.OPEN
        assert item_events(requested).last().comment == "照片不清楚"

    def test_a_supervisor_at_the_top_approves(self, requested, people):
        assert item_transition(item=requested, action="approve", acting_user=people.supervisor).is_closed


class TestWhoMay:
    def test_the_owner_may_request_closure_without_the_clerk_role(self, ticket, people):
        ticket.owner = people.member_a
        ticket.save()
        item_transition(item=ticket, action="request_closure", acting_user=people.member_a, evidence=[png()])
        assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.REQUESTED

    def test_a_member_who_is_not_the_owner_may_not(self, ticket, people):
        ticket.owner = people.clerk_a
        ticket.save()
        before = snapshot(ticket)
        with pytest.raises(PermissionDenied):
            item_transition(item=ticket, action="request_closure", acting_user=people.member_a, evidence=[png()])
        assert snapshot(ticket) == before

    def test_a_leader_at_the_items_own_org_may_not_approve(self, requested, tree, people):
        own_leader = person_with_role(Role.LEADER, tree.community_a, username="leader_a")
        before = snapshot(requested)
        with pytest.raises(PermissionDenied):
            item_transition(item=requested, action="approve", acting_user=own_leader)
        assert snapshot(requested) == before

    def test_the_clerk_cannot_approve_its_own_request(self, requested, people):
        with pytest.raises(PermissionDenied):
            item_transition(item=requested, action="approve", acting_user=people.clerk_a)

    def test_a_clerk_of_a_sibling_community_may_not_touch_it(self, ticket, people):
        before = snapshot(ticket)
        with pytest.raises(PermissionDenied, match="申请销号"):
            item_transition(item=ticket, action="request_closure", acting_user=people.clerk_b, evidence=[png()])
        assert snapshot(ticket) == before
        assert not item_attachments(ticket).exists()

    def test_an_inspector_sends_back_but_does_not_approve(self, requested, people):
        with pytest.raises(PermissionDenied):
            item_transition(item=requested, action="approve", acting_user=people.inspector)


class TestRefusalsWriteNothing:
    def test_send_back_needs_a_reason(self, requested, people):
        before = snapshot(requested)
        with pytest.raises(DomainError) as caught:
            item_transition(item=requested, action="send_back", acting_user=people.leader, comment="   ")
        assert caught.value.field == "comment"
        assert snapshot(requested) == before

    def test_closure_needs_evidence(self, ticket, people):
        before = snapshot(ticket)
        with pytest.raises(DomainError) as caught:
            item_transition(item=ticket, action="request_closure", acting_user=people.clerk_a)
        assert caught.value.field == "evidence"
        assert snapshot(ticket) == before

    def test_bad_evidence_rolls_the_status_back(self, ticket, people):
        before = snapshot(ticket)
        virus = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00" + b"\x00" * 60)
        with pytest.raises(DomainError):
            item_transition(item=ticket, action="request_closure", acting_user=people.clerk_a, evidence=[png(), virus])
        assert snapshot(ticket) == before

    def test_a_transition_from_the_wrong_status(self, ticket, people):
        before = snapshot(ticket)
        with pytest.raises(DomainError, match="整改中") as caught:
            item_transition(item=ticket, action="approve", acting_user=people.leader)
        assert not isinstance(caught.value, PermissionDenied | Conflict)
        assert snapshot(ticket) == before

    def test_unknown_action(self, ticket, people):
        before = snapshot(ticket)
        with pytest.raises(DomainError) as caught:
            item_transition(item=ticket, action="delete_everything", acting_user=people.supervisor)
        assert caught.value.field == "action"
        assert snapshot(ticket) == before

    def test_a_stale_expected_status_is_a_conflict(self, requested, people):
        before = snapshot(requested)
        with pytest.raises(Conflict):
            item_transition(
                item=requested, action="approve", acting_user=people.leader, expected_status=TicketStatus.OPEN
            )
        assert snapshot(requested) == before

    def test_a_stale_object_is_a_conflict(self, ticket, people):
        stale = Ticket.objects.get(pk=ticket.pk)
        moved = item_transition(item=ticket, action="request_closure", acting_user=people.clerk_a, evidence=[png()])
        item_transition(item=moved, action="approve", acting_user=people.leader)
        before = snapshot(ticket)
        with pytest.raises(Conflict, match="已销号"):
            item_transition(item=stale, action="request_closure", acting_user=people.clerk_a, evidence=[png()])
        assert snapshot(ticket) == before


class TestNotification:
    def test_the_owner_is_told_once_the_change_commits(self, ticket, people, django_capture_on_commit_callbacks):
        ticket.owner = people.member_a
        ticket.save()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            item_transition(item=ticket, action="request_closure", acting_user=people.clerk_a, evidence=[png()])
        assert len(callbacks) == 1 and not Notification.objects.exists()
        callbacks[0]()
        note = Notification.objects.get()
        assert note.recipient == people.member_a
        assert "小区路灯不亮" in note.title and "申请销号" in note.title and note.url == "/"

    def test_the_comment_goes_with_it(self, requested, people, django_capture_on_commit_callbacks):
        Ticket.objects.filter(pk=requested.pk).update(owner=people.clerk_a)
        requested.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            item_transition(item=requested, action="send_back", acting_user=people.leader, comment="再补一张照片")
        assert Notification.objects.get(recipient=people.clerk_a).body == "再补一张照片"

    def test_no_note_to_yourself(self, ticket, people, django_capture_on_commit_callbacks):
        ticket.owner = people.clerk_a
        ticket.save()
        with django_capture_on_commit_callbacks(execute=True):
            item_transition(item=ticket, action="request_closure", acting_user=people.clerk_a, evidence=[png()])
        assert not Notification.objects.exists()

    def test_a_refusal_queues_nothing(self, ticket, people, django_capture_on_commit_callbacks):
        ticket.owner = people.member_a
        ticket.save()
        with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(PermissionDenied):
            item_transition(item=ticket, action="request_closure", acting_user=people.clerk_b, evidence=[png()])
        assert callbacks == [] and not Notification.objects.exists()


class TestAvailable:
    @pytest.mark.parametrize(
        ("who", "status", "expected"),
        [
            ("clerk_a", TicketStatus.OPEN, ["request_closure"]),
            ("clerk_b", TicketStatus.OPEN, []),
            ("leader", TicketStatus.OPEN, []),
            ("clerk_a", TicketStatus.REQUESTED, []),
            ("leader", TicketStatus.REQUESTED, ["approve", "send_back"]),
            ("supervisor", TicketStatus.REQUESTED, ["approve", "send_back"]),
            ("inspector", TicketStatus.REQUESTED, ["send_back"]),
            ("supervisor", TicketStatus.CLOSED, []),
        ],
    )
    def test_available_actions(self, ticket, people, who, status, expected):
        ticket.status = status
        assert [t.name for t in Ticket.workflow.available(ticket, getattr(people, who))] == expected

    def test_the_owner_sees_its_action(self, ticket, people):
        ticket.owner = people.member_a
        assert [t.name for t in Ticket.workflow.available(ticket, people.member_a)] == ["request_closure"]


class TestLight:
    """Deadline Friday 2026-10-09, just after the National Day holiday (10-01 to 10-07)."""

    DEADLINE = datetime.date(2026, 10, 9)

    @pytest.mark.parametrize(
        ("today", "light"),
        [
            # 9-28 → 9-29, 9-30, 10-08, 10-09: four working days left.
            (datetime.date(2026, 9, 28), Light.GREEN),
            # 9-29 → three working days although ten calendar days remain.
            (datetime.date(2026, 9, 29), Light.YELLOW),
            (datetime.date(2026, 10, 1), Light.YELLOW),
            (DEADLINE, Light.YELLOW),
            (datetime.date(2026, 10, 10), Light.RED),
        ],
    )
    def test_light_counts_working_days(self, ticket, today, light):
        ticket.deadline = self.DEADLINE
        assert ticket.light(today) == light

    def test_without_the_holiday_the_same_distance_would_be_green(self, ticket):
        # Ten calendar days before an ordinary Friday are six working days.
        ticket.deadline = datetime.date(2026, 11, 13)
        assert ticket.light(datetime.date(2026, 11, 3)) == Light.GREEN

    def test_closed_items_are_grey_even_when_late(self, ticket):
        ticket.deadline = self.DEADLINE
        ticket.status = TicketStatus.CLOSED
        assert ticket.light(datetime.date(2027, 1, 1)) == Light.GREY

    def test_no_deadline_is_green(self, ticket):
        assert ticket.light(datetime.date(2026, 10, 1)) == Light.GREEN

    def test_warn_days_widen_the_yellow(self, ticket):
        ticket.deadline = self.DEADLINE
        assert ticket.light(datetime.date(2026, 9, 28), warn_days=4) == Light.YELLOW


class TestAttachmentAdd:
    def test_png(self, ticket, people):
        attachment = attachment_add(item=ticket, file=png(), acting_user=people.clerk_a)
        assert attachment.media_type == "image/png" and attachment.is_image
        assert attachment.size == len(png_bytes())
        assert attachment.file.name.startswith("attachments/") and attachment.file.name.endswith(".png")
        assert "现场照片" not in attachment.file.name  # the stored name is random

    def test_pdf(self, ticket, people):
        pdf = SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        attachment = attachment_add(item=ticket, file=pdf, acting_user=people.clerk_a)
        assert attachment.media_type == "application/pdf" and not attachment.is_image

    def test_xlsx(self, ticket, people):
        sheet = SimpleUploadedFile("台账.xlsx", xlsx_bytes())
        attachment = attachment_add(item=ticket, file=sheet, acting_user=people.clerk_a)
        assert attachment.media_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def test_the_name_does_not_decide_the_type(self, ticket, people):
        disguised = SimpleUploadedFile("照片.jpg", png_bytes())
        assert attachment_add(item=ticket, file=disguised, acting_user=people.clerk_a).media_type == "image/png"

    def test_an_executable_renamed_jpg_is_refused(self, ticket, people):
        program = SimpleUploadedFile(
            "照片.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, content_type="image/jpeg"
        )
        with pytest.raises(DomainError, match=r"照片\.jpg") as caught:
            attachment_add(item=ticket, file=program, acting_user=people.clerk_a)
        assert caught.value.field == "evidence"
        assert not Attachment.objects.exists()

    @override_settings(ATTACHMENT_MAX_BYTES=64)
    def test_a_file_over_the_limit_is_refused(self, ticket, people):
        big = SimpleUploadedFile("大照片.png", png_bytes() + b"\x00" * 64)
        with pytest.raises(DomainError, match=r"大照片\.png") as caught:
            attachment_add(item=ticket, file=big, acting_user=people.clerk_a)
        assert caught.value.field == "evidence"
        assert not Attachment.objects.exists()

    @override_settings(ATTACHMENT_MAX_BYTES=1024)
    def test_a_file_at_the_limit_is_accepted(self, ticket, people):
        # A PDF is stored as sent (a photo is re-encoded, so its stored size differs).
        exact = SimpleUploadedFile("报告.pdf", b"%PDF-1.4\n".ljust(1024, b" "))
        assert attachment_add(item=ticket, file=exact, acting_user=people.clerk_a).size == 1024


class TestConcurrentReview:
    """Two reviewers act on the same requested item at the same instant: one wins, the
    other is told the item changed, and the timeline holds one event, not two."""

    ROUNDS = 5

    @staticmethod
    def _race(ticket_pk: int, moves: list[tuple[str, int, str]]) -> list[object]:
        barrier = threading.Barrier(len(moves))
        outcomes: list[object] = [None] * len(moves)

        def act(index: int, action: str, user_pk: int, comment: str) -> None:
            try:
                user = User.objects.get(pk=user_pk)
                item = Ticket.objects.get(pk=ticket_pk)
                barrier.wait(timeout=10)
                item_transition(item=item, action=action, acting_user=user, comment=comment)
                outcomes[index] = "done"
            except Exception as error:
                outcomes[index] = error
            finally:
                connection.close()

        threads = [threading.Thread(target=act, args=(i, *move)) for i, move in enumerate(moves)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return outcomes

    @pytest.mark.django_db(transaction=True)
    def test_approve_and_send_back_at_once(self, tree, people):
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            pytest.skip(
                "needs PostgreSQL or a SQLite test database in a file: threads share SQLite's in-memory test "
                "database through its shared cache, where a second writer fails at once with 'table is locked' "
                "instead of waiting its turn (with TEST NAME set to a file, IMMEDIATE transactions queue and it passes)"
            )
        for _ in range(self.ROUNDS):
            ticket = Ticket.objects.create(org=tree.community_a, title="并发审核", status=TicketStatus.REQUESTED)
            second_leader = person_with_role(Role.SUPERVISOR, tree.district, username=f"sup_{ticket.pk}")
            outcomes = self._race(
                ticket.pk,
                [("approve", people.leader.pk, ""), ("send_back", second_leader.pk, "材料不全")],
            )
            winners = [o for o in outcomes if o == "done"]
            losers = [o for o in outcomes if o != "done"]
            assert len(winners) == 1, outcomes
            assert isinstance(losers[0], Conflict), outcomes
            events = list(item_events(ticket))
            assert len(events) == 1
            assert Ticket.objects.get(pk=ticket.pk).status == events[0].to_status
