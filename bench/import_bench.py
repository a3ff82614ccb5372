"""Import of a 100,000-row ledger, end to end: ``manage.py import_ledger FILE --campaign ID``.

The spreadsheet has the rectification exporter's columns and cells (see ``build_ledger``):
problems of the benchmark city (安康市) from the benchmark database,
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
import io
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
    """Problems of the benchmark city, in id order, until ``rows`` data rows; returns counts.

    The cells are the exporter's own (``rectification.exporters._problem_rows``, the
    header's column names), written with openpyxl's write-only mode: ``export_ledger``
    itself takes ~11 ms a problem here (5.5 s for 500, so ~12 minutes for this file),
    mostly merging and styling cells. Without merges a problem's cells are left empty
    under its first row, which the importer reads as the same problem. Each title gets
    its id, since a unit's titles must be unique in a campaign, and units are given by
    code, since names repeat among 50,000 orgs (the importer asks for the code then).
    """
    from django.db.models import Count
    from openpyxl import Workbook

    from core.personal import PersonalExport
    from orgs.models import Org, User
    from rectification.exporters import _header_rows, _problem_rows
    from rectification.models import Measure, Problem

    city = Org.objects.filter(depth=2).order_by("path")[8]
    start = time.perf_counter()
    ambiguous = set(
        User.objects.values_list("home_org_id", "real_name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("home_org_id", "real_name")
    )
    problems = list(
        Problem.objects.filter(org__path__gte=city.path, org__path__lt=city.path + "~")
        .select_related("org", "owner", "channel", "domain")
        .order_by("pk")[: rows + 1]
    )
    measures: dict[int, list[Measure]] = {}
    ids = [problem.pk for problem in problems]
    for offset in range(0, len(ids), 900):
        chunk = ids[offset : offset + 900]
        for measure in Measure.objects.filter(problem_id__in=chunk).select_related("org").order_by("id"):
            measures.setdefault(measure.problem_id, []).append(measure)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("问题清单")
    sheet.append([f"{city.name}问题整改台账（基准）"])
    sheet.append(_header_rows()[1])
    written, used, measure_count = 0, 0, 0
    # The installer's own export: names in full (the importer matches owners by name).
    everything = PersonalExport(None, full=True)
    for number, problem in enumerate(problems, start=1):
        if written >= rows:
            break
        problem.title = f"{problem.title}（编号{problem.pk}）"
        problem.org.name = problem.org.code  # 50,000 orgs repeat names: offices then write the code
        if problem.owner is not None and (problem.org_id, problem.owner.real_name) in ambiguous:
            problem.owner = None  # two people of that name in the unit: the importer asks for a blank
        own = measures.get(problem.pk, [])
        for measure in own:
            measure.org.name = measure.org.code
        for values in _problem_rows(problem, number, own, everything):
            sheet.append(values)
            written += 1
        used += 1
        measure_count += len(own)
    output = io.BytesIO()
    book.save(output)
    target.write_bytes(output.getvalue())
    return {
        "rows": written,
        "problems": used,
        "measures": measure_count,
        "bytes": len(output.getvalue()),
        "build_s": round(time.perf_counter() - start, 1),
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
