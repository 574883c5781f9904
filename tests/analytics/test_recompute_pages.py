"""Recomputing the dashboards' figures from their pages (the empty state, progress polled with htmx, a failed
run), and what the pages cost: query counts that do not grow with the data, and fewer once the figures are
cached."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics.models import RollupRun
from analytics.services.rollups import rollup_organization
from sessions.models import MentoringSession
from tests.helpers import org_url

from .dashboard_data import build
from .factories import RollupRunFactory
from .tables import page_tables, rows_by_name

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

# Queries of a page on a cold cache (sign-in, organization, filters' choices, the report from the roll-up
# tables, built by its task, run eagerly here, which loads the organization by id; the admin's run and nudges),
# and of the health page once its report is cached.
HEALTH_QUERIES, IMPACT_QUERIES, WARM_QUERIES = 24, 19, 11


# --- Recomputing ---------------------------------------------------------------------------------------------


def test_never_rolled_up_shows_an_empty_state_with_recompute(org, admin_client, stakeholder_client):
    build(org, rollup=False)
    page = admin_client.get(org_url("program-health", org)).content.decode()
    assert "No figures yet." in page and "Recompute now" in page and page_tables(page) == {}
    page = stakeholder_client.get(org_url("program-health", org)).content.decode()
    assert "No figures yet." in page and "Recompute now" not in page
    assert "No figures yet." in stakeholder_client.get(org_url("impact-report", org)).content.decode()


def test_recompute_now_runs_a_rollup_and_shows_when_it_is_done(org, admin_client, django_capture_on_commit_callbacks):
    build(org, rollup=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("rollup-start", kwargs={"org_slug": org.slug}), {"department": "Sales"})
    assert response.status_code == 302 and response["Location"] == org_url(
        "program-health", org, query={"department": "Sales"}
    )
    run = RollupRun.objects.get(organization=org)
    assert run.status == RollupRun.Status.DONE and run.progress == 100
    page = admin_client.get(response["Location"]).content.decode()
    assert "Done: the figures were recomputed" in page
    assert rows_by_name(page_tables(page)["funnel"])["Enrolled as mentee"][0] == "12"


def test_a_running_recompute_shows_its_progress_and_htmx_polls_it(org, admin_client):
    build(org)
    run = RollupRunFactory(
        organization=org, status=RollupRun.Status.RUNNING, progress=40, stage="sessions", started_at=timezone.now()
    )
    progress_url = reverse("rollup-run", kwargs={"org_slug": org.slug, "rollup_pk": run.pk})
    page = admin_client.get(org_url("program-health", org, query={"department": "Sales"})).content.decode()
    assert f'hx-get="{progress_url}?department=Sales"' in page
    assert "Sessions: 40% done" in page
    poll = admin_client.get(progress_url + "?department=Sales", HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and 'value="40"' in poll.content.decode()
    RollupRun.objects.filter(pk=run.pk).update(
        status=RollupRun.Status.DONE, progress=100, duration_s=1.24, finished_at=timezone.now()
    )
    poll = admin_client.get(progress_url + "?department=Sales", HTTP_HX_REQUEST="true")
    assert poll.status_code == 286  # htmx stops polling
    text = poll.content.decode()
    assert (
        "recomputed in 1.2 s" in text
        and f'href="{org_url("program-health", org, query={"department": "Sales"})}"' in text
    )
    full = admin_client.get(progress_url)
    assert full.status_code == 200 and "<h1>Recomputing the figures</h1>" in full.content.decode()


def test_a_failed_recompute_stays_on_the_page_until_one_works(org, admin_client):
    build(org)
    RollupRunFactory(organization=org, status=RollupRun.Status.FAILED, error="Worker lost", finished_at=timezone.now())
    page = admin_client.get(org_url("program-health", org)).content.decode()
    assert "The recompute failed." in page and "Worker lost" in page


# --- Queries ------------------------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_number_of_sessions(org, admin_client):
    data = build(org, sessions=2)
    _queries(admin_client, org_url("program-list", org))  # warm the per-person navigation counts (no report)
    small = {
        url: _queries(admin_client, url) for url in (org_url("program-health", org), org_url("impact-report", org))
    }
    for match in data.matches:
        MentoringSession.objects.bulk_create(
            MentoringSession(
                organization=org,
                program=data.program,
                match=match,
                starts_at=timezone.now() - timedelta(days=100 + day),
                status="held",
            )
            for day in range(20)
        )
    rollup_organization(organization=org)  # a new version: the reports are built again, not read from cache
    large = {
        url: _queries(admin_client, url) for url in (org_url("program-health", org), org_url("impact-report", org))
    }
    assert large == small
    assert (
        small[org_url("program-health", org)] <= HEALTH_QUERIES
        and small[org_url("impact-report", org)] <= IMPACT_QUERIES
    )
    assert MentoringSession.objects.filter(organization=org).count() == 23 * 22


def test_cached_figures_cost_fewer_queries(org, admin_client):
    build(org)
    cold = _queries(admin_client, org_url("program-health", org))
    warm = _queries(admin_client, org_url("program-health", org))
    assert warm < cold and warm <= WARM_QUERIES
