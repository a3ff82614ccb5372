"""The ledger's list page query, tab counts, API page and today's statistics, in process,
per benchmark scope: a quick check of plans where an HTTP run cannot be afforded (the
HTTP figures are ``bench.ledger_bench``'s). Median of 3 after one warm-up, ms."""

from __future__ import annotations

import statistics
import sys
import time

from bench.common import django_setup

# The lambdas below are called at once, inside their loop iteration.
# ruff: noqa: B023


def timed(call, runs: int = 3) -> float:
    call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    django_setup()
    from django.db import connection
    from django.http import QueryDict

    from core.pagination import keyset_page
    from core.statistics import build_scope
    from orgs.models import User
    from rectification.filters import ProblemFilterSet
    from rectification.models import Problem
    from rectification.selectors import problems_visible, tab_counts
    from rectification.statistics import ledger_figures

    labels = sys.argv[1:] or ["root", "city", "district", "leaf"]
    print(f"{connection.vendor}")
    for label in labels:
        user = User.objects.get(username=f"bench_{label}")
        for query in ["", "status=rectifying", "overdue=true", "level=grassroots"]:
            base = problems_visible(user=user)
            filterset = ProblemFilterSet(QueryDict(query), queryset=base, user=user)
            page = timed(lambda: keyset_page(filterset.qs, key="sort_deadline", descending=False, cursor=None, size=50))
            counts = timed(lambda: tab_counts(user=user, scope=None, filterset=filterset))
            api = timed(
                lambda: list(Problem.objects.visible_to(user).select_related("org", "owner").order_by("-id")[:51])
            )
            print(f"{label:9} {query or '-':18} page {page:9.1f}  tabs {counts:9.1f}  api {api:9.1f}", flush=True)
        scope = build_scope(user=user)
        print(
            f"{label:9} statistics (ledger_figures) {timed(lambda: ledger_figures(scope=scope), runs=1):9.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
