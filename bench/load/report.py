"""Markdown of load and fault results for docs/performance.md:
``python -m bench.load.report FILE.json …``."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def load_table(result: dict) -> str:
    lines = [
        f"**{result['db']}**: {result['clients']} clients for {result['duration_s']:.0f} s, gunicorn "
        f"{result['workers']} workers × {result['threads']} threads; {result['requests']:,} requests, "
        f"**{result['throughput_rps']} requests/s, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms**; "
        f"writes acknowledged {result['acknowledged']:,}, **lost {result['lost']}**; "
        f"5xx {result['server_errors_5xx']}, 503 database unavailable {result['answered_503_database_unavailable']}, "
        f"'database is locked' in the server log {result['database_is_locked_in_server_log']}; "
        f"load average {result['load_average_before_after'][0]} → {result['load_average_before_after'][1]}.",
        "",
        "| operation | requests | p50 ms | p99 ms | answers |",
        "|---|---:|---:|---:|---|",
    ]
    for op, row in result["by_operation"].items():
        answers = ", ".join(f"{status}: {count}" for status, count in sorted(row["statuses"].items()))
        lines.append(f"| `{op}` | {row['count']:,} | {row['p50_ms']:,} | {row['p99_ms']:,} | {answers} |")
    lines += ["", "| write | acknowledged | found | lost |", "|---|---:|---:|---:|"]
    for kind, row in result["writes"].items():
        lines.append(f"| {kind} | {row['acknowledged']:,} | {row['found']:,} | {len(row['lost'])} |")
    if result.get("timeline"):
        if result.get("postgres_restart"):
            began, ended = result["postgres_restart"]
            cut = [int(began), int(ended) + 1]
            what = f"PostgreSQL restarted (pg_ctlcluster, fast) from second {began} to {ended}"
        else:
            cut = result["database_cut"]
            what = f"database cut from second {cut[0]} to {cut[1]}"
        lines += ["", f"Answers per second ({what}):", ""]
        lines.append("| second | answers |")
        lines.append("|---:|---|")
        for second, statuses in result["timeline"].items():
            if cut[0] - 3 <= int(second) <= cut[1] + 8:
                lines.append(f"| {second} | {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))} |")
    return "\n".join(lines)


def main() -> None:
    for name in sys.argv[1:]:
        result = json.loads(Path(name).read_text())
        print(
            load_table(result)
            if "by_operation" in result
            else "```json\n" + json.dumps(result, ensure_ascii=False, indent=2) + "\n```"
        )
        print()


if __name__ == "__main__":
    main()
