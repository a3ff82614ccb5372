"""Dashboards and bulletins at province scale: the dashboard page root to leaf through
gunicorn, and a district's weekly bulletin generated end to end in process.

Needs the database of ``bench.generate`` + ``bench.generate_ledger`` (read only: nothing
here writes to it). Against gunicorn on 127.0.0.1 (``bench.http_bench``'s server and
login), per benchmark account (root: the province supervisor; city and district:
leaders; leaf: a community clerk) it times ``/dashboards/`` (every registered panel:
the statistics of every provider the panels draw, counted once) and the big screen
``/dashboards/screen/``, median / p95 over ``--requests`` (fewer for a case over a
second, as ``bench.ledger_bench`` does). Then, in process, ``manage.py bulletin --period
week --org <district> --out FILE`` (a dry run: the figures, the overdue items named,
the text and the Word file, nothing saved), and its two halves apart: composing the
figures and rendering the .docx.

    TAIZHANG_VAR_DIR=bench/data/sqlite .venv/bin/python -m bench.dashboard_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/taizhang_bench .venv/bin/python -m bench.dashboard_bench
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import BENCH_PASSWORD, REPO_DIR, SCOPES, django_setup, machine, summarize, write_result
from bench.http_bench import Client, collectstatic, direct_session, free_port, start_server, stop_server
from bench.ledger_bench import load, scope_orgs, time_url

DASHBOARD_TARGET_MS = 300
BULLETIN_TARGET_MS = 2000


def cold_url(client: Client, url: str, *, requests: int) -> dict[str, Any]:
    """``url`` with the shared cache emptied before each request (this process and the
    server share the cache folder or Redis), so each one counts every figure."""
    from django.core.cache import cache

    samples, statuses, size = [], set(), 0
    for _ in range(requests):
        cache.clear()
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        statuses.add(response.status)
        size = len(response.body)
    return {"status": sorted(statuses), "bytes": size, **summarize(samples)}


def http_part(args: argparse.Namespace, payload: dict[str, Any]) -> None:
    from django.conf import settings

    orgs = scope_orgs()
    log = Path(settings.VAR_DIR) / "gunicorn-dashboards.log"
    source = args.source.resolve()
    print(f"collectstatic: {collectstatic(source):.1f} s", flush=True)
    port = free_port()
    server = start_server(source, port, args.workers, log, timeout=300)
    payload["http"] = {}
    try:
        print(f"gunicorn on 127.0.0.1:{port}, {args.workers} workers, from {source}, log {log}", flush=True)
        print(f"{'scope':<10}{'case':<12}{'status':>8}{'median ms':>11}{'p95 ms':>9}{'n':>4}{'KiB':>8}  note")
        for scope in SCOPES:
            if args.scopes and scope.label not in args.scopes:
                continue
            client = Client(port)
            client.connection.timeout = 300
            try:
                client.login(scope.username, BENCH_PASSWORD)
            except RuntimeError:
                client.cookies["sessionid"] = direct_session(scope.username)
            code, name = orgs[scope.label]
            results: dict[str, Any] = {}
            for label, url in (
                ("cold", "/dashboards/"),
                ("dashboard", "/dashboards/"),
                ("screen", "/dashboards/screen/"),
            ):
                if label == "cold":  # every request counts its figures: the server's cache emptied first
                    entry = cold_url(client, url, requests=args.slow_requests)
                else:  # within the minute the figures are reused (DASHBOARD_CACHE_SECONDS)
                    entry = time_url(client, url, requests=args.requests, slow_requests=args.slow_requests, warmup=2)
                entry["url"] = url
                results[label] = entry
                if "skipped" in entry:
                    print(f"{scope.label:<10}{label:<12}{entry['status']:>8}  {entry['skipped']}", flush=True)
                    continue
                over = entry["median_ms"] / DASHBOARD_TARGET_MS
                note = f"MISSED x{over:.1f}" if over > 1 else ""
                print(
                    f"{scope.label:<10}{label:<12}{','.join(map(str, entry['status'])):>8}{entry['median_ms']:>11.1f}"
                    f"{entry['p95_ms']:>9.1f}{entry['n']:>4}{entry['bytes'] / 1024:>8.1f}  {note}",
                    flush=True,
                )
            payload["http"][scope.label] = {"org": code, "org_name": name, "load": load(), "cases": results}
    finally:
        stop_server(server)
        print("gunicorn stopped", flush=True)


def bulletin_part(args: argparse.Namespace, payload: dict[str, Any]) -> None:
    """The district's weekly bulletin: the command end to end, then compose and render apart."""
    from django.core.management import call_command
    from django.utils import translation

    from bulletins.content import bulletin_scope, compose
    from bulletins.documents import bulletin_docx
    from bulletins.services import bulletin_build
    from orgs.models import Org

    code, name = scope_orgs()["district"]
    org = Org.objects.get(code=code)
    today = args.date
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder, translation.override("zh-hans"):
        out = Path(folder) / "bulletin.docx"

        def command() -> None:
            call_command(
                "bulletin", "--period", "week", "--org", code, "--date", today, "--out", str(out), stdout=io.StringIO()
            )

        def composing() -> None:
            scope = bulletin_scope(org=org, campaign=None, kind="week", as_of=_date(today))
            compose(scope, scope_name=org.name)

        built = bulletin_build(org=org, kind="week", as_of=_date(today))

        def rendering() -> None:
            bulletin_docx(built)

        print(
            f"\n=== district bulletin ({name}, {code}) in process, {args.bulletin_repeat} runs after 1 warm-up; "
            f"load {load()}",
            flush=True,
        )
        for label, function in (("command", command), ("compose", composing), ("docx", rendering)):
            function()
            samples = []
            for _ in range(args.bulletin_repeat):
                start = time.perf_counter()
                function()
                samples.append((time.perf_counter() - start) * 1000)
            results[label] = summarize(samples)
            over = results[label]["median_ms"] / BULLETIN_TARGET_MS if label == "command" else 0
            note = f"MISSED x{over:.1f}" if over > 1 else ""
            print(
                f"{label:<10}{results[label]['median_ms']:>11.1f}{results[label]['p95_ms']:>9.1f}  {note}", flush=True
            )
        results["bytes"] = out.stat().st_size
    problems = built.figures["statistics"].get("rectification", {}).get("problems", {})
    results["providers_failed"] = built.figures["failed"]
    results["problems"] = problems.get("total")
    results["overdue_items_named"] = built.figures["overdue_item_count"]
    results["units_ranked"] = len(problems.get("by_unit", []))
    payload["bulletin"] = {"org": code, "org_name": name, "load": load(), **results}
    print(
        f"problems {results['problems']:,}, named overdue {results['overdue_items_named']:,}, "
        f"units {results['units_ranked']}, docx {results['bytes'] / 1024:.0f} KiB",
        flush=True,
    )


