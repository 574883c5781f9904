"""The probes a container platform and a load balancer ask (docs/operations.md, "Health"):

- `/healthz`: the process is alive and answering. Touches nothing else, so a database outage never makes the
  platform restart healthy web processes.
- `/readyz`: this process can serve: the database answers, the cache and the Celery broker answer, and the
  database has every migration this code knows (a release whose `migrate` has not run is not ready). 200 with
  every check, 503 naming the ones that failed; the error's class only, the details go to the log.

JSON, no sign-in, no session, no tenant: the operator endpoints middleware (mentorhub/ops/endpoints.py)
answers them before host checks and sessions, and the HTTPS redirect exempts them (SECURE_REDIRECT_EXEMPT).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from redis.exceptions import RedisError

from .broker import broker_client, uses_redis

log = logging.getLogger(__name__)

# Once the database has every migration, this process stops asking for a while: a probe every few seconds
# should not build the migration graph each time. A database that still misses one is asked at every probe.
MIGRATIONS_RECHECK_SECONDS = 300.0
_migrations_complete_until = 0.0


class NotReady(Exception):
    """A check that ran and found something missing (not an error of the service it asked)."""


def check_database() -> dict[str, Any]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_cache() -> dict[str, Any]:
    key, value = "ops:readyz", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise NotReady("the cache did not keep a value")
    return {"backend": cache.__class__.__name__}


def check_broker() -> dict[str, Any]:
    if not uses_redis():
        return {"broker": "in-process"}  # the embedded default: tasks run eagerly, no broker to reach
    broker_client().ping()
    return {}


def check_migrations() -> dict[str, Any]:
    global _migrations_complete_until
    if time.monotonic() < _migrations_complete_until:
        return {"unapplied": 0}
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise NotReady(f"{len(plan)} migrations not applied")
    _migrations_complete_until = time.monotonic() + MIGRATIONS_RECHECK_SECONDS
    return {"unapplied": 0}


def forget_migration_state() -> None:
    """Ask the database again at the next probe (tests; nothing in production needs it)."""
    global _migrations_complete_until
    _migrations_complete_until = 0.0


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "migrations": check_migrations,
}
FAILURES = (DatabaseError, RedisError, OSError, NotReady)


def run_checks() -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = {"ok": True, **check()}
        except FAILURES as exc:
            log.warning("Readiness check %s failed: %s: %s", name, exc.__class__.__name__, exc)
            result = {"ok": False, "error": str(exc) if isinstance(exc, NotReady) else exc.__class__.__name__}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return results


# Outside ATOMIC_REQUESTS: /healthz must not even connect, and /readyz reports a lost database as a 503 of
# its own instead of failing before the view.
@transaction.non_atomic_requests
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@transaction.non_atomic_requests
@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    ready = all(result["ok"] for result in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)
