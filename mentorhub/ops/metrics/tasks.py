"""Celery's side of observability, connected once by mentorhub/celery.py for every process that loads the
Celery app (workers, beat, and the web processes, where tasks run in-process on the embedded default):

- each task's run time by name and final state, and its failures (mentorhub/ops/metrics/instruments.py);
- each task's id, name and organization on the lines it logs (mentorhub/ops/context.py);
- with LOG_FORMAT=json, Celery's own handlers write JSON lines too;
- with CELERY_METRICS_BIND (`host:port`), the worker serves its metrics there (`/metrics`, the same bearer
  token as the web's): a worker is its own Prometheus target, since its figures live in its processes.
"""

from __future__ import annotations

import hmac
import logging
import os
import shutil
import threading
import time
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from celery import signals
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from mentorhub.ops.context import TaskContext, current_task, enter_task, leave_task

from .instruments import count_task_failure, observe_task

log = logging.getLogger(__name__)


def _task_prerun(task_id: str = "", task: Any = None, kwargs: dict | None = None, **_: Any) -> None:
    organization_id = (kwargs or {}).get("organization_id")
    enter_task(
        TaskContext(
            task_id=task_id,
            task_name=getattr(task, "name", "") or "",
            organization_id=organization_id if isinstance(organization_id, int) else None,
            started=time.perf_counter(),
            outer=current_task(),  # a task run eagerly inside another one hands the outer one back at its end
        )
    )


def _task_postrun(task_id: str = "", task: Any = None, state: str | None = None, **_: Any) -> None:
    context = leave_task(task_id)
    if context is not None:
        observe_task(task=context.task_name, state=state or "", seconds=time.perf_counter() - context.started)


def _task_failure(sender: Any = None, **_: Any) -> None:
    count_task_failure(task=getattr(sender, "name", "") or "")


def _json_handlers(logger: logging.Logger | None = None, **_: Any) -> None:
    """Celery set up its handlers (root and task loggers): give them the JSON format and the ids."""
    from django.conf import settings

    from mentorhub.ops.logging import ContextFilter, JsonFormatter

    if getattr(settings, "LOG_FORMAT", "text") != "json" or logger is None:
        return
    for handler in logger.handlers:
        handler.setFormatter(JsonFormatter())
        handler.addFilter(ContextFilter())


# --- The worker's metrics endpoint ------------------------------------------------------------------------


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # a scrape every 15 s is not news
        pass


def worker_registry() -> CollectorRegistry:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if not directory:
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry


def metrics_app(token: str) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ.get("PATH_INFO") != "/metrics":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not found.\n"]
        scheme, _, presented = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(presented.strip().encode(), token.encode()):
            start_response("401 Unauthorized", [("Content-Type", "text/plain"), ("WWW-Authenticate", "Bearer")])
            return [b"A bearer token is required.\n"]
        start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
        return [generate_latest(worker_registry())]

    return app


def serve_worker_metrics(bind: str, token: str) -> WSGIServer:
    host, _, port = bind.rpartition(":")
    server = make_server(host or "0.0.0.0", int(port), metrics_app(token), _ThreadingServer, _QuietHandler)  # noqa: S104
    threading.Thread(target=server.serve_forever, name="metrics-endpoint", daemon=True).start()
    return server


def _worker_init(**_: Any) -> None:
    """In the worker's main process, before its pool starts: a clean multiprocess directory (the last run's
    files would be added to this one's), and the metrics endpoint if one is asked for."""
    from django.conf import settings

    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if directory:
        empty_directory(Path(directory))
    bind = getattr(settings, "CELERY_METRICS_BIND", "")
    if not bind:
        return
    token = getattr(settings, "METRICS_TOKEN", "")
    if not token:
        log.warning("CELERY_METRICS_BIND is set but METRICS_TOKEN is not: the worker serves no metrics.")
        return
    try:
        server = serve_worker_metrics(bind, token)
    except OSError as exc:  # the port is taken (a second worker on this host): work on, without an endpoint
        log.error("The worker's metrics endpoint could not listen on %s: %s", bind, exc)
        return
    log.info("Worker metrics on http://%s:%s/metrics", *server.server_address[:2])


def empty_directory(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for child in directory.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


def connect_celery_signals() -> None:
    # weak=False: the receivers are module functions, but say so; dispatch_uid makes a second call harmless.
    signals.task_prerun.connect(_task_prerun, weak=False, dispatch_uid="mentorhub-ops-prerun")
    signals.task_postrun.connect(_task_postrun, weak=False, dispatch_uid="mentorhub-ops-postrun")
    signals.task_failure.connect(_task_failure, weak=False, dispatch_uid="mentorhub-ops-failure")
    signals.after_setup_logger.connect(_json_handlers, weak=False, dispatch_uid="mentorhub-ops-log")
    signals.after_setup_task_logger.connect(_json_handlers, weak=False, dispatch_uid="mentorhub-ops-task-log")
    signals.worker_init.connect(_worker_init, weak=False, dispatch_uid="mentorhub-ops-worker-init")
