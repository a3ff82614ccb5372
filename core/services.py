"""State changes shared by every app: transitions with their event, attachments,
notifications, and the working-day calendar."""

from __future__ import annotations

import codecs
import hashlib
import io
from collections.abc import Iterable
from typing import Any

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from core import calendar
from core.errors import Conflict, DomainError, PermissionDenied
from core.models import Attachment, CalendarDay, CalendarDayKind, CalendarYear, Event, Notification
from core.workflow import TransitionRequest

# Content sniffing: the first bytes of each accepted type. The file's name is never
# trusted; an executable renamed .jpg has none of these signatures.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
)
OFFICE_ZIP_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odt": "application/vnd.oasis.opendocument.text",
}
OLE_TYPES = {".doc": "application/msword", ".xls": "application/vnd.ms-excel"}
# How many first bytes are read to tell the type (filetype looks this far into a zip for
# the entries that make it a Word or Excel file).
SNIFF_BYTES = 8192
# Programs, refused whatever their name: ELF, Mach-O (32/64 bit, both byte orders, and
# fat binaries), and scripts starting with an interpreter line; PE ("MZ") is checked in
# looks_executable.
EXECUTABLE_SIGNATURES: tuple[bytes, ...] = (
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
# filetype's names for program and package formats it recognises beyond those (its
# "exe" is any file starting "MZ", text included: looks_executable checks PE itself).
EXECUTABLE_KINDS = {"elf", "swf", "crx", "wasm", "deb", "rpm", "nes"}
# Photos stored re-encoded by Pillow (media type -> Pillow format), without metadata.
REENCODED_IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
# A picture of more pixels than this is refused (a "decompression bomb": a small file
# that decodes to gigabytes). 60 megapixels is above any phone camera.
MAX_IMAGE_PIXELS = 60_000_000


def event_record(
    *,
    item: models.Model,
    actor: Any,
    action: str,
    from_status: str = "",
    to_status: str = "",
    comment: str = "",
    changes: dict[str, Any] | None = None,
    org: Any = None,
) -> Event:
    """Write one event for ``item``; callers run it inside their own transaction."""
    # Assigned through the generic relation, the item stays cached on the event: the
    # audit receiver reads it without fetching it again.
    return Event.objects.create(
        item=item,
        org=org if org is not None else getattr(item, "org", None),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        changes=changes or {},
    )


def item_events(item: models.Model) -> models.QuerySet[Event]:
    """The timeline of ``item``, oldest first."""
    return Event.objects.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk).select_related(
        "actor"
    )


def looks_executable(head: bytes) -> bool:
    """Whether the first bytes are those of a program: Windows (PE, "MZ"), Linux (ELF),
    macOS (Mach-O, also fat binaries), or a script with a "#!" interpreter line. Such a
    file is refused whatever its name says, before any other check."""
    if head.startswith(EXECUTABLE_SIGNATURES):
        return True
    # "MZ" alone starts some text too ("MZ2024 台账"); a DOS/PE header has NUL bytes
    # in its first 64 bytes, text never does.
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        return True
    kind = filetype.guess(head) if head else None
    return kind is not None and kind.extension in EXECUTABLE_KINDS


def _decodes_as_text(head: bytes) -> bool:
    """UTF-8 or GB18030 text without NUL bytes (a multi-byte character cut at the end of
    ``head`` is no error)."""
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def sniff_media_type(head: bytes, filename: str) -> str | None:
    """The media type read from the file's first bytes (up to ``SNIFF_BYTES``), or
    ``None`` if not accepted. The name only tells apart formats that share one container
    (a zip that filetype cannot place, an OLE file) and text from text."""
    if looks_executable(head):
        return None
    suffix = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for signature, media_type in SIGNATURES:
        if head.startswith(signature):
            if media_type == "application/zip":
                # filetype looks inside the zip for word/, xl/, ppt/ or an OpenDocument
                # mimetype entry; the suffix only names a zip it cannot place.
                kind = filetype.guess(head)
                if kind is not None and kind.mime in OFFICE_ZIP_TYPES.values():
                    return kind.mime
                return OFFICE_ZIP_TYPES.get(suffix, "application/zip")
            if media_type == "application/x-ole-storage":
                return OLE_TYPES.get(suffix)
            return media_type
    if suffix in {".txt", ".csv"} and _decodes_as_text(head):
        return "text/plain" if suffix == ".txt" else "text/csv"
    return None


