"""The issue's browser test for the skills-gap map, on the README's demo data: the demo HR admin opens the map
from the navigation, sees the highlighted unmet demand in AI and data, the chart is drawn (Chart.js, no console
errors or policy violations: the fixtures fail on any), the page passes axe, the CSV matches the table cell for
cell, and the likely mentors for the skill open (axe clean too). The demo stakeholder sees the same figures and
no names."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.analytics.tables import csv_table

from .conftest import E2E, axe_check, sign_in
from .test_impact_report import PAINTED, READ_TABLE

pytestmark = E2E

GAP = "14 mentees want AI and data; 5 mentor places offer it."


def test_admin_opens_the_skills_gap_map(page, live_server, demo_data):
    sign_in(page, live_server, "admin@acme.example")
    page.get_by_role("navigation", name="Acme Corporation").get_by_role("link", name="Skills-gap map").click()
    expect(page).to_have_url(re.compile(r"/o/acme/analytics/skills-gap/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Skills-gap map")
    highlight = page.locator(".skills-gap-highlight")
    expect(highlight).to_be_visible()
    expect(highlight.locator("li").first).to_contain_text(GAP)  # the largest gap first

    canvas = page.locator("#chart-skills-gap")
    expect(canvas).to_have_attribute("data-rendered", "true")
    assert canvas.evaluate(PAINTED) > 1000
    axe_check(page)

    table = page.locator('table[data-table="gap"]')
    on_page = table.evaluate(READ_TABLE)
    assert on_page[0] == ["Skill", "Category", "Mentees wanting it", "Mentor places offering it", "Unmet demand"]
    assert on_page[1] == ["AI and data", "Technology", "14", "5", "9"]
    with page.expect_download() as download_info:
        page.locator('a[href*="table=gap"]').click()
    download = download_info.value
    assert re.fullmatch(r"acme-skills-gap-gap-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    with open(download.path(), "rb") as file:
        assert csv_table(file.read()) == on_page

    # A department filter: the figures for one department, the gap sentence recomputed.
    page.get_by_label("Department").select_option("Engineering")
    page.get_by_role("button", name="Show the map").click()
    expect(page).to_have_url(re.compile(r"department=Engineering"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Skills-gap map")
    axe_check(page)

    page.get_by_role("link", name="Everyone").click()
    highlight.get_by_role("link", name="Find likely mentors for AI and data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Likely mentors for AI and data")
    expect(page.get_by_role("main")).to_contain_text("Offered it as a mentor in Future Skills Mentoring")
    axe_check(page)


def test_stakeholder_sees_the_map_without_names(page, live_server, demo_data):
    sign_in(page, live_server, "stakeholder@acme.example")
    page.get_by_role("navigation", name="Acme Corporation").get_by_role("link", name="Skills-gap map").click()
    expect(page.locator(".skills-gap-highlight")).to_contain_text(GAP)
    assert page.get_by_role("link", name=re.compile("likely mentors", re.IGNORECASE)).count() == 0
    axe_check(page)
