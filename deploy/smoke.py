"""Smoke test of a running Taizhang behind nginx: ``python deploy/smoke.py URL USER PASSWORD``.

Checks, through the front door: the probes, that /metrics is not served to the outside,
a log-in whose session holds on every app server, pages and the API answering, static
files from nginx; and that a job enqueued by an app server is run by the worker (its
result appears in the shared cache, read back on an app server's /metrics).
Exits non-zero on the first failure.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import requests


def check(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        sys.exit(1)


def main() -> None:
    base, username, password = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    app_servers = sys.argv[4:]  # direct addresses of the app servers, for /metrics
    session = requests.Session()

    health = session.get(f"{base}/healthz", timeout=10)
    check(health.status_code == 200 and health.json()["status"] == "ok", "/healthz answers through nginx")
    ready = session.get(f"{base}/readyz", timeout=10)
    check(ready.status_code == 200, f"/readyz: {ready.json()['checks']}")
    check(session.get(f"{base}/metrics", timeout=10).status_code == 403, "/metrics is refused through nginx")

    login_page = session.get(f"{base}/login/", timeout=10)
    check(login_page.status_code == 200, "log-in page")
    static = re.search(r'href="(/static/[^"]+\.css)"', login_page.text)
    check(static is not None and session.get(base + static.group(1), timeout=10).status_code == 200, "static files")
    response = session.post(
        f"{base}/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/login/"},
        allow_redirects=False,
        timeout=10,
    )
    check(response.status_code == 302, "log in")

    upstreams: set[str] = set()
    answers: list[tuple[str, int, str]] = []
    for _ in range(12):
        for path in ("/", "/ledger/", "/api/problems/"):
            page = session.get(base + path, allow_redirects=False, timeout=20)
            answers.append((path, page.status_code, page.headers.get("X-Request-ID", "")))
            upstreams.add(page.headers.get("X-Upstream", ""))
    failed = [answer for answer in answers if answer[1] != 200 or not answer[2]]
    check(not failed, f"{len(answers)} page and API requests as {username}, each 200 with a request id {failed[:3]}")
    check(len(upstreams) >= 2, f"requests spread over the app servers, session kept on each: {sorted(upstreams)}")

    # A job through Redis: the app enqueues, the worker runs it, the cache shows it.
    enqueue = "from ops.tasks import refresh_overdue_count; refresh_overdue_count()"
    subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", enqueue], check=True)
    deadline = time.monotonic() + 60
    seen = False
    while time.monotonic() < deadline and not seen:
        for server in app_servers:
            text = requests.get(f"http://{server}/metrics", timeout=10).text
            seen = "taizhang_overdue_items{" in text
            if seen:
                break
        time.sleep(1)
    check(seen, "the worker ran a job enqueued on Redis (overdue count in /metrics)")
    print("smoke test passed", flush=True)


if __name__ == "__main__":
    main()
