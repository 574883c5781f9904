"""The operator's view of a real deployment shape: gunicorn with two workers and production settings
(mentorhub.example.com behind an HTTPS proxy, JSON logs, METRICS_TOKEN) on the test database as the
application role, and a second gunicorn whose database is away."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connections

from mentorhub.accounts.models import Role
from tests.celery_worker import require_services
from tests.database_roles import act_as_application_role, act_as_owner
from tests.factories import MembershipFactory, OrganizationFactory

from .scrape import TOKEN, value
from .servers import Gunicorn, free_port, production_env, remove_log, start_gunicorn

# django_db: the suite sets up its test database only for the tests that ask for one. One xdist worker runs the
# module, so its gunicorn starts once.
pytestmark = [pytest.mark.services, pytest.mark.django_db, pytest.mark.xdist_group("ops-gunicorn")]
SITE = {"Host": "mentorhub.example.com", "X-Forwarded-Proto": "https"}  # what the proxy sends
PROBES = 24


@pytest.fixture(scope="module")
def metrics_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("metrics")
    (directory / "counter_99999.db").write_bytes(b"left by the last run")  # gunicorn.conf.py empties it at start
    return directory


@pytest.fixture(scope="module")
def web(django_db_setup, metrics_dir) -> Gunicorn:
    require_services(settings)
    # The suite's secret key: the session signed in below is signed with it.
    env = production_env(
        METRICS_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir), DJANGO_SECRET_KEY=settings.SECRET_KEY
    )
    server = start_gunicorn(env, workers=2)
    yield server
    remove_log(server)


@pytest.fixture(scope="module")
def signed_in(django_db_setup, django_db_blocker):
    """An admin with a session, committed so that gunicorn's workers see them; removed afterwards. The session is
    written as a sign-in writes it, without the sign-in's signals."""
    with django_db_blocker.unblock():
        org = OrganizationFactory(slug="ops-logs", name="Ops Logs Ltd")
        membership = MembershipFactory(organization=org, role=Role.ADMIN, user__email="admin@ops-logs.test")
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = str(membership.user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = membership.user.get_session_auth_hash()
        session.create()
    yield membership, session.session_key
    # As the tables' owner: the requests left audit rows, which the application role may not delete.
    act_as_owner()
    try:
        with django_db_blocker.unblock():
            session.delete()
            org.delete()
            membership.user.delete()
    finally:
        act_as_application_role()


def test_probes_reach_the_process_by_its_address_over_plain_http(web):
    health = web.get("/healthz", headers={"X-Request-ID": "k8s-probe-000001"})  # Host: 127.0.0.1:<port>
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert health.headers["X-Request-ID"] == "k8s-probe-000001"
    assert "Set-Cookie" not in health.headers
    ready = web.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert all(check["ok"] for check in ready.json()["checks"].values())
    # Pages keep both walls: the host check, and the redirect to HTTPS.
    assert web.get("/accounts/login/").status_code == 400
    redirect = web.get("/accounts/login/", headers={"Host": "mentorhub.example.com"})
    assert (
        redirect.status_code == 301 and redirect.headers["Location"] == "https://mentorhub.example.com/accounts/login/"
    )


def healthcheck(server: Gunicorn, which: str) -> int:
    """scripts/healthcheck, as the Dockerfile and docker-compose.yml run it, against this server."""
    env = {**os.environ, "HEALTHCHECK_URL": server.url + {"live": "/healthz", "ready": "/readyz"}[which]}
    script = Path(settings.BASE_DIR) / "scripts" / "healthcheck"
    return subprocess.run([sys.executable, str(script), which], env=env, capture_output=True, timeout=30).returncode


def test_the_container_checks_pass(web):
    assert healthcheck(web, "live") == 0
    assert healthcheck(web, "ready") == 0


def test_a_scrape_adds_up_every_workers_figures(web, metrics_dir):
    def scrape() -> str:
        response = web.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200, response.text
        return response.text

    count = "mentorhub_http_request_duration_seconds_count"
    before = value(scrape(), count, route="healthz")

    def workers_written() -> set[str]:
        return {path.name.split("_")[-1] for path in metrics_dir.glob("histogram_*.db")}

    # Probes at once, so both workers take some; /healthz is so cheap that one worker can answer a whole batch,
    # so batches go on (a bounded number) until both workers have written their own file.
    sent = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(20):
            statuses = list(pool.map(lambda _: web.get("/healthz").status_code, range(PROBES)))
            assert statuses == [200] * PROBES
            sent += PROBES
            if len(workers_written()) == 2:
                break
    assert len(workers_written()) == 2, workers_written()  # one file per worker process
    # Whichever worker answers the scrape, it reports both workers' requests.
    for _ in range(4):
        assert value(scrape(), count, route="healthz") == before + sent
    assert not (metrics_dir / "counter_99999.db").exists()
    assert web.get("/metrics").status_code == 401


def test_production_logs_are_json_lines_with_the_requests_ids(web, signed_in):
    membership, session_key = signed_in
    org = membership.organization
    response = web.get(
        f"/api/v1/o/{org.slug}/programs/987654/",
        headers={**SITE, "Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}", "X-Request-ID": "lb-logs-0000001"},
    )
    assert response.status_code == 404 and response.headers["X-Request-ID"] == "lb-logs-0000001"
    lines = [line for line in web.json_lines() if line.get("request_id") == "lb-logs-0000001"]
    assert {line["logger"] for line in lines} == {"django.request", "mentorhub.request"}
    for line in lines:
        assert (line["organization_id"], line["user_id"]) == (org.pk, membership.user.pk), line
    access = next(line for line in lines if line["logger"] == "mentorhub.request")
    assert access["route"] == "api-program-detail" and access["status"] == 404
    # Every line of the process is JSON, gunicorn's own included; no access line of gunicorn's (raw paths).
    text = web.log().splitlines()
    assert text and all(json.loads(line) for line in text)
    assert any(line["logger"] == "gunicorn.error" for line in map(json.loads, text))
    assert not any(line["logger"] == "gunicorn.access" for line in map(json.loads, text))


def test_without_its_database_the_process_is_alive_but_not_ready(django_db_setup):
    require_services(settings)
    db = connections["default"].settings_dict
    away = f"postgres://{db.get('USER')}@127.0.0.1:{free_port()}/{db['NAME']}?connect_timeout=2"
    server = start_gunicorn(production_env(DATABASE_URL=away))
    try:
        assert server.get("/healthz").status_code == 200
        ready = server.get("/readyz")
        assert ready.status_code == 503
        checks = ready.json()["checks"]
        assert checks["database"]["ok"] is False and checks["database"]["error"] == "OperationalError"
        assert checks["cache"]["ok"] is True and checks["broker"]["ok"] is True
        assert (healthcheck(server, "live"), healthcheck(server, "ready")) == (0, 1)
    finally:
        remove_log(server)
