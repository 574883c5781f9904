"""The figures the processes record as they work. Label values are bounded: a route's name (never a path),
a method from a fixed list, a status class, a task's registered name."""

from __future__ import annotations

from prometheus_client import Counter, Histogram, disable_created_metrics

# The `_created` series (when each label set first appeared) double a scrape's size and no dashboard reads them.
disable_created_metrics()

REQUEST_SECONDS = Histogram(
    "mentorhub_http_request_duration_seconds",
    "Time from the first middleware to the response, by route name, method and status class.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TASK_SECONDS = Histogram(
    "mentorhub_task_duration_seconds",
    "Run time of a Celery task in the worker, by task name and final state (SUCCESS, FAILURE, RETRY, ...).",
    ["task", "state"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0),
)
TASK_FAILURES = Counter(
    "mentorhub_task_failures",
    "Celery tasks that ended in an exception (a retry is not a failure), by task name.",
    ["task"],
)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(*, route: str, method: str, status: int, seconds: float) -> None:
    method = method if method in _METHODS else "other"
    REQUEST_SECONDS.labels(route=route, method=method, status=f"{status // 100}xx").observe(seconds)


def observe_task(*, task: str, state: str, seconds: float) -> None:
    TASK_SECONDS.labels(task=task, state=state or "UNKNOWN").observe(seconds)


def count_task_failure(*, task: str) -> None:
    TASK_FAILURES.labels(task=task).inc()
