"""Skills growth in the impact report: mentees' own ratings (1-5) at enrollment and at the close, the mean
change per skill and overall with a 95% interval, on hand-built data; a skill rated by fewer people than the
organization's minimum group size is hidden; mentors rate nothing; one program's view guarded like the rest."""

from __future__ import annotations

import math
import statistics

import pytest

from analytics.reports.impact import ImpactFilters, build_impact_report
from analytics.services.rollups import rollup_organization
from analytics.stats import mean_interval
from analytics.views.dashboards.impact_tables import impact_tables
from programs.models import Skill, SkillRating
from tests.analytics.tables import csv_table, page_tables, rows_by_name
from tests.helpers import org_url

from .skills_data import enroll, skills_program

pytestmark = pytest.mark.django_db
T_975 = {5: 2.570581835636314, 6: 2.446911848791681}  # Student's t, 97.5th percentile, by degrees of freedom


def rate(participant, skill, before: int, after: int | None) -> None:
    org = participant.organization
    SkillRating.objects.create(
        organization=org, participant=participant, skill=skill, moment="enrollment", level=before
    )
    if after is not None:
        SkillRating.objects.create(
            organization=org, participant=participant, skill=skill, moment="closing", level=after
        )


@pytest.fixture
def ratings(org):
    """AI and data rated twice by 6 mentees (changes 1, 2, 0, 1, 3, 1); Leadership by 3 of them (changes 2, 2, 0:
    fewer than 5); a seventh mentee rated AI and data at enrollment only (no change to count)."""
    program, question = skills_program(org, status="active")
    ai = Skill.objects.get(organization=org, name="AI and data")
    leadership = Skill.objects.get(organization=org, name="Leadership")
    mentees = [
        enroll(program, question, role="mentee", skills=["AI and data", "Leadership"], department="Sales")
        for _ in range(7)
    ]
    for mentee, (before, after) in zip(mentees, [(1, 2), (2, 4), (3, 3), (2, 3), (1, 4), (3, 4)], strict=False):
        rate(mentee, ai, before, after)
    for mentee, (before, after) in zip(mentees, [(1, 3), (2, 4), (4, 4)], strict=False):
        rate(mentee, leadership, before, after)
    rate(mentees[6], ai, 2, None)
    return program


def expected(changes: list[float]) -> tuple[float, float, float]:
    mean = statistics.mean(changes)
    half = T_975[len(changes) - 1] * statistics.stdev(changes) / math.sqrt(len(changes))
    return round(mean, 2), round(mean - half, 2), round(mean + half, 2)


def test_mean_interval_matches_students_t():
    mean, lower, upper = mean_interval([1, 2, 0, 1, 3, 1])
    assert (round(mean, 6), round(lower, 6), round(upper, 6)) == tuple(
        round(v, 6)
        for v in (
            4 / 3,
            4 / 3 - T_975[5] * statistics.stdev([1, 2, 0, 1, 3, 1]) / math.sqrt(6),
            4 / 3 + T_975[5] * statistics.stdev([1, 2, 0, 1, 3, 1]) / math.sqrt(6),
        )
    )
    assert math.isnan(mean_interval([2])[1]) and math.isnan(mean_interval([])[0])


def test_growth_per_skill_and_overall_with_suppression(org, ratings):
    report = build_impact_report(organization=org, filters=ImpactFilters())
    growth = {g.name: g.change for g in report.skills}
    ai = growth["AI and data"]
    assert ai.shown and ai.n == 6
    assert ai.value == expected([1, 2, 0, 1, 3, 1])
    leadership = growth["Leadership"]
    assert not leadership.shown and leadership.value is None and leadership.text() == "fewer than 5"
    # Overall: each person's mean change over their skills (the first three rated both), then over people.
    per_person = [(1 + 2) / 2, (2 + 2) / 2, (0 + 0) / 2, 1, 3, 1]
    assert report.skills_overall.shown and report.skills_overall.n == 6
    assert report.skills_overall.value == expected(per_person)
    table = impact_tables(report)["skills_growth"]
    cells = {row.cells[0]: row.cells[1:] for row in table.rows}
    mean, lower, upper = expected([1, 2, 0, 1, 3, 1])
    assert cells["AI and data"] == [f"{mean:.2f}", f"{lower:.2f} to {upper:.2f}", "6 people"]
    assert cells["Leadership"] == ["fewer than 5"] * 3
    assert next(iter(table.csv_rows())) == ["Skill", "Mean change (levels)", "95% interval", "People"]


def test_mentors_rate_nothing(org, ratings):
    report = build_impact_report(organization=org, filters=ImpactFilters(role="mentor"))
    assert report.skills == [] and report.skills_overall is None
    assert "skills_growth" not in impact_tables(report)  # the page says why instead


def test_one_programs_view_is_guarded_against_the_whole(org, ratings):
    """A second program adds 3 people's AI ratings: the first program's 6 beside the whole's 9 would single out
    the other 3, so the filtered figure is hidden."""
    program, question = skills_program(org, status="active")
    ai = Skill.objects.get(organization=org, name="AI and data")
    for _ in range(3):
        rate(enroll(program, question, role="mentee", skills=["AI and data"], department="Ops"), ai, 1, 5)
    whole = {g.name: g.change for g in build_impact_report(organization=org, filters=ImpactFilters()).skills}
    assert whole["AI and data"].n == 9
    one = build_impact_report(organization=org, filters=ImpactFilters(program_id=ratings.pk), guard=True)
    figures = {g.name: g.change for g in one.skills}
    assert not figures["AI and data"].shown


@pytest.mark.usefixtures("fresh_cache")
def test_the_impact_page_shows_skills_growth_and_its_csv(org, ratings, stakeholder_client):
    rollup_organization(organization=org)
    html = stakeholder_client.get(org_url("impact-report", org)).content.decode()
    assert "Skills growth" in html
    rows = rows_by_name(page_tables(html)["skills_growth"])
    mean, lower, upper = expected([1, 2, 0, 1, 3, 1])
    assert rows["AI and data"] == [f"{mean:.2f}", f"{lower:.2f} to {upper:.2f}", "6 people"]
    assert rows["Leadership"] == ["fewer than 5"] * 3
    export = stakeholder_client.get(org_url("impact-report-export", org, query={"table": "skills_growth"}))
    assert csv_table(export.content) == page_tables(html)["skills_growth"]


@pytest.mark.usefixtures("fresh_cache")
def test_the_impact_api_gives_skills_growth(org, ratings, stakeholder_client):
    rollup_organization(organization=org)
    body = stakeholder_client.get(org_url("api-impact-report", org)).json()
    growth = {entry["name"]: entry["change"] for entry in body["skills"]}
    assert growth["AI and data"] == {"value": list(expected([1, 2, 0, 1, 3, 1])), "n": 6, "suppressed": False}
    assert growth["Leadership"]["suppressed"] is True and growth["Leadership"]["value"] is None
    assert body["skills_overall"]["n"] == 6
