"""Hardened uploads (issue 8, item 4): size limit with a Chinese message on the page,
type read from the content with programs refused whatever their name, photos
re-encoded without EXIF (GPS), random stored names outside the static tree, and files
served only to those who see the item, as downloads except for photos."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from core.errors import DomainError
from core.models import Attachment, CalendarYear
from core.services import attachment_add, item_attachments, sniff_media_type
from core.testing.factories import CampaignFactory, person_with_role
from core.testing.permissions import client_for
from orgs.choices import Role
from rectification import services as ledger
from rectification.choices import ItemStatus, ProblemLevel
from rectification.models import Problem, ProgressReport

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def problem(tree, people) -> Problem:
    return ledger.problem_create(
        acting_user=people.clerk_a,
        campaign=CampaignFactory(org=tree.district),
        org=tree.community_a,
        title="垃圾清运不及时",
        level=ProblemLevel.GRASSROOTS,
    )


def jpeg_with_gps(*, size: tuple[int, int] = (40, 20), orientation: int | None = None) -> bytes:
    """A phone photo: EXIF with a GPS position (Ankang), a camera model and, if asked,
    an orientation tag."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((20, 20, 220), (0, 0, size[0] // 2, size[1]))  # left half blue: orientation is visible
    exif = Image.Exif()
    exif[0x0110] = "Taizhang Phone X"  # Model
    if orientation is not None:
        exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {
        1: "N",
        2: (32.0, 41.0, 6.0),
        3: "E",
        4: (109.0, 1.0, 46.0),
    }
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment=b"shot at home")
    return buffer.getvalue()


def stored(attachment: Attachment) -> bytes:
    with attachment.file.open("rb") as handle:
        return handle.read()


def picture(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


PROGRAMS = {
    "PE (Windows)": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200,
    "ELF (Linux)": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200,
    "Mach-O 64": b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 200,
    "Mach-O fat": b"\xca\xfe\xba\xbe\x00\x00\x00\x02" + b"\x00" * 200,
    "shell script": b"#!/bin/sh\nrm -rf / --no-preserve-root\n",
}


class TestType:
    @pytest.mark.parametrize("content", PROGRAMS.values(), ids=PROGRAMS.keys())
    @pytest.mark.parametrize("name", ["现场照片.jpg", "说明.txt", "report.pdf"])
    def test_a_program_is_refused_whatever_its_name(self, problem, people, content, name):
        upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
        with pytest.raises(DomainError) as caught:
            attachment_add(item=problem, file=upload, acting_user=people.clerk_a)
        assert name in caught.value.message and "程序" in caught.value.message
        assert caught.value.field == "evidence"
        assert not Attachment.objects.exists()

    def test_a_program_never_has_a_media_type(self):
        for content in PROGRAMS.values():
            assert sniff_media_type(content, "x.jpg") is None
            assert sniff_media_type(content, "x.txt") is None

    def test_a_jpeg_named_png_is_stored_as_jpeg(self, problem, people):
        upload = SimpleUploadedFile("截图.png", jpeg_with_gps(), content_type="image/png")
        attachment = attachment_add(item=problem, file=upload, acting_user=people.clerk_a)
        assert attachment.media_type == "image/jpeg"
        assert picture(stored(attachment)).format == "JPEG"

    def test_a_broken_picture_is_refused(self, problem, people):
        """Right first bytes, nothing behind them: not stored as a photo."""
        upload = SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
        with pytest.raises(DomainError, match=r"照片\.png") as caught:
            attachment_add(item=problem, file=upload, acting_user=people.clerk_a)
        assert "图片" in caught.value.message
        assert not Attachment.objects.exists()

    def test_office_files_are_placed_by_their_content(self, problem, people):
        from openpyxl import Workbook

        buffer = io.BytesIO()
        Workbook().save(buffer)
        # named .zip, but filetype finds xl/ inside: it is a workbook
        upload = SimpleUploadedFile("台账.zip", buffer.getvalue())
        attachment = attachment_add(item=problem, file=upload, acting_user=people.clerk_a)
        assert attachment.media_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def test_text_in_gbk_is_accepted_and_binary_text_is_not(self, problem, people):
        gbk = SimpleUploadedFile("说明.txt", "整改情况说明：已完成。".encode("gb18030"))
        assert attachment_add(item=problem, file=gbk, acting_user=people.clerk_a).media_type == "text/plain"
        binary = SimpleUploadedFile("说明.txt", b"abc\x00\x01\x02def")
        with pytest.raises(DomainError):
            attachment_add(item=problem, file=binary, acting_user=people.clerk_a)


class TestSize:
    def test_the_limit_is_twenty_megabytes_and_reaches_django(self):
        """30 MB must reach the view to be refused with a message: Django streams file
        parts to disk (no request-size refusal for files), and nginx lets 60 MB pass."""
        assert settings.ATTACHMENT_MAX_BYTES == 20 * 1024 * 1024
        nginx = (Path(settings.BASE_DIR) / "deploy" / "nginx.conf.template").read_text()
        assert "client_max_body_size 60m;" in nginx

    def test_a_30_mb_file_is_refused_on_the_problem_page(self, problem, people):
        """Through the real form of the ledger's problem page: the clerk is sent back to
        the page with a Chinese message naming the file and the limit."""
        big = SimpleUploadedFile("整改现场录像.pdf", b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024), "application/pdf")
        client = client_for(people.clerk_a)
        response = client.post(f"/ledger/{problem.pk}/request_closure/", {"evidence": big, "comment": "已完成"})
        assert response.status_code == 302 and response["Location"] == f"/ledger/{problem.pk}/"
        texts = [str(message) for message in get_messages(response.wsgi_request)]
        assert texts == ["文件“整改现场录像.pdf”大小为30.0 MB，超过了20 MB的上限"]
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert "超过了20 MB的上限" in page.content.decode()
        assert Problem.objects.get(pk=problem.pk).status == ItemStatus.RECTIFYING
        assert not Attachment.objects.exists()

    @override_settings(ATTACHMENT_MAX_BYTES=1000)
    def test_the_bytes_are_counted_when_the_size_says_less(self, problem, people):
        upload = SimpleUploadedFile("报告.pdf", b"%PDF-1.4\n" + b"0" * 2000)
        upload.size = 10  # a client's word is not trusted
        with pytest.raises(DomainError, match=r"报告\.pdf"):
            attachment_add(item=problem, file=upload, acting_user=people.clerk_a)


