"""Research and study at province scale: the crowding check, the coverage report (不掉队),
the visit list and the week calendar, through gunicorn and in process.

Needs the province of ``bench.generate`` (50,113 orgs, 200,000 people of every member
category). With ``--copy-from`` it first copies that SQLite database into this run's
``TAIZHANG_VAR_DIR`` (so the shared benchmark database is never written), then adds:

* outreach plans at the root for outflow (三个一) and elderly (四个一) members, with each
  step done for 60–90 % of them (about 40,000 records);
* 20,000 enterprises and places at grids and communities, and 200,000 logged visits by
  2,000 leaders over two years (rows written in bulk: this is data, not behaviour).

Then it times, per benchmark account (root, city, district, leaf):
``/study/outreach/<plan>/coverage/`` (the first page of members missing a step),
``/research/visits/``, ``/research/visits/week/`` and ``/api/research-visits/``; and in
process the crowding and double-booking check (``visit_conflicts``) on random visits, and
the ``research`` and ``study`` statistics providers at the root.

    TAIZHANG_VAR_DIR=/tmp/study_bench .venv/bin/python -m bench.study_bench \
        --copy-from bench/data/sqlite/taizhang.sqlite3
"""

from __future__ import annotations

import argparse
import datetime
import random
import sqlite3
import time
from pathlib import Path
from typing import Any

from bench.common import BENCH_PASSWORD, REPO_DIR, SCOPES, django_setup, machine, time_it, write_result

VISITS = 200_000
ENTITIES = 20_000
LEADERS = 2_000


def copy_database(source: Path, target: Path) -> float:
    """SQLite's online backup: a consistent copy even while others read the source."""
    start = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    return time.perf_counter() - start


