"""A real Celery worker for the tests that must not run tasks eagerly: the `celery_worker_process` fixture.

Usage (registered for the whole suite from tests/conftest.py)::

    pytestmark = [pytest.mark.services, pytest.mark.xdist_group("worker")]

    def test_something(celery_worker_process, org):
        ...  # queue work the normal way: a view or service that calls task.delay() in on_commit
        done = celery_worker_process.wait_for(lambda: Thing.objects.filter(status="done").first(), timeout=60)

What the fixture does, for the duration of one test:

* needs real services: without DATABASE_URL or REDIS_URL in the environment (or with a database that is not
  PostgreSQL) the test is skipped, unless MENTORHUB_REQUIRE_SERVICES is truthy (CI), then it fails;
* uses `transactional_db`, so the data the test writes is committed and the worker can see it;
* picks a unique queue name and points this process's Celery app at it (task_default_queue), with eager
  mode off, so `.delay()` really goes through Redis, and to this worker only;
* gives this test a cache key prefix of its own and the worker the same one (progress published by a task
  through the cache is readable here, and parallel test processes do not collide);
* starts `celery -A mentorhub worker --pool=solo -Q <queue>` with this process's environment (a test may
  add variables first with monkeypatch.setenv, e.g. TEST_EMAIL_BACKEND) and DATABASE_URL pointing at the pytest test
  database (its name differs per xdist worker, so it is read at runtime) and DJANGO_ENV=test;
* waits until the worker answers a ping, and stops it (then its whole process group) afterwards.

The returned `CeleryWorker` has `queue`, `nodename`, `process`, `log()` (the worker's output so far),
`kill()` (SIGKILL, for crash tests), `restart()` (a new worker on the same queue) and
`wait_for(predicate, timeout)`, which polls until the predicate returns something truthy and fails with
the worker's log when the timeout passes or the worker dies. Group the tests that use it with
`xdist_group("worker")`: each starts a process, and grouping keeps them off the other xdist workers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import pytest

T = TypeVar("T")
TRUTHY = {"1", "true", "yes", "on"}
START_TIMEOUT_SECONDS = 60


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist registers this marker itself; without xdist (-p no:xdist) --strict-markers would refuse it.
    config.addinivalue_line("markers", "xdist_group(name): run in the same xdist worker as the group's others")


def services_required() -> bool:
    return os.environ.get("MENTORHUB_REQUIRE_SERVICES", "").strip().lower() in TRUTHY


def require_services(settings: Any) -> None:
    """Skip (or, when services are required, fail) unless PostgreSQL and Redis are configured."""
    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if not missing and not settings.POSTGRESQL:
        missing = ["a PostgreSQL DATABASE_URL"]
    if missing:
        reason = f"needs a real worker on PostgreSQL and Redis; not configured: {', '.join(missing)}"
        if services_required():
            pytest.fail(f"MENTORHUB_REQUIRE_SERVICES is set, but this test {reason}.")
        pytest.skip(reason)


def database_url(db: dict[str, Any]) -> str:
    """A DATABASE_URL for the database Django is connected to now (the test database)."""
    user = quote(db.get("USER") or "", safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{db.get('HOST') or 'localhost'}{port}/{quote(db['NAME'], safe='')}"


@dataclass
class CeleryWorker:
    queue: str
    nodename: str
    process: subprocess.Popen
    log_path: Path
    app: Any = field(repr=False)
    command: list[str] = field(default_factory=list, repr=False)
    env: dict[str, str] = field(default_factory=dict, repr=False)
    cwd: Path | None = field(default=None, repr=False)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_for(self, predicate: Callable[[], T], timeout: float = 60, interval: float = 0.2) -> T:
        """Poll `predicate` until it returns something truthy, and return that."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if not self.alive():
                pytest.fail(f"The Celery worker exited with {self.process.returncode}.\n{self.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"Nothing after {timeout} s of waiting on the Celery worker.\n{self.log()}")
            time.sleep(interval)

    def ping(self) -> bool:
        return bool(self.app.control.ping(destination=[self.nodename], timeout=0.5))

    def kill(self) -> None:
        """SIGKILL the worker and its children at once, as a lost host or the OOM killer would: no warm
        shutdown, no cleanup, its database connections simply drop."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def restart(self) -> None:
        """Start a new worker process on the same queue (its output goes on in the same log)."""
        with self.log_path.open("ab") as log:
            self.process = _spawn(self.command, self.env, self.cwd, log)
        self.wait_for(self.ping, timeout=START_TIMEOUT_SECONDS, interval=0.5)


@pytest.fixture
def celery_worker_process(transactional_db, settings) -> Iterator[CeleryWorker]:
    require_services(settings)
    from mentorhub.celery import app

    # Read before the settings change below: the app loads its configuration from Django's settings lazily,
    # so reading it after would save the test's values, and leave eager mode off for the tests that follow.
    saved = {"task_always_eager": app.conf.task_always_eager, "task_default_queue": app.conf.task_default_queue}

    queue = f"test-{uuid.uuid4().hex[:12]}"
    nodename = f"{queue}@pytest"
    cache_prefix = f"{settings.CACHES['default'].get('KEY_PREFIX', '')}-{queue}"

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": cache_prefix} if alias == "default" else config
        for alias, config in settings.CACHES.items()
    }
    # The Celery app read the Django settings once; its own configuration is what .delay() consults.
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentorhub.settings",
        "DJANGO_ENV": "test",
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CACHE_KEY_PREFIX": cache_prefix,
        "PYTHONUNBUFFERED": "1",
        # The worker acts as the application role, under row-level security, as the test's own connections do.
        "DATABASE_ASSUME_ROLE": settings.DATABASES["default"].get("OPTIONS", {}).get("assume_role", ""),
    }
    celery = Path(sys.executable).with_name("celery")
    command = [
        str(celery), "-A", "mentorhub", "worker", "--pool=solo", "-Q", queue, "-n", nodename,
        "--loglevel=INFO", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    log_file = tempfile.NamedTemporaryFile(prefix=f"{queue}-", suffix=".log", delete=False)  # noqa: SIM115
    process = _spawn(command, env, settings.BASE_DIR, log_file)
    worker = CeleryWorker(
        queue=queue,
        nodename=nodename,
        process=process,
        log_path=Path(log_file.name),
        app=app,
        command=command,
        env=env,
        cwd=settings.BASE_DIR,
    )
    try:
        worker.wait_for(worker.ping, timeout=START_TIMEOUT_SECONDS, interval=0.5)
        yield worker
    finally:
        _stop(worker.process)
        log_file.close()
        app.conf.update(saved)
        _delete_queue(queue)
        os.unlink(log_file.name)


def _spawn(command: list[str], env: dict[str, str], cwd: Any, log: Any) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so teardown stops any child too
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # warm shutdown: finishes the task at hand
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def _delete_queue(queue: str) -> None:
    """Leave nothing of the throwaway queue in Redis: its list (and priority lists) and kombu's binding keys.
    The name is unique, so every key that contains it is this queue's."""
    try:
        import redis

        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        keys = list(client.scan_iter(match=f"*{queue}*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()
    except Exception:  # noqa: S110 - best-effort cleanup; a leftover key is harmless
        pass
