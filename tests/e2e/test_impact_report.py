"""The issue's browser test for the dashboards, on the README's demo data: the demo stakeholder opens the
impact report from the navigation, its charts render (canvases drawn by Chart.js, no console errors: the
`page` fixture fails on any), the page passes axe, and the CSV downloaded for a table matches the table on
the page cell for cell. The printable version renders its charts too.

The demo's roll-up: seed_demo runs one once the analytics demo data is in; until then this test rolls acme
up itself, so it works either way."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from analytics.models import ParticipantFact
from analytics.services.rollups import rollup_organization
from mentorhub.accounts.models import Organization
from tests.analytics.tables import csv_table

from .conftest import E2E, axe_check, sign_in

pytestmark = E2E

STAKEHOLDER = "stakeholder@acme.example"

# The cells of a dashboard table as the page shows them: header first, without the caption (hidden) and
# without a page-only action column; whitespace as a reader sees it.
READ_TABLE = """(table) => Array.from(table.querySelectorAll("tr")).map((row) =>
  Array.from(row.querySelectorAll("th, td"))
    .filter((cell) => cell.dataset.export !== "false")
    .map((cell) => cell.textContent.replace(/\\s+/g, " ").trim()))"""

# How many pixels of the canvas Chart.js painted (not fully transparent).
PAINTED = """(canvas) => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted += 1;
  return painted;
}"""


def _charts_are_drawn(page) -> int:
    canvases = page.locator("canvas[data-chart]")
    expect(canvases.first).to_have_attribute("data-rendered", "true")
    count = canvases.count()
    assert count >= 1
    for index in range(count):
        canvas = canvases.nth(index)
        expect(canvas).to_have_attribute("data-rendered", "true")
        expect(canvas).to_have_attribute("role", "img")
        assert canvas.get_attribute("aria-label")
        assert canvas.evaluate(PAINTED) > 1000, f"chart {canvas.get_attribute('id')} looks empty"
    return count


def test_stakeholder_reads_the_impact_report_and_downloads_a_table(page, live_server, demo_data):
    acme = Organization.objects.get(slug="acme")
    if not ParticipantFact.objects.filter(organization=acme).exists():
        rollup_organization(organization=acme)

    sign_in(page, live_server, STAKEHOLDER)
    page.get_by_role("navigation", name="Acme Corporation").get_by_role("link", name="Impact report").click()
    expect(page).to_have_url(re.compile(r"/o/acme/analytics/impact/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact report")
    main = page.get_by_role("main")
    expect(main).to_contain_text("How to read this")
    expect(main).to_contain_text("Not proof of cause.")

    # The charts render: the retention curves at least (the demo has participants and colleagues).
    assert page.locator("#chart-retention").count() == 1
    _charts_are_drawn(page)
    axe_check(page)

    # The table behind the retention chart: open it, download it, compare cell for cell.
    name = "retention_curve"
    section = page.locator("section", has=page.locator(f'table[data-table="{name}"]'))
    section.get_by_text("Show the table").click()
    table = page.locator(f'table[data-table="{name}"]')
    expect(table).to_be_visible()
    on_page = table.evaluate(READ_TABLE)
    assert on_page[0] == ["Month", "Participants", "Comparison group"] and len(on_page) > 2
    with page.expect_download() as download_info:
        page.locator(f'a[href*="table={name}"]').click()
    download = download_info.value
    assert re.fullmatch(rf"acme-impact-report-{name}-\d{{4}}-\d{{2}}-\d{{2}}\.csv", download.suggested_filename)
    with open(download.path(), "rb") as file:
        assert csv_table(file.read()) == on_page

    # A second table, with hidden figures in it: the same words in the file as on the page.
    groups = page.locator('table[data-table="groups"]').evaluate(READ_TABLE)
    with page.expect_download() as download_info:
        page.locator('a[href*="table=groups"]').click()
    with open(download_info.value.path(), "rb") as file:
        assert csv_table(file.read()) == groups

    # The printable version: no navigation, a Print button, the charts drawn again.
    page.get_by_role("link", name="Printable version").click()
    expect(page).to_have_url(re.compile(r"/o/acme/analytics/impact/\?print=1$"))
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert page.get_by_role("navigation", name="Acme Corporation").count() == 0
    expect(page.locator(f'table[data-table="{name}"]')).to_be_visible()  # every table open
    _charts_are_drawn(page)
    axe_check(page)
