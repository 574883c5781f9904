"""The database goes away under a running web server: a REAL gunicorn whose DATABASE_URL goes through a TCP
proxy on loopback that the test cuts (every connection dropped, new ones refused) and restores.

While the database is away every page answers a clean 503 (HTML for pages, JSON under /api/, Retry-After, no
trace of the error), the operator's log has the error; once it is back the same process serves again by itself.
A connection the server ends (pg_terminate_backend: a restart, a failover) is replaced before the next request
uses it (CONN_HEALTH_CHECKS), so that request does not even notice.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
import requests
from django.conf import settings

from mentorhub.accounts.models import Role
from mentorhub.accounts.services.tokens import api_token_create
from tests.celery_worker import database_url, require_services
from tests.factories import MembershipFactory, OrganizationFactory
from tests.helpers import client_for

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("web-outage")]
APPLICATION_NAME = "faults-web-outage"  # names the web server's connections in pg_stat_activity
DEADLINE_SECONDS = 60


class CuttableProxy:
    """TCP on loopback to PostgreSQL, byte for byte, until `cut()`: every open connection is dropped and each
    new one closed at once, as a database that went away; `restore()` lets connections through again."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.away = threading.Event()
        self.lock = threading.Lock()
        self.open: set[socket.socket] = set()
        threading.Thread(target=self._accept, name="db-proxy", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return  # closed
            if self.away.is_set():
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            self._drop(source, target)

    def _drop(self, *sockets: socket.socket) -> None:
        for sock in sockets:
            with self.lock:
                self.open.discard(sock)
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def cut(self) -> None:
        self.away.set()
        with self.lock:
            sockets = list(self.open)
        self._drop(*sockets)

    def restore(self) -> None:
        self.away.clear()

    def close(self) -> None:
        self.cut()
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()


@dataclass
class WebServer:
    url: str
    process: subprocess.Popen
    log_path: Path
    proxy: CuttableProxy

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def get(self, path: str, **headers: str) -> requests.Response:
        return requests.get(self.url + path, headers=headers, allow_redirects=False, timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def web(django_db_setup, django_db_blocker) -> Iterator[WebServer]:
    """gunicorn (one sync worker: one persistent connection to watch) on the test database, through the proxy."""
    require_services(settings)
    db = settings.DATABASES["default"]
    proxy = CuttableProxy((db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)))
    through_proxy = {**db, "HOST": "127.0.0.1", "PORT": proxy.port}
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentorhub.settings",
        "DJANGO_ENV": "test",
        "DJANGO_ENV_FILE": "",
        "DATABASE_URL": f"{database_url(through_proxy)}?application_name={APPLICATION_NAME}&connect_timeout=3",
        "DATABASE_ASSUME_ROLE": db.get("OPTIONS", {}).get("assume_role", ""),
        "DATABASE_CONN_MAX_AGE": "60",  # persistent connections, as in production
        "PYTHONUNBUFFERED": "1",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn), "mentorhub.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1",
        "--timeout", "60", "--graceful-timeout", "5",
    ]  # fmt: skip
    log_file = tempfile.NamedTemporaryFile(prefix="faults-web-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = WebServer(url=f"http://127.0.0.1:{port}", process=process, log_path=Path(log_file.name), proxy=proxy)
    try:
        wait_until(lambda: _answers(server), server, "gunicorn to answer")
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        proxy.close()
        log_file.close()
        os.unlink(log_file.name)


def _answers(server: WebServer) -> bool:
    try:
        return server.get("/accounts/login/").status_code == 200
    except requests.ConnectionError:
        return False


def wait_until(predicate, server: WebServer, what: str):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not (result := predicate()):
        if server.process.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.process.returncode} waiting for {what}.\n{server.log()}")
        if time.monotonic() > deadline:
            pytest.fail(f"Nothing after {DEADLINE_SECONDS} s of waiting for {what}.\n{server.log()}")
        time.sleep(0.1)
    return result