class TestPhotosReencoded:
    def test_gps_and_other_metadata_are_gone(self, problem, people):
        original = jpeg_with_gps()
        assert GPS_IFD in picture(original).getexif()  # the test photo does carry a position
        upload = SimpleUploadedFile("现场照片.jpg", original, content_type="image/jpeg")
        attachment = attachment_add(item=problem, file=upload, acting_user=people.clerk_a)
        data = stored(attachment)
        image = picture(data)
        assert image.format == "JPEG" and image.size == (40, 20)
        exif = image.getexif()
        assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD)
        assert 0x0110 not in exif and "comment" not in image.info
        assert b"Exif" not in data and b"Taizhang Phone" not in data and b"shot at home" not in data
        # the record describes what is stored, not what was sent
        assert attachment.size == len(data) and attachment.sha256 == hashlib.sha256(data).hexdigest()

    def test_the_orientation_is_applied_to_the_pixels(self, problem, people):
        """EXIF orientation 6 (turn 90° clockwise): stored upright without the tag."""
        upload = SimpleUploadedFile("竖拍.jpg", jpeg_with_gps(size=(40, 20), orientation=6))
        image = picture(stored(attachment_add(item=problem, file=upload, acting_user=people.clerk_a)))
        assert image.size == (20, 40) and ORIENTATION not in image.getexif()

    @pytest.mark.parametrize("pillow_format,media_type", [("PNG", "image/png"), ("WEBP", "image/webp")])
    def test_png_and_webp_lose_their_exif_too(self, problem, people, pillow_format, media_type):
        exif = Image.Exif()
        exif[GPS_IFD] = {1: "N", 2: (32.0, 41.0, 6.0)}
        buffer = io.BytesIO()
        Image.new("RGB", (16, 16), (1, 2, 3)).save(buffer, format=pillow_format, exif=exif)
        assert GPS_IFD in picture(buffer.getvalue()).getexif()
        upload = SimpleUploadedFile(f"照片.{pillow_format.lower()}", buffer.getvalue())
        attachment = attachment_add(item=problem, file=upload, acting_user=people.clerk_a)
        image = picture(stored(attachment))
        assert attachment.media_type == media_type and image.format == pillow_format
        assert GPS_IFD not in image.getexif()

    def test_bytes_hidden_after_the_picture_are_dropped(self, problem, people):
        payload = b"<script>alert(1)</script>"
        upload = SimpleUploadedFile("照片.jpg", jpeg_with_gps() + payload)
        data = stored(attachment_add(item=problem, file=upload, acting_user=people.clerk_a))
        assert payload not in data


class TestStorage:
    def test_random_name_outside_the_static_tree(self, problem, people):
        attachment = attachment_add(
            item=problem, file=SimpleUploadedFile("张三家门口.jpg", jpeg_with_gps()), acting_user=people.clerk_a
        )
        assert "张三" not in attachment.file.name and attachment.file.name.startswith("attachments/")
        media = Path(settings.MEDIA_ROOT).resolve()
        static = Path(settings.STATIC_ROOT).resolve()
        assert static not in media.parents and media != static and media not in static.parents
        assert not any(Path(directory).resolve() == media for directory in settings.STATICFILES_DIRS)