def _read_upload(file: UploadedFile, limit: int) -> bytes | None:
    """The whole upload, or ``None`` once it passes ``limit`` bytes (``file.size`` may be
    unknown or wrong for a streamed upload, so the bytes are counted too)."""
    file.seek(0)
    parts = []
    total = 0
    for chunk in file.chunks():
        total += len(chunk)
        if total > limit:
            return None
        parts.append(chunk)
    file.seek(0)
    return b"".join(parts)


def clean_image(data: bytes, media_type: str) -> bytes | None:
    """The image decoded and encoded afresh in its own format, or ``None`` if Pillow
    cannot read it as that format.

    Re-encoding keeps the pixels only: EXIF (with the GPS position a phone writes),
    XMP, comments and any bytes hidden after the image are gone. The orientation EXIF
    asked for is applied to the pixels first, so the photo still stands the right way.
    The colour profile stays (it changes how the pixels look, and says nothing of who
    or where)."""
    pillow_format = REENCODED_IMAGE_TYPES[media_type]
    try:
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as opened:
            if opened.width * opened.height > MAX_IMAGE_PIXELS:
                return None
            opened.load()
            image = ImageOps.exif_transpose(opened) or opened
            icc_profile = opened.info.get("icc_profile")
            image.info = {}
            options: dict[str, Any] = {"icc_profile": icc_profile} if icc_profile else {}
            if pillow_format == "JPEG":
                if image.mode not in {"RGB", "L", "CMYK"}:
                    image = image.convert("RGB")
                options.update(quality=90, optimize=True)
            elif pillow_format == "WEBP":
                if image.mode not in {"RGB", "RGBA"}:
                    image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
                options.update(quality=90)
            elif pillow_format == "PNG":
                options.update(optimize=True)
            output = io.BytesIO()
            image.save(output, format=pillow_format, **options)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    return output.getvalue()


@transaction.atomic
def attachment_add(*, item: models.Model, file: UploadedFile, acting_user: Any) -> Attachment:
    """Attach ``file`` to ``item`` after checking its size and its real type.

    The type is read from the content, never from the name or the browser's word; a
    program is refused even when named .jpg. Photos (JPEG, PNG, WebP) are stored
    re-encoded, without their EXIF: the size and SHA-256 kept are those of the bytes
    stored. The stored name is random (``attachment_path``) and files are served only
    through ``core.views.attachment_download`` after a scope check."""
    limit = settings.ATTACHMENT_MAX_BYTES
    name = file.name or "file"
    too_big = DomainError(
        _("The file “%(name)s” is %(size)s MB; the limit is %(limit)s MB.")
        % {"name": name, "size": round((file.size or limit + 1) / 1048576, 1), "limit": limit // 1048576},
        field="evidence",
    )
    if file.size is not None and file.size > limit:
        raise too_big
    data = _read_upload(file, limit)
    if data is None:
        raise too_big
    head = data[:SNIFF_BYTES]
    if looks_executable(head):
        raise DomainError(
            _("The file “%(name)s” is a program; programs are not accepted, whatever their name.") % {"name": name},
            field="evidence",
        )
    media_type = sniff_media_type(head, name)
    if media_type is None:
        raise DomainError(
            _("The file “%(name)s” is not an accepted type (images, PDF, Word, Excel, text).") % {"name": name},
            field="evidence",
        )
    if media_type in REENCODED_IMAGE_TYPES:
        cleaned = clean_image(data, media_type)
        if cleaned is None:
            raise DomainError(
                _("The file “%(name)s” is not a readable picture; please take or save it again.") % {"name": name},
                field="evidence",
            )
        data = cleaned
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        org=item.org,  # type: ignore[attr-defined]
        original_name=name[:200],
        media_type=media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


def item_attachments(item: models.Model) -> models.QuerySet[Attachment]:
    return Attachment.objects.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk).order_by(
        "created_at"
    )


