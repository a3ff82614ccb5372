"""Pages and API calls timed against a real server process on 127.0.0.1.

Runs ``collectstatic`` into the benchmark var dir, starts gunicorn (2 sync workers,
DEBUG off) on a free port with the same ``TAIZHANG_VAR_DIR`` / ``DATABASE_URL``, logs
each benchmark account in through ``POST /login/`` (CSRF token and all) and times, per
account, each URL: warm-up requests, then ``--requests`` sequential ones, reporting the
median and p95 of the whole round trip as the client sees it (connect included: sync
workers close the connection after each response). Then, with ``--concurrency`` client
threads, it reports throughput over a mix of all URLs and accounts. The server is
stopped at the end, whatever happens.

    TAIZHANG_VAR_DIR=bench/data/sqlite .venv/bin/python -m bench.http_bench
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import BENCH_PASSWORD, REPO_DIR, SCOPES, django_setup, machine, summarize, write_result

URLS = (
    "/api/people/?page_size=50",
    "/api/orgs/?page_size=50",
    "/",
    "/orgs/people/",
    "/orgs/",
)


@dataclass
class Response:
    status: int
    body: bytes
    cookies: dict[str, str] = field(default_factory=dict)
    location: str = ""


class Client:
    """One keep-alive-if-possible connection with a cookie jar, like a browser tab."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, url, body=body, headers=headers)
            raw = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError, http.client.CannotSendRequest):
            self.connection.close()
            self.connection.request(method, url, body=body, headers=headers)
            raw = self.connection.getresponse()
        data = raw.read()
        cookies = {}
        for header, value in raw.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookies[name.strip()] = rest.split(";", 1)[0]
        self.cookies.update(cookies)
        if raw.will_close:
            self.connection.close()
        return Response(raw.status, data, cookies, raw.getheader("Location") or "")

    def get(self, url: str) -> Response:
        return self.request("GET", url, headers={"Accept": "text/html,application/json"})

    def login(self, username: str, password: str) -> float:
        """Log in through the login form; returns the POST's milliseconds."""
        page = self.get("/login/")
        if page.status != 200:
            raise RuntimeError(f"GET /login/ answered {page.status}")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if not match:
            raise RuntimeError("no CSRF token in the login form")
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1).decode()}
        ).encode()
        start = time.perf_counter()
        answer = self.request(
            "POST",
            "/login/",
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/"},
        )
        elapsed = (time.perf_counter() - start) * 1000
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} answered {answer.status}")
        return elapsed