class TestDownload:
    def upload(self, problem, people, name: str, data: bytes) -> Attachment:
        return attachment_add(item=problem, file=SimpleUploadedFile(name, data), acting_user=people.clerk_a)

    def test_photos_inline_other_files_as_downloads(self, problem, people):
        photo = self.upload(problem, people, "现场照片.jpg", jpeg_with_gps())
        report = self.upload(problem, people, "整改报告.pdf", b"%PDF-1.4\n%%EOF\n")
        text = self.upload(problem, people, "说明.txt", b"<script>alert(1)</script>")
        client = client_for(people.leader)
        response = client.get(f"/attachments/{photo.pk}/")
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"].startswith("inline")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == stored(photo)
        for attachment, media_type in ((report, "application/pdf"), (text, "text/plain")):
            response = client.get(f"/attachments/{attachment.pk}/")
            assert response.status_code == 200 and response["Content-Type"] == media_type
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "no-store" in response["Cache-Control"]

    def test_another_orgs_attachment_is_404_to_a_clerk(self, problem, people):
        attachment = self.upload(problem, people, "现场照片.jpg", jpeg_with_gps())
        assert client_for(people.clerk_b).get(f"/attachments/{attachment.pk}/").status_code == 404
        assert client_for(people.clerk_a).get(f"/attachments/{attachment.pk}/").status_code == 200
        assert client_for(None).get(f"/attachments/{attachment.pk}/").status_code == 302  # to the sign-in page

    def test_roles_without_items_get_404(self, tree, problem, people):
        attachment = self.upload(problem, people, "现场照片.jpg", jpeg_with_gps())
        for role in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
            user = person_with_role(role, tree.district, username=f"x_{role}")
            assert client_for(user).get(f"/attachments/{attachment.pk}/").status_code == 404

    def test_a_progress_reports_file_follows_its_problem(self, problem, people):
        """A progress report has no scope of its own: its problem's decides."""
        ledger.progress_report(
            item=problem,
            acting_user=people.clerk_a,
            text="已清运",
            percent=50,
            evidence=[SimpleUploadedFile("清运.jpg", jpeg_with_gps())],
        )
        report = ProgressReport.objects.get()
        attachment = item_attachments(report).get()
        assert client_for(people.leader).get(f"/attachments/{attachment.pk}/").status_code == 200
        assert client_for(people.clerk_b).get(f"/attachments/{attachment.pk}/").status_code == 404

    def test_a_file_whose_item_has_no_scope_is_not_served(self, tree, people):
        """Closed by default: an attachment pointing at something without visible_to
        (and no scoped parent) is refused even to a supervisor of its org."""
        year = CalendarYear.objects.create(year=2031, source=CalendarYear.Source.MANUAL)
        attachment = Attachment(
            content_type=ContentType.objects.get_for_model(CalendarYear),
            object_id=year.pk,
            org=tree.community_a,
            original_name="x.pdf",
            media_type="application/pdf",
            size=9,
            sha256="0" * 64,
        )
        attachment.file.save("x.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        attachment.save()
        assert client_for(people.supervisor).get(f"/attachments/{attachment.pk}/").status_code == 404


def test_text_that_starts_with_mz_is_not_a_program(problem, people):
    upload = SimpleUploadedFile("编号.csv", "MZ2024,整改台账\n1,路灯\n".encode())
    assert attachment_add(item=problem, file=upload, acting_user=people.clerk_a).media_type == "text/csv"


def test_a_wish_photo_loses_its_gps_and_a_renamed_program_is_refused(tree, people):
    """The wishes app's photos (a member's proof of a wish fulfilled, shown to the
    resident on the public code page) take the same path."""
    from wishes import services as wishes
    from wishes.models import Wish
    from wishes.selectors import item_photos
    from wishes.tests.factories import wish_create

    wish = wish_create(community=tree.community_a)
    wishes.item_claim(item=wish, acting_user=people.member_a)
    program = SimpleUploadedFile("完成照片.jpg", PROGRAMS["PE (Windows)"])
    with pytest.raises(DomainError):
        wishes.item_fulfil(item=wish, acting_user=people.member_a, photos=[program])
    wishes.item_fulfil(
        item=Wish.objects.get(pk=wish.pk),
        acting_user=people.member_a,
        photos=[SimpleUploadedFile("完成照片.jpg", jpeg_with_gps())],
    )
    photo = item_photos(wish).get()
    assert GPS_IFD not in picture(stored(photo)).getexif()
