"""The impact report on a hand-built organization whose figures are worked out here by hand.

Engineering, job level 3, hired mid-2024 (tenure 1 to 3 years on 1 January 2026):
- participants P1..P4, whose first match started on 1 January 2026 (their index date);
- six never-enrolled colleagues C1..C6 of the same department, level and tenure band, employed then;
- Xena, in Sales, and Yuri, hired after the index date: never comparable;
- Paul, enrolled but never matched: not a participant, and never a control (he chose to take part).
Up to three controls per participant, each used once: P1 and P2 get three each, P3 and P4 none.

Over the 12 months after the index date (the report runs on 1 June 2027: everyone followed a full year):
P1 leaves after 181 days; C1 after 60 and C2 after 300 days.
Participants: S(12 months) = 1/2. Comparison: 5/6 x 4/5 = 2/3. Difference: -16.7 points.
P2 is promoted (3 -> 4) on 1 June 2026: 1 promotion in (181 + 365) / 365.25 person-years.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from analytics import stats
from analytics.question_sets import CLOSING
from analytics.reports.impact import ImpactFilters, build_impact_report
from analytics.reports.impact_controls import tenure_band
from analytics.services.surveys import survey_for
from matching.models import Match, MatchMember
from mentorhub.accounts.models import EmploymentEvent
from programs.models import Program
from tests.factories import EmployeeFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory

from .dashboard_data import self_identify
from .factories import ParticipantFactFactory, answered_assignment

pytestmark = pytest.mark.django_db
INDEX = date(2026, 1, 1)
TODAY = date(2027, 6, 1)


def engineer(org, name, **extra):
    defaults = {"department": "Engineering", "job_level": 3, "hired_on": date(2024, 6, 1)}
    return EmployeeFactory(organization=org, name=name, **{**defaults, **extra})


@pytest.fixture
def cohort(org):
    org.min_group_size = 2
    org.save(update_fields=["min_group_size"])
    program = ProgramFactory(organization=org, status=Program.Status.CLOSED)
    people = {name: engineer(org, name) for name in ("P1", "P2", "P3", "P4", "C3", "C4", "C5", "C6")}
    people["C1"] = engineer(org, "C1", left_on=date(2026, 3, 2))  # day 60
    people["C2"] = engineer(org, "C2", left_on=date(2026, 10, 28))  # day 300
    people["P1"].left_on = date(2026, 7, 1)  # day 181
    people["P1"].save(update_fields=["left_on"])
    people["P2"].job_level = 4
    people["P2"].save(update_fields=["job_level"])
    EmploymentEvent.objects.create(
        organization=org,
        employee=people["P2"],
        kind=EmploymentEvent.Kind.LEVEL_CHANGE,
        occurred_on=date(2026, 6, 1),
        old_value="3",
        new_value="4",
    )
    engineer(org, "Xena", department="Sales")
    engineer(org, "Yuri", hired_on=date(2026, 2, 1))
    paul = engineer(org, "Paul")
    ParticipantFactory(program=program, employee=paul, role="mentee", status="approved")
    start = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    for name in ("P1", "P2", "P3", "P4"):
        participant = ParticipantFactory(program=program, employee=people[name], role="mentee", status="matched")
        ParticipantFactFactory(participant=participant, enrolled_at=start, matched_at=start, computed_at=start)
    return program, people


def test_controls_are_matched_on_department_level_and_tenure_at_the_index_date(org, cohort):
    report = build_impact_report(organization=org, filters=ImpactFilters(), today=TODAY)
    assert (report.participants.value, report.compared.value, report.unmatched.value, report.comparison.value) == (
        4,
        2,
        2,
        6,
    )
    assert tenure_band(date(2024, 6, 1), INDEX) == "1 to 3 years"


def test_retention_over_twelve_months(org, cohort):
    retention = build_impact_report(organization=org, filters=ImpactFilters(), today=TODAY).retention
    assert retention.horizon_months == 12 and retention.note == ""
    estimate, _lower, _upper = retention.participants.value
    assert estimate == 50.0 and retention.participants.n == 2
    assert retention.comparison.value[0] == pytest.approx(66.7) and retention.comparison.n == 6
    assert retention.difference.value[0] == pytest.approx(-16.7)
    # The intervals are those of the statistics module on the same follow-up (tested against lifelines).
    comparison = stats.kaplan_meier([60, 300, 365, 365, 365, 365], [True, True, False, False, False, False])
    assert retention.comparison.value[1:] == pytest.approx(
        tuple(round(100 * v, 1) for v in comparison.at(365)[1:]), abs=0.05
    )
    assert [point.month for point in retention.curve] == list(range(13))
    assert retention.curve[0].participants == (100.0, 100.0, 100.0)
    assert retention.curve[3].comparison[0] == pytest.approx(83.3)  # C1 left on day 60


def test_promotions_per_hundred_person_years(org, cohort):
    promotions = build_impact_report(organization=org, filters=ImpactFilters(), today=TODAY).promotions
    years = (181 + 365) / 365.25
    assert promotions.participants_person_years == pytest.approx(round(years, 1))
    assert promotions.participants.value[0] == pytest.approx(round(100 / years, 1))
    assert promotions.comparison.value[0] == 0.0
    assert promotions.comparison_person_years == pytest.approx(round((60 + 300 + 4 * 365) / 365.25, 1))


def test_a_level_read_back_from_the_events(org, cohort):
    """P2 is level 4 today; on the index date he was 3, so he is compared with level-3 colleagues."""
    report = build_impact_report(organization=org, filters=ImpactFilters(), today=TODAY)
    assert report.compared.value == 2  # P1 and P2 both found three colleagues


def test_too_early_for_twelve_months(org, cohort):
    report = build_impact_report(organization=org, filters=ImpactFilters(), today=date(2026, 5, 1))
    retention = report.retention
    assert retention.horizon_months == 3  # day 120: only 3 whole months followed yet (4 months = 121.75 days)
    assert "Read at 3 months" in retention.note


def test_closing_survey_outcomes(org, cohort):
    program, people = cohort
    survey = survey_for(organization=org, program=program, kind=CLOSING)
    question = {q.code: str(q.pk) for q in survey.questions.all()}
    match = Match.objects.create(organization=org, program=program, status="completed")
    answers = [
        {"competency": 5, "relationship": 4, "confidence": 3, "stay": 2, "recommend": 10},
        {"competency": 4, "relationship": 5, "confidence": 4, "stay": 3, "recommend": 9},
        {"competency": 2, "relationship": 4, "confidence": 4, "stay": 4, "recommend": 6},
        {"competency": 5, "relationship": 5, "confidence": 5, "stay": 5, "recommend": 8},
    ]
    for name, given in zip(("P1", "P2", "P3", "P4"), answers, strict=True):
        MatchMember.objects.create(
            organization=org,
            program=program,
            match=match,
            participant=people[name].participations.get(),
            role="mentee",
            current=False,
        )
        answered_assignment(
            survey=survey,
            match=match,
            respondent=people[name],
            due_at=datetime(2026, 7, 1, tzinfo=UTC),
            answers={question[code]: value for code, value in given.items()},
        )
    report = build_impact_report(organization=org, filters=ImpactFilters(), today=TODAY)
    outcomes = {outcome.code: outcome.agreeing for outcome in report.outcomes}
    assert outcomes["competency"].value[0] == 75.0 and outcomes["competency"].n == 4  # 3 of 4 answered 4 or 5
    assert outcomes["relationship"].value[0] == 100.0
    assert outcomes["stay"].value[0] == 50.0
    assert outcomes["recommend"].value == 25  # promoters 2 (10, 9), detractors 1 (6): (2 - 1) / 4
    assert report.respondents.value == 4


def test_participation_by_self_identified_group(org, cohort):
    _program, people = cohort
    answers = {"P1": "Woman", "P2": "Woman", "P3": "Man", "C3": "Woman", "C4": "Man", "C5": "Man", "C6": "Man"}
    self_identify(org, {people[name].pk: value for name, value in answers.items()})
    report = build_impact_report(organization=org, filters=ImpactFilters(), today=TODAY)
    gender = next(table for table in report.groups if table.code == "gender")
    # P1 has left, so "the organization" (current employees) has P2, P3 and C3..C6 answering: 2 women, 4 men.
    assert gender.answered_participants.value == 3 and gender.answered_organization.value == 6
    rows = {row.value: row for row in gender.rows}
    # The organization: 2 women, 4 men, nobody else; the empty values (0) alone would make a group of 0 beside
    # Woman's 2, so Woman is hidden there too, and Man (4 of 6) is shown.
    assert rows["Woman"].organization.hidden and rows["Man"].organization.value == 66.7
    assert rows["Man"].participants.text() == "fewer than 2"  # P3 alone
    # Values nobody chose are hidden too (0 is small); Man, Non-binary and "in another way" make one person,
    # which 3 who answered minus 2 women would reveal: Woman is hidden as well.
    assert rows["Non-binary"].participants.text() == "fewer than 2"
    assert rows["Woman"].participants.hidden == "complementary"
