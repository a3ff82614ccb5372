"""Markdown tables of the last figures in ``bench/data/results/``, for docs/performance.md.

.venv/bin/python -m bench.report
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.common import DATA_DIR

VENDORS = ("sqlite", "postgresql")
CASES = ("user_count", "user_page", "org_count", "org_page", "grant_lookup", "fresh_user_count")


def load(name: str, vendor: str) -> dict[str, Any] | None:
    path = DATA_DIR / "results" / f"{name}-{vendor}.json"
    return json.loads(path.read_text()) if path.exists() else None


def variants() -> list[str]:
    """``vendor`` and ``vendor-tag`` names of every result kept, plain runs first."""
    names = {path.stem.split("-", 1)[1] for path in (DATA_DIR / "results").glob("*.json")}
    return sorted(names, key=lambda name: (name.split("-")[0] != "sqlite", "-" in name, name))


def visible_to_table(data: dict[str, Any]) -> list[str]:
    lines = [
        "| scope | case | rows | queries | median ms | p95 ms | orgs_org read by |",
        "|---|---|--:|--:|--:|--:|---|",
    ]
    for label, scope in data["scopes"].items():
        for case in CASES:
            entry = scope["cases"][case]
            verdict = entry.get("org_access", "")
            lines.append(
                f"| {label} ({scope['org']}) | {case} | {entry.get('rows', '')} | {entry['queries']} "
                f"| {entry['median_ms']:.2f} | {entry['p95_ms']:.2f} | {verdict} |"
            )
    return lines


def http_table(data: dict[str, Any]) -> list[str]:
    urls = list(next(iter(data["scopes"].values()))["urls"])
    lines = [
        "| scope | login | " + " | ".join(f"`{url}`" for url in urls) + " |",
        "|---|--:|" + "--:|" * len(urls),
    ]
    for label, scope in data["scopes"].items():
        cells = []
        for url in urls:
            entry = scope["urls"][url]
            cells.append(
                f"{entry['status']} ({entry['skipped']})"
                if "skipped" in entry
                else f"{entry['median_ms']:.1f} / {entry['p95_ms']:.1f}"
            )
        login = "—" if scope["login_ms"] is None else f"{scope['login_ms']:.0f}"
        lines.append(f"| {label} | {login} | " + " | ".join(cells) + " |")
    throughput = data.get("throughput")
    if throughput:
        lines += [
            "",
            f"Throughput, {throughput['threads']} client threads for {throughput['seconds']} s over every working "
            f"URL and account: **{throughput['requests_per_second']} requests/s**, median "
            f"{throughput['median_ms']:.1f} ms, p95 {throughput['p95_ms']:.1f} ms, {throughput['errors']} errors "
            f"({throughput['requests']} requests).",
        ]
    return lines


def ledger_tables(data: dict[str, Any]) -> list[str]:
    """The ledger benchmark (``bench.ledger_bench``): one row per case, one column per scope."""
    scopes = list(data.get("http", {}))
    lines: list[str] = []
    if scopes:
        cases = list(data["http"][scopes[0]]["cases"])
        lines += ["| case | " + " | ".join(scopes) + " |", "|---|" + "--:|" * len(scopes)]
        for case in cases:
            cells = []
            for label in scopes:
                entry = data["http"][label]["cases"].get(case, {})
                if "skipped" in entry:
                    cells.append(f"{entry['status']} ({entry['skipped']})")
                elif "median_ms" in entry:
                    cells.append(f"{entry['median_ms']:.0f} / {entry['p95_ms']:.0f} (n={entry['n']})")
                else:
                    cells.append("")
            lines.append(f"| {case} | " + " | ".join(cells) + " |")
        lines.append("")
    statistics = data.get("statistics", {})
    if statistics:
        lines += [
            "| scope | org | `stats --json` median / p95 ms | ledger provider alone | problems |",
            "|---|---|--:|--:|--:|",
        ]
        for label, entry in statistics.items():
            command, ledger = entry["stats_command"], entry["ledger_figures"]
            lines.append(
                f"| {label} | {entry['org']} | {command['median_ms']:.0f} / {command['p95_ms']:.0f} "
                f"| {ledger['median_ms']:.0f} | {entry['problems']:,} |"
            )
        lines.append("")
    return lines


def main() -> None:
    out: list[str] = []
    for vendor in variants():
        ledger = load("ledger", vendor)
        if ledger:
            out += [f"### Ledger, {vendor}: median / p95 ms (load {ledger.get('load_at_start', '?')})", ""]
            out += ledger_tables(ledger)
        visible = load("visible_to", vendor)
        if visible:
            out += [f"### visible_to in process, {vendor} ({visible['repeat']} repetitions)", ""]
            out += [*visible_to_table(visible), ""]
        http = load("http", vendor)
        if http:
            out += [
                f"### HTTP against gunicorn ({http['workers']} sync workers), {vendor}: median / p95 ms "
                f"over {http['requests']} requests",
                "",
            ]
            out += [*http_table(http), ""]
    machine: dict[str, Any] = {}
    for vendor in VENDORS:
        machine.update((load("visible_to", vendor) or {}).get("machine", {}))
    if machine:
        out += ["### Machine", "", *(f"- {key}: {value}" for key, value in machine.items())]
    print("\n".join(out) if out else f"No figures under {Path(DATA_DIR) / 'results'} yet.")


if __name__ == "__main__":
    main()
