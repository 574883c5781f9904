"""The impact report page as stakeholders read it, on the small organizations of dashboard_data (figures
worked out there), with small-group suppression; two organizations that never see each other's figures
(cached ones included) on either dashboard; and the printable versions of both."""

from __future__ import annotations

import pytest

from analytics.reports.health import HealthFilters, health_report
from analytics.services.rollups import rollup_organization
from tests.helpers import org_url

from .dashboard_data import build, self_identify
from .tables import chart_data, number_of, page_tables, rows_by_name

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


# --- The impact report ---------------------------------------------------------------------------------------


def test_impact_report_shows_groups_retention_promotions_outcomes(org, stakeholder_client):
    build(org)
    response = stakeholder_client.get(org_url("impact-report", org))
    assert response.status_code == 200
    html = response.content.decode()
    tables = page_tables(html)
    groups = rows_by_name(tables["groups"])
    assert groups == {
        "Participants (their match started)": ["29"],
        "Compared: participants with comparable colleagues": ["29"],
        "Without a comparable colleague (left out of the comparison)": ["fewer than 5"],
        "Comparison group: comparable colleagues who never took part": ["87"],
    }
    retention = rows_by_name(tables["retention"])
    assert retention["Participants still employed"][0] == "96.6%"  # 1 of 29 left within the year
    assert retention["Participants still employed"][2] == "29 people"
    assert retention["Comparison group still employed"][0] == "93.1%"  # 6 of 87
    assert retention["Difference (participants minus comparison)"][0] == "3.4 points"
    assert retention["Difference (participants minus comparison)"][1].startswith("\u22125.1 to ")
    curve = tables["retention_curve"]
    assert curve[0] == ["Month", "Participants", "Comparison group"] and len(curve) == 14  # months 0 to 12
    assert curve[1] == ["0", "100.0% [100.0 to 100.0]", "100.0% [100.0 to 100.0]"]
    promotions = rows_by_name(tables["promotions"])
    assert promotions["Participants"][-1] == "29 people" and promotions["Comparison group"][-1] == "87 people"
    outcomes = rows_by_name(tables["outcomes"])
    assert outcomes["Competencies improved"][0] == "100.0%" and outcomes["Competencies improved"][2] == "6 answers"
    assert outcomes["Feel more confident"][0] == "0.0%"  # everyone answered 3
    assert outcomes["Would recommend (NPS), from \u2212100 to 100"][0] == "100"
    assert "How to read this" in html and "Not proof of cause." in html
    charts = chart_data(html, "impact-charts")
    assert charts["retention"]["horizon"] == 12 and charts["retention"]["participants"][0] == [100.0, 100.0, 100.0]
    assert charts["outcomes"]["values"][2] == [0.0, 0.0, pytest.approx(39.0, abs=0.1)]


def test_participants_without_a_comparable_colleague_cannot_be_worked_out(org, stakeholder_client):
    build(org, colleagues={"Legal": 0})  # Legal's three mentees have nobody to be compared with
    groups = rows_by_name(page_tables(stakeholder_client.get(org_url("impact-report", org)).content.decode())["groups"])
    assert groups["Without a comparable colleague (left out of the comparison)"] == ["fewer than 5"]
    participants = number_of(groups["Participants (their match started)"][0])
    compared = number_of(groups["Compared: participants with comparable colleagues"][0])
    assert participants is None or compared is None or participants - compared in (0, *range(5, 10_000))