def direct_session(username: str) -> str:
    """A session for ``username`` written as ``django.contrib.auth.login`` would, for when
    the login page itself is broken: the API can still be measured."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from orgs.models import User

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key or ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment() -> dict[str, str]:
    environment = dict(os.environ)
    if environment.get("TAIZHANG_VAR_DIR"):  # the server may run from another --source
        environment["TAIZHANG_VAR_DIR"] = str(Path(environment["TAIZHANG_VAR_DIR"]).resolve())
    environment.update({"DEBUG": "False", "DJANGO_SETTINGS_MODULE": "taizhang.settings", "LOG_LEVEL": "WARNING"})
    return environment


def collectstatic(source: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=source,
        env=server_environment(),
        check=True,
    )
    return time.perf_counter() - start


def start_server(source: Path, port: int, workers: int, log: Path, *, timeout: int = 30) -> subprocess.Popen[bytes]:
    """gunicorn on ``port``; ``timeout`` is its worker timeout (raise it to measure pages
    slower than gunicorn's default 30 s instead of getting the worker killed)."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "taizhang.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    command += ["--graceful-timeout", "5", "--timeout", str(timeout)]
    with log.open("wb") as output:  # Django's own log (tracebacks) goes to stderr too
        process = subprocess.Popen(
            command, cwd=source, env=server_environment(), start_new_session=True, stdout=output, stderr=output
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError("gunicorn did not start within 30 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn and its workers (its own process group, started above)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def describe(response: Response, url: str) -> dict[str, Any]:
    """What the response said: API totals, so scoping can be checked against visible_to."""
    info: dict[str, Any] = {"bytes": len(response.body)}
    if url.startswith("/api/") and response.status == 200:
        info["api_count"] = json.loads(response.body).get("count")
    return info


def time_url(client: Client, url: str, *, requests: int, warmup: int) -> dict[str, Any]:
    first = client.get(url)
    if first.status != 200:
        note = "not there yet (404)" if first.status == 404 else f"answered {first.status}"
        if first.status in (301, 302):
            note += f" to {first.location}"
        return {"status": first.status, "skipped": note}
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


def throughput(port: int, sessions: dict[str, dict[str, str]], urls: list[str], *, threads: int, seconds: float):
    """``threads`` clients, each cycling through every (account, URL) pair for ``seconds``."""
    pairs = [(label, url) for label in sessions for url in urls]
    samples: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(offset: int) -> None:
        nonlocal errors
        clients = {label: Client(port) for label in sessions}
        for label, client in clients.items():
            client.cookies = dict(sessions[label])
        local, local_errors = [], 0
        for label, url in itertools.islice(itertools.cycle(pairs), offset, None):
            if time.monotonic() >= stop_at:
                break
            start = time.perf_counter()
            response = clients[label].get(url)
            local.append((time.perf_counter() - start) * 1000)
            local_errors += response.status != 200
        with lock:
            samples.extend(local)
            errors += local_errors

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(i * 3,)) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "threads": threads,
        "seconds": round(elapsed, 1),
        "requests": len(samples),
        "errors": errors,
        "requests_per_second": round(len(samples) / elapsed, 1),
        **summarize(samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per URL and account")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads for the throughput run (0: none)")
    parser.add_argument("--seconds", type=float, default=15, help="length of the throughput run")
    parser.add_argument(
        "--source",
        type=Path,
        default=REPO_DIR,
        help="checkout the server runs from (default: this one), e.g. a git worktree of a given commit",
    )
    args = parser.parse_args()
    django_setup()
    from django.conf import settings

    log = Path(settings.VAR_DIR) / "gunicorn.log"
    payload: dict[str, Any] = {"machine": machine(), "workers": args.workers, "requests": args.requests}
    source = args.source.resolve()
    payload["source"] = str(source)
    print(f"collectstatic: {collectstatic(source):.1f} s", flush=True)
    port = free_port()
    server = start_server(source, port, args.workers, log)
    try:
        print(f"gunicorn on 127.0.0.1:{port}, {args.workers} workers, log {log}", flush=True)
        sessions: dict[str, dict[str, str]] = {}
        payload["scopes"] = {}
        for scope in SCOPES:
            client = Client(port)
            try:
                login_ms: float | None = client.login(scope.username, BENCH_PASSWORD)
                login_note = "POST /login/"
            except RuntimeError as error:
                login_ms, login_note = None, f"session written directly ({error})"
                client.cookies["sessionid"] = direct_session(scope.username)
            sessions[scope.label] = dict(client.cookies)
            results: dict[str, Any] = {}
            for url in URLS:
                results[url] = time_url(client, url, requests=args.requests, warmup=args.warmup)
            payload["scopes"][scope.label] = {
                "login": login_note,
                "login_ms": None if login_ms is None else round(login_ms, 1),
                "urls": results,
            }
            took = "" if login_ms is None else f" {login_ms:.0f} ms"
            print(f"\n=== {scope.label} ({scope.username}); login by {login_note}{took}")
            print(f"{'url':<30}{'status':>8}{'median ms':>11}{'p95 ms':>9}{'KiB':>8}  note")
            for url, entry in results.items():
                if "skipped" in entry:
                    print(f"{url:<30}{entry['status']:>8}{'':>11}{'':>9}{'':>8}  skipped: {entry['skipped']}")
                    continue
                note = f"count={entry['api_count']}" if "api_count" in entry else ""
                print(
                    f"{url:<30}{','.join(map(str, entry['status'])):>8}{entry['median_ms']:>11.1f}"
                    f"{entry['p95_ms']:>9.1f}{entry['bytes'] / 1024:>8.1f}  {note}"
                )
        scopes = payload["scopes"].values()
        working = sorted({url for s in scopes for url, entry in s["urls"].items() if "skipped" not in entry})
        if args.concurrency and working:
            result = throughput(port, sessions, working, threads=args.concurrency, seconds=args.seconds)
            payload["throughput"] = result
            print(
                f"\nthroughput, {result['threads']} client threads, {len(working)} URLs x {len(sessions)} accounts: "
                f"{result['requests_per_second']} req/s, median {result['median_ms']:.1f} ms, "
                f"p95 {result['p95_ms']:.1f} ms, {result['errors']} errors"
            )
    finally:
        stop_server(server)
        print("gunicorn stopped", flush=True)
    print(f"Figures written to {write_result('http', payload)}")


if __name__ == "__main__":
    main()
