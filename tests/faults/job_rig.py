"""The processes of the job fault tests (tests/faults/test_jobs_survive.py), started once per module: a private
redis-server (the broker and cache, which a test may restart), a real Celery worker on it (SIGKILLed and restarted
by the tests: tests/celery_worker.py's CeleryWorker), and a real `celery beat` process beside it, as in
production, with the sweeper and the reminder dispatcher ticking every second. The worker's limits are short
so a test waits seconds, not minutes: a heartbeat every 0.5 s, dead after 3 s, a queued job sent again after 2 s.

Also `RowLock`: a lock held from a connection of its own (the login role, outside row-level security), which
a test uses to stop a job at a known point of its work, and to see that the job waits there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2
import pytest
import redis
from django.conf import settings
from django.test.utils import override_settings
from psycopg2 import sql

from tests.celery_worker import START_TIMEOUT_SECONDS, CeleryWorker, _spawn, database_url, require_services

LIMITS = {  # the worker's and beat's (settings.py reads them); the tests' process gets the same
    "JOB_HEARTBEAT_SECONDS": 0.5,
    "JOB_DEAD_AFTER_SECONDS": 3.0,
    "JOB_RESEND_AFTER_SECONDS": 2.0,
    "JOB_SWEEP_SECONDS": 1.0,
    "REMINDER_DISPATCH_SECONDS": 1.0,
}
MAIL_DELAY_SECONDS = 0.1  # each message takes this long at "the mail server" (mentorhub/mail_backends.py)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of this test module only, without persistence: a restart loses every message in it."""

    def __init__(self, directory: Path) -> None:
        self.port, self.directory, self.process = free_port(), directory, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [*command, "--dir", str(self.directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = self.client()
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
            finally:
                client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


@dataclass
class Rig:
    worker: CeleryWorker
    beat: subprocess.Popen
    beat_log: Path
    redis: RedisServer
    spool: Path

    def logs(self) -> str:
        return f"--- worker ---\n{self.worker.log()}\n--- beat ---\n{self.beat_log.read_text(errors='replace')}"

    def freeze(self) -> None:
        """Stop the worker where it is (SIGSTOP): it holds its task, consumes nothing, until `thaw`."""
        os.killpg(self.worker.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.killpg(self.worker.process.pid, signal.SIGCONT)

    def freeze_and_kill(self, consistent: Any) -> None:
        """SIGKILL the worker at a moment when `consistent()` holds, checked while the worker is stopped (SIGSTOP),
        so that the kill lands exactly where the test says, never between two steps that it must not split."""
        for _ in range(200):
            os.killpg(self.worker.process.pid, signal.SIGSTOP)
            if consistent():
                self.worker.kill()
                return
            os.killpg(self.worker.process.pid, signal.SIGCONT)
            time.sleep(0.01)
        pytest.fail("The worker never stopped at a consistent point.")


@pytest.fixture(scope="module")
def job_rig(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Rig]:
    require_services(settings)
    from mentorhub.celery import app

    home = tmp_path_factory.mktemp("jobs")
    server = RedisServer(home)
    server.start()
    queue = f"test-{uuid.uuid4().hex[:12]}"
    prefix = f"{settings.CACHES['default'].get('KEY_PREFIX', '')}-{queue}"
    # Read before the settings change below: the app reads Django's settings lazily, on first use.
    saved = {name: app.conf[name] for name in ("task_always_eager", "task_default_queue", "broker_url")}
    overrides = override_settings(
        CELERY_TASK_ALWAYS_EAGER=False,
        CELERY_TASK_DEFAULT_QUEUE=queue,
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": server.url,
                "KEY_PREFIX": prefix,
            }
        },
        **LIMITS,
    )
    overrides.enable()
    app.conf.update(task_always_eager=False, task_default_queue=queue, broker_url=server.url)
    _reset_connections(app)
    spool = home / "spool"
    spool.mkdir()
    env = {
        **os.environ,
        **{name: str(value) for name, value in LIMITS.items()},
        "DJANGO_SETTINGS_MODULE": "mentorhub.settings",
        "DJANGO_ENV": "test",
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "DATABASE_ASSUME_ROLE": settings.DATABASES["default"].get("OPTIONS", {}).get("assume_role", ""),
        "REDIS_URL": server.url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CACHE_KEY_PREFIX": prefix,
        "PYTHONUNBUFFERED": "1",
        "TEST_EMAIL_BACKEND": "mentorhub.mail_backends.SpoolBackend",
        "EMAIL_SPOOL_DIR": str(spool),
        "EMAIL_SPOOL_DELAY_SECONDS": str(MAIL_DELAY_SECONDS),
    }
    celery = str(Path(sys.executable).with_name("celery"))
    nodename = f"{queue}@pytest"
    command = [celery, "-A", "mentorhub", "worker", "--pool=solo", "-Q", queue, "-n", nodename, "--loglevel=INFO",
               "--without-gossip", "--without-mingle"]  # fmt: skip
    worker_log = home / "worker.log"
    beat_log = home / "beat.log"
    with worker_log.open("ab") as log:
        process = _spawn(command, env, settings.BASE_DIR, log)
    worker = CeleryWorker(queue, nodename, process, worker_log, app, command, env, settings.BASE_DIR)
    beat_command = [celery, "-A", "mentorhub", "beat", "-s", str(home / "beat-schedule"), "--loglevel=INFO"]
    with beat_log.open("ab") as log:
        beat = _spawn(beat_command, env, settings.BASE_DIR, log)
    try:
        worker.wait_for(worker.ping, timeout=START_TIMEOUT_SECONDS, interval=0.5)
        yield Rig(worker=worker, beat=beat, beat_log=beat_log, redis=server, spool=spool)
    finally:
        # Killed, not stopped: nothing they hold outlives the module (the broker is this module's), and a warm
        # shutdown of both takes seconds.
        for process in (beat, worker.process):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        server.stop()
        app.conf.update(saved)
        _reset_connections(app)
        overrides.disable()


def _reset_connections(app: Any) -> None:
    """The Celery app keeps its broker connections in pools made for the broker URL of the time: forget them
    (as Celery does after a fork), so the next send makes pools for the URL now configured. Not closed: kombu
    keeps them in a registry by URL, and hands the same pool out again when that URL comes back."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def rig(job_rig: Rig, transactional_db) -> Iterator[Rig]:
    """The module's processes, for one test: an empty mail spool, a live worker, committed data."""
    for message in job_rig.spool.glob("*"):
        message.unlink()
    if not job_rig.worker.alive():
        job_rig.worker.restart()
    yield job_rig


class RowLock:
    """A lock taken on a connection of its own (as the login role, so row-level security does not hide the
    row), held until the block ends. `waiting()` counts the backends that wait for it."""

    def __init__(self) -> None:
        db = settings.DATABASES["default"]
        self.connection = psycopg2.connect(
            dbname=db["NAME"], user=db.get("USER") or None, password=db.get("PASSWORD") or None,
            host=db.get("HOST") or None, port=db.get("PORT") or None,
        )  # fmt: skip
        self.pid = self.connection.get_backend_pid()

    def lock_row(self, model: Any, pk: int, strength: str = "UPDATE") -> None:
        """SELECT ... FOR <strength> the model's row `pk` (UPDATE, NO KEY UPDATE, SHARE, KEY SHARE)."""
        assert strength in ("UPDATE", "NO KEY UPDATE", "SHARE", "KEY SHARE")
        table = sql.Identifier(model._meta.db_table)
        statement = sql.SQL("SELECT 1 FROM {} WHERE id = %s FOR {}").format(table, sql.SQL(strength))
        with self.connection.cursor() as cursor:
            cursor.execute(statement, [pk])
            assert cursor.fetchone(), "no such row"

    def waiting(self) -> int:
        with self.connection.cursor() as cursor:
            # pg_stat_activity is read once per transaction, and this one stays open (it holds the lock): re-read.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [self.pid])
            return int(cursor.fetchone()[0])

    def __enter__(self) -> RowLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.connection.rollback()
        self.connection.close()


def elapsed_since(start: float) -> float:
    return round(time.monotonic() - start, 1)
