"""Prometheus metrics beyond django-prometheus's request counters and latencies: the
worker queue's depth and the number of overdue items.

The overdue figure is read from the cache, where ``ops.tasks.refresh_overdue_count``
leaves it every few minutes: a scrape never counts a province's million rows.
"""

from __future__ import annotations

import contextlib
import datetime
import os
from collections.abc import Iterator

from django.apps import apps
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

OVERDUE_CACHE_KEY = "ops:overdue_items"
OVERDUE_CACHE_SECONDS = 24 * 3600


def tracked_item_models() -> list[type]:
    """Every concrete model built on ``core.models.TrackedItem`` (problems, measures and
    whatever later apps add)."""
    from core.models import TrackedItem

    return [
        model
        for model in apps.get_models()
        if issubclass(model, TrackedItem) and not model._meta.proxy and model._meta.managed
    ]


def count_overdue(today: datetime.date | None = None) -> dict[str, int]:
    """Open items past their deadline, per model label (``rectification.problem``)."""
    today = today or timezone.localdate()
    counts: dict[str, int] = {}
    for model in tracked_item_models():
        open_items = ~Q(status__in=list(model.closed_statuses)) if model.closed_statuses else Q()
        counts[model._meta.label_lower] = model.objects.filter(open_items, deadline__lt=today).count()
    return counts


def store_overdue(counts: dict[str, int]) -> None:
    cache.set(OVERDUE_CACHE_KEY, {"counts": counts, "at": timezone.now().timestamp()}, timeout=OVERDUE_CACHE_SECONDS)


class TaizhangCollector(Collector):
    """Queue depth read from Huey's storage and the cached overdue counts, at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from huey.contrib.djhuey import HUEY

        queue = GaugeMetricFamily("taizhang_queue_pending_tasks", "Tasks waiting in the Huey queue.")
        scheduled = GaugeMetricFamily("taizhang_queue_scheduled_tasks", "Tasks scheduled for later in Huey.")
        try:
            queue.add_metric([], HUEY.pending_count())
            scheduled.add_metric([], HUEY.scheduled_count())
        except Exception:
            pass
        yield queue
        yield scheduled

        overdue = GaugeMetricFamily(
            "taizhang_overdue_items", "Open items past their deadline, as last counted.", labels=["model"]
        )
        age = GaugeMetricFamily("taizhang_overdue_items_counted_timestamp_seconds", "When they were last counted.")
        stored = cache.get(OVERDUE_CACHE_KEY)
        if stored:
            for label, value in sorted(stored["counts"].items()):
                overdue.add_metric([label], value)
            age.add_metric([], stored["at"])
        yield overdue
        yield age


_collector = TaizhangCollector()


def register_collector() -> None:
    """Called once from ``OpsConfig.ready``."""
    with contextlib.suppress(ValueError):  # already registered (tests reload apps)
        REGISTRY.register(_collector)


def render_latest() -> bytes:
    """The exposition text. Under gunicorn with ``PROMETHEUS_MULTIPROC_DIR`` set, the
    request metrics of every worker process are merged, so one scrape sees them all."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_collector)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
