"""The Huey worker killed with SIGKILL in the middle of the daily check; the check run
again sends no reminder twice.

    .venv/bin/python -m bench.faults.kill_daily_check --db sqlite

On a copy of the load test's demo database every open problem and measure is made
overdue (the scene), so the check has thousands of items to remind. A Huey worker runs
``supervision.tasks.daily_check``; chat-robot posts go to a receiver in this script.
When about a third of the reminders are written, the worker's process group gets
SIGKILL; a new worker is started and the check enqueued again (as the next scheduled
run, or an administrator's ``manage.py daily_check``, would). Then: one reminder row per
item, no in-app notification and no robot line sent twice.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from bench.faults.common import ROOT, copy_database, integrity, record, shell

HOOK_PORT = 8792
SCENE = """
import datetime
from django.utils import timezone
from rectification.choices import ItemStatus
from rectification.models import Measure, Problem
from core import calendar
today = timezone.localdate()
late = today - datetime.timedelta(days=20)
p = Problem.objects.exclude(status=ItemStatus.CLOSED).update(deadline=late)
m = Measure.objects.exclude(status=ItemStatus.CLOSED).update(deadline=late)
print(p + m, calendar.is_working_day(today))
"""
ENQUEUE = "from supervision.tasks import daily_check; daily_check()"

received: list[str] = []


class Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        received.extend(line for line in body["markdown"]["content"].splitlines()[1:] if line.startswith("> "))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


def query(env: dict[str, str], sql: str) -> list[tuple]:
    """Read the copy directly (fast polling, no Django start-up)."""
    if "DATABASE_URL" in env:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as connection:
            return connection.execute(sql).fetchall()
    connection = sqlite3.connect(Path(env["TAIZHANG_VAR_DIR"]) / "taizhang.sqlite3", timeout=30)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/python"), "manage.py", "run_huey", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--kill-at", type=float, default=0.33, help="share of the items reminded when killed")
    args = parser.parse_args()
    env = copy_database(args.db, "daily")
    env["REMINDER_WEBHOOK_URL"] = f"http://127.0.0.1:{HOOK_PORT}/robot"
    items, working_day = shell(env, SCENE).split()
    if working_day != "True":
        raise SystemExit("today is not a working day: the daily check would do nothing")
    items = int(items)
    server = HTTPServer(("127.0.0.1", HOOK_PORT), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log = Path(env["TAIZHANG_VAR_DIR"]) / "worker.log"
    payload: dict = {"db": args.db, "overdue_items": items}

    first_notification = query(env, "SELECT COALESCE(MAX(id), 0) FROM core_notification")[0][0]
    first = worker(env, log)
    shell(env, ENQUEUE)
    started = time.monotonic()
    reminders = 0
    while time.monotonic() - started < 900:
        reminders = query(env, "SELECT COUNT(*) FROM supervision_reminder")[0][0]
        if reminders >= items * args.kill_at:
            break
        time.sleep(0.1)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    at_kill = query(
        env,
        "SELECT COUNT(*), SUM(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END) FROM supervision_reminder",
    )[0]
    payload["killed"] = {
        "after_s": round(time.monotonic() - started, 1),
        "reminders_written": at_kill[0],
        "reminders_claimed_for_delivery": at_kill[1] or 0,
        "robot_lines_received": len(received),
        "integrity": integrity(env),
    }

    second = worker(env, log)
    shell(env, ENQUEUE)
    started = time.monotonic()
    stable = 0
    last = None
    while time.monotonic() - started < 900 and stable < 10:
        now = query(
            env,
            "SELECT COUNT(*), SUM(CASE WHEN delivered_at IS NULL THEN 1 ELSE 0 END) FROM supervision_reminder",
        )[0]
        stable = stable + 1 if now == last and (now[1] or 0) == 0 and now[0] >= items else 0
        last = now
        time.sleep(0.5)
    os.killpg(second.pid, signal.SIGTERM)
    second.wait()
    server.shutdown()

    per_item_day = query(
        env,
        "SELECT COUNT(*) FROM (SELECT content_type_id, object_id, date FROM supervision_reminder "
        "GROUP BY content_type_id, object_id, date HAVING COUNT(*) > 1) AS twice",
    )[0][0]
    notifications_twice = query(
        env,
        "SELECT COUNT(*) FROM (SELECT recipient_id, url, title FROM core_notification "
        f"WHERE id > {first_notification} GROUP BY recipient_id, url, title HAVING COUNT(*) > 1) AS twice",
    )[0][0]
    total, undelivered = query(
        env,
        "SELECT COUNT(*), SUM(CASE WHEN delivered_at IS NULL THEN 1 ELSE 0 END) FROM supervision_reminder",
    )[0]
    payload["run_again"] = {
        "seconds": round(time.monotonic() - started, 1),
        "reminders": total,
        "undelivered": undelivered or 0,
        "robot_lines_received_in_all": len(received),
    }
    payload["reminders_for_an_item_twice_in_a_day"] = per_item_day
    payload["notifications_sent_twice"] = notifications_twice
    # The robot gets one message per delivery batch, its lines cut at a maximum: it can
    # only be checked against the total (no more lines than reminders).
    payload["robot_lines_not_more_than_reminders"] = len(received) <= total
    payload["no_reminder_sent_twice"] = per_item_day == notifications_twice == 0
    record(f"kill_daily_check-{args.db}", payload)


if __name__ == "__main__":
    main()
