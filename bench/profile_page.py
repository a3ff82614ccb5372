"""Where a page's time goes: every query it runs, timed, slowest first.

Renders one URL in process (Django's test client, the session of a benchmark account)
after a warm-up, and prints the total, the time spent in SQL, and each query. Use it
when ``bench.http_bench`` shows a slow page. Needs ``collectstatic`` in the var dir
(``bench.http_bench`` runs it) because templates resolve static files by the manifest.

    TAIZHANG_VAR_DIR=bench/data/sqlite .venv/bin/python -m bench.profile_page / --scope root
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.common import SCOPES, django_setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--scope", default="root", choices=[scope.label for scope in SCOPES])
    parser.add_argument("--top", type=int, default=15, help="how many queries to print")
    args = parser.parse_args()
    django_setup()
    from django.db import connection
    from django.test import Client

    from orgs.models import User

    username = next(scope.username for scope in SCOPES if scope.label == args.scope)
    client = Client(headers={"host": "127.0.0.1"})
    client.force_login(User.objects.get(username=username))
    for _ in range(3):
        client.get(args.url)
    executed: list[tuple[float, str]] = []

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - start) * 1000
            with connection.cursor() as cursor:
                executed.append((elapsed, connection.ops.last_executed_query(cursor, sql, params) or sql))

    start = time.perf_counter()
    with connection.execute_wrapper(wrapper):
        response = client.get(args.url)
    total = (time.perf_counter() - start) * 1000
    in_sql = sum(elapsed for elapsed, _ in executed)
    print(f"{args.url} as {username}: status {response.status_code}, {total:.1f} ms in all, ")
    print(f"{len(executed)} queries taking {in_sql:.1f} ms, {total - in_sql:.1f} ms outside SQL\n")
    rows: list[Any] = sorted(executed, reverse=True)[: args.top]
    for elapsed, sql in rows:
        print(f"{elapsed:8.2f} ms  {sql[:400]}")


if __name__ == "__main__":
    main()
