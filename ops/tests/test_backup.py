"""Backup → change → restore gives back the same items, events and files; damaged
archives are refused; a whole installation moves into a fresh PostgreSQL database."""

from __future__ import annotations

import hashlib
import io
import socket
import tarfile
import uuid

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from core import services
from core.models import Attachment, Event
from ops.backup import BackupError, backup_create, backup_restore, backup_verify, connect, copied_models
from rectification.models import Measure, Problem
from rectification.tests.factories import MeasureFactory, ProblemFactory


def _png() -> bytes:
    """A real picture: photos are decoded and re-encoded on upload."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded files of this test only (the suite shares one folder per process)."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _scene(tree, people):  # type: ignore[no-untyped-def]
    problems = [ProblemFactory(org=tree.community_a, owner=people.clerk_a) for _ in range(3)]
    MeasureFactory(problem=problems[0])
    for problem in problems:
        services.event_record(item=problem, actor=people.clerk_a, action="created")
    services.attachment_add(
        item=problems[0], file=SimpleUploadedFile("现场照片.png", PNG + b"one"), acting_user=people.clerk_a
    )
    services.attachment_add(
        item=problems[1], file=SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 report"), acting_user=people.clerk_a
    )
    return problems


def _state() -> dict[str, object]:
    storage = storages["default"]
    files = {}
    for attachment in Attachment.objects.all():
        if not storage.exists(attachment.file.name):
            files[attachment.file.name] = None
            continue
        with storage.open(attachment.file.name, "rb") as handle:
            files[attachment.file.name] = hashlib.sha256(handle.read()).hexdigest()
    return {
        "problems": list(Problem.objects.order_by("pk").values_list("pk", "title", "status", "deadline")),
        "measures": list(Measure.objects.order_by("pk").values_list("pk", "problem_id", "title")),
        "events": list(Event.objects.order_by("pk").values_list("pk", "object_id", "action")),
        "attachments": list(Attachment.objects.order_by("pk").values_list("pk", "file", "sha256")),
        "files": files,
    }


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(tree, people, tmp_path) -> None:
    problems = _scene(tree, people)
    before = _state()
    assert len(before["files"]) == 2

    result = backup_create(output_dir=tmp_path / "backups")
    assert result.archive.name.startswith("taizhang-") and result.archive.name.endswith(".tar.gz")
    assert (tmp_path / "backups" / f"{result.archive.name}.sha256").read_text().split()[0] == result.checksum
    assert result.files == 2

    # After the backup: a problem deleted, one renamed, events added, files lost or overwritten.
    storage = storages["default"]
    attachments = list(Attachment.objects.order_by("pk"))
    storage.delete(attachments[0].file.name)
    with storage.open(attachments[1].file.name, "wb") as handle:
        handle.write(b"overwritten")
    Attachment.objects.filter(pk=attachments[1].pk).delete()
    Measure.objects.all().delete()
    Problem.objects.filter(pk=problems[2].pk).delete()
    Problem.objects.filter(pk=problems[1].pk).update(title="改过的标题")
    services.event_record(item=problems[0], actor=people.clerk_a, action="updated")
    assert _state() != before

    backup_restore(archive=result.archive)

    assert _state() == before
    # Ids go on from where the backup left them: a new row does not reuse a restored id.
    assert ProblemFactory(org=tree.community_a).pk > max(p.pk for p in problems)


@pytest.mark.django_db(transaction=True)
def test_damaged_archive_is_refused_before_anything_changes(tree, people, tmp_path) -> None:
    _scene(tree, people)
    result = backup_create(output_dir=tmp_path)
    data = bytearray(result.archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    result.archive.write_bytes(bytes(data))
    count = Problem.objects.count()
    with pytest.raises(BackupError, match="checksum"):
        backup_restore(archive=result.archive)
    assert Problem.objects.count() == count


@pytest.mark.django_db(transaction=True)
def test_manifest_lists_every_member_with_its_digest(tree, people, tmp_path) -> None:
    _scene(tree, people)
    result = backup_create(output_dir=tmp_path)
    manifest = backup_verify(result.archive)
    with tarfile.open(result.archive) as tar:
        names = set(tar.getnames())
    assert {entry["name"] for entry in manifest["files"]} | {"manifest.json"} == names
    assert manifest["database"] in names
    assert manifest["migrations"]["rectification"]


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_commands(tree, people, tmp_path) -> None:
    _scene(tree, people)
    call_command("backup", output=str(tmp_path), verbosity=0)
    archive = next(tmp_path.glob("taizhang-*.tar.gz"))
    Problem.objects.all().delete()
    call_command("restore", str(archive), "--verify-only")
    assert Problem.objects.count() == 0
    call_command("restore", str(archive), "--yes")
    assert Problem.objects.count() == 3
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), "--yes")


def _postgres_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def fresh_postgres():
    """An empty PostgreSQL database of its own, dropped afterwards."""
    if not _postgres_reachable():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    import psycopg

    name = f"taizhang_ops_move_{uuid.uuid4().hex[:10]}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        from django.db import connections

        if "move_target" in connections._connections.__dict__:  # made by the command in this thread
            connections["move_target"].close()
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_move_to_a_fresh_postgresql_database(tree, people, fresh_postgres) -> None:
    _scene(tree, people)
    call_command("move_database", to=fresh_postgres, verbosity=0)

    target = connect(fresh_postgres, alias="check_target")
    try:
        for model in copied_models():
            source_rows = model._base_manager.using("default").count()
            assert model._base_manager.using("check_target").count() == source_rows, model._meta.label
        moved = list(Problem.objects.using("check_target").order_by("pk").values_list("pk", "title", "org__path"))
        assert moved == list(Problem.objects.order_by("pk").values_list("pk", "title", "org__path"))
        events = Event.objects.using("check_target").order_by("pk").values_list("pk", "changes", "created_at")
        assert list(events) == list(Event.objects.order_by("pk").values_list("pk", "changes", "created_at"))
        # Sequences were moved past the copied ids: a new row gets a fresh id.
        problem = Problem.objects.using("check_target").first()
        problem.pk = None
        problem.save(using="check_target")
        assert problem.pk > Problem.objects.order_by("-pk").first().pk

        # A second move into a database that holds data is refused unless asked.
        with pytest.raises(CommandError, match="replace"):
            call_command("move_database", to=fresh_postgres, verbosity=0)
    finally:
        target.close()
        from django.db import connections

        del connections["check_target"]