@pytest.fixture
def visitor(transactional_db, web):
    """Committed data the web server can read: an admin's session cookie and an API token."""
    organization = OrganizationFactory(slug="alpha", name="Alpha Outage Ltd")
    admin = MembershipFactory(organization=organization, role=Role.ADMIN, user__email="admin@alpha.test")
    session = client_for(admin).cookies[settings.SESSION_COOKIE_NAME].value
    _token, raw = api_token_create(organization=organization, actor=admin.user, membership=admin, name="Outage")
    return {
        "page": lambda: web.get("/o/alpha/", Cookie=f"{settings.SESSION_COOKIE_NAME}={session}"),
        "api": lambda: web.get("/api/v1/o/alpha/employees/", Authorization=f"Bearer {raw}"),
    }


def web_backends() -> list[int]:
    """The server process ids of the web server's connections (as the superuser, outside the test's own)."""
    db = settings.DATABASES["default"]
    with (
        psycopg2.connect(
            host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432, user=db["USER"], dbname=db["NAME"]
        ) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s ORDER BY pid", [APPLICATION_NAME])
        return [row[0] for row in cursor.fetchall()]


def terminate_web_backends() -> int:
    db = settings.DATABASES["default"]
    connection = psycopg2.connect(
        host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432, user=db["USER"], dbname=db["NAME"]
    )
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
                [APPLICATION_NAME],
            )
            return cursor.fetchone()[0]
    finally:
        connection.close()


def assert_clean_503(response: requests.Response, *, api: bool) -> None:
    assert response.status_code == 503, response.text[:500]
    assert response.headers["Retry-After"] == "15"
    assert "Content-Security-Policy" in response.headers  # still the browser policy of every answer
    for leak in ("Traceback", "OperationalError", "psycopg", "connection", "127.0.0.1"):
        assert leak not in response.text, leak
    if api:
        assert response.headers["Content-Type"] == "application/json"
        assert response.json() == {"detail": "The service cannot reach its database just now; try again in a moment."}
    else:
        assert response.headers["Content-Type"].startswith("text/html")
        assert "MentorHub is back in a moment" in response.text
        assert '<meta http-equiv="refresh" content="15">' in response.text


def test_while_the_database_is_away_every_page_answers_503_then_serves_again_by_itself(web, visitor):
    assert visitor["page"]().status_code == 200
    assert visitor["api"]().status_code == 200
    # The persistent connection that the cut drops (waited for, as below: pg_stat_activity can show it a moment
    # after the response arrived; once, CI read it empty)
    wait_until(web_backends, web, "the web server's connection")

    web.proxy.cut()
    try:
        for _ in range(2):  # the dropped connection, then a new one refused: the same clean answer
            assert_clean_503(visitor["page"](), api=False)
            assert_clean_503(visitor["api"](), api=True)
    finally:
        web.proxy.restore()

    page = visitor["page"]()  # the very next request, from the same process
    assert page.status_code == 200 and "Alpha Outage Ltd" in page.text
    api = visitor["api"]()
    assert api.status_code == 200 and api.headers["Content-Type"] == "application/json"
    assert web.process.poll() is None
    # The operator's log has what the visitor never sees.
    log = web.log()
    assert "Service Unavailable: /o/alpha/" in log and "OperationalError" in log
    assert "Internal Server Error" not in log


def test_a_connection_the_database_ended_is_replaced_before_the_next_request(web, visitor):
    assert visitor["page"]().status_code == 200
    before = wait_until(web_backends, web, "the web server's connection")
    assert terminate_web_backends() == len(before)  # a restart or failover ends the server side
    # pg_terminate_backend only signals: wait until those backends are gone, or the health check could still
    # pass on a dying connection.
    wait_until(lambda: not set(web_backends()) & set(before), web, "the old backends to exit")

    page = visitor["page"]()  # not even this one fails: the health check reconnects first
    assert page.status_code == 200 and "Alpha Outage Ltd" in page.text
    after = web_backends()
    assert after and not set(after) & set(before)
