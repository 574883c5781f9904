"""CSV exports of the dashboards: every table of both pages, for the same filters and role, matches the table
on the page cell for cell; hidden figures are the same words, never a number; text typed by people cannot
run as a spreadsheet formula; and an export offers nothing the page does not show."""

from __future__ import annotations

import pytest

from mentorhub.accounts.models import Employee
from tests.helpers import org_url

from .dashboard_data import build, self_identify
from .tables import csv_table, page_tables

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

PAGES = {"program-health": "program-health-export", "impact-report": "impact-report-export"}


def _export(client, page: str, org, table: str, **filters):
    return client.get(org_url(PAGES[page], org, query={"table": table, **filters}))


def _assert_every_table_matches(client, page: str, org, expected_tables: set[str] | None = None, **filters) -> None:
    html = client.get(org_url(page, org, query=filters)).content.decode()
    tables = page_tables(html)
    assert tables, "the page shows no table"
    if expected_tables is not None:
        assert set(tables) == expected_tables
    for name, rows in tables.items():
        response = _export(client, page, org, name, **filters)
        assert response.status_code == 200, name
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f"-{page}-{name}-" in response["Content-Disposition"]
        assert csv_table(response.content) == rows, name
        # The page links this very export.
        assert f'href="{org_url(PAGES[page], org, query={**filters, "table": name})}"'.replace("&", "&amp;") in html


@pytest.mark.parametrize("filters", [{}, {"department": "Sales"}])
def test_every_health_table_downloads_as_on_the_page(org, admin_client, filters):
    data = build(org)
    expected = {"figures", "funnel", "at_risk", "months", "departments"} - ({"departments"} if filters else set())
    _assert_every_table_matches(admin_client, "program-health", org, expected, **filters)
    _assert_every_table_matches(admin_client, "program-health", org, program=str(data.program.pk))


def test_every_impact_table_downloads_as_on_the_page(org, stakeholder_client):
    data = build(org)
    mentees = [m.employee for people in data.mentees.values() for m in people]
    self_identify(org, {e.pk: ("Woman" if i % 3 else "Man") for i, e in enumerate(mentees + data.colleagues[:30])})
    expected = {"groups", "retention", "retention_curve", "promotions", "outcomes"} | {
        f"participation_{code}" for code in ("gender", "age_band", "disability", "caregiver", "first_generation")
    }
    _assert_every_table_matches(stakeholder_client, "impact-report", org, expected)
    for role in ("mentee", "mentor"):
        _assert_every_table_matches(stakeholder_client, "impact-report", org, role=role)


def test_stakeholders_export_the_same_tables_but_never_the_people_at_risk(org, stakeholder_client):
    build(org)
    _assert_every_table_matches(
        stakeholder_client, "program-health", org, {"figures", "funnel", "months", "departments"}
    )
    assert _export(stakeholder_client, "program-health", org, "at_risk").status_code == 403


def test_hidden_figures_are_exported_as_words_never_numbers(org, admin_client):
    build(org)
    rows = {row[0]: row[1:] for row in csv_table(_export(admin_client, "program-health", org, "departments").content)}
    assert rows["Legal"] == ["fewer than 5"] * 4  # three mentees
    assert rows["Ops"] == ["hidden (it would reveal a smaller group)"] * 4
    figures = {row[0]: row[1:] for row in csv_table(_export(admin_client, "program-health", org, "figures").content)}
    assert figures["Matches at risk"] == ["fewer than 5", "fewer than 5"]  # three; admins see them on the page


def test_text_typed_by_people_cannot_run_as_a_formula(org, admin_client):
    build(org, departments={"Sales": 12, "=HYPERLINK(1)": 6})
    response = _export(admin_client, "program-health", org, "departments")
    raw = response.content.decode()
    assert "'=HYPERLINK(1)" in raw and "\n=HYPERLINK" not in raw
    # Negative numbers use a real minus sign: never taken for a formula, never given an apostrophe.
    assert "'-" not in raw and "'\u2212" not in raw
    _assert_every_table_matches(admin_client, "program-health", org)
    assert Employee.objects.filter(organization=org, department="=HYPERLINK(1)").exists()


def test_an_export_offers_only_what_the_page_shows(org, other_org, admin_client, outsider_client):
    build(org)
    assert _export(admin_client, "program-health", org, "nonsense").status_code == 404
    assert admin_client.get(org_url("program-health-export", org)).status_code == 404  # no table named
    # One department chosen: the page has no breakdown by department, nor has the export.
    assert _export(admin_client, "program-health", org, "departments", department="Sales").status_code == 404
    # A refused selection shows no table at all.
    assert _export(admin_client, "program-health", org, "funnel", department="Legal").status_code == 404
    # Filters are checked like the page's.
    assert (
        _export(admin_client, "program-health", org, "funnel", since="2026-05-01", until="2026-01-01").status_code
        == 400
    )
    # An organization never rolled up has no figures to export (the outsider is the other one's admin).
    build(other_org, departments={"Sales": 7}, rollup=False)
    assert _export(outsider_client, "impact-report", other_org, "groups").status_code == 404
    assert _export(outsider_client, "program-health", other_org, "funnel").status_code == 404
    # And nobody exports another organization's tables.
    assert _export(outsider_client, "program-health", org, "funnel").status_code == 404
