"""Key projects at province scale, on top of the province of ``bench.generate``:
200,000 key projects (省级/市级/区级) owned by districts, streets and communities, each
with an annual plan for this year and twelve monthly investment reports (the twelve
returns up to last month), so 2,400,000 report rows; plus 2,000 promotion events, 3,000
deals with funds and 20,000 key tasks.

Rows are written as plain ``executemany`` inserts in batches (no events: this measures
reads and the import, not the history of how the rows came). Only on a benchmark
database (``bench.common.django_setup``); run it on its own copy, not the shared one::

    TAIZHANG_VAR_DIR=bench/data/projects_sqlite .venv/bin/python -m bench.generate
    TAIZHANG_VAR_DIR=bench/data/projects_sqlite .venv/bin/python -m bench.projects_generate

``--projects N`` generates fewer (the figures say how many were measured).
"""

from __future__ import annotations

import argparse
import datetime
import random
import time
from decimal import Decimal

from bench.common import django_setup

SEED = 20231123
BATCH = 5000
MONTHS = 12


def last_months(today: datetime.date, count: int) -> list[tuple[int, int]]:
    """The ``count`` months before the month of ``today``, oldest first."""
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append((year, month))
    return list(reversed(months))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=200_000)
    args = parser.parse_args()
    django_setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from orgs.models import Org
    from projects.models import Deal, DealFunding, InvestmentPlan, InvestmentReport, KeyProject, KeyTask, PromotionEvent

    rng = random.Random(SEED)
    today = timezone.localdate()
    now = timezone.now()
    months = last_months(today, MONTHS)
    owners = list(Org.objects.filter(depth__in=(3, 4, 5)).values_list("pk", flat=True))
    if not owners:
        raise SystemExit("Run bench.generate first: no districts, streets or communities.")
    start = time.perf_counter()
    with transaction.atomic():
        for model in (DealFunding, Deal, PromotionEvent, KeyTask, InvestmentReport, InvestmentPlan, KeyProject):
            model.objects.all().delete()
    print(f"  cleared earlier project data: {time.perf_counter() - start:.1f} s")

    project_table = KeyProject._meta.db_table
    columns = (
        "id, org_id, campaign_id, title, owner_id, deadline, status, created_by_id, created_at, updated_at, code, "
        "level, industry, stage, reserve_date, pipeline_date, construction_date, operation_date, leader_id, "
        "team_name, location, total_investment, description"
    )
    project_sql = f"INSERT INTO {project_table} ({columns}) VALUES ({', '.join(['%s'] * 23)})"
    month_columns = ", ".join(f"month_{month}" for month in range(1, 13))
    plan_sql = (
        f"INSERT INTO {InvestmentPlan._meta.db_table} (project_id, year, amount, {month_columns}) "
        f"VALUES ({', '.join(['%s'] * 15)})"
    )
    report_sql = (
        f"INSERT INTO {InvestmentReport._meta.db_table} "
        "(org_id, project_id, year, month, amount, note, reported_by_id, created_at) "
        "VALUES (%s, %s, %s, %s, %s, '', NULL, %s)"
    )
    stages = ("reserve", "pipeline", "construction", "construction", "construction", "operation")
    levels = ("provincial",) + ("municipal",) * 6 + ("district",) * 30
    timings: dict[str, float] = {}
    start = time.perf_counter()
    projects = plans = reports = 0
    with transaction.atomic(), connection.cursor() as cursor:
        project_rows: list[tuple] = []
        plan_rows: list[tuple] = []
        report_rows: list[tuple] = []

        def flush(force: bool = False) -> None:
            nonlocal projects, plans, reports
            if project_rows and (force or len(project_rows) >= BATCH):
                cursor.executemany(project_sql, project_rows)
                projects += len(project_rows)
                project_rows.clear()
                cursor.executemany(plan_sql, plan_rows)
                plans += len(plan_rows)
                plan_rows.clear()
                cursor.executemany(report_sql, report_rows)
                reports += len(report_rows)
                report_rows.clear()

        for number in range(1, args.projects + 1):
            org_id = owners[rng.randrange(len(owners))]
            stage = stages[rng.randrange(len(stages))]
            started = today - datetime.timedelta(days=rng.randrange(30, 900))
            total = Decimal(rng.randrange(1000, 500000))
            project_rows.append(
                (
                    number,
                    org_id,
                    None,
                    f"重点项目{number:06d}",
                    None,
                    today + datetime.timedelta(days=rng.randrange(-60, 900)),
                    "under_way",
                    None,
                    now,
                    now,
                    f"BP{number:06d}",
                    levels[rng.randrange(len(levels))],
                    "",
                    stage,
                    started - datetime.timedelta(days=200),
                    started - datetime.timedelta(days=100) if stage != "reserve" else None,
                    started if stage in ("construction", "operation") else None,
                    today - datetime.timedelta(days=rng.randrange(1, 300)) if stage == "operation" else None,
                    None,
                    "",
                    "",
                    str(total),
                    "",
                )
            )
            plan = (total / rng.randrange(2, 6)).quantize(Decimal("1"))
            # Each year's row: the plan (this year only) and the month roll-up the
            # services keep beside the reports.
            by_year: dict[int, list[str]] = {}
            for year, month in months:
                amount = (plan / 12 * Decimal(rng.randrange(60, 140)) / 100).quantize(Decimal("0.01"))
                report_rows.append((org_id, number, year, month, str(amount), now))
                by_year.setdefault(year, ["0"] * 12)[month - 1] = str(amount)
            for year, amounts in by_year.items():
                plan_rows.append((number, year, str(plan) if year == today.year else "0", *amounts))
            flush()
        flush(force=True)
    timings["projects, plans and reports"] = round(time.perf_counter() - start, 1)

    start = time.perf_counter()
    with transaction.atomic():
        PromotionEvent.objects.bulk_create(
            [
                PromotionEvent(
                    org_id=owners[rng.randrange(len(owners))],
                    kind=("visit", "event")[number % 2],
                    title=f"招商活动{number}",
                    date=today - datetime.timedelta(days=rng.randrange(0, 300)),
                )
                for number in range(2000)
            ],
            batch_size=BATCH,
        )
        deals = Deal.objects.bulk_create(
            [
                Deal(
                    org_id=owners[rng.randrange(len(owners))],
                    company=f"企业{number}",
                    project_name=f"签约项目{number}",
                    amount=Decimal(rng.randrange(1000, 100000)),
                    signed_date=today - datetime.timedelta(days=rng.randrange(0, 300)),
                )
                for number in range(3000)
            ],
            batch_size=BATCH,
        )
        DealFunding.objects.bulk_create(
            [
                DealFunding(deal=deal, year=today.year, month=1 + index % today.month, amount=Decimal(500))
                for index, deal in enumerate(deals)
            ],
            batch_size=BATCH,
        )
        KeyTask.objects.bulk_create(
            [
                KeyTask(
                    org_id=owners[rng.randrange(len(owners))],
                    title=f"重点工作{number}",
                    year=today.year,
                    status=("under_way", "closed")[number % 3 == 0],
                    deadline=today + datetime.timedelta(days=rng.randrange(-30, 300)),
                )
                for number in range(20000)
            ],
            batch_size=BATCH,
        )
    timings["promotion, deals, tasks"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze"] = round(time.perf_counter() - start, 1)
    print(f"  {projects:,} projects, {plans:,} plans, {reports:,} monthly reports ({months[0]}..{months[-1]})")
    for label, seconds in timings.items():
        print(f"  {label}: {seconds} s")


if __name__ == "__main__":
    main()
