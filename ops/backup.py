"""Backup and restore of a whole installation: the database (SQLite's online backup API
or ``pg_dump``) and every uploaded file, in one dated ``.tar.gz`` with a SHA-256 beside
it; and the move of an installation from one database to another (SQLite → PostgreSQL).

The database is copied before the files: a file uploaded meanwhile is then at worst an
unreferenced extra in the archive, never a row whose file is missing.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.core.management.color import no_style
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.utils import timezone

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    archive: Path
    checksum: str
    files: int
    database_bytes: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- Database dumps ---------------------------------------------------------------------


def _pg_environment(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments of the PostgreSQL client tools for a Django database."""
    arguments = ["--dbname", settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        arguments += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        arguments += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        arguments += ["--username", settings_dict["USER"]]
    environment = {**os.environ}
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = settings_dict["PASSWORD"]
    return arguments, environment


def dump_database(connection: BaseDatabaseWrapper, target: Path) -> str:
    """A consistent copy of the live database in ``target``; returns its file name in
    the archive. SQLite: the online backup API (readers and the writer go on meanwhile).
    PostgreSQL: ``pg_dump`` in its custom format (one snapshot)."""
    if connection.vendor == "sqlite":
        source = sqlite3.connect(str(connection.settings_dict["NAME"]))
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy, pages=4096)
        finally:
            copy.close()
            source.close()
        return "database.sqlite3"
    if connection.vendor == "postgresql":
        arguments, environment = _pg_environment(connection.settings_dict)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(target), *arguments], environment)
        return "database.pgdump"
    raise BackupError(f"backups of {connection.vendor} databases are not supported")


def load_database(connection: BaseDatabaseWrapper, dump: Path) -> None:
    """Replace the live database's content with ``dump``, all or nothing."""
    connection.close()  # no idle session of ours in the way
    if connection.vendor == "sqlite":
        source = sqlite3.connect(str(dump))
        live = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=30)
        try:
            source.backup(live)  # page by page under one write lock: readers see old or new
        finally:
            live.close()
            source.close()
        return
    arguments, environment = _pg_environment(connection.settings_dict)
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            *arguments,
            str(dump),
        ],
        environment,
    )


def _run(command: list[str], environment: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=environment, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client)") from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()[-2000:]}") from error


# --- Uploaded files ---------------------------------------------------------------------


def stored_files(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in ``storage`` (the file system or an S3 bucket), depth first."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from stored_files(storage, f"{folder}/{sub}" if folder else sub)


# --- Backup and restore -------------------------------------------------------------------


def backup_create(*, output_dir: Path, database: str = "default", now: datetime.datetime | None = None) -> BackupResult:
    """Write ``taizhang-YYYYMMDD-HHMMSS.tar.gz`` and its ``.sha256`` into ``output_dir``."""
    connection = connections[database]
    storage = storages["default"]
    now = now or timezone.now()
    output_dir.mkdir(parents=True, exist_ok=True)
    archive = output_dir / f"taizhang-{timezone.localtime(now):%Y%m%d-%H%M%S}.tar.gz"
    if archive.exists():
        raise BackupError(f"{archive} already exists")
    partial = archive.with_suffix(".partial")
    entries: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="taizhang-backup-") as scratch:
        dump = Path(scratch) / "database"
        database_name = dump_database(connection, dump)
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(dump, arcname=database_name)
            entries.append({"name": database_name, "size": dump.stat().st_size, "sha256": sha256_of(dump)})
            for name in stored_files(storage):
                with storage.open(name, "rb") as handle:
                    content = handle.read()
                info = tarfile.TarInfo(MEDIA_PREFIX + name)
                info.size = len(content)
                info.mtime = int(now.timestamp())
                tar.addfile(info, io.BytesIO(content))
                entries.append(
                    {"name": MEDIA_PREFIX + name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
                )
            manifest = {
                "format": FORMAT_VERSION,
                "created_at": now.isoformat(),
                "vendor": connection.vendor,
                "database": database_name,
                "migrations": _applied_migrations(connection),
                "files": entries,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(now.timestamp())
            tar.addfile(info, io.BytesIO(data))
        database_bytes = dump.stat().st_size
    with partial.open("rb+") as handle:
        os.fsync(handle.fileno())
    partial.rename(archive)  # a crash mid-backup leaves a .partial, never a truncated archive
    checksum = sha256_of(archive)
    Path(f"{archive}.sha256").write_text(f"{checksum}  {archive.name}\n")
    return BackupResult(archive=archive, checksum=checksum, files=len(entries) - 1, database_bytes=database_bytes)


def _applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        latest[app] = max(latest.get(app, ""), name)
    return latest


def backup_verify(archive: Path) -> dict[str, Any]:
    """Check the archive against its ``.sha256`` and every member against the manifest;
    returns the manifest."""
    sidecar = Path(f"{archive}.sha256")
    if sidecar.exists():
        expected = sidecar.read_text().split()[0]
        if sha256_of(archive) != expected:
            raise BackupError(f"{archive.name}: checksum does not match {sidecar.name}; the archive is damaged")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]
            for entry in manifest["files"]:
                member = tar.extractfile(entry["name"])
                if member is None or hashlib.sha256(member.read()).hexdigest() != entry["sha256"]:
                    raise BackupError(f"{archive.name}: {entry['name']} is damaged or missing")
    except (tarfile.TarError, KeyError, OSError, EOFError) as error:
        raise BackupError(f"{archive.name} is not a readable Taizhang backup: {error}") from error
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{archive.name}: unknown backup format {manifest.get('format')}")
    return manifest


def backup_restore(*, archive: Path, database: str = "default") -> dict[str, Any]:
    """Put the database and the uploaded files of ``archive`` back. Stop the app servers
    and the worker first. Returns the manifest."""
    manifest = backup_verify(archive)
    connection = connections[database]
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"the backup holds a {manifest['vendor']} database and this installation runs {connection.vendor}; "
            "restore it into the same kind of database, then use move_database"
        )
    storage = storages["default"]
    with tempfile.TemporaryDirectory(prefix="taizhang-restore-") as scratch, tarfile.open(archive, "r:gz") as tar:
        dump = Path(scratch) / "database"
        with tar.extractfile(manifest["database"]) as source, dump.open("wb") as target:  # type: ignore[union-attr]
            shutil.copyfileobj(source, target)
        load_database(connection, dump)
        for entry in manifest["files"]:
            if not entry["name"].startswith(MEDIA_PREFIX):
                continue
            name = entry["name"][len(MEDIA_PREFIX) :]
            if storage.exists(name):
                storage.delete(name)
            with tar.extractfile(entry["name"]) as member:  # type: ignore[union-attr]
                saved = storage.save(name, File(member, name=name))
            if saved != name:
                raise BackupError(f"{name} was stored as {saved}")
    return manifest


