"""Key projects at province scale (``bench.projects_generate``): the "projects" statistics
for root, city, district and leaf scope in process (what the dashboards and the bulletin
compute), the projects overview page and the project list through gunicorn, and the
import of a 5,000-project monthly return through the server's upload page (a check, then
for real), end to end.

    TAIZHANG_VAR_DIR=bench/data/projects_sqlite .venv/bin/python -m bench.projects_bench

Figures go to ``bench/data/results/projects-<vendor>.json`` and are printed.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

from bench.common import BENCH_PASSWORD, DATA_DIR, REPO_DIR, SCOPES, django_setup, machine, time_it, write_result

RETURN_ROWS = 5000


def statistics_part(payload: dict[str, Any], *, repeat: int) -> None:
    from core.statistics import build_scope
    from orgs.models import User
    from projects.statistics import project_figures

    results = {}
    for scope in SCOPES:
        user = User.objects.get(username=scope.username)
        stats_scope = build_scope(user=user)
        figures = project_figures(scope=stats_scope)
        results[scope.label] = {
            "projects": figures["projects"]["total"],
            "completion": figures["investment"]["completion"],
            **time_it(lambda stats_scope=stats_scope: project_figures(scope=stats_scope), repeat=repeat, warmup=1),
        }
        print(f"  statistics {scope.label}: {results[scope.label]}")
    payload["statistics"] = results


def build_return(username: str, rows: int) -> tuple[bytes, int]:
    """A return of ``rows`` projects the user reports for, in 亿元, as the template lays it out."""
    from core.spreadsheets import xlsx_write
    from orgs.models import User
    from projects.models import KeyProject

    user = User.objects.get(username=username)
    projects = list(KeyProject.objects.visible_to(user).order_by("id").values_list("code", "title")[:rows])
    data = xlsx_write(
        header=["项目编码", "项目名称", "本月完成投资（亿元）", "备注"],
        rows=[(code, title, 0.0123, "") for code, title in projects],
        sheet="月度投资报表",
    )
    return data, len(projects)


def multipart(fields: dict[str, str], file_field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    body.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".encode()
    )
    body.write(content)
    body.write(f"\r\n--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def forget_month(year: int, month: int) -> None:
    """Undo an earlier run's import: its reports and their month on the project years."""
    from projects.models import InvestmentPlan, InvestmentReport, month_field

    InvestmentReport.objects.filter(year=year, month=month).delete()
    InvestmentPlan.objects.filter(year=year).exclude(**{month_field(month): 0}).update(**{month_field(month): 0})


def http_part(payload: dict[str, Any], *, requests: int) -> None:
    from django.utils import timezone

    from bench.http_bench import Client, collectstatic, free_port, start_server, stop_server
    from projects.models import InvestmentReport

    today = timezone.localdate()
    year, month = today.year, today.month  # the generator reported the twelve months before this one
    forget_month(year, month)
    collectstatic(REPO_DIR)
    port = free_port()
    log = DATA_DIR / "projects-gunicorn.log"
    server = start_server(REPO_DIR, port, 2, log, timeout=600)
    pages: dict[str, Any] = {}
    try:
        for scope in SCOPES:
            client = Client(port)
            client.login(scope.username, BENCH_PASSWORD)
            for url in ("/projects/", "/projects/list/", "/api/key-projects/?page_size=50"):
                samples = []
                for index in range(requests + 1):
                    start = time.perf_counter()
                    response = client.get(url)
                    elapsed = (time.perf_counter() - start) * 1000
                    if response.status != 200:
                        raise RuntimeError(f"{url} as {scope.username}: {response.status}")
                    if index:
                        samples.append(elapsed)
                from bench.common import summarize

                pages[f"{scope.label} {url}"] = summarize(samples)
                print(f"  {scope.label} {url}: {pages[f'{scope.label} {url}']}")
        payload["pages"] = pages

        data, rows = build_return("bench_city", RETURN_ROWS)
        client = Client(port)
        client.login("bench_city", BENCH_PASSWORD)
        imports = {"rows": rows, "file_bytes": len(data)}
        for label, check_only in (("check", True), ("import", False)):
            form = client.get("/projects/import/")
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
            assert token is not None
            fields = {"csrfmiddlewaretoken": token.group(1).decode(), "year": str(year), "month": str(month)}
            if check_only:
                fields["check_only"] = "on"
            body, content_type = multipart(fields, "file", "return.xlsx", data)
            start = time.perf_counter()
            response = client.request(
                "POST",
                "/projects/import/",
                body=body,
                headers={"Content-Type": content_type, "Referer": f"http://127.0.0.1:{port}/projects/import/"},
            )
            elapsed = time.perf_counter() - start
            expected = 200 if check_only else 302
            if response.status != expected or (check_only and b'id="import-checked"' not in response.body):
                raise RuntimeError(f"{label}: answered {response.status}; see {log}")
            imports[f"{label}_s"] = round(elapsed, 2)
            print(f"  return of {rows} projects, {label}: {elapsed:.2f} s")
        written = InvestmentReport.objects.filter(year=year, month=month).count()
        if written != rows:
            raise RuntimeError(f"{written} reports written, {rows} expected")
        imports["written"] = written
        payload["import"] = imports
    finally:
        stop_server(server)
        forget_month(year, month)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    from projects.models import InvestmentReport, KeyProject

    payload: dict[str, Any] = {
        "machine": machine(),
        "load_before": Path("/proc/loadavg").read_text().split()[:3],
        "projects": KeyProject.objects.count(),
        "reports": InvestmentReport.objects.count(),
        "vendor": connection.vendor,
    }
    print(f"  {payload['projects']:,} projects, {payload['reports']:,} monthly reports, load {payload['load_before']}")
    statistics_part(payload, repeat=args.repeat)
    if not args.skip_http:
        http_part(payload, requests=args.requests)
    payload["load_after"] = Path("/proc/loadavg").read_text().split()[:3]
    target = write_result("projects", payload)
    print(json.dumps({key: payload[key] for key in ("load_before", "load_after")}), "→", target)


if __name__ == "__main__":
    main()
