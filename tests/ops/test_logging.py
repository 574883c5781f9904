"""Every line logged while a request or a task runs carries its ids (mentorhub/ops/context.py), in the JSON
the production settings write (mentorhub/ops/logging.py). Here in the test process, through the real middleware
stack and Celery's tracer; the production configuration end to end (gunicorn's stderr, a real worker's log):
tests/ops/test_gunicorn.py and tests/ops/test_worker.py."""

from __future__ import annotations

import io
import json
import logging

import pytest

from mentorhub.accounts.services.tokens import api_token_create
from mentorhub.ops.logging import ContextFilter, JsonFormatter
from sessions.tasks import plan_inactivity_nudges_for
from tests.helpers import org_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log(settings):
    """The production format on a handler of the root logger, as settings' LOGGING builds it."""
    settings.LOG_REQUESTS = True  # read by the middleware when a client first loads it
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def lines_of(lines: list[dict], request_id: str) -> list[dict]:
    return [line for line in lines if line.get("request_id") == request_id]


def test_a_page_request_logs_its_id_organization_and_person_on_every_line(json_log, admin_client, admin, org):
    response = admin_client.get(
        org_url("program-detail", org, program_pk=987654)
    )  # in the organization, no such program
    assert response.status_code == 404
    lines = lines_of(json_log(), response["X-Request-ID"])
    loggers = {line["logger"] for line in lines}
    assert {"django.request", "mentorhub.request"} <= loggers  # Django's "Not Found" line and the access line
    for line in lines:
        assert line["organization_id"] == org.pk, line
        assert line["user_id"] == admin.user.pk, line
        assert line["level"] in {"INFO", "WARNING"} and line["time"].endswith("+00:00")
    access = next(line for line in lines if line["logger"] == "mentorhub.request")
    assert access["route"] == "program-detail" and access["status"] == 404 and access["method"] == "GET"
    assert access["message"] == "GET /o/<slug:org_slug>/programs/<int:program_pk>/ 404"  # the pattern, not the path
    assert isinstance(access["duration_ms"], float)


def test_an_api_token_request_carries_the_tokens_organization_and_person(json_log, client, admin, org):
    _token, secret = api_token_create(organization=org, actor=admin.user, membership=admin, name="logs")
    response = client.get(f"/api/v1/o/{org.slug}/programs/987654/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 404
    lines = lines_of(json_log(), response["X-Request-ID"])
    assert len(lines) >= 2
    assert {(line["organization_id"], line["user_id"]) for line in lines} == {(org.pk, admin.user.pk)}


def test_an_outsider_never_brings_the_organization_id_into_the_log(json_log, outsider_client, outsider, org):
    response = outsider_client.get(org_url("org-home", org))
    assert response.status_code == 404
    lines = lines_of(json_log(), response["X-Request-ID"])
    assert lines
    for line in lines:
        assert "organization_id" not in line, json.dumps(line)  # organization A was never resolved for this person
        assert line["user_id"] == outsider.user.pk


def test_the_proxys_request_id_is_kept_and_junk_is_replaced(json_log, client):
    kept = client.get("/accounts/login/", HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001")
    assert kept["X-Request-ID"] == "lb-7f3a9c2e-0001"
    assert lines_of(json_log(), "lb-7f3a9c2e-0001")
    for junk in ("short", "has spaces in it", 'quote"and{json}', "x" * 200):
        replaced = client.get("/accounts/login/", HTTP_X_REQUEST_ID=junk)["X-Request-ID"]
        assert replaced != junk and len(replaced) == 32


def test_a_tasks_lines_carry_its_id_name_and_organization(json_log, org):
    result = plan_inactivity_nudges_for.apply(kwargs={"organization_id": org.pk})
    lines = [line for line in json_log() if line.get("task_id") == result.id]
    assert lines, "Celery's tracer logs the task's end"
    for line in lines:
        assert line["task_name"] == "sessions.plan_inactivity_nudges_for"
        assert line["organization_id"] == org.pk
        assert "request_id" not in line
    assert any("succeeded" in line["message"] for line in lines)


def test_an_exception_is_one_json_line_with_its_traceback(json_log):
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("tests.ops").exception("It failed: %s", "here")
    (line,) = [line for line in json_log() if line["logger"] == "tests.ops"]
    assert line["message"] == "It failed: here" and line["level"] == "ERROR"
    assert "RuntimeError: boom" in line["exception"]


def test_a_secret_token_in_a_path_never_reaches_the_log(json_log, client):
    """A revoked calendar feed's address answers 404: Django's "Not Found" line keeps the route's words, not the
    token (a log reader could otherwise subscribe to someone's calendar)."""
    token = "k3Jd9-Qx_7LmTz0pWv2NbYc8"
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 404
    lines = lines_of(json_log(), response["X-Request-ID"])
    assert any(line["logger"] == "django.request" for line in lines), lines
    assert token not in json.dumps(lines)
    not_found = next(line for line in lines if line["logger"] == "django.request")
    assert not_found["message"] == "Not Found: /calendar/[24 characters].ics", not_found
