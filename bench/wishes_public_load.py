"""Load test of the public wish pages against a real gunicorn on 127.0.0.1.

Builds a small database of its own (one district, a street, a community with a wall of
wishes), starts gunicorn (sync workers, DEBUG off, ``bench.wishes_settings``), then:

1. the community's wish wall, ``GET /public/wishes/wall/<code>/``, from N concurrent
   clients for S seconds;
2. posting a wish, ``POST /public/wishes/post/`` (CSRF token from the form page, captcha in
   test mode), from N concurrent clients for S seconds, every title unique;

and reports requests per second, median, p95 and p99 latency and the answers by status.
After the run it checks that every accepted submission (a 302 to the code page) is in the
database and that nothing is there that was not acknowledged: nothing lost.

    .venv/bin/python -m bench.wishes_public_load --clients 50 --seconds 60

Everything it writes lives under ``bench/data/wishes`` (git ignores ``bench/data``); the
figures go to ``bench/data/results/wishes_public_load.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import requests

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
VAR_DIR = BENCH_DIR / "data" / "wishes"
RESULTS = BENCH_DIR / "data" / "results" / "wishes_public_load.json"
COMMUNITY_CODE = "BENCH-JM-XDC"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.wishes_settings",
            "TAIZHANG_VAR_DIR": str(VAR_DIR),
            "CAPTCHA_TEST_MODE": "true",
            "DEBUG": "false",
        }
    )
    env.pop("DATABASE_URL", None)
    return env


def prepare(wall_size: int) -> None:
    """A fresh SQLite database with the community and its wall, and the static files."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("taizhang.sqlite3", "taizhang.sqlite3-wal", "taizhang.sqlite3-shm"):
        (VAR_DIR / name).unlink(missing_ok=True)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v", "0"], cwd=REPO_DIR, env=environment(), check=True)
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=REPO_DIR, env=environment(), check=True
    )
    script = f"""
from orgs.models import Org
from wishes import services
district = Org.objects.add_root(dict(name="基准区", code="BENCH", kind="district"))
street = Org.objects.add_child(Org.objects.get(pk=district.pk), dict(name="基准街道", code="BENCH-JM", kind="street"))
community = Org.objects.add_child(
    Org.objects.get(pk=street.pk), dict(name="现代城社区", code="{COMMUNITY_CODE}", kind="community")
)
for n in range({wall_size}):
    services.wish_post(community=community, title=f"给独居老人买一台收音机（{{n}}）", beneficiary="独居老人",
                       submitter_name="王小明", submitter_phone="13912345678")
"""
    subprocess.run([python, "manage.py", "shell", "-c", script], cwd=REPO_DIR, env=environment(), check=True)


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    log = (VAR_DIR / "gunicorn.log").open("wb")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "taizhang.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60"],
        cwd=REPO_DIR,
        env=environment(),
        start_new_session=True,
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {VAR_DIR / 'gunicorn.log'}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    stop_server(process)
    raise RuntimeError("gunicorn did not start")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(latencies: list[float], statuses: Counter[str], seconds: float) -> dict[str, Any]:
    return {
        "requests": len(latencies),
        "per_second": round(len(latencies) / seconds, 1),
        "median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1) if latencies else None,
        "statuses": dict(statuses),
    }


def run_clients(clients: int, seconds: float, work: Any) -> tuple[list[float], Counter[str], float]:
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    start_barrier = threading.Barrier(clients + 1)
    stop_at: list[float] = [0.0]

    def client(index: int) -> None:
        session = requests.Session()
        state = work.setup(session, index)
        start_barrier.wait()
        n = 0
        while time.monotonic() < stop_at[0]:
            began = time.perf_counter()
            try:
                status = work.request(session, state, index, n)
            except requests.RequestException as error:
                status = type(error).__name__
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                statuses[str(status)] += 1
            n += 1

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.monotonic() + seconds
    started = time.monotonic()
    start_barrier.wait()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return latencies, statuses, time.monotonic() - started


