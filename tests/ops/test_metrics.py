"""/metrics in the test process: the token, and what a scrape holds (request latency by route name, task
durations and failures, queue lengths, reminders pending, the roll-ups' age), parsed with prometheus_client's
parser. gunicorn's workers adding up their figures: tests/ops/test_gunicorn.py."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.utils import timezone

from analytics.models import RollupRun
from mentorhub.accounts.services.tokens import api_token_create
from sessions.models import Reminder
from sessions.tasks import plan_inactivity_nudges_for
from tests.helpers import org_url

from .scrape import TOKEN, families, samples, value
from .servers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = TOKEN

    def read() -> str:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("text/plain; version=")
        return response.content.decode()

    return read


def test_without_metrics_token_the_route_does_not_exist(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


@pytest.mark.parametrize("authorization", ["", "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_a_missing_or_wrong_token_is_401(client, settings, authorization):
    settings.METRICS_TOKEN = TOKEN
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.get("/metrics", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"mentorhub_" not in response.content


def test_an_organizations_api_token_or_session_does_not_open_metrics(client, admin_client, settings, admin, org):
    """The figures are the deployment's: an organization's admin (signed in, or with an API token) is anonymous
    here, like any outsider."""
    settings.METRICS_TOKEN = TOKEN
    _token, secret = api_token_create(organization=org, actor=admin.user, membership=admin, name="not metrics")
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert admin_client.get("/metrics").status_code == 401


def test_request_latency_is_labelled_by_route_name_never_by_path(scrape, admin_client, org, client):
    before = scrape()
    assert admin_client.get(org_url("org-home", org)).status_code == 200
    assert client.get("/no-such-page/at-all/").status_code == 404
    after = scrape()
    name = "mentorhub_http_request_duration_seconds_count"
    home = {"route": "org-home", "method": "GET", "status": "2xx"}
    assert value(after, name, **home) == value(before, name, **home) + 1
    unmatched = {"route": "unmatched", "method": "GET", "status": "4xx"}
    assert value(after, name, **unmatched) == value(before, name, **unmatched) + 1
    routes = {s.labels["route"] for s in samples(after) if s.name == name}
    assert not [route for route in routes if "/" in route or org.slug in route], routes


def test_tasks_durations_and_failures(scrape, org):
    before = scrape()
    # Run in this process, through Celery's tracer and its signals, as a worker runs them.
    assert plan_inactivity_nudges_for.apply(kwargs={"organization_id": org.pk}).get() == 0
    failed = plan_inactivity_nudges_for.apply(kwargs={"organization_id": "not-a-number"}, throw=False)
    assert failed.state == "FAILURE"
    after = scrape()
    task = "sessions.plan_inactivity_nudges_for"
    count = "mentorhub_task_duration_seconds_count"
    assert value(after, count, task=task, state="SUCCESS") == value(before, count, task=task, state="SUCCESS") + 1
    assert value(after, count, task=task, state="FAILURE") == value(before, count, task=task, state="FAILURE") + 1
    failures = "mentorhub_task_failures_total"
    assert value(after, failures, task=task) == value(before, failures, task=task) + 1


def test_gauges_read_the_database_and_the_broker_at_scrape_time(
    scrape, settings, org, other_org, employee, other_employee
):
    now = timezone.now()

    def reminder(organization, recipient, key, due_at, status=Reminder.Status.PENDING):
        Reminder.objects.create(
            organization=organization, kind=Reminder.Kind.LOG_SESSION, recipient=recipient, slot=key, key=key,
            due_at=due_at, status=status,
        )  # fmt: skip

    reminder(org, employee, "a", now - timedelta(minutes=5))
    reminder(org, employee, "b", now - timedelta(hours=2))
    reminder(other_org, other_employee, "c", now - timedelta(minutes=1))  # every organization counts
    reminder(org, employee, "d", now + timedelta(days=1))
    reminder(org, employee, "e", now - timedelta(days=1), status=Reminder.Status.SENT)
    RollupRun.objects.create(organization=org, status=RollupRun.Status.DONE, finished_at=now - timedelta(hours=1))
    RollupRun.objects.create(organization=other_org, status=RollupRun.Status.DONE, finished_at=now - timedelta(hours=5))
    RollupRun.objects.create(organization=other_org, status=RollupRun.Status.DONE, finished_at=now - timedelta(hours=3))
    RollupRun.objects.create(organization=org, status=RollupRun.Status.FAILED, finished_at=now)

    queue = f"ops-test-{free_port()}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.rpush(queue, "one", "two")
    try:
        text = scrape()
    finally:
        broker.delete(queue)
        broker.close()

    assert value(text, "mentorhub_reminders_pending", due="now") == 3
    assert value(text, "mentorhub_reminders_pending", due="later") == 1
    newest = value(text, "mentorhub_rollup_last_success_age_seconds", which="newest")
    oldest = value(text, "mentorhub_rollup_last_success_age_seconds", which="oldest")
    assert 3600 <= newest < 3 * 3600 and 3 * 3600 <= oldest < 5 * 3600  # each organization's latest: 1 h, 3 h
    assert value(text, "mentorhub_celery_queue_length", queue=queue) == 2
    for gauge in ("mentorhub_reminders_pending", "mentorhub_rollup_last_success_age_seconds"):
        assert value(text, "mentorhub_metrics_gauge_up", gauge=gauge) == 1
    # Deployment-wide figures: no organization is named in any label.
    assert not [s for s in samples(text) if {"organization", "organization_id"} & set(s.labels)]


def test_a_gauge_that_cannot_be_read_leaves_the_scrape_standing(scrape, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    text = scrape()
    assert value(text, "mentorhub_metrics_gauge_up", gauge="mentorhub_celery_queue_length") == 0
    assert value(text, "mentorhub_metrics_gauge_up", gauge="mentorhub_reminders_pending") == 1


# --- docs/grafana-dashboard.json ------------------------------------------------------------------------------

DASHBOARD = Path(__file__).resolve().parents[2] / "docs" / "grafana-dashboard.json"
_METRIC = re.compile(r"\b(mentorhub_[a-z0-9_]+)")
_BY = re.compile(r"\bby \(([^)]*)\)")
_SELECTOR = re.compile(r"(mentorhub_[a-z0-9_]+)\{([^}]*)\}")


def test_every_series_the_dashboard_queries_is_in_a_scrape(scrape, client, org):
    """The sample dashboard stays in step with the metric names and labels: every name its queries use is in
    a scrape (families with no sample yet included), and every label it groups or filters by is a label of that
    metric's samples."""
    dashboard = json.loads(DASHBOARD.read_text())
    queries = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    assert len(queries) >= 8
    # Samples for every family: a request, a task that succeeds and one that fails, a roll-up.
    client.get("/healthz")
    plan_inactivity_nudges_for.apply(kwargs={"organization_id": org.pk})
    plan_inactivity_nudges_for.apply(kwargs={"organization_id": "x"}, throw=False)
    RollupRun.objects.create(organization=org, status=RollupRun.Status.DONE, finished_at=timezone.now())
    text = scrape()

    suffixes = {"histogram": ("_bucket", "_sum", "_count"), "counter": ("_total",)}
    names = set()
    for name, kind in families(text).items():
        names |= {name, *(name + suffix for suffix in suffixes.get(kind, ()))}
    labels: dict[str, set[str]] = {}
    for sample in samples(text):
        labels.setdefault(sample.name, set()).update(sample.labels)

    for query in queries:
        used = set(_METRIC.findall(query))
        assert used, query
        assert used <= names, f"{query}: not in /metrics: {sorted(used - names)}"
        grouped = {label.strip() for clause in _BY.findall(query) for label in clause.split(",")} - {"le"}
        for name in used:
            assert grouped <= labels[name] | {"le"}, f"{query}: {name} has no label {sorted(grouped - labels[name])}"
        for name, selector in _SELECTOR.findall(query):
            filtered = {part.split("=")[0].strip() for part in selector.split(",") if part.strip()}
            assert filtered <= labels[name], f"{query}: {name} has no label {sorted(filtered - labels[name])}"
