"""bench/load.py's side of the server: the database it seeds and the web process it starts and stops.

Two shapes. PostgreSQL (the default): the database DATABASE_URL names (bench/_db.py creates it afresh and drops
only a benchmark's), migrated, seeded with the demo (`manage.py seed_demo`) and the load test's sign-ins
(bench/_load_prepare.py), then served by gunicorn with production settings (DJANGO_ENV=production, DEBUG off,
static files collected and hashed, Redis for the cache) connecting as the application role under row-level
security. Embedded (`--embedded`): what `make run` starts, SQLite in a temporary folder (never the demo's
var/mentorhub.sqlite3), tasks in-process, the embedded scheduler's thread on, served by `manage.py runserver`.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from _db import analyze, database_exists, ensure_role, recreate_database

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
APP_ROLE = "mentorhub_app"


@dataclass
class Target:
    """What the load runs against: how to reach it and how it was set up (printed with the figures)."""

    base_url: str
    plan: dict
    description: str
    process: subprocess.Popen
    workdir: Path
    notes: list[str] = field(default_factory=list)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the web process and its workers so far."""
        total = 0.0
        try:
            root = psutil.Process(self.process.pid)
            for proc in [root, *root.children(recursive=True)]:
                try:
                    times = proc.cpu_times()
                    total += times.user + times.system
                except psutil.NoSuchProcess:
                    continue
        except psutil.NoSuchProcess:
            pass
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def _prepare(env: dict[str, str]) -> dict:
    result = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "_load_prepare.py")], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"bench/_load_prepare.py failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def _base_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({"DJANGO_ENV_FILE": "", "DJANGO_DEBUG": "false", "PYTHONUNBUFFERED": "1"})
    return env


def _wait_until_up(base_url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"The web process stopped at start-up:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/accounts/login/", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    sys.exit(f"The web process did not answer within 90 s:\n{log.read_text()[-3000:]}")


def start_postgresql(
    *, database_url: str, redis_url: str, reuse: bool, workers: int, worker_class: str, threads: int
) -> Target:
    # The sessions bench/_load_prepare.py writes are signed with the server's secret key (the session hash).
    secret_key = "bench-load-" + os.urandom(16).hex()
    env = _base_env()
    env.update(
        {
            "DJANGO_ENV": "development",
            "DJANGO_SECRET_KEY": secret_key,
            "DATABASE_URL": database_url,
            "DATABASE_APP_ROLE": APP_ROLE,
        }
    )
    if reuse and database_exists(database_url):
        note = "reused (--reuse-database): migrated, not re-seeded"
    else:
        recreate_database(database_url)
        note = "created afresh, migrated and seeded with the demo"
    ensure_role(database_url, APP_ROLE)
    _manage(env, "migrate", "--noinput")
    if not note.startswith("reused"):
        _manage(env, "seed_demo")
    plan = _prepare(env)
    analyze(database_url)
    workdir = Path(tempfile.mkdtemp(prefix="mh-bench-load-"))
    port = _free_port()
    server_env = _base_env()
    server_env.update(
        {
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": secret_key,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback: no TLS-terminating balancer here
            "DATABASE_URL": database_url,
            "DATABASE_ASSUME_ROLE": APP_ROLE,  # under row-level security, as production's web processes
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": f"mh-bench-load-{os.getpid()}",  # this run's cache and rate-limit counters only
            "CELERY_TASK_ALWAYS_EAGER": "true",  # no worker in this benchmark: a task a page sends runs in it
            "EMAIL_URL": "dummymail://",
            "STATIC_ROOT": str(workdir / "static"),
            "LOG_LEVEL": "WARNING",
        }
    )
    _manage(server_env, "collectstatic", "--noinput")
    log = workdir / "server.log"
    command = [
        str(Path(PYTHON).parent / "gunicorn"),
        "mentorhub.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--timeout",
        "60",
        "--access-logfile",
        str(workdir / "access.log"),
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=server_env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    _wait_until_up(base_url, process, log)
    description = (
        f"gunicorn {workers} worker(s), class {worker_class}, {threads} thread(s) each; production settings "
        f"(DEBUG off, Redis cache), PostgreSQL database {database_url.rsplit('/', 1)[-1]} ({note}) as role {APP_ROLE}"
    )
    return Target(base_url, plan, description, process, workdir)


def start_embedded() -> Target:
    """`make run`'s embedded default on a temporary SQLite file: migrate, seed_demo, runserver."""
    workdir = Path(tempfile.mkdtemp(prefix="mh-bench-embedded-"))
    env = _base_env()
    env.update(
        {
            "DJANGO_ENV": "development",
            "DATABASE_URL": f"sqlite:///{workdir / 'mentorhub.sqlite3'}",
            "EMAIL_URL": "dummymail://",
            "MEDIA_ROOT": str(workdir / "media"),
        }
    )
    _manage(env, "migrate", "--noinput")
    _manage(env, "seed_demo")
    plan = _prepare(env)
    port = _free_port()
    log = workdir / "server.log"
    command = [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    _wait_until_up(base_url, process, log)
    description = (
        "embedded default as `make run` starts it: manage.py runserver (threaded), SQLite (a temporary copy), "
        "tasks in-process, the embedded scheduler's thread on"
    )
    return Target(base_url, plan, description, process, workdir)


def server_log_problems(target: Target) -> list[str]:
    """Lines of the web process's log that say something went wrong ("database is locked", tracebacks)."""
    log = target.workdir / "server.log"
    if not log.exists():
        return []
    markers = ("database is locked", "Traceback", "Internal Server Error", "OperationalError", "Forbidden")
    text = log.read_text(errors="replace")
    problems = [line for line in text.splitlines() if any(m in line for m in markers)]
    if problems:  # the whole log outlives the run's folder, for the tracebacks
        kept = Path(tempfile.gettempdir()) / f"mh-bench-load-{os.getpid()}-server.log"
        kept.write_text(text)
        problems.insert(0, f"(the web process's whole log: {kept})")
    return problems
