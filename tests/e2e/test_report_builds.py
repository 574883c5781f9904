"""In Chromium, with a real Celery worker: a selection of the impact report that is not cached yet renders at
once saying its figures are being prepared (an accessible live region, htmx polling, no inline script), and
when the worker has built them they are swapped in, charts drawn, without reloading the page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.analytics.dashboard_data import build

from .conftest import E2E, axe_check, signed_in

pytestmark = E2E


def test_figures_being_prepared_are_swapped_in_when_the_worker_is_done(page, live_server, org, stakeholder, request):
    worker = request.getfixturevalue("celery_worker_process")  # after `page`: the same cache key prefix
    build(org, departments={"Sales": 6}, completed=0, at_risk=0, sessions=1)
    signed_in(page.context, live_server, stakeholder.user)
    # The worker takes nothing until the page has shown that it waits.
    assert worker.app.control.cancel_consumer(worker.queue, destination=[worker.nodename], reply=True)

    page.goto(f"/o/{org.slug}/analytics/impact/?role=mentee")
    status = page.locator("#figures-status")
    expect(status).to_have_text("The figures for this selection are being prepared. They appear here in a few seconds.")
    expect(status).to_have_attribute("aria-live", "polite")
    assert page.locator("#report-figures table").count() == 0
    axe_check(page)

    assert worker.app.control.add_consumer(worker.queue, destination=[worker.nodename], reply=True)
    expect(status).to_have_text("The figures are ready.", timeout=60_000)
    figures = page.locator("#report-figures")
    expect(figures.locator('table[data-table="groups"]')).to_be_visible()
    canvases = figures.locator("canvas[data-chart]")
    expect(canvases.first).to_have_attribute("data-rendered", "true")  # drawn after the swap
    expect(page.get_by_role("link", name="Printable version")).to_be_visible()
    assert page.url.endswith("/analytics/impact/?role=mentee")  # the same page, never reloaded
    axe_check(page)
