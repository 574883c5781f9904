"""The embedded default (`make run`): SQLite, with the scheduler thread writing beside the browser's requests.

On a fresh `make run` the first sign-ins answered "Server Error (500)": `database is locked`, while the
scheduler's first tick held the database. SQLite in WAL mode with IMMEDIATE transactions and a busy timeout
(mentorhub/settings.py) makes a request wait for the scheduler's short transaction instead of failing.

This needs a real SQLite file and a real server process, whatever database the rest of the suite uses: the
test migrates a file of its own, serves it with `runserver` (the embedded scheduler on, as in `make run`),
runs scheduler ticks and writes in a second process, and signs three people in meanwhile.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = ("admin", "stakeholder", "member")

SETUP = f"""
import django
django.setup()
from mentorhub.accounts.models import Role
from tests.factories import MembershipFactory, OrganizationFactory
org = OrganizationFactory(slug="acme", name="Acme")
for role in {PEOPLE!r}:
    MembershipFactory(organization=org, role=role, user__email=f"{{role}}@acme.example")
"""

# The scheduler's work, as the thread does it (a tick runs every due entry), plus write transactions held
# for a moment between ticks: the sign-ins below always meet a writer.
BUSY_SCHEDULER = """
import sys, time
import django
django.setup()
from django.db import transaction
from mentorhub import embedded_scheduler
from mentorhub.accounts.models import Organization
deadline = time.monotonic() + float(sys.argv[1])
first = True
while time.monotonic() < deadline:
    with transaction.atomic():
        Organization.objects.filter(slug="acme").update(name="Acme")
        if first:
            print("writing", flush=True)
            first = False
        time.sleep(0.5)
    embedded_scheduler.tick({})
print("done", flush=True)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def embedded_env(tmp_path_factory) -> dict[str, str]:
    database = tmp_path_factory.mktemp("embedded") / "mentorhub.sqlite3"
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "PYTEST_XDIST_WORKER")}
    env.update(
        DJANGO_ENV="development",
        DJANGO_ENV_FILE="",
        DJANGO_SETTINGS_MODULE="mentorhub.settings",
        DATABASE_URL=f"sqlite:///{database}",
        EMBEDDED_SCHEDULER="true",
        PYTHONPATH=str(ROOT),
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env, check=True, timeout=120)
    return env


def _sign_in(base: str, email: str) -> tuple[int, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": email, "password": TEST_PASSWORD})
    request = urllib.request.Request(  # noqa: S310 (the test server on loopback)
        f"{base}/accounts/login/", data=form.encode(), headers={"Referer": f"{base}/accounts/login/"}
    )
    try:
        response = opener.open(request, timeout=60)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")[:200]
    return response.status, response.url


def _wait_until_serving(base: str, server: subprocess.Popen) -> None:
    for _ in range(240):
        if server.poll() is not None:
            raise AssertionError(f"runserver exited: {server.stdout.read()}")
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=5).read()  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.25)
    raise AssertionError("runserver did not answer within 60 s")


def test_people_sign_in_while_the_scheduler_writes(embedded_env):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=embedded_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    scheduler = None
    try:
        _wait_until_serving(base, server)  # that first request also started the server's own scheduler thread
        scheduler = subprocess.Popen(
            [sys.executable, "-c", BUSY_SCHEDULER, "20"],
            cwd=ROOT,
            env=embedded_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert scheduler.stdout.readline().strip() == "writing"
        results: dict[str, tuple[int, str]] = {}

        def sign_in(role: str) -> None:
            results[role] = _sign_in(base, f"{role}@acme.example")

        threads = [threading.Thread(target=sign_in, args=(role,)) for role in PEOPLE]
        for thread in threads:
            thread.start()
            time.sleep(0.3)  # a few moments apart, as three people would
        for thread in threads:
            thread.join(timeout=120)

        assert {role: status for role, (status, _where) in results.items()} == dict.fromkeys(PEOPLE, 200), results
        assert all(where.endswith("/o/acme/") for _status, where in results.values()), results
        scheduler_output, _ = scheduler.communicate(timeout=120)
        assert scheduler.returncode == 0, scheduler_output  # the scheduler's writes never failed either
        assert scheduler_output.strip().endswith("done"), scheduler_output
    finally:
        for process in (scheduler, server):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
    log = server.stdout.read()
    assert "database is locked" not in log, log
