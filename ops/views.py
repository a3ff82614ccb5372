"""Probes for load balancers and orchestrators, and the Prometheus endpoint."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from ops.health import readiness
from ops.metrics import render_latest


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up and answers; touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """The database, the cache and the worker queue are reachable: 200, else 503 naming
    what failed (a load balancer takes the server out of rotation)."""
    healthy, checks = readiness()
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


def metrics_allowed(request: HttpRequest) -> bool:
    """Scrapes come from the machine itself (not through a proxy) or carry the token of
    ``METRICS_TOKEN`` as ``Authorization: Bearer …``."""
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return True
    if request.headers.get("X-Forwarded-For") or request.headers.get("X-Real-IP"):
        return False  # came through nginx: REMOTE_ADDR is the proxy's loopback address
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition: requests and latency (django-prometheus), queue depth and
    overdue items (``ops.metrics``)."""
    if not metrics_allowed(request):
        return HttpResponse(status=403)
    return HttpResponse(render_latest(), content_type=CONTENT_TYPE_LATEST)
