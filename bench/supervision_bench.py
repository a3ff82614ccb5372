"""Supervision at province scale: the warnings page and API through gunicorn, and the
daily check in process.

Needs the database of ``bench.generate`` + ``bench.generate_ledger``. The HTTP part reads
only: per benchmark account it times ``/supervision/warnings/`` (the first keyset page of
warned problems), ``/supervision/warnings/?level=bulletin`` and
``/api/warnings/?level=overdue``, median / p95 as ``bench.ledger_bench`` does. The daily
check part runs ``supervision.services.daily_check(deliver=False)`` for ``--date`` inside
one transaction that is rolled back at the end, so the benchmark database is left as it
was: how long selecting the open items inside the warning window takes (with its query
plan), and the whole decision (reminder, escalation and event rows for every warned item).

    TAIZHANG_VAR_DIR=bench/data/sqlite .venv/bin/python -m bench.supervision_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/taizhang_bench .venv/bin/python -m bench.supervision_bench
"""

from __future__ import annotations

import argparse
import datetime
import time
from pathlib import Path
from typing import Any

from bench.common import BENCH_PASSWORD, REPO_DIR, SCOPES, django_setup, machine, write_result
from bench.http_bench import Client, collectstatic, direct_session, free_port, start_server, stop_server
from bench.ledger_bench import load, time_url

URLS = (
    ("warnings", "/supervision/warnings/"),
    ("bulletin", "/supervision/warnings/?level=bulletin"),
    ("api", "/api/warnings/?level=overdue"),
)


class RolledBack(Exception):
    pass


def http_part(args: argparse.Namespace, payload: dict[str, Any]) -> None:
    from django.conf import settings

    log = Path(settings.VAR_DIR) / "gunicorn-supervision.log"
    source = args.source.resolve()
    print(f"collectstatic: {collectstatic(source):.1f} s", flush=True)
    port = free_port()
    server = start_server(source, port, args.workers, log, timeout=300)
    payload["http"] = {}
    try:
        print(f"{'scope':<10}{'case':<10}{'status':>8}{'median ms':>11}{'p95 ms':>9}{'n':>4}", flush=True)
        for scope in SCOPES:
            client = Client(port)
            client.connection.timeout = 300
            try:
                client.login(scope.username, BENCH_PASSWORD)
            except RuntimeError:
                client.cookies["sessionid"] = direct_session(scope.username)
            results: dict[str, Any] = {}
            for label, url in URLS:
                entry = time_url(client, url, requests=args.requests, slow_requests=args.slow_requests, warmup=2)
                results[label] = entry
                if "skipped" in entry:
                    print(f"{scope.label:<10}{label:<10}{entry['status']:>8}  {entry['skipped']}", flush=True)
                    continue
                print(
                    f"{scope.label:<10}{label:<10}{','.join(map(str, entry['status'])):>8}{entry['median_ms']:>11.1f}"
                    f"{entry['p95_ms']:>9.1f}{entry['n']:>4}",
                    flush=True,
                )
            payload["http"][scope.label] = {"load": load(), "cases": results}
    finally:
        stop_server(server)


def check_part(args: argparse.Namespace, payload: dict[str, Any]) -> None:
    from django.db import connection, transaction

    from rectification.models import Problem
    from supervision import services
    from supervision.warnings import open_items, thresholds

    day = datetime.date.fromisoformat(args.date)
    limits = thresholds(day)
    candidates = open_items(Problem).filter(deadline__isnull=False, deadline__lte=limits.yellow_until)
    start = time.perf_counter()
    ids = services._candidate_ids(Problem, limits)
    ids_ms = (time.perf_counter() - start) * 1000
    warned = len(ids)
    start = time.perf_counter()
    first_batch = services._batch_rows(Problem, limits, ids[: services.BATCH])
    batch_ms = (time.perf_counter() - start) * 1000
    sql, params = candidates.values_list("pk", flat=True).query.sql_with_params()
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(explain + sql, params)
        plan = [" ".join(str(part) for part in row) for row in cursor.fetchall()]
    print(f"\n=== daily check for {day} (load {load()})", flush=True)
    print(f"warned problems: {warned:,} (ids {ids_ms:.0f} ms); first batch of {len(first_batch)}: {batch_ms:.1f} ms")
    print("plan of the id query:\n  " + "\n  ".join(plan), flush=True)
    result: dict[str, Any] = {}
    start = time.perf_counter()
    try:
        with transaction.atomic():
            outcome = services.daily_check(today=day, deliver=False)
            result = outcome.as_dict()
            raise RolledBack
    except RolledBack:
        pass
    total_s = time.perf_counter() - start
    print(
        f"whole check (rolled back): {total_s:.1f} s, {result.get('reminders', 0):,} reminders, "
        f"{result.get('escalations', 0):,} escalations, by level {result.get('by_level')}",
        flush=True,
    )
    payload["daily_check"] = {
        "date": args.date,
        "warned_problems": warned,
        "ids_ms": round(ids_ms, 1),
        "first_batch_ms": round(batch_ms, 1),
        "plan": plan,
        "total_s": round(total_s, 1),
        "result": result,
        "load": load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--slow-requests", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--date", default=datetime.date.today().isoformat(), help="the day to check")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-check", action="store_true")
    parser.add_argument("--source", type=Path, default=REPO_DIR)
    args = parser.parse_args()
    django_setup()
    payload: dict[str, Any] = {"machine": machine(), "load_at_start": load()}
    if not args.skip_http:
        http_part(args, payload)
    if not args.skip_check:
        check_part(args, payload)
    payload["load_at_end"] = load()
    print(f"\nFigures written to {write_result('supervision', payload)}")


if __name__ == "__main__":
    main()
