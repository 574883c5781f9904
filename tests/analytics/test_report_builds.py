"""Report builds never run inside a request (analytics/reports/builds.py), with tasks run eagerly as in the rest
of the suite: a selection whose build is claimed (in flight) renders at once, saying the figures are being
prepared, and polls for them; the poll swaps in the same figures the page shows once they are cached; the API
answers 202 with Retry-After meanwhile; a failed build is reported instead of queued on every poll; a roll-up
warms the default views; who may poll. The same with a real worker: test_report_builds_worker.py."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from analytics.models import RollupRun
from analytics.reports.builds import BUILDING, FAILED, _claim_key
from analytics.reports.health import HealthFilters, health_cache_key
from analytics.reports.impact import ImpactFilters, impact_cache_key
from analytics.services.rollups import rollup_run_start
from tests.helpers import org_url, page_text

from .dashboard_data import build
from .tables import page_tables

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

HTMX = {"HTTP_HX_REQUEST": "true"}
SMALL = {"departments": {"Sales": 6}, "completed": 0, "at_risk": 0, "sessions": 1}

# page, its figures route, the selection asked for (query) and its cache key
DASHBOARDS = {
    "impact": ("impact-report", "impact-report-figures", {"role": "mentee"}, ImpactFilters(role="mentee")),
    "health": ("program-health", "program-health-figures", {"department": "Sales"}, HealthFilters(department="Sales")),
}


def _key(org, filters) -> str:
    return impact_cache_key(org, filters) if isinstance(filters, ImpactFilters) else health_cache_key(org, filters)


@pytest.mark.parametrize("dashboard", DASHBOARDS)
def test_a_selection_being_prepared_renders_at_once_then_its_poll_swaps_the_figures_in(
    org, stakeholder_client, dashboard
):
    build(org, **SMALL)
    page_name, figures_name, query, filters = DASHBOARDS[dashboard]
    claim = _claim_key(_key(org, filters))
    cache.set(claim, BUILDING)  # a build of this selection is in flight (another visitor asked first)

    html = page_text(stakeholder_client.get(org_url(page_name, org, query=query)))
    figures_url = org_url(figures_name, org, query=query)
    assert "The figures for this selection are being prepared." in html and page_tables(html) == {}
    status = html[html.index('<div id="figures-status"') : html.index("</div>", html.index('id="figures-status"'))]
    assert 'role="status" aria-live="polite"' in status
    assert f'hx-get="{figures_url}" hx-trigger="every 2s" hx-swap="innerHTML"' in status
    assert '<div id="report-figures"></div>' in html and "<noscript>" in html
    assert "analytics-charts.js" in html  # ready to draw the charts that arrive with the figures

    # Polls meanwhile: nothing new (204), nothing built by this request.
    poll = stakeholder_client.get(figures_url, **HTMX)
    assert poll.status_code == 204 and cache.get(_key(org, filters)) is None

    # The build was lost with its worker (the claim expired): the next poll queues it again, built at once here.
    cache.delete(claim)
    poll = stakeholder_client.get(figures_url, **HTMX)
    assert poll.status_code == 286  # htmx stops polling, and swaps this in
    answer = page_text(poll)
    assert answer.lstrip().startswith("<p>The figures are ready.</p>")
    assert '<div id="report-figures" hx-swap-oob="innerHTML">' in answer
    assert 'id="report-actions" hx-swap-oob="outerHTML"' in answer and "Printable version" in answer
    swapped = page_tables(answer)
    assert swapped and cache.get(claim) is None
    # The same figures as the page now shows, from the cache.
    assert page_tables(page_text(stakeholder_client.get(org_url(page_name, org, query=query)))) == swapped


def test_the_api_answers_202_while_the_figures_are_prepared_then_the_figures(org, admin_client):
    build(org, **SMALL)
    url = org_url("api-impact-report", org, query={"role": "mentee"})
    cache.set(_claim_key(impact_cache_key(org, ImpactFilters(role="mentee"))), BUILDING)
    response = admin_client.get(url)
    assert response.status_code == 202
    assert response["Retry-After"] == "2" and response["Location"] == f"http://testserver{url}"
    assert response.json() == {
        "status": "preparing",
        "detail": "These figures are being prepared. Ask again in a few seconds.",
        "retry_after": 2,
    }
    cache.delete(_claim_key(impact_cache_key(org, ImpactFilters(role="mentee"))))
    ready = admin_client.get(url)
    assert ready.status_code == 200 and ready.json()["filters"]["role"] == "mentee"
    assert ready.json()["participants"]["value"] == 6


def test_a_failed_build_is_reported_not_queued_again_on_every_poll(org, admin_client):
    build(org, **SMALL)
    cache.set(_claim_key(health_cache_key(org, HealthFilters(department="Sales"))), FAILED)
    html = page_text(admin_client.get(org_url("program-health", org, query={"department": "Sales"})))
    assert "The figures for this selection could not be prepared." in html
    assert "hx-get" not in html[html.index('id="figures-status"') :][:300]  # no polling
    api = admin_client.get(org_url("api-program-health", org, query={"department": "Sales"}))
    assert api.status_code == 503 and api["Retry-After"] == "60" and api.json()["status"] == "failed"
    assert cache.get(health_cache_key(org, HealthFilters(department="Sales"))) is None  # nothing was built


def test_an_export_whose_figures_are_being_prepared_sends_to_the_page(org, admin_client):
    build(org, **SMALL)
    cache.set(_claim_key(impact_cache_key(org, ImpactFilters())), BUILDING)
    response = admin_client.get(org_url("impact-report-export", org, query={"table": "groups"}))
    assert response.status_code == 302 and response["Location"] == org_url("impact-report", org)


def test_a_rollup_warms_the_views_the_dashboards_open_by_default(org, admin, django_capture_on_commit_callbacks):
    data = build(org, **SMALL, rollup=False)
    with django_capture_on_commit_callbacks(execute=True):
        run, _created = rollup_run_start(organization=org, actor=admin.user)
    run.refresh_from_db()
    assert run.status == RollupRun.Status.DONE
    for key in (
        impact_cache_key(org, ImpactFilters()),
        health_cache_key(org, HealthFilters()),
        health_cache_key(org, HealthFilters(program_id=data.program.pk)),
    ):
        assert cache.get(key) is not None, key
    assert cache.get(impact_cache_key(org, ImpactFilters(role="mentee"))) is None  # other selections: on demand


@pytest.mark.parametrize("figures_name", ["impact-report-figures", "program-health-figures"])
def test_who_may_poll_for_the_figures(org, admin_client, member_client, outsider_client, client, figures_name):
    program = build(org, **SMALL).program.pk
    url = org_url(figures_name, org, query={"program": program})
    assert outsider_client.get(url, **HTMX).status_code == 404
    assert member_client.get(url, **HTMX).status_code == 403
    assert client.get(url, **HTMX).status_code == 302 and "/accounts/login/" in client.get(url)["Location"]
    # Opened without htmx (a bookmark, no JavaScript): the page itself, with the same selection.
    page = "impact-report" if figures_name.startswith("impact") else "program-health"
    opened = admin_client.get(url)
    assert opened.status_code == 302 and opened["Location"] == org_url(page, org, query={"program": program})