def test_participation_hides_small_groups_on_the_page_and_in_the_chart(org, stakeholder_client):
    data = build(org)
    mentees = [m.employee for people in data.mentees.values() for m in people][1:]  # the first one has left
    answers = {e.pk: "Woman" for e in mentees[:10]} | {e.pk: "Man" for e in mentees[10:19]}
    answers |= {e.pk: "Non-binary" for e in mentees[19:22]}  # three people
    answers |= {c.pk: ("Woman" if i % 2 else "Man") for i, c in enumerate(data.colleagues[10:50])}
    self_identify(org, answers)
    html = stakeholder_client.get(org_url("impact-report", org)).content.decode()
    gender = rows_by_name(page_tables(html)["participation_gender"])
    assert gender["People who answered"] == ["22", "62"]
    assert gender["Non-binary"] == ["fewer than 5", "fewer than 5"]
    assert gender["Woman"] == ["45.5%", "48.4%"]  # 10 of 22; 30 of 62
    # "In another way" (0) is hidden too, and as Non-binary and it make only 3 people (which 22 minus the
    # women and men would reveal), Man is hidden as well.
    assert gender["In another way"] == ["fewer than 5", "fewer than 5"]
    assert gender["Man"][0] == "hidden (it would reveal a smaller group)"
    chart = next(entry for entry in chart_data(html, "impact-charts")["participation"] if entry["code"] == "gender")
    assert chart["participants"] == [45.5, None, None, None]
    assert chart["participantTexts"][2] == "fewer than 5"


# --- Two organizations -------------------------------------------------------------------------------------


def test_neither_the_pages_nor_the_cached_figures_of_one_organization_show_anothers(
    org, other_org, admin_client, outsider_client
):
    alpha = build(org, name_prefix="Alpha ")
    beta = build(other_org, departments={"Sales": 7}, name_prefix="Beta ", at_risk=1, completed=0, rollup=False)
    # Alpha's figures are computed and cached ...
    alpha_page = admin_client.get(org_url("program-health", org)).content.decode()
    assert admin_client.get(org_url("impact-report", org)).status_code == 200
    assert rows_by_name(page_tables(alpha_page)["funnel"])["Enrolled as mentee"][0] == "23"
    # ... Beta has never been rolled up: it sees no figures, not Alpha's cached ones.
    for url in (org_url("program-health", other_org), org_url("impact-report", other_org)):
        page = outsider_client.get(url).content.decode()
        assert "No figures yet." in page and page_tables(page) == {}
    rollup_organization(organization=other_org)
    page = outsider_client.get(org_url("program-health", other_org)).content.decode()
    tables = page_tables(page)
    assert rows_by_name(tables["funnel"])["Enrolled as mentee"][0] == "7"
    assert [row[0] for row in tables["departments"][1:]] == ["Sales"]
    assert "Alpha" not in page  # no program, department or person of Alpha's
    for match in alpha.at_risk:
        for name in alpha.names(match):
            assert name not in page
    assert [set(row[0].split(" and ")) for row in tables["at_risk"][1:]] == [set(beta.names(beta.at_risk[0]))]
    impact = page_tables(outsider_client.get(org_url("impact-report", other_org)).content.decode())
    assert rows_by_name(impact["groups"])["Participants (their match started)"] == ["13"]  # 7 mentees, 6 mentors
    # And Alpha's cache still holds Alpha's.
    report = health_report(organization=org, filters=HealthFilters())
    assert report.funnel[1].people.value == 23


def test_another_organizations_program_is_not_a_choice(org, other_org, admin_client):
    build(org)
    beta = build(other_org, departments={"Sales": 7}, name_prefix="Beta ")
    for url in (
        org_url("program-health", org, query={"program": beta.program.pk}),
        org_url("impact-report", org, query={"program": beta.program.pk}),
    ):
        html = admin_client.get(url).content.decode()
        assert "Select a valid choice." in html and "Check the filters above" in html
        assert page_tables(html) == {} and "Beta" not in html


# --- Printable versions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["program-health", "impact-report"])
def test_printable_version_has_no_navigation_and_every_table_open(page, org, admin_client):
    build(org)
    screen = admin_client.get(org_url(page, org)).content.decode()
    html = admin_client.get(org_url(page, org, query={"print": 1})).content.decode()
    assert 'class="sidenav"' not in html and "Sign out" not in html
    assert '<button type="button" data-print hidden>Print</button>' in html
    assert "<details" in screen and "<details" in html and '<details class="table-details" open>' in html
    assert html.count('<details class="table-details" open>') == html.count("<details")
    assert page_tables(html) == page_tables(screen)  # the same tables, cell for cell (no nudge buttons)
    assert "analytics-charts.js" in html and "Download CSV" not in html
    assert "/health/nudge/" not in html and "Recompute now" not in html and 'method="get"' not in html
