"""`/metrics` for Prometheus, behind METRICS_TOKEN (`Authorization: Bearer <token>`): without the setting the
route does not exist (404); with it, a missing or wrong token is 401. No session, no organization: the figures
are the deployment's, never one organization's data.

What a scrape holds: the instruments of every process sharing PROMETHEUS_MULTIPROC_DIR (all of gunicorn's
workers) or of this process alone, plus the gauges read now (mentorhub/ops/metrics/registry.py)."""

from __future__ import annotations

import hmac
import os
from functools import cache

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from mentorhub.ops.broker import queue_lengths

from .registry import ScrapeGaugeCollector, register_gauge

register_gauge(
    "mentorhub_celery_queue_length",
    "Tasks waiting in each Celery queue of the broker (not counting those a worker has taken).",
    queue_lengths,
    labels=("queue",),
)


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


@cache
def _single_process_registry() -> CollectorRegistry:
    # The default registry holds this process's instruments (and its CPU and memory); the gauges join it once.
    REGISTRY.register(ScrapeGaugeCollector())
    return REGISTRY


def scrape_registry() -> CollectorRegistry:
    """What one scrape collects. In multiprocess mode a fresh registry over the directory each time (the
    prometheus_client way): the files of every process, plus the gauges."""
    if not multiprocess_dir():
        return _single_process_registry()
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    registry.register(ScrapeGaugeCollector())
    return registry


def bearer_token_matches(authorization: str, token: str) -> bool:
    scheme, _, presented = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(), token.encode())


def metrics_answer(request: HttpRequest) -> HttpResponse:
    token = getattr(settings, "METRICS_TOKEN", "")
    if not token:
        return HttpResponse("Not found.\n", status=404, content_type="text/plain")
    if not bearer_token_matches(request.headers.get("Authorization", ""), token):
        response = HttpResponse("A bearer token is required.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)


# No transaction around the scrape (ATOMIC_REQUESTS): a gauge that finds the database away is left out of the
# answer instead of failing it.
metrics_view = transaction.non_atomic_requests(never_cache(require_safe(metrics_answer)))
