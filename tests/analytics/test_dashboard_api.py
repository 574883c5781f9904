"""The dashboards' API: every figure behind the charts and tables as JSON ({value, n, suppressed}; a hidden
one has neither value nor n), the same figures as the pages, names of the people at risk for HR admins
only, roles, two organizations, and recomputing with progress (202, then poll)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from analytics.models import RollupRun
from mentorhub.accounts.services.tokens import api_token_create
from tests.helpers import org_url

from .dashboard_data import build, self_identify
from .tables import page_tables

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

HIDDEN = {"value": None, "n": None, "suppressed": True, "reason": "fewer than 5"}


def figures(data: Any) -> list[dict]:
    """Every figure in a response, wherever it is."""
    found = []
    if isinstance(data, dict):
        if "suppressed" in data:
            found.append(data)
        for value in data.values():
            found += figures(value)
    elif isinstance(data, list):
        for value in data:
            found += figures(value)
    return found


def test_health_api_gives_every_figure_with_its_group_size(org, admin_client):
    data = build(org)
    body = admin_client.get(org_url("api-program-health", org)).json()
    assert body["min_group_size"] == 5 and body["refused"] == "" and body["computed_at"]
    assert body["filters"] == {"program": None, "department": "", "since": None, "until": None}
    funnel = {stage["label"]: stage["people"] for stage in body["funnel"]}
    assert funnel["Enrolled as mentee"] == {"value": 23, "n": 23, "suppressed": False}
    assert body["days_to_match"] == {"value": 20.0, "n": 23, "suppressed": False}
    assert body["goal_completion"] == {"value": 50.0, "n": 23, "suppressed": False}
    assert body["checkin_response_rate"] == {"value": 50.0, "n": 29, "suppressed": False}
    assert body["cadence"] == 2.0
    assert body["at_risk_count"] == HIDDEN  # three
    departments = {row["department"]: row for row in body["departments"]}
    assert departments["Legal"]["enrolled"] == HIDDEN
    assert departments["Ops"]["enrolled"]["reason"] == "hidden (it would reveal a smaller group)"
    assert departments["Sales"]["enrolled"]["value"] == 12
    # HR admins get the matches at risk, with the people.
    at_risk = {row["match_id"]: row for row in body["at_risk"]}
    assert set(at_risk) == {match.pk for match in data.at_risk}
    match = data.at_risk[0]
    assert set(at_risk[match.pk]["people"].split(" and ")) == set(data.names(match))
    assert at_risk[match.pk]["program"] == "Grow"
    assert len(body["months"]) == 12 and body["months"][-1]["active_matches"]["value"] == 17
    # A hidden figure never carries a number.
    for figure in figures(body):
        assert figure["suppressed"] == (figure["value"] is None and figure["n"] is None)


def test_health_api_and_page_show_the_same_figures(org, admin_client):
    build(org)
    body = admin_client.get(org_url("api-program-health", org, query={"department": "Sales"})).json()
    page = page_tables(admin_client.get(org_url("program-health", org, query={"department": "Sales"})).content.decode())
    on_page = {row[0]: row[1] for row in page["funnel"][1:]}
    for stage in body["funnel"]:
        figure = stage["people"]
        assert on_page[stage["label"]] == (f"{figure['value']:,}" if not figure["suppressed"] else figure["reason"])


def test_stakeholders_get_figures_but_no_names(org, stakeholder_client):
    data = build(org)
    response = stakeholder_client.get(org_url("api-program-health", org))
    assert response.status_code == 200
    body = response.json()
    assert body["at_risk"] is None and body["at_risk_count"] == HIDDEN
    text = response.content.decode()
    for match in data.at_risk:
        for name in data.names(match):
            assert name not in text
    assert stakeholder_client.get(org_url("api-impact-report", org)).status_code == 200


def test_members_may_not_read_the_figures(org, member_client, member):
    build(org, rollup=False)
    for name in ("api-program-health", "api-impact-report", "api-rollup-run-list"):
        assert member_client.get(org_url(name, org)).status_code == 403
    _token, raw = api_token_create(organization=org, actor=member.user, membership=member, name="script")
    with_token = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert with_token.get(org_url("api-program-health", org)).status_code == 403


def test_a_token_of_an_admin_reads_the_figures(org, admin):
    build(org)
    _token, raw = api_token_create(organization=org, actor=admin.user, membership=admin, name="BI tool")
    body = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(org_url("api-impact-report", org)).json()
    assert body["participants"]["value"] == 29


def test_a_small_department_is_refused_in_the_api_too(org, admin_client):
    build(org)
    body = admin_client.get(org_url("api-program-health", org, query={"department": "Legal"})).json()
    assert "fewer than 5 people" in body["refused"]
    assert body["funnel"] == [] and body["departments"] == [] and body["months"] == []
    assert body["days_to_match"] is None and body["at_risk"] == []


def test_filters_are_checked(org, admin_client, other_org):
    build(org)
    beta = build(other_org, departments={"Sales": 7}, name_prefix="Beta ")
    response = admin_client.get(
        org_url("api-program-health", org, query={"since": "2026-06-01", "until": "2026-01-01"})
    )
    assert response.status_code == 400 and "calendar quarter" in response.json()["since"][0]
    # Overlapping free periods could be subtracted from each other: only a quarter or a year is a period.
    assert (
        admin_client.get(
            org_url("api-program-health", org, query={"since": "2026-01-01", "until": "2026-02-28"})
        ).status_code
        == 400
    )
    assert (
        admin_client.get(
            org_url("api-program-health", org, query={"since": "9999-01-01", "until": "9999-12-31"})
        ).status_code
        == 400
    )
    assert (
        admin_client.get(
            org_url("api-program-health", org, query={"since": "2026-04-01", "until": "2026-06-30"})
        ).status_code
        == 200
    )
    # Another organization's program is not a program here.
    assert admin_client.get(org_url("api-program-health", org, query={"program": beta.program.pk})).status_code == 400
    assert admin_client.get(org_url("api-impact-report", org, query={"role": "boss"})).status_code == 400


def test_impact_api_gives_intervals_and_curves(org, admin_client):
    data = build(org)
    mentees = [m.employee for people in data.mentees.values() for m in people][1:]
    self_identify(org, {e.pk: "Woman" for e in mentees[:19]} | {e.pk: "Man" for e in mentees[19:22]})
    body = admin_client.get(org_url("api-impact-report", org)).json()
    assert body["filters"] == {"program": None, "role": "all"} and body["computed_at"]
    assert body["participants"]["value"] == 29 and body["comparison"]["value"] == 87
    assert body["unmatched"] == HIDDEN
    retention = body["retention"]
    assert retention["horizon_months"] == 12
    estimate, lower, upper = retention["participants"]["value"]
    assert estimate == 96.6 and lower < estimate < upper and retention["participants"]["n"] == 29
    assert retention["difference"]["value"][0] == 3.4
    assert len(retention["curve"]) == 13 and retention["curve"][0]["participants"] == [100.0, 100.0, 100.0]
    assert body["promotions"]["participants_person_years"] > 0
    outcomes = {outcome["code"]: outcome["agreeing"] for outcome in body["outcomes"]}
    assert outcomes["competency"]["value"][0] == 100.0 and outcomes["competency"]["n"] == 6
    assert body["nps"]["score"] == {"value": 100, "n": 6, "suppressed": False}
    gender = next(table for table in body["groups"] if table["code"] == "gender")
    rows = {row["value"]: row for row in gender["rows"]}
    assert rows["Man"]["participants"] == HIDDEN  # three
    # Man (3), Non-binary and "in another way" (0) are hidden together; as they make only 3 people, which the
    # 22 who answered minus the 19 women would reveal, Woman is hidden as well.
    assert rows["Non-binary"]["participants"] == HIDDEN and rows["In another way"]["participants"] == HIDDEN
    assert rows["Woman"]["participants"]["suppressed"] is True
    for figure in figures(body):
        assert figure["suppressed"] == (figure["value"] is None and figure["n"] is None)


def test_cached_figures_of_one_organization_never_answer_another(org, other_org, admin_client, outsider_client):
    build(org)
    assert admin_client.get(org_url("api-program-health", org)).json()["funnel"][1]["people"]["value"] == 23
    assert admin_client.get(org_url("api-impact-report", org)).json()["participants"]["value"] == 29
    build(other_org, departments={"Sales": 7}, name_prefix="Beta ", rollup=False)
    body = outsider_client.get(org_url("api-program-health", other_org)).json()
    assert body["computed_at"] is None and body["funnel"] == [] and body["at_risk_count"] is None
    impact = outsider_client.get(org_url("api-impact-report", other_org)).json()
    assert impact["computed_at"] is None and impact["participants"] == HIDDEN
    # And the other's slug answers the outsider 404, like any organization one is not in.
    assert outsider_client.get(org_url("api-program-health", org)).status_code == 404


def test_admins_recompute_and_poll_the_progress(
    org, admin_client, stakeholder_client, django_capture_on_commit_callbacks
):
    build(org, rollup=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(org_url("api-rollup-run-list", org))
    assert response.status_code == 202
    run = RollupRun.objects.get(organization=org)
    body = response.json()
    assert body["id"] == run.pk and body["status"] == "queued"  # as it was when answered
    assert response["Location"] == body["url"] and body["url"].endswith(f"/analytics/rollups/{run.pk}/")
    assert body["page_url"].endswith(reverse("rollup-run", kwargs={"org_slug": org.slug, "rollup_pk": run.pk}))
    polled = admin_client.get(body["url"]).json()
    assert polled["status"] == "done" and polled["progress"] == 100 and polled["duration_s"] is not None
    assert [item["id"] for item in admin_client.get(org_url("api-rollup-run-list", org)).json()["results"]] == [run.pk]
    # A second start while one is open finds it instead of queueing another.
    RollupRun.objects.filter(pk=run.pk).update(status=RollupRun.Status.RUNNING)
    again = admin_client.post(org_url("api-rollup-run-list", org))
    assert again.status_code == 202 and again.json()["id"] == run.pk
    assert stakeholder_client.post(org_url("api-rollup-run-list", org)).status_code == 403
    assert stakeholder_client.get(org_url("api-rollup-run-list", org)).status_code == 403
    assert admin_client.get(org_url("api-program-health", org)).json()["funnel"][1]["people"]["value"] == 23
