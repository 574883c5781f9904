"""A real Celery worker (tests/celery_worker.py) with the production observability switched on: JSON log lines
carrying each task's id, name and organization, and its own metrics endpoint (CELERY_METRICS_BIND) with task
durations and failures, read from the multiprocess directory the worker empties at start."""

from __future__ import annotations

import json

import pytest
import requests

from sessions.tasks import plan_inactivity_nudges_for

from .scrape import TOKEN, value
from .servers import free_port

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("worker")]
TASK = "sessions.plan_inactivity_nudges_for"


@pytest.fixture
def observed(monkeypatch, tmp_path) -> str:
    """The worker's environment, set before it starts (the fixture hands it this process's environment)."""
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "histogram_99999.db").write_bytes(b"left by the last run")
    port = free_port()
    monkeypatch.setenv("LOG_FORMAT", "json")
    monkeypatch.setenv("METRICS_TOKEN", TOKEN)
    monkeypatch.setenv("CELERY_METRICS_BIND", f"127.0.0.1:{port}")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    return f"http://127.0.0.1:{port}/metrics"


def test_a_worker_reports_its_tasks_in_metrics_and_json_logs(observed, celery_worker_process, org, tmp_path):
    worker = celery_worker_process
    done = plan_inactivity_nudges_for.delay(organization_id=org.pk)
    failed = plan_inactivity_nudges_for.delay(organization_id="not-a-number")

    def scrape() -> str:
        response = requests.get(observed, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
        assert response.status_code == 200
        return response.text

    def both_counted() -> str | None:
        text = scrape()
        ran = "mentorhub_task_duration_seconds_count"
        if value(text, ran, task=TASK, state="SUCCESS") and value(text, ran, task=TASK, state="FAILURE"):
            return text
        return None

    text = worker.wait_for(both_counted, timeout=60)
    assert value(text, "mentorhub_task_duration_seconds_count", task=TASK, state="SUCCESS") == 1
    assert value(text, "mentorhub_task_failures_total", task=TASK) == 1
    assert requests.get(observed, timeout=10).status_code == 401
    assert not (tmp_path / "metrics" / "histogram_99999.db").exists()  # emptied when the worker started

    lines = [json.loads(line) for line in worker.log().splitlines() if line.startswith("{")]
    ok = [line for line in lines if line.get("task_id") == done.id]
    assert any("succeeded" in line["message"] for line in ok), worker.log()
    for line in ok:
        assert (line["task_name"], line["organization_id"]) == (TASK, org.pk)
    bad = [line for line in lines if line.get("task_id") == failed.id]
    assert any(line["level"] == "ERROR" and "ValueError" in line.get("exception", "") for line in bad), worker.log()