def generate(rng: random.Random) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from orgs.choices import MemberCategory, OrgKind
    from orgs.models import Org, User
    from research.choices import EntityKind, VisitKind, VisitStatus
    from research.models import Entity, Visit
    from study.models import OutreachPlan, OutreachRecord, OutreachStep
    from study.services import DEFAULT_CHECKLISTS

    counts: dict[str, Any] = {}
    start = time.perf_counter()
    root = Org.objects.get(depth=1)
    with transaction.atomic():
        OutreachRecord.objects.all().delete()
        OutreachStep.objects.all().delete()
        OutreachPlan.objects.all().delete()
        Visit.objects.all().delete()
        Entity.objects.all().delete()
        records = []
        for category in (MemberCategory.OUTFLOW, MemberCategory.ELDERLY):
            name, titles = DEFAULT_CHECKLISTS[category]
            plan = OutreachPlan.objects.create(org=root, category=category, name=name)
            steps = OutreachStep.objects.bulk_create(
                OutreachStep(plan=plan, order=order, title=title) for order, title in enumerate(titles, start=1)
            )
            members = list(User.objects.filter(member_category=category).values_list("pk", flat=True))
            for step in steps:
                share = rng.uniform(0.6, 0.9)
                for member in rng.sample(members, round(len(members) * share)):
                    records.append(OutreachRecord(step=step, member_id=member, done_on=datetime.date(2026, 10, 1)))
        OutreachRecord.objects.bulk_create(records, batch_size=5000)
        counts["outreach_records"] = len(records)
        places = list(Org.objects.filter(kind__in=[OrgKind.GRID, OrgKind.COMMUNITY]).values_list("pk", flat=True))
        entities = Entity.objects.bulk_create(
            (
                Entity(
                    org_id=rng.choice(places),
                    name=f"基准企业{number:05d}",
                    kind=EntityKind.ENTERPRISE if number % 4 else EntityKind.PLACE,
                )
                for number in range(ENTITIES)
            ),
            batch_size=5000,
        )
        entity_orgs = {entity.pk: entity.org_id for entity in entities}
        entity_ids = list(entity_orgs)
        leaders = list(User.objects.order_by("pk").values_list("pk", flat=True)[:LEADERS])
        first = timezone.make_aware(datetime.datetime(2025, 1, 1, 9))
        kinds = VisitKind.values
        visits = []
        for _ in range(VISITS):
            starts_at = first + datetime.timedelta(days=rng.randrange(730), hours=rng.choice((0, 5)))
            entity = rng.choice(entity_ids)
            visits.append(
                Visit(
                    org_id=entity_orgs[entity],
                    leader_id=rng.choice(leaders),
                    entity_id=entity,
                    kind=rng.choice(kinds),
                    status=VisitStatus.DONE,
                    starts_at=starts_at,
                    ends_at=starts_at + datetime.timedelta(hours=2),
                    people_met=rng.randrange(1, 30),
                    questionnaires=rng.randrange(0, 4),
                )
            )
        Visit.objects.bulk_create(visits, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts.update(visits=VISITS, entities=ENTITIES, leaders=LEADERS, seconds=round(time.perf_counter() - start, 1))
    return counts


def in_process(rng: random.Random) -> dict[str, Any]:
    from django.utils import timezone

    from core.statistics import build_scope, collect
    from orgs.models import User
    from research.models import Entity, Visit
    from research.services import visit_conflicts

    leaders = list(User.objects.filter(pk__in=Visit.objects.values("leader")[:LEADERS]))
    entities = list(Entity.objects.order_by("?")[:200])
    first = timezone.make_aware(datetime.datetime(2025, 1, 1, 9))

    def check() -> None:
        starts_at = first + datetime.timedelta(days=rng.randrange(730))
        visit_conflicts(
            leader=rng.choice(leaders),
            entity=rng.choice(entities),
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
        )

    figures = {"visit_conflicts": time_it(check, repeat=200, warmup=5)}
    for name in ("research", "study"):
        figures[f"statistics_{name}_root"] = time_it(
            lambda name=name: collect(build_scope(user=None), names=[name]), repeat=5, warmup=1
        )
    return figures


def http_part(args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings

    from bench.http_bench import Client, collectstatic, direct_session, free_port, start_server, stop_server
    from bench.ledger_bench import time_url
    from orgs.choices import MemberCategory
    from study.models import OutreachPlan

    plan = OutreachPlan.objects.get(category=MemberCategory.OUTFLOW)
    urls = (
        ("coverage", f"/study/outreach/{plan.pk}/coverage/"),
        ("visits", "/research/visits/"),
        ("week", "/research/visits/week/?week=2026-06-01"),
        ("api_visits", "/api/research-visits/"),
    )
    log = Path(settings.VAR_DIR) / "gunicorn-study.log"
    collectstatic(REPO_DIR)
    port = free_port()
    server = start_server(REPO_DIR, port, args.workers, log, timeout=300)
    results: dict[str, Any] = {}
    try:
        print(f"{'scope':<10}{'case':<12}{'status':>8}{'median ms':>11}{'p95 ms':>9}{'n':>4}", flush=True)
        for scope in SCOPES:
            client = Client(port)
            client.connection.timeout = 300
            try:
                client.login(scope.username, BENCH_PASSWORD)
            except RuntimeError:
                client.cookies["sessionid"] = direct_session(scope.username)
            results[scope.label] = {}
            for label, url in urls:
                entry = time_url(client, url, requests=args.requests, slow_requests=3, warmup=2)
                results[scope.label][label] = entry
                print(
                    f"{scope.label:<10}{label:<12}{entry.get('status')!s:>8}"
                    f"{entry.get('median_ms', 0):>11.1f}{entry.get('p95_ms', 0):>9.1f}{entry.get('n', 0):>4}",
                    flush=True,
                )
    finally:
        stop_server(server)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copy-from", type=Path, help="the province's SQLite file to copy first")
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.copy_from:
        import os

        target = Path(os.environ["TAIZHANG_VAR_DIR"]) / "taizhang.sqlite3"
        print(f"copy: {copy_database(args.copy_from.resolve(), target):.1f} s", flush=True)
        import subprocess
        import sys

        subprocess.run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=REPO_DIR, check=True)
    django_setup()
    rng = random.Random(2023)
    payload: dict[str, Any] = {"machine": machine()}
    if not args.skip_generate:
        payload["generated"] = generate(rng)
        print(f"generated: {payload['generated']}", flush=True)
    payload["in_process"] = in_process(rng)
    for name, figures in payload["in_process"].items():
        print(f"{name}: median {figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms", flush=True)
    payload["http"] = http_part(args)
    print(write_result("study", payload))


if __name__ == "__main__":
    main()
