"""Shared pieces of the fault runs: a copy of the load-test database to break, and
manage.py commands run against it as separate processes (which the runs kill)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
LOAD_DATA = ROOT / "bench" / "load" / "data"
DATA = ROOT / "bench" / "faults" / "data"
PG = "postgres://postgres@127.0.0.1:5432/"


def copy_database(db: str, name: str) -> dict[str, str]:
    """A fresh copy of the load test's demo database (built by ``bench.load.run``);
    returns the environment that reaches it."""
    # The copies have no collected static files: pages name them unhashed.
    env = {
        **os.environ,
        "LOG_FORMAT": "text",
        "PYTHONPATH": str(ROOT),
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    folder = DATA / f"{db}-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    env["TAIZHANG_VAR_DIR"] = str(folder)
    source_folder = LOAD_DATA / db
    if not (source_folder / "prepared").exists():
        raise SystemExit(f"build the demo database first: .venv/bin/python -m bench.load.run --db {db} --duration 10")
    (folder / "secret_key").write_bytes((source_folder / "secret_key").read_bytes())
    if db == "sqlite":
        target = folder / "taizhang.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        source = sqlite3.connect(source_folder / "taizhang.sqlite3")
        copy = sqlite3.connect(target)
        source.backup(copy)
        copy.close()
        source.close()
        env.pop("DATABASE_URL", None)
        return env
    copy_name = f"taizhang_ops_fault_{name}"
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", copy_name], check=True)
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", "--template", "taizhang_ops_load", copy_name], check=True
    )
    env["DATABASE_URL"] = PG + copy_name
    return env


def shell(env: dict[str, str], code: str) -> str:
    """Run Python in ``manage.py shell`` against the copy; returns its last output line."""
    result = subprocess.run(
        [PY, "manage.py", "shell", "-v0", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(result.stderr[-3000:])
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def integrity(env: dict[str, str]) -> str:
    """SQLite's own check of the file, or PostgreSQL's answer to a query."""
    return shell(
        env,
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        "c.execute('PRAGMA integrity_check' if connection.vendor == 'sqlite' else 'SELECT 1')\n"
        "print(c.fetchone()[0])",
    )


def record(name: str, payload: dict) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    payload["machine"] = {"nproc": os.cpu_count(), "load": [round(v, 2) for v in os.getloadavg()]}
    path = DATA / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2))
    print(json.dumps(payload, ensure_ascii=False, indent=2))
    return path
