"""What every benchmark script shares: Django set-up on a benchmark database only,
the benchmark users, timing statistics and a description of the machine."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / "data"

# One password for every benchmark account; hashed once by the generator.
BENCH_PASSWORD = "Bench-Taizhang-2026"


@dataclass(frozen=True)
class Scope:
    """A benchmark account and where its one grant sits in the tree."""

    label: str
    username: str
    role: str
    depth: int  # depth of the granted org: 1 root, 2 city, 3 district, 5 community


SCOPES = (
    Scope("root", "bench_root", "supervisor", 1),
    Scope("city", "bench_city", "leader", 2),
    Scope("district", "bench_district", "leader", 3),
    Scope("leaf", "bench_leaf", "clerk", 5),
)


def django_setup() -> None:
    """Set up Django, refusing any database that is not a benchmark one.

    The generator drops and rebuilds the database, so it must never reach the dev or a
    production database: SQLite only under a ``TAIZHANG_VAR_DIR`` other than ``var/``,
    PostgreSQL only in a database whose name contains ``bench``.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url:
        name = database_url.rsplit("/", 1)[-1].split("?", 1)[0]
        if "bench" not in name:
            raise SystemExit(f"Refusing DATABASE_URL database {name!r}: its name must contain 'bench'.")
    else:
        var_dir = os.environ.get("TAIZHANG_VAR_DIR", "")
        if not var_dir or Path(var_dir).resolve() == (REPO_DIR / "var").resolve():
            raise SystemExit("Set TAIZHANG_VAR_DIR to a benchmark folder, e.g. bench/data/sqlite.")
    import django

    django.setup()


def vendor() -> str:
    from django.db import connection

    return connection.vendor


def summarize(samples_ms: list[float]) -> dict[str, float]:
    """Median, p95 (nearest rank), min and max of a list of milliseconds."""
    ordered = sorted(samples_ms)
    rank = max(0, min(len(ordered) - 1, round(0.95 * len(ordered)) - 1))
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(ordered[rank], 3),
        "min_ms": round(ordered[0], 3),
        "max_ms": round(ordered[-1], 3),
    }


def time_it(function: Callable[[], Any], *, repeat: int, warmup: int = 3) -> dict[str, float]:
    """Run ``function`` ``warmup`` times, then ``repeat`` timed times."""
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return summarize(samples)


def _command(args: list[str]) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except OSError:
        return ""


def machine() -> dict[str, str]:
    """The machine and the versions the figures were taken with."""
    import sqlite3

    import django

    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = _command(["free", "-h"]).splitlines()
    info = {
        "cpu": cpu,
        "nproc": _command(["nproc"]),
        "memory": memory[1].split()[1] if len(memory) > 1 else "",
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.__version__,
        "sqlite": sqlite3.sqlite_version,
    }
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
            # The server's memory decides whether a province's pages stay cached
            # (docs/deployment.md); the figures say which it had.
            for setting in ("shared_buffers", "effective_cache_size"):
                cursor.execute(f"SHOW {setting}")
                info[setting] = cursor.fetchone()[0]
    return info


def write_result(name: str, payload: dict[str, Any]) -> Path:
    """Keep a run's figures as JSON under ``bench/data/results/`` for ``bench.report``;
    ``BENCH_TAG`` names a variant so it does not overwrite the plain run."""
    folder = DATA_DIR / "results"
    folder.mkdir(parents=True, exist_ok=True)
    tag = os.environ.get("BENCH_TAG", "")  # a variant of the same run, e.g. a server setting
    target = folder / f"{name}-{vendor()}{'-' + tag if tag else ''}.json"
    target.write_text(json.dumps(payload, ensure_ascii=False, indent=2))
    return target
