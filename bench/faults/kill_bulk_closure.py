"""SIGKILL of the app server in the middle of a bulk closure (a supervisor approving the
closure of many problems at once) leaves nothing half-written; the same request sent
again after the restart closes them all.

    .venv/bin/python -m bench.faults.kill_bulk_closure --db sqlite

On a copy of the load test's demo database, ``--problems`` open problems are put in
"closure requested" (their measures closed) as the scene; gunicorn serves it; the
supervisor posts the bulk approval through ``/ledger/bulk/``. A reference copy gives the
request's full time; on the fault copy the whole gunicorn process group is killed with
SIGKILL half-way (``--kill-at``), then the selection is counted: all closed or none, and
as many closure events as closed problems.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import requests

from bench.faults.common import DATA, ROOT, copy_database, integrity, record, shell

PORT = 8791
BASE = f"http://127.0.0.1:{PORT}"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

SCENE = """
from rectification.choices import ItemStatus
from rectification.models import Measure, Problem
ids = list(Problem.objects.filter(status=ItemStatus.RECTIFYING).order_by("pk").values_list("pk", flat=True)[:COUNT])
Measure.objects.filter(problem_id__in=ids).update(status=ItemStatus.CLOSED)
Problem.objects.filter(pk__in=ids).update(status=ItemStatus.CLOSURE_REQUESTED)
print(",".join(map(str, ids)))
"""

COUNT = """
from core.models import Event
from django.contrib.contenttypes.models import ContentType
from rectification.models import Problem
ids = [IDS]
closed = Problem.objects.filter(pk__in=ids, status="closed").count()
kind = ContentType.objects.get_for_model(Problem)
events = Event.objects.filter(content_type=kind, object_id__in=ids, to_status="closed").count()
print(closed, events)
"""


def serve(env: dict[str, str], log: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "taizhang.wsgi", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{PORT}", "WORKERS": "1", "THREADS": "2", "GUNICORN_TIMEOUT": "600"},
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(120):
        try:
            if requests.get(f"{BASE}/healthz", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"server did not start; see {log}")


def bulk_approve(ids: list[str], outcome: dict) -> None:
    session = requests.Session()
    page = session.get(f"{BASE}/login/", timeout=30)
    session.post(
        f"{BASE}/login/",
        data={
            "username": "supervisor",
            "password": "Demo@2026",
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
        },
        headers={"Referer": f"{BASE}/login/"},
        timeout=30,
    )
    started = time.monotonic()
    try:
        response = session.post(
            f"{BASE}/ledger/bulk/",
            data={"problem": ids, "action": "approve_closure", "csrfmiddlewaretoken": session.cookies["csrftoken"]},
            headers={"Referer": f"{BASE}/ledger/"},
            allow_redirects=False,
            timeout=900,
        )
        outcome["status"] = response.status_code
    except requests.RequestException as error:
        outcome["status"] = f"connection lost: {type(error).__name__}"
    outcome["seconds"] = round(time.monotonic() - started, 2)


def counts(env: dict[str, str], ids: list[str]) -> tuple[int, int]:
    closed, events = shell(env, COUNT.replace("[IDS]", "[" + ",".join(ids) + "]")).split()
    return int(closed), int(events)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--problems", type=int, default=2000)
    parser.add_argument("--kill-at", type=float, default=0.5)
    args = parser.parse_args()
    log = DATA / f"kill_bulk_closure-{args.db}.server.log"
    DATA.mkdir(parents=True, exist_ok=True)
    payload: dict = {"db": args.db}

    reference_env = copy_database(args.db, "bulk-reference")
    env = copy_database(args.db, "bulk")
    ids = shell(reference_env, SCENE.replace("COUNT", str(args.problems))).split(",")
    server = serve(reference_env, log)
    reference: dict = {}
    try:
        bulk_approve(ids, reference)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    payload["selected"] = len(ids)
    payload["reference"] = {**reference, "closed_events": counts(reference_env, ids)}

    ids = shell(env, SCENE.replace("COUNT", str(args.problems))).split(",")
    server = serve(env, log)
    outcome: dict = {}
    client = threading.Thread(target=bulk_approve, args=(ids, outcome))
    client.start()
    time.sleep(reference["seconds"] * args.kill_at)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait()
    client.join()
    closed, events = counts(env, ids)
    payload["killed"] = {
        "after_s": round(reference["seconds"] * args.kill_at, 1),
        "client_saw": outcome.get("status"),
        "closed": closed,
        "closure_events": events,
        "integrity": integrity(env),
    }
    server = serve(env, log)
    again: dict = {}
    bulk_approve(ids, again)
    os.killpg(server.pid, signal.SIGTERM)
    server.wait()
    closed_after, events_after = counts(env, ids)
    payload["sent_again"] = {**again, "closed": closed_after, "closure_events": events_after}
    payload["nothing_half_written"] = closed in (0, len(ids)) and events == closed
    payload["sent_again_complete"] = closed_after == len(ids) == events_after
    record(f"kill_bulk_closure-{args.db}", payload)


if __name__ == "__main__":
    main()
