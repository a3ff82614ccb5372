"""gunicorn settings for Taizhang: ``gunicorn taizhang.wsgi -c deploy/gunicorn.conf.py``.

Every value can be set from the environment, so one file serves a district's single
machine and each app server of a city. Threads let a worker serve other requests while
one waits on the database; requests are short, so a few per worker are enough.
"""

import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WORKERS", "3"))
worker_class = "gthread"
threads = int(os.environ.get("THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (slow leaks in long-lived processes), not all at once.
max_requests = int(os.environ.get("MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
# The request id the app returns (X-Request-ID) ties an access-log line to the app's log.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Prometheus: each worker process keeps its counters in files under this folder, and a
# scrape of /metrics on any worker adds them all up. One folder per app server process.
_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", str(Path(tempfile.gettempdir()) / f"taizhang-metrics-{bind.replace(':', '-')}")
)


def on_starting(server):
    """Start from empty metric files: counters of a previous run would be added in."""
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    Path(_metrics_dir).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
