"""The program health page as HR admins and stakeholders read it, on the small organizations of dashboard_data
(figures worked out there): its figures and charts, roles, small-group suppression (no small group can be worked
out by subtracting one figure from another), and the one-click nudge of a match at risk."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.models import RollupRun
from matching.models import Match
from mentorhub.accounts.models import AuditEvent
from sessions.models import Reminder
from tests.helpers import org_url

from .dashboard_data import build
from .tables import HIDDEN, chart_data, number_of, page_tables, rows_by_name

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


# --- Program health ------------------------------------------------------------------------------------------


def test_health_page_shows_every_figure_with_its_group_size(org, admin_client):
    data = build(org)
    response = admin_client.get(org_url("program-health", org))
    assert response.status_code == 200
    html = response.content.decode()
    tables = page_tables(html)
    assert list(tables) == ["figures", "funnel", "at_risk", "months", "departments"]

    figures = rows_by_name(tables["figures"])
    assert figures["Median days from enrollment to match"] == ["20.0 days", "23 mentees matched"]
    assert figures["Median days from match to first session"] == ["5.0 days", "23 mentees who met"]
    assert figures["Goals completed"] == ["50.0%", "23 matches with goals"]
    assert figures["Check-in average (1 to 5)"] == ["4.0", "23 matches with check-ins"]
    assert figures["Session rating average (1 to 5)"] == ["4.0", "23 matches with ratings"]
    assert figures["Check-ins answered"] == ["50.0%", "29 people asked"]  # mentees answered, mentors did not
    assert figures["Mentors enrolled"] == ["6", "6 mentors"]
    assert figures["Matches at risk"] == ["fewer than 5", "fewer than 5"]  # three
    assert figures["Sessions held per match per month"][0].endswith("(program cadence: 2.0)")
    # Every figure states its group size, or why it is hidden.
    assert all(row[1] for row in figures.values())

    funnel = rows_by_name(tables["funnel"])
    assert funnel["Enrolled as mentee"] == ["23", "20.9%"]  # of 110 eligible (everyone employed today)
    assert funnel["Matched"] == ["23", "100.0%"]
    assert funnel["Completed"] == ["6", "26.1%"]

    departments = rows_by_name(tables["departments"])
    assert departments["Legal"] == ["fewer than 5"] * 4  # three mentees
    # Ops (8) is hidden with it, or 23 - 12 would give Legal away.
    assert departments["Ops"] == ["hidden (it would reveal a smaller group)"] * 4
    assert departments["Sales"][:3] == ["12", "12", "100.0%"]

    # HR admins see the matches at risk, with their people, and can nudge them.
    at_risk = tables["at_risk"][1:]
    assert len(at_risk) == 3
    for match in data.at_risk:
        assert any(all(name in row[0] for name in data.names(match)) for row in at_risk)
    assert {row[2] for row in at_risk} == {"No session for 60 days since the last session"}
    assert html.count('class="small secondary">Nudge') == 3
    assert "Recompute now" in html
    assert "Figures computed" in html


def test_health_charts_read_the_same_figures_and_never_a_hidden_one(org, admin_client):
    build(org)
    html = admin_client.get(org_url("program-health", org)).content.decode()
    charts = chart_data(html, "health-charts")
    assert charts["funnel"]["values"] == [110, 23, 23, 23, 23, 6]
    assert charts["funnel"]["texts"] == ["110", "23", "23", "23", "23", "6"]
    series = {entry["label"]: entry["values"] for entry in charts["trends"]["series"]}
    # Nobody enrolled in the last twelve months: every month's count is small, so null (never 0).
    assert set(series["New enrollments"]) == {None}
    assert series["Active matches"][-1] == 17  # 23 minus the 6 completed
    assert 'data-chart="funnel"' in html and 'data-chart="trends"' in html
    assert 'role="img"' in html and "vendor/chartjs/chart.umd.min.js" in html


def test_stakeholders_read_aggregates_without_names_or_nudges(org, stakeholder_client, admin):
    data = build(org)
    response = stakeholder_client.get(org_url("program-health", org))
    assert response.status_code == 200
    html = response.content.decode()
    assert "at_risk" not in page_tables(html)
    for match in data.at_risk:
        for name in data.names(match):
            assert name not in html
    assert "Matches at risk: <strong>fewer than 5</strong>" in html
    assert "Nudge" not in html and "Recompute now" not in html
    # Nor can they ask for them another way.
    assert (
        stakeholder_client.get(
            reverse("program-health-export", kwargs={"org_slug": org.slug}) + "?table=at_risk"
        ).status_code
        == 403
    )
    match = data.at_risk[0]
    nudge = reverse("health-nudge", kwargs={"org_slug": org.slug, "match_pk": match.pk})
    assert stakeholder_client.post(nudge).status_code == 403
    assert not Reminder.objects.filter(match=match).exists()
    assert stakeholder_client.post(reverse("rollup-start", kwargs={"org_slug": org.slug})).status_code == 403
    assert not RollupRun.objects.filter(organization=org).exists()


def test_members_may_not_read_the_dashboards(org, member_client):
    build(org, rollup=False)
    for name in ("program-health", "program-health-export", "impact-report", "impact-report-export"):
        assert member_client.get(reverse(name, kwargs={"org_slug": org.slug})).status_code == 403


def test_navigation_and_home_lead_stakeholders_to_the_dashboards(org, stakeholder_client, member_client):
    home = stakeholder_client.get(reverse("org-home", kwargs={"org_slug": org.slug})).content.decode()
    for name in ("program-health", "impact-report"):
        assert home.count(f'href="{reverse(name, kwargs={"org_slug": org.slug})}"') == 2  # the nav and the card
    member_home = member_client.get(reverse("org-home", kwargs={"org_slug": org.slug})).content.decode()
    assert reverse("program-health", kwargs={"org_slug": org.slug}) not in member_home
    page = stakeholder_client.get(org_url("program-health", org)).content.decode()
    assert 'aria-current="page">Program health' in page


# --- Small groups ------------------------------------------------------------------------------------------


def test_a_department_of_three_is_refused_not_shown(org, admin_client):
    build(org)
    html = admin_client.get(org_url("program-health", org, query={"department": "Legal"})).content.decode()
    assert "No figures for this selection." in html and "fewer than 5 people" in html
    assert page_tables(html) == {}
    assert 'id="health-charts"' not in html


def test_a_period_without_enough_enrollments_is_refused(org, admin_client):
    build(org)
    today = timezone.localdate()
    start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)  # this quarter: few enrollments in it
    end = (start.replace(day=28) + timedelta(days=70)).replace(day=1) - timedelta(days=1)
    html = admin_client.get(
        org_url("program-health", org, query={"since": start.isoformat(), "until": end.isoformat()})
    ).content.decode()
    assert "No figures for this selection." in html and page_tables(html) == {}


def _counts(tables: dict[str, list[list[str]]]) -> dict[tuple[str, str, str], int | None]:
    """Every count of people or matches (the funnel's stages, active matches and new enrollments by month),
    by (table, row, column). Sessions held are events, not a group: their group is the month's active
    matches, which is checked."""
    found = {}
    for name, columns in (("funnel", [1]), ("months", [1, 3])):
        header, *rows = tables[name]
        for row in rows:
            for column in columns:
                found[name, row[0], header[column]] = number_of(row[column])
    return found


def test_no_department_can_be_worked_out_by_subtracting_it_from_the_whole(org, admin_client):
    """For every department someone may choose, every count shown both for it and for the whole differs by
    none or by at least the minimum group size: "all" minus "this department" never reveals a small group."""
    build(org)
    whole = _counts(page_tables(admin_client.get(org_url("program-health", org)).content.decode()))
    for department in ("Sales", "Ops", "Legal", "Leadership"):
        tables = page_tables(
            admin_client.get(org_url("program-health", org, query={"department": department})).content.decode()
        )
        if not tables:
            continue  # refused whole
        for key, value in _counts(tables).items():
            if value is None or whole[key] is None:
                continue
            difference = whole[key] - value
            assert difference == 0 or difference >= 5, (department, key, whole[key], value)


def test_departments_never_add_up_to_reveal_a_hidden_one(org, admin_client):
    build(org)
    tables = page_tables(admin_client.get(org_url("program-health", org)).content.decode())
    enrolled = number_of(rows_by_name(tables["funnel"])["Enrolled as mentee"][0])
    shown = [number_of(row[0]) for row in rows_by_name(tables["departments"]).values()]
    hidden = [value for value in shown if value is None]
    # The whole minus the shown departments is shared by at least two hidden ones.
    assert len(hidden) >= 2 and enrolled - sum(value for value in shown if value is not None) == 11


def test_a_hidden_matched_count_cannot_be_worked_out_from_the_funnel(org, admin_client):
    # Sales: 12 enrolled, 10 matched (2 unmatched: small). Ops: 10 enrolled, 5 matched. Funnel: 22, 15.
    build(org, departments={"Sales": 12, "Ops": 10}, unmatched={"Sales": 2, "Ops": 5}, at_risk=0, completed=0)
    tables = page_tables(admin_client.get(org_url("program-health", org)).content.decode())
    departments = rows_by_name(tables["departments"])
    assert departments["Sales"][1] in HIDDEN  # the rule hides it...
    matched_total = number_of(rows_by_name(tables["funnel"])["Matched"][0])
    others = [number_of(row[1]) for name, row in departments.items() if name != "Sales"]
    # ... so the whole minus the other departments must not be computable.
    assert matched_total is None or None in others


def test_a_later_stage_of_one_department_cannot_be_worked_out_from_the_whole(org, admin_client):
    build(org, departments={"Sales": 12, "Ops": 8}, completed=14, at_risk=0)  # 12 completed in Sales, 2 in Ops
    whole = rows_by_name(page_tables(admin_client.get(org_url("program-health", org)).content.decode())["funnel"])
    sales = rows_by_name(
        page_tables(admin_client.get(org_url("program-health", org, query={"department": "Sales"})).content.decode())[
            "funnel"
        ]
    )
    ops = rows_by_name(
        page_tables(admin_client.get(org_url("program-health", org, query={"department": "Ops"})).content.decode())[
            "funnel"
        ]
    )
    assert ops["Completed"][0] == "fewer than 5"
    whole_count, sales_count = number_of(whole["Completed"][0]), number_of(sales["Completed"][0])
    # Either one of the two is hidden, or their difference is not a small group.
    assert whole_count is None or sales_count is None or whole_count - sales_count in (0, *range(5, 10_000))


def test_a_small_program_cannot_be_worked_out_from_all_programs(org, admin_client):
    big = build(org, departments={"Sales": 12}, at_risk=0, rollup=False)
    build(org, departments={"Ops": 3}, at_risk=0, completed=0, name_prefix="Pilot ")
    whole = rows_by_name(page_tables(admin_client.get(org_url("program-health", org)).content.decode())["funnel"])
    html = admin_client.get(org_url("program-health", org, query={"program": big.program.pk})).content.decode()
    tables = page_tables(html)
    if "funnel" not in tables:  # the program is refused on its own: beside the pilot it would reveal the pilot
        assert "too small to be shown on its own" in html
        return
    one = rows_by_name(tables["funnel"])
    everyone, big_one = number_of(whole["Enrolled as mentee"][0]), number_of(one["Enrolled as mentee"][0])
    assert everyone is None or big_one is None or everyone - big_one in (0, *range(5, 10_000))


def test_raising_the_minimum_group_size_hides_groups_at_once(org, admin_client):
    build(org)
    assert rows_by_name(page_tables(admin_client.get(org_url("program-health", org)).content.decode())["figures"])[
        "Mentors enrolled"
    ] == ["6", "6 mentors"]
    org.min_group_size = 10
    org.save(update_fields=["min_group_size"])
    figures = rows_by_name(page_tables(admin_client.get(org_url("program-health", org)).content.decode())["figures"])
    assert figures["Mentors enrolled"] == ["fewer than 10", "fewer than 10"]


# --- Nudges ------------------------------------------------------------------------------------------------


def test_a_nudge_reminds_everyone_in_the_match_once_a_day(org, admin_client):
    data = build(org)
    match = data.at_risk[0]
    url = reverse("health-nudge", kwargs={"org_slug": org.slug, "match_pk": match.pk})
    response = admin_client.post(url, {"program": str(data.program.pk)}, follow=True)
    assert (
        response.redirect_chain[0][0] == org_url("program-health", org, query={"program": data.program.pk}) + "#at-risk"
    )
    html = response.content.decode()
    assert "Nudge sent:" in html
    nudges = Reminder.objects.filter(match=match, kind=Reminder.Kind.INACTIVITY_NUDGE)
    assert sorted(nudges.values_list("recipient__name", flat=True)) == sorted(data.names(match))
    # The page says so instead of offering the button again for that match.
    assert "Nudged today" in html and html.count('class="small secondary">Nudge') == 2
    again = admin_client.post(url, follow=True).content.decode()
    assert "nudged today already" in again and "nothing was sent again" in again
    assert nudges.count() == 2
    # The audit log has the one nudge that was sent, by whom.
    event = AuditEvent.objects.get(organization=org, verb="match.nudge")
    assert event.target_id == str(match.pk) and event.actor_email == "admin@alpha.test"


def test_an_ended_match_or_anothers_is_not_nudged(org, other_org, admin_client):
    data = build(org)
    beta = build(other_org, departments={"Sales": 7}, name_prefix="Beta ")
    completed = data.completed[0]
    page = admin_client.post(
        reverse("health-nudge", kwargs={"org_slug": org.slug, "match_pk": completed.pk}), follow=True
    ).content.decode()
    assert "no longer active" in page
    assert not Reminder.objects.filter(match=completed).exists()
    url = reverse("health-nudge", kwargs={"org_slug": org.slug, "match_pk": beta.at_risk[0].pk})
    assert admin_client.post(url).status_code == 404
    assert (
        admin_client.get(reverse("health-nudge", kwargs={"org_slug": org.slug, "match_pk": completed.pk})).status_code
        == 405
    )


def test_completed_match_has_no_nudge_button(org, admin_client):
    """Only active matches are at risk; completed ones never get a button."""
    data = build(org)
    html = admin_client.get(org_url("program-health", org)).content.decode()
    for match in data.completed:
        assert reverse("health-nudge", kwargs={"org_slug": org.slug, "match_pk": match.pk}) not in html
    assert Match.objects.filter(pk__in=[m.pk for m in data.at_risk], status="active").count() == 3