def item_transition(
    *,
    item: Any,
    action: str,
    acting_user: Any,
    comment: str = "",
    evidence: Iterable[UploadedFile] = (),
    expected_status: str | None = None,
    fields: dict[str, Any] | None = None,
) -> Any:
    """Make the workflow transition ``action`` on ``item`` for ``acting_user``.

    Checks the status, the user's right, the comment and evidence the transition needs
    and its own checks; then moves the status with a conditional update (so of two
    concurrent requests exactly one wins, on SQLite and PostgreSQL alike), stores the
    evidence and writes the event, all in one transaction. Notifications go out on commit.
    ``expected_status`` is the status the user saw; if someone moved the item since, the
    user is told so instead of acting on a state they did not see. ``fields`` are other
    columns that change with the status (a closure's outcome and time): they go into the
    same conditional UPDATE and into the event's ``changes``.
    """
    model = type(item)
    workflow = model.workflow
    transition = workflow.get(action)
    evidence = tuple(evidence)
    with transaction.atomic():
        current = model.objects.select_for_update().select_related("org").get(pk=item.pk)
        seen = expected_status if expected_status is not None else item.status
        if current.status != seen or current.status not in transition.sources:
            if current.status != seen:
                raise Conflict(
                    _("This item was changed by someone else (now “%(status)s”). Reload the page and try again.")
                    % {"status": current.get_status_display()}
                )
            raise DomainError(
                _("“%(action)s” is not possible while the item is “%(status)s”.")
                % {"action": transition.label, "status": current.get_status_display()}
            )
        if not workflow.may(transition, current, acting_user):
            raise PermissionDenied(_("You may not “%(action)s” this item.") % {"action": transition.label})
        comment = (comment or "").strip()
        if transition.needs_comment and not comment:
            raise DomainError(_("Please give a reason."), field="comment")
        if transition.needs_evidence and not evidence:
            raise DomainError(_("Evidence is required: attach at least one file."), field="evidence")
        request = TransitionRequest(comment=comment, evidence=evidence)
        for check in transition.checks:
            check(current, request)
        from_status = current.status
        fields = dict(fields or {})
        moved = model.objects.filter(pk=current.pk, status=from_status).update(
            status=transition.target, updated_at=timezone.now(), **fields
        )
        if moved != 1:
            raise Conflict(_("This item was changed by someone else. Reload the page and try again."))
        current.status = transition.target
        for name, value in fields.items():
            setattr(current, name, value)
        for upload in evidence:
            attachment_add(item=current, file=upload, acting_user=acting_user)
        event_record(
            item=current,
            actor=acting_user,
            action=transition.name,
            from_status=from_status,
            to_status=transition.target,
            comment=comment,
            changes={name: _jsonable(value) for name, value in fields.items()},
        )
        recipients = [
            pk for pk in {getattr(current, "owner_id", None)} if pk and pk != getattr(acting_user, "pk", None)
        ]
        if recipients:
            title = _("“%(title)s”: %(action)s") % {"title": str(current), "action": transition.label}
            url = current.get_absolute_url() if hasattr(current, "get_absolute_url") else ""
            transaction.on_commit(
                lambda: notification_send(recipient_ids=recipients, title=title, body=comment, url=url)
            )
    item.status = current.status
    for name, value in fields.items():
        setattr(item, name, value)
    return current


