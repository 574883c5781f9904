"""/healthz and /readyz in the test process (the real middleware stack, database, Redis cache and broker): JSON,
no session, answered before the host check and the HTTPS redirect, 503 naming what is missing."""

from __future__ import annotations

import json

import pytest
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from mentorhub.ops.health import forget_migration_state

from .servers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def migrations_asked_each_time():
    forget_migration_state()
    yield
    forget_migration_state()


def test_healthz_answers_without_session_or_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="probe-0123456789")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok"}
    assert response["X-Request-ID"] == "probe-0123456789"
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie
    # The browser policy's headers still come with it.
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_readyz_reports_every_check(client):
    response = client.get("/readyz")
    body = json.loads(response.content)
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "migrations"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["migrations"]["unapplied"] == 0
    assert not response.cookies


def test_readyz_is_503_while_a_migration_is_missing(client):
    app, name = next(node for node in MigrationLoader(connection).graph.leaf_nodes() if node[0] == "analytics")
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", [app, name])
    response = client.get("/readyz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["migrations"]["ok"] is False
    assert body["checks"]["migrations"]["error"] == "1 migrations not applied"
    assert body["checks"]["database"]["ok"] is True


def test_readyz_is_503_when_the_broker_or_the_cache_is_away(client, settings):
    nobody = f"redis://127.0.0.1:{free_port()}/0"
    settings.CELERY_BROKER_URL = nobody
    body = json.loads(client.get("/readyz").content)
    assert body["checks"]["broker"] == {"ok": False, "error": "ConnectionError", "ms": body["checks"]["broker"]["ms"]}
    assert body["checks"]["cache"]["ok"] is True

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": nobody}}
    response = client.get("/readyz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["cache"]["error"] == "ConnectionError"
    assert nobody not in response.content.decode()  # the error's class only: no addresses to anonymous callers


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_without_the_database_while_healthz_stays_200(client):
    default = connections["default"]
    default.close()
    saved = default.settings_dict["PORT"]
    default.settings_dict["PORT"] = free_port()  # nothing listens there: a real refused connection
    try:
        assert client.get("/healthz").status_code == 200
        response = client.get("/readyz")
        body = json.loads(response.content)
    finally:
        default.close()
        default.settings_dict["PORT"] = saved
    assert response.status_code == 503
    assert body["checks"]["database"] == {
        "ok": False,
        "error": "OperationalError",
        "ms": body["checks"]["database"]["ms"],
    }
    assert body["checks"]["migrations"]["ok"] is False


def test_probes_skip_the_host_check_and_the_https_redirect(client, settings):
    """What a container probe sends: the pod's address as Host, plain HTTP. Pages still get both walls."""
    settings.ALLOWED_HOSTS = ["mentorhub.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    for path in ("/healthz", "/readyz"):
        assert client.get(path, HTTP_HOST="10.1.2.3:8000").status_code == 200, path
    assert client.get("/accounts/login/", HTTP_HOST="10.1.2.3:8000").status_code == 400
    redirect = client.get("/accounts/login/", HTTP_HOST="mentorhub.example.com")
    assert redirect.status_code == 301 and redirect["Location"].startswith("https://")


def test_probes_take_only_get_and_head(client):
    for path in ("/healthz", "/readyz"):
        assert client.head(path).status_code == 200
        for method in ("post", "put", "patch", "delete"):
            assert getattr(client, method)(path).status_code == 405, (method, path)
