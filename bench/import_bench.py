"""Import of a 100,000-row ledger, end to end: ``manage.py import_ledger FILE --campaign ID``.

The spreadsheet is the rectification exporter's own layout (``export_ledger``, which the
importer reads back): problems of the benchmark city (安康市) from the benchmark database,
in id order, until the sheet has ``--rows`` data rows (a problem takes one row per
measure, merged). The import runs into a **copy** of the benchmark database, so the
database the other benchmarks read stays as generated: SQLite ``.backup`` into
``bench/data/<vendor>-import/``, PostgreSQL ``CREATE DATABASE …_import TEMPLATE …``. In
the copy a new campaign run by the province gets the same channels and domains, and the
command is timed as a separate process, the way an administrator runs it (start-up,
reading the file, checking every row, writing in one transaction).

    TAIZHANG_VAR_DIR=bench/data/sqlite .venv/bin/python -m bench.import_bench
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import DATA_DIR, REPO_DIR, django_setup, machine, write_result

IMPORT_TARGET_S = 30


def build_ledger(rows: int, target: Path) -> dict[str, Any]:
    """Export problems of the benchmark city until ``rows`` data rows; returns counts."""
    from django.db.models import Count

    from orgs.models import Org
    from rectification.exporters import export_ledger
    from rectification.models import Problem

    city = Org.objects.filter(depth=2).order_by("path")[8]
    candidates = (
        Problem.objects.filter(org__path__gte=city.path, org__path__lt=city.path + "~")
        .annotate(n=Count("measures"))
        .order_by("pk")
        .values_list("pk", "n")
    )
    ids, total, measures = [], 0, 0
    for pk, count in candidates.iterator(chunk_size=5000):
        ids.append(pk)
        total += max(1, count)
        measures += count
        if total >= rows:
            break
    start = time.perf_counter()
    data = export_ledger(Problem.objects.filter(pk__in=ids).order_by("pk"))
    elapsed = time.perf_counter() - start
    target.write_bytes(data)
    return {
        "rows": total,
        "problems": len(ids),
        "measures": measures,
        "bytes": len(data),
        "export_s": round(elapsed, 1),
        "city": city.name,
    }


def copy_database() -> dict[str, str]:
    """A copy of the benchmark database to import into; the environment that reaches it."""
    from django.db import connection

    environment = dict(os.environ)
    if connection.vendor == "sqlite":
        folder = DATA_DIR / "sqlite-import"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "taizhang.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        source = sqlite3.connect(connection.settings_dict["NAME"])
        copy = sqlite3.connect(target)
        source.backup(copy)
        copy.close()
        source.close()
        secret = Path(connection.settings_dict["NAME"]).parent / "secret_key"
        if secret.exists():
            (folder / "secret_key").write_bytes(secret.read_bytes())
        environment["TAIZHANG_VAR_DIR"] = str(folder)
        return environment
    name = connection.settings_dict["NAME"]
    copy_name = f"{name}_import"
    connection.close()
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(
        host=settings.get("HOST") or "127.0.0.1",
        port=settings.get("PORT") or 5432,
        user=settings.get("USER") or "postgres",
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{copy_name}" TEMPLATE "{name}"')
    environment["DATABASE_URL"] = environment["DATABASE_URL"].rsplit("/", 1)[0] + f"/{copy_name}"
    return environment


CAMPAIGN_SCRIPT = """
import datetime
from campaigns.models import Campaign, Channel
from rectification.models import Domain
source = Campaign.objects.get(short_name="主题教育")
target = Campaign.objects.create(org=source.org, name="导入基准专项工作", short_name="导入基准",
    start_date=source.start_date, end_date=source.end_date, status=source.status)
for channel in Channel.objects.filter(campaign=source):
    Channel.objects.create(campaign=target, code=channel.code, name=channel.name, order=channel.order)
for domain in Domain.objects.filter(campaign=source):
    Domain.objects.create(campaign=target, name=domain.name, order=domain.order)
print(target.pk)
"""


def manage(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO_DIR, env=environment, capture_output=True, text=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="data rows of the spreadsheet")
    args = parser.parse_args()
    django_setup()
    try:
        import rectification.exporters  # noqa: F401
        from rectification.management.commands import import_ledger  # noqa: F401
    except ImportError as error:
        raise SystemExit(f"No importer/exporter yet ({error}); the harness is ready for when they exist.") from None
    from django.db import connection

    payload: dict[str, Any] = {"machine": machine(), "load_at_start": " ".join(f"{v:.2f}" for v in os.getloadavg())}
    target = DATA_DIR / f"ledger-{args.rows}-{connection.vendor}.xlsx"
    print(f"Exporting {args.rows:,} rows to {target} …", flush=True)
    payload["file"] = build_ledger(args.rows, target)
    print("    " + ", ".join(f"{key} {value}" for key, value in payload["file"].items()), flush=True)
    start = time.perf_counter()
    environment = copy_database()
    print(f"copy of the database: {time.perf_counter() - start:.1f} s", flush=True)
    made = manage(environment, "shell", "-c", CAMPAIGN_SCRIPT)
    if made.returncode:
        raise SystemExit(made.stderr)
    campaign = made.stdout.strip().splitlines()[-1]
    for label, extra in (("dry run", ["--dry-run"]), ("import", [])):
        start = time.perf_counter()
        result = manage(environment, "import_ledger", str(target), "--campaign", campaign, *extra)
        elapsed = time.perf_counter() - start
        tail = (result.stdout.strip().splitlines() or [""])[-1]
        errors = result.stderr.strip().splitlines()[:5]
        payload[label.replace(" ", "_")] = {
            "seconds": round(elapsed, 1),
            "returncode": result.returncode,
            "last_line": tail,
            "errors": errors,
            "load": " ".join(f"{v:.2f}" for v in os.getloadavg()),
        }
        verdict = f"MISSED x{elapsed / IMPORT_TARGET_S:.1f}" if elapsed > IMPORT_TARGET_S else "within 30 s"
        print(f"{label}: {elapsed:.1f} s, exit {result.returncode} ({verdict}); {tail}", flush=True)
        for line in errors:
            print(f"    {line}")
    print(f"Figures written to {write_result('import', payload)}")


if __name__ == "__main__":
    main()
