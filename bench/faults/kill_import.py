"""SIGKILL in the middle of a 100,000-row ledger import leaves nothing half-written, and
the same import run again succeeds.

    .venv/bin/python -m bench.faults.kill_import --db sqlite
    .venv/bin/python -m bench.faults.kill_import --db postgresql

On a copy of the load test's demo database: a spreadsheet of ``--rows`` rows in the
exporter's layout (the demo's problems repeated, each title numbered), a new campaign
with the demo's channels and domains; then ``manage.py import_ledger`` (the service the
worker runs for uploads) killed with SIGKILL at several moments, the database checked
after each kill (no problem, measure or event of the campaign, integrity good), and the
same file imported to the end.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import time

from bench.faults.common import DATA, PY, ROOT, copy_database, integrity, record, shell

BUILD = """
import itertools
from openpyxl import Workbook
from rectification.exporters import _header_rows, _problem_rows
from rectification.models import Measure, Problem
from campaigns.models import Campaign, Channel
from rectification.models import Domain
source = Campaign.objects.order_by("pk").first()
target = Campaign.objects.create(org=source.org, name="断电导入演练", short_name="断电导入",
    start_date=source.start_date, end_date=source.end_date, status=source.status)
for channel in Channel.objects.filter(campaign=source):
    Channel.objects.create(campaign=target, code=channel.code, name=channel.name, order=channel.order)
for domain in Domain.objects.filter(campaign=source):
    Domain.objects.create(campaign=target, name=domain.name, order=domain.order)
problems = list(
    Problem.objects.filter(campaign=source).select_related("org", "owner", "channel", "domain").order_by("pk")
)
measures = {}
for m in Measure.objects.filter(problem__campaign=source).select_related("org").order_by("pk"):
    measures.setdefault(m.problem_id, []).append(m)
book = Workbook(write_only=True)
sheet = book.create_sheet("问题清单")
sheet.append(["断电导入演练台账"])
sheet.append(_header_rows()[1])
written = number = 0
for copy in itertools.count(1):
    for problem in problems:
        if written >= ROWS:
            break
        title = problem.title
        problem.title = f"{title}（第{copy}份）"
        problem.owner = None
        number += 1
        for values in _problem_rows(problem, number, measures.get(problem.pk, [])):
            sheet.append(values)
            written += 1
        problem.title = title
    if written >= ROWS:
        break
book.save(PATH)
print(target.pk, number, written)
"""

COUNT = """
from core.models import Event
from django.contrib.contenttypes.models import ContentType
from rectification.models import Measure, Problem
ids = list(Problem.objects.filter(campaign_id=CAMPAIGN).values_list("pk", flat=True))
problem_type = ContentType.objects.get_for_model(Problem)
events = Event.objects.filter(content_type=problem_type, object_id__in=ids[:50000]).count()
print(len(ids), Measure.objects.filter(problem__campaign_id=CAMPAIGN).count(), events)
"""


def import_command(env: dict[str, str], path: str, campaign: str) -> subprocess.Popen:
    return subprocess.Popen(
        [PY, "manage.py", "import_ledger", path, "--campaign", campaign],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--kills", default="0.3,0.6,0.9", help="kill at these fractions of a full import's time")
    args = parser.parse_args()
    env = copy_database(args.db, "import")
    sheet = DATA / f"ledger-{args.rows}.xlsx"
    started = time.monotonic()
    campaign, problems, rows = shell(env, f"ROWS = {args.rows}\nPATH = {str(sheet)!r}\n" + BUILD).split()
    payload: dict = {"db": args.db, "rows": int(rows), "problems_in_file": int(problems)}
    payload["build_s"] = round(time.monotonic() - started, 1)

    # How long a whole import takes here, on a second copy (the numbers the kills aim at).
    reference_env = copy_database(args.db, "import-reference")
    reference_campaign = shell(reference_env, f"ROWS = 1\nPATH = {str(DATA / 'unused.xlsx')!r}\n" + BUILD).split()[0]
    started = time.monotonic()
    reference = import_command(reference_env, str(sheet), reference_campaign)
    output = reference.communicate()[0]
    full = time.monotonic() - started
    payload["reference_import"] = {
        "seconds": round(full, 1),
        "returncode": reference.returncode,
        "last_line": output.strip().splitlines()[-1:],
    }

    kills = []
    for fraction in [float(f) for f in args.kills.split(",")]:
        process = import_command(env, str(sheet), campaign)
        time.sleep(full * fraction)
        alive = process.poll() is None
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        left = shell(env, f"CAMPAIGN = {campaign}\n" + COUNT).split()
        kills.append(
            {
                "killed_after_s": round(full * fraction, 1),
                "was_running": alive,
                "problems_left": int(left[0]),
                "measures_left": int(left[1]),
                "events_left": int(left[2]),
                "integrity": integrity(env),
            }
        )
    payload["kills"] = kills
    started = time.monotonic()
    final = import_command(env, str(sheet), campaign)
    output = final.communicate()[0]
    after = shell(env, f"CAMPAIGN = {campaign}\n" + COUNT).split()
    payload["import_again"] = {
        "seconds": round(time.monotonic() - started, 1),
        "returncode": final.returncode,
        "last_line": output.strip().splitlines()[-1:],
        "problems": int(after[0]),
        "measures": int(after[1]),
        "integrity": integrity(env),
    }
    payload["nothing_half_written"] = all(
        k["problems_left"] == k["measures_left"] == k["events_left"] == 0 for k in kills
    )
    payload["import_again_complete"] = final.returncode == 0 and int(after[0]) == int(problems)
    record(f"kill_import-{args.db}", payload)


if __name__ == "__main__":
    main()
