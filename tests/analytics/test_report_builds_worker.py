"""A report build through a real Celery worker on Redis (not eager): the page renders at once saying the figures
are being prepared, two visitors and the API cause one build, and the poll then swaps the figures in."""

from __future__ import annotations

import re

import pytest

from tests.helpers import client_for, org_url, page_text

from .dashboard_data import build
from .tables import page_tables, rows_by_name

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("worker")]

HTMX = {"HTTP_HX_REQUEST": "true"}
BUILDS = re.compile(r"Task analytics\.build_report\[[0-9a-f-]+\] received")


def test_two_visitors_wait_for_one_build_by_the_worker_then_see_the_figures(
    celery_worker_process, org, admin, stakeholder
):
    worker = celery_worker_process
    build(org, departments={"Sales": 6}, completed=0, at_risk=0, sessions=1)  # committed, rolled up here
    # The worker takes nothing for now, so the figures are still being prepared while everyone asks for them.
    assert worker.app.control.cancel_consumer(worker.queue, destination=[worker.nodename], reply=True)
    query = {"role": "mentee"}
    admin_client, stakeholder_client = client_for(admin), client_for(stakeholder)
    for client in (stakeholder_client, admin_client):
        html = page_text(client.get(org_url("impact-report", org, query=query)))
        assert "The figures for this selection are being prepared." in html and page_tables(html) == {}
    api_url = org_url("api-impact-report", org, query=query)
    waiting = admin_client.get(api_url)
    assert waiting.status_code == 202 and waiting["Retry-After"] == "2" and waiting.json()["status"] == "preparing"
    figures_url = org_url("impact-report-figures", org, query=query)
    assert stakeholder_client.get(figures_url, **HTMX).status_code == 204

    assert worker.app.control.add_consumer(worker.queue, destination=[worker.nodename], reply=True)

    def ready():
        answer = stakeholder_client.get(figures_url, **HTMX)
        return answer if answer.status_code == 286 else None

    answer = page_text(worker.wait_for(ready, timeout=60, interval=0.3))
    assert "The figures are ready." in answer and 'hx-swap-oob="innerHTML"' in answer
    assert rows_by_name(page_tables(answer)["groups"])["Participants (their match started)"] == ["6"]
    done = admin_client.get(api_url)
    assert done.status_code == 200 and done.json()["participants"]["value"] == 6
    # Two visitors, the API and the polls: the worker built the figures once.
    assert len(BUILDS.findall(worker.log())) == 1, worker.log()
