"""The beat schedule without a beat process, for the embedded default (`make run`: SQLite, tasks in-process).

With a broker, Celery beat sends the tasks of CELERY_BEAT_SCHEDULE (reminders every minute, nudges hourly,
...). Without one nothing would ever send a reminder, so the web process runs the same schedule in a
daemon thread, started by the first request (never in `manage.py` commands, tests or production:
settings.EMBEDDED_SCHEDULER decides). It is a convenience for trying MentorHub on one machine, not a
replacement for `make beat`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from celery.schedules import BaseSchedule
from celery.schedules import schedule as every
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

from mentorhub.celery import app

logger = logging.getLogger(__name__)
CHECK_SECONDS = 15
_started = threading.Lock()
_thread: threading.Thread | None = None


def _schedules() -> dict[str, tuple[str, BaseSchedule]]:
    """Each beat entry's task name and rule (a number of seconds becomes an interval rule)."""
    entries: dict[str, tuple[str, BaseSchedule]] = {}
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        rule = entry["schedule"]
        if isinstance(rule, int | float):
            rule = every(timedelta(seconds=rule))
        assert isinstance(rule, BaseSchedule)  # celery's schedule, crontab or solar
        entries[name] = (str(entry["task"]), rule)
    return entries


def tick(last_run: dict[str, datetime]) -> list[str]:
    """Run, in this thread, every entry that is due; `last_run` remembers when each ran. Returns the names."""
    ran = []
    app.loader.import_default_modules()  # the apps' tasks modules: registered on first use
    for name, (task_name, rule) in _schedules().items():
        previous = last_run.get(name) or app.now() - timedelta(days=1)
        due, _next = rule.is_due(previous)
        if not due:
            continue
        last_run[name] = app.now()
        ran.append(name)
        try:
            app.tasks[task_name].apply()  # like an eager task
        except Exception:  # one failing entry must not stop the others; it is logged
            logger.exception("Embedded scheduler: %s failed", task_name)
        finally:
            connections.close_all()
    return ran


def run_forever() -> None:
    last_run: dict[str, datetime] = {}
    while True:
        tick(last_run)
        time.sleep(CHECK_SECONDS)


def start() -> None:
    global _thread
    with _started:
        if _thread is None:
            _thread = threading.Thread(target=run_forever, name="embedded-scheduler", daemon=True)
            _thread.start()
            logger.info("Embedded scheduler started: %s", ", ".join(settings.CELERY_BEAT_SCHEDULE))


class EmbeddedSchedulerMiddleware:
    """Starts the scheduler thread with the first request of a web process (when EMBEDDED_SCHEDULER)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = settings.EMBEDDED_SCHEDULER

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.enabled and _thread is None:
            start()
        return self.get_response(request)