# --- Moving to another database -------------------------------------------------------------


def connect(url_or_settings: str | dict[str, Any], alias: str) -> BaseDatabaseWrapper:
    """A connection to another database, made at run time and kept out of
    ``settings.DATABASES``; ``migrate --database alias`` works on it in this thread."""
    import environ

    settings_dict = environ.Env.db_url_config(url_or_settings) if isinstance(url_or_settings, str) else url_or_settings
    settings_dict = connections.configure_settings({"default": dict(settings_dict)})["default"]
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    connections[alias] = wrapper
    return wrapper


def copied_models() -> list[type]:
    """Every table Django manages, many-to-many tables included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def move_database(*, source: str, target: str, batch: int = 2000, replace: bool = False) -> dict[str, int]:
    """Copy every row of every model from alias ``source`` into alias ``target`` (already
    migrated to the same state), in one transaction on the target, then set its id
    sequences past the highest id. Returns the rows copied per table."""
    from django.db.migrations.executor import MigrationExecutor

    source_connection, target_connection = connections[source], connections[target]
    for connection in (source_connection, target_connection):
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            missing = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
            raise BackupError(f"database {connection.alias} is not fully migrated ({missing}); run migrate on it first")
    from orgs.models import Org, User

    if not replace and (User.objects.using(target).exists() or Org.objects.using(target).exists()):
        raise BackupError("the target database already holds people or orgs; pass --replace to overwrite it")
    models = copied_models()
    copied: dict[str, int] = {}
    with transaction.atomic(using=target):
        triggered: list[str] = []
        with target_connection.cursor() as cursor:
            tables = [target_connection.ops.quote_name(m._meta.db_table) for m in models]
            if target_connection.vendor == "postgresql":
                # Tables some apps keep up to date with triggers (the ledger's tallies)
                # are copied as they are: their triggers must not fire again while the
                # rows they count arrive. Switched off before any row changes, since
                # PostgreSQL refuses ALTER TABLE with trigger events pending.
                cursor.execute("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal")
                triggered = [row[0] for row in cursor.fetchall()]
                for table in triggered:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
                cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            else:
                cursor.execute("PRAGMA defer_foreign_keys = ON")
                for table in tables:
                    cursor.execute(f"DELETE FROM {table}")
        for model in models:
            copied[model._meta.db_table] = _copy_table(model, source, target_connection, batch)
        with target_connection.cursor() as cursor:
            for statement in target_connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
            if triggered:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the deferred checks now
                for table in triggered:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    return copied


def _copy_table(model: type, source: str, target_connection: BaseDatabaseWrapper, batch: int) -> int:
    fields = [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]
    quote = target_connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    rows = (
        model._base_manager.using(source)
        .order_by(model._meta.pk.attname)
        .values_list(*[f.attname for f in fields])
        .iterator(chunk_size=batch)
    )
    count = 0
    chunk: list[list[Any]] = []
    with target_connection.cursor() as cursor:
        for row in rows:
            chunk.append(
                [f.get_db_prep_save(v, connection=target_connection) for f, v in zip(fields, row, strict=True)]
            )
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count
