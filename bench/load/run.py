"""Load without loss: 50 clients against a real gunicorn on 127.0.0.1 for a while,
reads and writes mixed, then every acknowledged write looked up in the database.

    .venv/bin/python -m bench.load.run --db sqlite --duration 600
    .venv/bin/python -m bench.load.run --db postgresql --duration 600

The first run of a database builds it (migrate + the demo campaign, about 2 minutes)
under bench/load/data/ (SQLite) or in PostgreSQL's ``taizhang_ops_load``; later runs
reuse it (``--rebuild`` starts again). Figures go to bench/load/data/results/.

Clients (closed loop, no think time):
- clerks (the demo's community clerk): ledger page, API list, a problem, the statistics
  page; create problems through the API; report progress on open problems;
- supervisors and leaders: the overview, ledger, statistics and dashboard pages, the API;
- residents (anonymous, each with its own address through X-Forwarded-For): the public
  pages and the wish wall; post wishes and suggestions through the public forms;
- party members (the demo's member): their wish wall, and claim (认领) the newest posted
  wishes of their community, several members racing for the same wish; only the winner's
  claim is acknowledged (the page says so), and the wish must then name that member.
A write counts as acknowledged when the server said it was saved (201, or the redirect
to the "submitted" page); each carries a unique marker that verify.py looks for.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "load" / "data"
PY = str(ROOT / ".venv" / "bin" / "python")
PORT = 8790
BASE = f"http://127.0.0.1:{PORT}"
PG_URL = "postgres://postgres@127.0.0.1:5432/taizhang_ops_load"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CAPTCHA_KEY = re.compile(r'name="captcha_0" value="([^"]+)"')
WISH_LINK = re.compile(r'href="/wishes/(\d+)/"')
CLAIMED = "认领成功"  # the success message of a claim, shown on the wish page after it


def environment(db: str, via_port: int | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "TAIZHANG_VAR_DIR": str(DATA / db),
        "LOG_FORMAT": "json",
        "CAPTCHA_TEST_MODE": "true",  # residents answer "PASSED" instead of the sum
        "PUBLIC_TRUSTED_PROXIES": "1",  # each simulated resident has its own address
        "PYTHONPATH": str(ROOT),
    }
    if db == "postgresql":
        env["DATABASE_URL"] = PG_URL if via_port is None else PG_URL.replace(":5432/", f":{via_port}/")
    else:
        env.pop("DATABASE_URL", None)
    return env


def prepare(db: str, rebuild: bool) -> None:
    env = environment(db)
    marker = DATA / db / "prepared"
    if marker.exists() and not rebuild:
        # The code may have moved on since the database was built: bring its schema up.
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        return
    (DATA / db).mkdir(parents=True, exist_ok=True)
    if db == "postgresql":
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", "taizhang_ops_load"])
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "taizhang_ops_load"], check=True)
    else:
        for name in ("taizhang.sqlite3", "taizhang.sqlite3-wal", "taizhang.sqlite3-shm", "huey.sqlite3"):
            (DATA / db / name).unlink(missing_ok=True)
    started = time.monotonic()
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True)
    marker.write_text(f"built in {time.monotonic() - started:.0f} s\n")


def start_server(db: str, workers: int, threads: int, log: Path, via_port: int | None = None) -> subprocess.Popen:
    env = {
        **environment(db, via_port),
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "WORKERS": str(workers),
        "THREADS": str(threads),
        "PROMETHEUS_MULTIPROC_DIR": str(DATA / db / "metrics"),
        "GUNICORN_ACCESSLOG": str(log.with_suffix(".access.log")),
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "taizhang.wsgi", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(120):
        try:
            if requests.get(f"{BASE}/readyz", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit(f"server did not become ready; see {log}")


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.acks: dict[str, list[str]] = defaultdict(list)
        self.unavailable = 0
        self.t0 = time.monotonic()
        self.timeline: dict[int, Counter] = defaultdict(Counter)  # second of the run → statuses

    def note(self, op: str, started: float, response: requests.Response | None) -> None:
        elapsed = time.monotonic() - started
        status = response.status_code if response is not None else "error"
        with self.lock:
            self.timeline[int(started - self.t0)][status] += 1
            self.latencies[op].append(elapsed)
            self.statuses[op][status] += 1
            if response is not None and response.headers.get("X-Taizhang-Unavailable"):
                self.unavailable += 1

    def ack(self, kind: str, marker: str) -> None:
        with self.lock:
            self.acks[kind].append(marker)


def log_in(session: requests.Session, username: str, password: str) -> None:
    page = session.get(f"{BASE}/login/", timeout=30)
    token = CSRF.search(page.text).group(1)
    response = session.post(
        f"{BASE}/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{BASE}/login/"},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise SystemExit(f"log-in of {username} failed: {response.status_code}")


def timed(recorder: Recorder, op: str, call, *args, **kwargs) -> requests.Response | None:
    """Call ``call(*args, **kwargs)`` and note its latency and status under ``op``."""
    started = time.monotonic()
    try:
        response = call(*args, **kwargs)
    except requests.RequestException:
        response = None
    recorder.note(op, started, response)
    if response is None or response.status_code >= 500:
        time.sleep(0.2)  # as a browser would not hammer a failing server
    return response


def clerk_loop(recorder: Recorder, scene: dict, stop: threading.Event, client: int) -> None:
    session = requests.Session()
    log_in(session, "clerk", scene["password"])
    csrf = {"X-CSRFToken": session.cookies["csrftoken"], "Referer": BASE}
    rng = random.Random(client)
    run = scene["run"]
    n = 0
    while not stop.is_set():
        n += 1
        choice = rng.random()
        if choice < 0.25:
            timed(recorder, "GET /ledger/", session.get, f"{BASE}/ledger/", timeout=60)
        elif choice < 0.40:
            timed(recorder, "GET /api/problems/", session.get, f"{BASE}/api/problems/", timeout=60)
        elif choice < 0.50:
            pk = rng.choice(scene["problems"])
            timed(recorder, "GET /ledger/<id>/", session.get, f"{BASE}/ledger/{pk}/", timeout=60)
        elif choice < 0.75:
            marker = f"压测问题 {run}-{client}-{n}"
            body = {"campaign": scene["campaign"], "org": scene["clerk_org"], "title": marker, "level": "grassroots"}
            response = timed(
                recorder,
                "POST /api/problems/",
                session.post,
                f"{BASE}/api/problems/",
                json=body,
                headers=csrf,
                timeout=60,
            )
            if response is not None and response.status_code == 201:
                recorder.ack("problem_create", marker)
        else:
            pk = rng.choice(scene["problems"])
            marker = f"压测进展 {run}-{client}-{n}"
            response = timed(
                recorder,
                "POST /api/problems/<id>/progress/",
                session.post,
                f"{BASE}/api/problems/{pk}/progress/",
                json={"text": marker, "percent": 50},
                headers=csrf,
                timeout=60,
            )
            if response is not None and response.status_code in (200, 201):
                recorder.ack("progress_report", marker)


def office_loop(recorder: Recorder, scene: dict, stop: threading.Event, client: int) -> None:
    session = requests.Session()
    log_in(session, "supervisor" if client % 2 else "leader", scene["password"])
    rng = random.Random(client)
    pages = [
        "/",
        "/ledger/",
        "/ledger/statistics/",
        "/dashboards/",
        "/api/problems/?status=rectifying",
        "/api/statistics/",
    ]
    while not stop.is_set():
        path = rng.choice(pages)
        op = "GET " + path.split("?")[0]
        timed(recorder, op, session.get, BASE + path, timeout=60)


def resident_loop(recorder: Recorder, scene: dict, stop: threading.Event, client: int) -> None:
    session = requests.Session()
    session.headers["X-Forwarded-For"] = f"10.{client // 250}.{client % 250}.{random.randint(1, 250)}"
    rng = random.Random(client)
    run = scene["run"]
    n = 0
    while not stop.is_set():
        n += 1
        choice = rng.random()
        if choice < 0.3:
            timed(recorder, "GET /public/wishes/", session.get, f"{BASE}/public/wishes/", timeout=60)
        elif choice < 0.55:
            timed(recorder, "GET /public/progress/", session.get, f"{BASE}/public/progress/", timeout=60)
        elif choice < 0.8:
            page = timed(recorder, "GET /public/wishes/post/", session.get, f"{BASE}/public/wishes/post/", timeout=60)
            if page is None or page.status_code != 200:
                time.sleep(0.2)
                continue
            marker = f"压测心愿 {run}-{client}-{n}"
            data = {
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
                "captcha_0": CAPTCHA_KEY.search(page.text).group(1),
                "captcha_1": "PASSED",
                "community": str(scene["member_community"] if rng.random() < 0.4 else rng.choice(scene["communities"])),
                "title": marker,
                "beneficiary": "独居老人",
                "description": "压测",
                "submitter_phone": "13800001234",
            }
            response = timed(
                recorder,
                "POST /public/wishes/post/",
                session.post,
                f"{BASE}/public/wishes/post/",
                data=data,
                allow_redirects=False,
                timeout=60,
            )
            if (
                response is not None
                and response.status_code == 302
                and "posted" in response.headers.get("Location", "")
            ):
                recorder.ack("wish_post", marker)
        else:
            page = timed(recorder, "GET /public/suggestions/", session.get, f"{BASE}/public/suggestions/", timeout=60)
            if page is None or page.status_code != 200:
                time.sleep(0.2)
                continue
            marker = f"压测建议 {run}-{client}-{n}：小区路灯不亮，请尽快修复"
            data = {
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
                "captcha_0": CAPTCHA_KEY.search(page.text).group(1),
                "captcha_1": "PASSED",
                "kind": "suggestion",
                "content": marker,
                "submitter_phone": "13800001234",
                "community": str(rng.choice(scene["communities"])),
            }
            response = timed(
                recorder,
                "POST /public/suggestions/",
                session.post,
                f"{BASE}/public/suggestions/",
                data=data,
                allow_redirects=False,
                timeout=60,
            )
            if (
                response is not None
                and response.status_code == 302
                and "submitted" in response.headers.get("Location", "")
            ):
                recorder.ack("suggestion_submit", marker)


def member_loop(recorder: Recorder, scene: dict, stop: threading.Event, client: int) -> None:
    session = requests.Session()
    log_in(session, "member", scene["password"])
    rng = random.Random(client)
    while not stop.is_set():
        wall = timed(recorder, "GET /wishes/", session.get, f"{BASE}/wishes/?status=posted", timeout=60)
        if wall is None or wall.status_code != 200:
            time.sleep(0.2)
            continue
        posted = WISH_LINK.findall(wall.text)
        if not posted:
            time.sleep(0.5)  # nothing on the wall yet: residents are still posting
            continue
        pk = rng.choice(posted[:5])  # the newest few: members race for the same wish
        response = timed(
            recorder,
            "POST /wishes/<id>/claim/",
            session.post,
            f"{BASE}/wishes/{pk}/claim/",
            data={"csrfmiddlewaretoken": session.cookies["csrftoken"], "expected_status": "posted"},
            headers={"Referer": f"{BASE}/wishes/{pk}/"},
            timeout=60,
        )
        if response is not None and response.status_code == 200 and CLAIMED in response.text:
            recorder.ack("wish_claim", f"{pk}:member")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--cut-database-at",
        type=int,
        default=0,
        help="PostgreSQL only: the server reaches the database through a relay that is cut at this second of "
        "the run (every connection dropped, new ones refused, as in a restart) and restored after --cut-for",
    )
    parser.add_argument("--cut-for", type=int, default=8)
    parser.add_argument(
        "--restart-postgres-at",
        type=int,
        default=0,
        help="PostgreSQL only: really restart the local cluster (pg_ctlcluster CLUSTER restart, fast mode) at "
        "this second of the run; needs root or the postgres user, and stops every other client of the cluster",
    )
    parser.add_argument("--cluster", default="15 main", help="version and name for pg_ctlcluster")
    args = parser.parse_args()
    if args.restart_postgres_at and args.db != "postgresql":
        raise SystemExit("--restart-postgres-at needs --db postgresql")
    proxy = None
    if args.cut_database_at:
        if args.db != "postgresql":
            raise SystemExit("--cut-database-at needs --db postgresql")
        from ops.tcpproxy import TcpProxy

        proxy = TcpProxy(("127.0.0.1", 5432)).start()

    prepare(args.db, args.rebuild)
    env = environment(args.db)
    scene = json.loads(
        subprocess.run(
            [PY, "-m", "bench.load.scene"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    scene["run"] = uuid.uuid4().hex[:8]
    results_dir = DATA / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    log = results_dir / f"{args.db}-{stamp}.server.log"
    server = start_server(args.db, args.workers, args.threads, log, proxy.port if proxy else None)
    recorder = Recorder()
    stop = threading.Event()
    loops = []
    clerks = args.clients * 2 // 5  # 20 of 50
    offices = args.clients // 5  # 10 of 50
    members = args.clients // 10  # 5 of 50; the other 15 are residents
    for client in range(args.clients):
        if client < clerks:
            loop = clerk_loop
        elif client < clerks + offices:
            loop = office_loop
        elif client < clerks + offices + members:
            loop = member_loop
        else:
            loop = resident_loop
        loops.append(threading.Thread(target=loop, args=(recorder, scene, stop, client), daemon=True))
    load_before = os.getloadavg()
    started = time.monotonic()
    for thread in loops:
        thread.start()
    recorder.t0 = started
    restart = None
    try:
        if args.restart_postgres_at:
            time.sleep(args.restart_postgres_at)
            began = time.monotonic()
            subprocess.run(["pg_ctlcluster", *args.cluster.split(), "restart", "-m", "fast"], check=True)
            restart = [round(began - started, 1), round(time.monotonic() - started, 1)]
            time.sleep(max(0, args.duration - (time.monotonic() - started)))
        elif proxy is not None:
            time.sleep(args.cut_database_at)
            proxy.cut()
            time.sleep(args.cut_for)
            proxy.restore()
            time.sleep(max(0, args.duration - args.cut_database_at - args.cut_for))
        else:
            time.sleep(args.duration)
    finally:
        stop.set()
        for thread in loops:
            thread.join(timeout=90)
        elapsed = time.monotonic() - started
        load_after = os.getloadavg()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)

    acks_file = results_dir / f"{args.db}-{stamp}.acks.json"
    acks_file.write_text(json.dumps(recorder.acks, ensure_ascii=False))
    found = json.loads(
        subprocess.run(
            [PY, "-m", "bench.load.verify", str(acks_file)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    server_log = log.read_text(errors="replace")
    all_latencies = [v for values in recorder.latencies.values() for v in values]
    total = len(all_latencies)
    result = {
        "db": args.db,
        "clients": args.clients,
        "duration_s": round(elapsed, 1),
        "workers": args.workers,
        "threads": args.threads,
        "requests": total,
        "throughput_rps": round(total / elapsed, 1),
        "p50_ms": round(percentile(all_latencies, 50) * 1000),
        "p99_ms": round(percentile(all_latencies, 99) * 1000),
        "by_operation": {
            op: {
                "count": len(values),
                "p50_ms": round(percentile(values, 50) * 1000),
                "p99_ms": round(percentile(values, 99) * 1000),
                "statuses": {str(k): v for k, v in recorder.statuses[op].items()},
            }
            for op, values in sorted(recorder.latencies.items())
        },
        "writes": found,
        "lost": sum(len(v["lost"]) for v in found.values()),
        "acknowledged": sum(v["acknowledged"] for v in found.values()),
        "answered_503_database_unavailable": recorder.unavailable,
        "database_is_locked_in_server_log": server_log.count("database is locked"),
        "server_errors_5xx": sum(
            c for s in recorder.statuses.values() for k, c in s.items() if isinstance(k, int) and k >= 500
        ),
        "timeline": (
            {second: dict(c) for second, c in sorted(recorder.timeline.items())} if proxy or restart else None
        ),
        "postgres_restart": restart,
        "database_cut": [args.cut_database_at, args.cut_database_at + args.cut_for] if proxy else None,
        "load_average_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        "nproc": os.cpu_count(),
    }
    (results_dir / f"{args.db}-{stamp}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