class Wall:
    def __init__(self, base: str) -> None:
        self.url = f"{base}/public/wishes/wall/{COMMUNITY_CODE}/"

    def setup(self, session: requests.Session, index: int) -> None:
        return None

    def request(self, session: requests.Session, state: Any, index: int, n: int) -> int:
        response = session.get(self.url, timeout=60)
        return response.status_code


class Post:
    """Each client posts wishes with unique titles; accepted titles are remembered."""

    def __init__(self, base: str, run: str, community_pk: int) -> None:
        self.base, self.run, self.community_pk = base, run, community_pk
        self.accepted: set[str] = set()
        self.lock = threading.Lock()

    def setup(self, session: requests.Session, index: int) -> str:
        page = session.get(f"{self.base}/public/wishes/post/", timeout=60)
        match = CSRF.search(page.text)
        if match is None:
            raise RuntimeError("no CSRF token on the form page")
        return match.group(1)

    def request(self, session: requests.Session, token: str, index: int, n: int) -> int:
        title = f"{self.run}-{index}-{n} 帮忙修理漏水的水龙头"
        response = session.post(
            f"{self.base}/public/wishes/post/",
            data={
                "csrfmiddlewaretoken": token,
                "community": self.community_pk,
                "title": title,
                "beneficiary": "高龄老人",
                "submitter_name": "李阿姨",
                "submitter_phone": "13712345678",
                "captcha_0": "bench",
                "captcha_1": "PASSED",
            },
            headers={"Referer": f"{self.base}/public/wishes/post/"},
            allow_redirects=False,
            timeout=60,
        )
        if response.status_code == 302 and "/posted/" in response.headers.get("Location", ""):
            with self.lock:
                self.accepted.add(title)
        return response.status_code


def database_titles(run: str) -> tuple[set[str], int]:
    script = (
        "import json; from wishes.models import Wish; from orgs.models import Org; "
        f"print(json.dumps([list(Wish.objects.filter(title__startswith='{run}-').values_list('title', flat=True)), "
        f"Org.objects.get(code='{COMMUNITY_CODE}').pk]))"
    )
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=REPO_DIR,
        env=environment(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    titles, pk = json.loads(output.strip().splitlines()[-1])
    return set(titles), pk


def machine() -> dict[str, str]:
    def command(*args: str) -> str:
        try:
            return subprocess.run(args, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return ""

    return {
        "nproc": command("nproc"),
        "cpu": next((line for line in command("lscpu").splitlines() if line.startswith("Model name")), ""),
        "load_before": command("uptime"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--wall-size", type=int, default=60, help="wishes on the wall before the run")
    args = parser.parse_args()
    info = machine()
    print("preparing the database…", flush=True)
    prepare(args.wall_size)
    _titles, community_pk = database_titles("none")
    server = start_server(args.port, args.workers)
    base = f"http://127.0.0.1:{args.port}"
    run = f"bench{uuid.uuid4().hex[:8]}"
    try:
        requests.get(f"{base}/public/wishes/wall/{COMMUNITY_CODE}/", timeout=60).raise_for_status()
        print(f"wall: {args.clients} clients for {args.seconds:.0f} s…", flush=True)
        wall = summary(*run_clients(args.clients, args.seconds, Wall(base)))
        print(json.dumps(wall, ensure_ascii=False), flush=True)
        print(f"post a wish: {args.clients} clients for {args.seconds:.0f} s…", flush=True)
        poster = Post(base, run, community_pk)
        post = summary(*run_clients(args.clients, args.seconds, poster))
        print(json.dumps(post, ensure_ascii=False), flush=True)
    finally:
        stop_server(server)
    stored, _pk = database_titles(run)
    lost = poster.accepted - stored
    unacknowledged = stored - poster.accepted
    result = {
        "machine": info,
        "clients": args.clients,
        "seconds": args.seconds,
        "workers": args.workers,
        "database": "sqlite",
        "wall": wall,
        "post": post,
        "accepted": len(poster.accepted),
        "stored": len(stored),
        "lost": len(lost),
        "stored_but_not_acknowledged": len(unacknowledged),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if lost:
        sys.exit(f"{len(lost)} accepted submissions are missing from the database")


if __name__ == "__main__":
    main()