def _date(value: str):  # type: ignore[no-untyped-def]
    import datetime

    return datetime.date.fromisoformat(value)


def main() -> None:
    import datetime

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page and account")
    parser.add_argument("--slow-requests", type=int, default=5, help="timed requests for a case over 1 s")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--bulletin-repeat", type=int, default=5, help="timed runs of each bulletin case")
    parser.add_argument("--date", default=datetime.date.today().isoformat(), help="the bulletin's date")
    parser.add_argument("--scopes", nargs="*", help="only these scopes (root city district leaf)")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-bulletin", action="store_true")
    parser.add_argument("--source", type=Path, default=REPO_DIR, help="checkout the server runs from")
    args = parser.parse_args()
    django_setup()
    import logging

    # A provider failing on this database (a table or column it lacks) is reported once
    # in the figures, not with a traceback per request.
    logging.getLogger("dashboards.selectors").setLevel(logging.CRITICAL)
    payload: dict[str, Any] = {"machine": machine(), "load_at_start": load(), "requests": args.requests}
    if not args.skip_http:
        http_part(args, payload)
    if not args.skip_bulletin:
        bulletin_part(args, payload)
    payload["load_at_end"] = load()
    print(f"\nFigures written to {write_result('dashboards', payload)}")


if __name__ == "__main__":
    main()