def _jsonable(value: Any) -> Any:
    """A value as the event log stores it (dates and times as ISO text)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def notification_send(*, recipient_ids: Iterable[int], title: str, body: str = "", url: str = "") -> int:
    """Create one in-app notification per recipient; returns how many."""
    rows = [Notification(recipient_id=pk, title=title[:200], body=body, url=url[:300]) for pk in recipient_ids]
    Notification.objects.bulk_create(rows)
    return len(rows)


def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread when ``ids`` is ``None``)."""
    query = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        query = query.filter(pk__in=list(ids))
    return query.update(read_at=timezone.now())


@transaction.atomic
def calendar_year_replace(
    *, year: int, days: Iterable[tuple[Any, str, str]], source: str, acting_user: Any = None
) -> CalendarYear:
    """Replace the official calendar of ``year`` with ``days`` (date, kind, name).

    Used by the seeding migration, the admin's import and the package refresh. Every day
    must fall in ``year``.
    """
    rows = []
    for date, kind, name in days:
        if date.year != year:
            raise DomainError(
                _("%(date)s is not in %(year)s.") % {"date": date.isoformat(), "year": year}, field="date"
            )
        rows.append(CalendarDay(date=date, kind=kind, name=name))
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(rows)
    calendar_year, _created = CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
    event_record(
        item=calendar_year,
        actor=acting_user,
        action="calendar_replaced",
        changes={"days": len(rows), "source": source},
    )
    transaction.on_commit(lambda: calendar.forget_year(year))
    return calendar_year


def calendar_import(*, year: int, data: bytes, filename: str, acting_user: Any) -> CalendarYear:
    """Replace the official calendar of ``year`` from a spreadsheet (日期, 类型, 名称).

    类型 is 放假/休息/节假日 for a holiday and 上班/调休上班/补班 for an adjusted working day.
    Every bad cell is named; nothing changes unless the whole file is right.
    """
    from core import spreadsheets

    columns = [
        spreadsheets.Column("date", "日期", ("date",)),
        spreadsheets.Column("kind", "类型", ("kind", "安排")),
        spreadsheets.Column("name", "名称", ("name", "节日"), required=False),
    ]
    kinds = {
        **dict.fromkeys(("放假", "休息", "节假日", "假日", "holiday"), CalendarDayKind.HOLIDAY),
        **dict.fromkeys(("上班", "调休上班", "补班", "调休", "workday"), CalendarDayKind.WORKDAY),
    }
    workbook = spreadsheets.read_workbook(data=data, filename=filename)
    header = spreadsheets.find_table(workbook, columns)
    problems = header.missing_problems()
    days: list[tuple[Any, str, str]] = []
    seen: set[Any] = set()
    for row in [] if problems else header.data_rows():
        day = spreadsheets.cell_date(header.value(row, "date"))
        kind = kinds.get(header.text(row, "kind").lower())
        if day is None:
            problems.append(
                spreadsheets.ImportProblem(
                    location=header.location(row, "date"), message=_("This is not a date: write it as 2027-01-01.")
                )
            )
        elif day.year != year or day in seen:
            message = _("%(date)s is not in %(year)s.") if day.year != year else _("%(date)s appears twice.")
            problems.append(
                spreadsheets.ImportProblem(
                    location=header.location(row, "date"), message=message % {"date": day.isoformat(), "year": year}
                )
            )
        if kind is None:
            problems.append(
                spreadsheets.ImportProblem(
                    location=header.location(row, "kind"),
                    message=_("Write 放假 for a holiday or 上班 for an adjusted working day."),
                )
            )
        if day is not None and kind is not None:
            seen.add(day)
            days.append((day, kind, header.text(row, "name")[:50]))
    if problems:
        raise DomainError("；".join(str(problem) for problem in problems[:20]), field="file")
    if not days:
        raise DomainError(_("The file lists no days."), field="file")
    from audit.services import audit_import

    with transaction.atomic():
        replaced = calendar_year_replace(
            year=year, days=days, source=CalendarYear.Source.IMPORT, acting_user=acting_user
        )
        audit_import(acting_user, what="core.calendar", rows=len(days), filename=filename, target=replaced)
    return replaced
