"""A real gunicorn for the operations tests (tests/ops/): started from the repository root, so it reads
gunicorn.conf.py (the metrics' multiprocess directory) like a deployment, with the environment a test gives it,
and stopped with its whole process group."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connections

from tests.celery_worker import database_url

START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_database_env() -> dict[str, str]:
    """The pytest test database (this xdist worker's), as the application role, as the suite's own connections."""
    db = connections["default"].settings_dict  # the test database's name is set here, not in settings.DATABASES
    return {
        "DATABASE_URL": database_url(db),
        "DATABASE_ASSUME_ROLE": db.get("OPTIONS", {}).get("assume_role", ""),
    }


def production_env(**extra: str) -> dict[str, str]:
    """Production settings on loopback: the site is mentorhub.example.com behind an HTTPS proxy."""
    return {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "ops-tests-" + os.urandom(24).hex(),
        "DJANGO_ALLOWED_HOSTS": "mentorhub.example.com",
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "CACHE_KEY_PREFIX": f"ops-tests-{os.getpid()}-{os.urandom(4).hex()}",
        "EMAIL_URL": "dummymail://",
        **app_database_env(),
        **extra,
    }


@dataclass
class Gunicorn:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def json_lines(self) -> list[dict[str, Any]]:
        """The log's JSON lines (gunicorn's own start-up lines are plain text)."""
        lines = []
        for line in self.log().splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        return requests.get(self.url + path, **kwargs)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def start_gunicorn(env: dict[str, str], *, workers: int = 1, ready_path: str = "/healthz") -> Gunicorn:
    port = free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PROMETHEUS_"))}
    full_env = {**base, "DJANGO_SETTINGS_MODULE": "mentorhub.settings", "DJANGO_ENV_FILE": "", **env}
    full_env["PYTHONUNBUFFERED"] = "1"
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "mentorhub.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60", "--graceful-timeout", "5",
    ]  # fmt: skip
    log_file = tempfile.NamedTemporaryFile(prefix="ops-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=full_env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
    )
    log_file.close()
    server = Gunicorn(url=f"http://127.0.0.1:{port}", process=process, log_path=Path(log_file.name))
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            if server.get(ready_path).status_code < 500:
                return server
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            pytest.fail(f"gunicorn did not start.\n{server.log()}")
        time.sleep(0.2)


def remove_log(server: Gunicorn) -> None:
    server.stop()
    server.log_path.unlink(missing_ok=True)
