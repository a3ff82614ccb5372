"""The ledger at province scale: list page, list API and statistics, root to leaf.

Needs the database of ``bench.generate`` + ``bench.generate_ledger``. Against gunicorn
on 127.0.0.1 (``bench.http_bench``'s server, login and timing helpers), per benchmark
account (root: the province supervisor; city and district: leaders; leaf: a community
clerk) it times

- ``/ledger/`` (the HTML list: keyset page of 50 sorted by deadline, plus the tab counts)
  plain and with each common filter: ``status=rectifying``, ``overdue=true``,
  ``level=grassroots``, ``campaign=<the city's campaign>``, ``q=排水``; and the search's
  tab counts, which its page fetches after it (``/ledger/counts/?q=排水``);
- ``/api/problems/`` with the same filters (skipped with a note while it answers 404);
- ``/api/statistics/?org=CODE`` for the account's own org: every app's figures, and the
  ledger's alone (``&apps=rectification``), and the ledger's statistics page;

median / p95 over ``--requests`` after ``--warmup`` (over fewer, ``--slow-requests``,
when a first answer takes more than a second, so that a slow case does not take the
run's whole time; over three seconds, one more after the first). Then, in process,
``manage.py stats --json --org CODE`` (the command itself, through ``call_command``)
at every scope, and the ledger's own provider (``ledger_figures``) alone. Finally the
slowest list URL is profiled query by query (``bench.profile_page``).

    TAIZHANG_VAR_DIR=bench/data/sqlite .venv/bin/python -m bench.ledger_bench
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bench.common import BENCH_PASSWORD, REPO_DIR, SCOPES, django_setup, machine, summarize, write_result
from bench.http_bench import (
    Client,
    collectstatic,
    describe,
    direct_session,
    free_port,
    start_server,
    stop_server,
)

LIST_TARGET_MS = 50
STATISTICS_TARGET_MS = 200
SEARCH_WORD = "排水"


def filters(campaign_id: int) -> dict[str, str]:
    """The common filters, by label, as query strings."""
    return {
        "plain": "",
        "status=rectifying": "status=rectifying",
        "overdue=true": "overdue=true",
        "level=grassroots": "level=grassroots",
        "campaign": f"campaign={campaign_id}",
        f"q={SEARCH_WORD}": "q=" + urllib.parse.quote(SEARCH_WORD),
    }


def time_url(client: Client, url: str, *, requests: int, slow_requests: int, warmup: int) -> dict[str, Any]:
    """Like ``bench.http_bench.time_url``, with fewer rounds for a case over a second."""
    start = time.perf_counter()
    first = client.get(url)
    first_ms = (time.perf_counter() - start) * 1000
    if first.status != 200:
        note = "not there yet (404)" if first.status == 404 else f"answered {first.status}"
        return {"status": first.status, "skipped": note}
    if first_ms > 3000:  # seconds per request: the first answer and one more say enough
        requests, warmup = 1, 0
    elif first_ms > 1000:
        requests, warmup = slow_requests, 1
    for _ in range(warmup):
        client.get(url)
    samples = []
    statuses = set()
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        statuses.add(response.status)
    return {"status": sorted(statuses), **describe(first, url), **summarize(samples)}


def scope_orgs() -> dict[str, tuple[str, str]]:
    """The org code and name each benchmark account is granted at, by scope label."""
    from orgs.models import RoleGrant

    found = {}
    for scope in SCOPES:
        grant = RoleGrant.objects.select_related("org").get(user__username=scope.username)
        found[scope.label] = (grant.org.code, grant.org.name)
    return found


def city_campaign_id() -> int:
    from campaigns.models import Campaign

    campaign = Campaign.objects.filter(short_name="集中整治").order_by("pk").first()
    if campaign is None:
        raise SystemExit("Run bench.generate_ledger first: there is no ledger.")
    return campaign.pk


def http_part(args: argparse.Namespace, payload: dict[str, Any]) -> None:
    from django.conf import settings

    campaign_id = city_campaign_id()
    orgs = scope_orgs()
    log = Path(settings.VAR_DIR) / "gunicorn.log"
    source = args.source.resolve()
    print(f"collectstatic: {collectstatic(source):.1f} s", flush=True)
    port = free_port()
    server = start_server(source, port, args.workers, log, timeout=300)
    payload["http"] = {}
    try:
        print(f"gunicorn on 127.0.0.1:{port}, {args.workers} workers, log {log}", flush=True)
        for scope in SCOPES:
            if args.scopes and scope.label not in args.scopes:
                continue
            client = Client(port)
            client.connection.timeout = 300  # a root page without the fixes takes half a minute
            try:
                client.login(scope.username, BENCH_PASSWORD)
            except RuntimeError:
                client.cookies["sessionid"] = direct_session(scope.username)
            code, name = orgs[scope.label]
            urls = {}
            for label, query in filters(campaign_id).items():
                urls[f"list {label}"] = "/ledger/" + (f"?{query}" if query else "")
            # A search's tab counts, which its page fetches after it (``problem_counts``).
            urls[f"list q={SEARCH_WORD} counts"] = "/ledger/counts/?q=" + urllib.parse.quote(SEARCH_WORD)
            for label, query in filters(campaign_id).items():
                urls[f"api {label}"] = "/api/problems/" + (f"?{query}" if query else "")
            urls["api statistics"] = f"/api/statistics/?org={code}"  # every app's figures
            urls["api statistics ledger"] = f"/api/statistics/?org={code}&apps=rectification"
            urls["statistics page"] = f"/ledger/statistics/?org={code}"
            results: dict[str, Any] = {}
            print(f"\n=== {scope.label} ({scope.username} at {name}, {code}); load {load()}", flush=True)
            print(f"{'case':<26}{'status':>8}{'median ms':>11}{'p95 ms':>9}{'n':>4}{'KiB':>8}  note", flush=True)
            for label, url in urls.items():
                if label.startswith("api ") and label != "api plain" and results.get("api plain", {}).get("skipped"):
                    results[label] = dict(results["api plain"])
                    continue
                entry = time_url(
                    client, url, requests=args.requests, slow_requests=args.slow_requests, warmup=args.warmup
                )
                entry["url"] = url
                results[label] = entry
                if "skipped" in entry:
                    print(f"{label:<26}{entry['status']:>8}{'':>11}{'':>9}{'':>4}{'':>8}  {entry['skipped']}")
                    continue
                target = STATISTICS_TARGET_MS if "statistics" in label else LIST_TARGET_MS
                note = f"count={entry['api_count']}" if entry.get("api_count") is not None else ""
                over = entry["median_ms"] / target
                note += f"  MISSED x{over:.1f}" if over > 1 else ""
                print(
                    f"{label:<26}{','.join(map(str, entry['status'])):>8}{entry['median_ms']:>11.1f}"
                    f"{entry['p95_ms']:>9.1f}{entry['n']:>4}{entry['bytes'] / 1024:>8.1f}  {note}",
                    flush=True,
                )
            payload["http"][scope.label] = {"org": code, "org_name": name, "load": load(), "cases": results}
    finally:
        stop_server(server)
        print("gunicorn stopped", flush=True)


def statistics_part(args: argparse.Namespace, payload: dict[str, Any]) -> None:
    """``manage.py stats --json --org CODE`` in process, and the ledger provider alone."""
    from django.core.management import call_command

    from core.statistics import build_scope
    from rectification.statistics import ledger_figures

    payload["statistics"] = {}
    print(f"\n=== statistics in process ({args.stats_repeat} runs after 1 warm-up); load {load()}", flush=True)
    print(f"{'scope':<10}{'org':<14}{'stats --json median':>21}{'p95':>9}{'ledger only':>13}{'problems':>10}")
    for label, (code, _name) in scope_orgs().items():
        if args.scopes and label not in args.scopes:
            continue

        def command(code: str = code) -> str:
            out = io.StringIO()
            call_command("stats", "--json", "--org", code, stdout=out)
            return out.getvalue()

        def ledger(code: str = code) -> dict[str, Any]:
            return ledger_figures(scope=build_scope(user=None, org=code))

        figures = ledger()
        results = {}
        for name, function in (("stats_command", command), ("ledger_figures", ledger)):
            function()
            samples = []
            for _ in range(args.stats_repeat):
                start = time.perf_counter()
                function()
                samples.append((time.perf_counter() - start) * 1000)
            results[name] = summarize(samples)
        results["problems"] = figures["problems"]["total"]
        results["measures"] = figures["measures"]["total"]
        payload["statistics"][label] = {"org": code, **results}
        print(
            f"{label:<10}{code:<14}{results['stats_command']['median_ms']:>21.1f}"
            f"{results['stats_command']['p95_ms']:>9.1f}{results['ledger_figures']['median_ms']:>13.1f}"
            f"{results['problems']:>10,}",
            flush=True,
        )


def slowest_list(payload: dict[str, Any]) -> tuple[str, str] | None:
    worst: tuple[float, str, str] | None = None
    for label, scope in payload.get("http", {}).items():
        for case, entry in scope["cases"].items():
            if case.startswith("list") and "median_ms" in entry and (worst is None or entry["median_ms"] > worst[0]):
                worst = (entry["median_ms"], entry["url"], label)
    return (worst[1], worst[2]) if worst else None


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per URL and account")
    parser.add_argument("--slow-requests", type=int, default=7, help="timed requests for a case over 1 s")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--stats-repeat", type=int, default=7, help="timed runs of each statistics case")
    parser.add_argument("--scopes", nargs="*", help="only these scopes (root city district leaf)")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-stats", action="store_true")
    parser.add_argument("--source", type=Path, default=REPO_DIR, help="checkout the server runs from")
    args = parser.parse_args()
    django_setup()
    payload: dict[str, Any] = {"machine": machine(), "load_at_start": load(), "requests": args.requests}
    if "shared_buffers" in payload["machine"]:
        print(f"PostgreSQL shared_buffers {payload['machine']['shared_buffers']}", flush=True)
    if not args.skip_http:
        http_part(args, payload)
    if not args.skip_stats:
        statistics_part(args, payload)
    payload["load_at_end"] = load()
    print(f"\nFigures written to {write_result('ledger', payload)}")
    worst = slowest_list(payload)
    if worst:
        url, label = worst
        print(f"\n=== the slowest list case, query by query: {url} as {label}", flush=True)
        subprocess.run(
            [sys.executable, "-m", "bench.profile_page", url, "--scope", label, "--top", "8"],
            cwd=REPO_DIR,
            check=False,
        )


if __name__ == "__main__":
    main()
