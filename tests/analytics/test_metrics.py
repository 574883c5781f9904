"""Every program-health metric on a small hand-built program whose expected values are worked out here, by
hand, from the data: the roll-up's facts and daily figures, then the report built from them.

Program "Pilot", two sessions a month, everyone eligible. Mentees enroll on 1 January 2027; "now" is
1 June 2027, midnight UTC.

    match  mentor  mentee  started   end                  held sessions                       other
    A      Rhea    Mila    11 Jan    active               20 Jan, 15 Feb, 10 Mar, 5 Apr, 25 May  1 missed
    B      Ravi    Mo      21 Jan    completed 21 Apr     1 Feb, 1 Mar
    C      Rosa    Mei     1 Feb     ended 1 Mar          none
    D      Rhea    Max     1 Mar     active               none (quiet: at risk)
    Mina enrolls and is not matched; Mark enrolls on 1 May and is not matched either.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from analytics.models import MatchFact, ParticipantFact, ProgramDay, SurveyResponse
from analytics.question_sets import CHECKIN, CHECKIN_SCORE
from analytics.reports.health import HealthFilters, build_health_report
from analytics.services.rollups import rollup_organization
from analytics.services.surveys import survey_for
from matching.models import Match, MatchMember
from programs.models import Participant, Program
from sessions.models import Goal, MentoringSession, SessionFeedback
from tests.factories import EmployeeFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory

from .factories import SurveyAssignmentFactory, answered_assignment

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 6, 1, tzinfo=UTC)


def at(month: int, day: int) -> datetime:
    return datetime(2027, month, day, tzinfo=UTC)


@pytest.fixture
def pilot(org):
    org.min_group_size = 2  # so that this small program shows its figures; suppression is tested apart
    org.save(update_fields=["min_group_size"])
    program = ProgramFactory(organization=org, name="Pilot", status=Program.Status.ACTIVE, cadence_per_month=2)
    people = {}
    for name, role, department in [
        ("Rhea", "mentor", "Engineering"),
        ("Ravi", "mentor", "Engineering"),
        ("Rosa", "mentor", "Sales"),
        ("Mila", "mentee", "Engineering"),
        ("Mo", "mentee", "Engineering"),
        ("Mei", "mentee", "Sales"),
        ("Max", "mentee", "Sales"),
        ("Mina", "mentee", "Sales"),
        ("Mark", "mentee", "Engineering"),
    ]:
        employee = EmployeeFactory(organization=org, name=name, department=department)
        participant = ParticipantFactory(program=program, employee=employee, role=role, status="approved")
        enrolled = at(5, 1) if name == "Mark" else at(1, 1)
        Participant.objects.filter(pk=participant.pk).update(created_at=enrolled)
        people[name] = participant
    EmployeeFactory(organization=org, name="Nina", department="Sales")  # eligible, never enrolled

    def match(mentor, mentee, started, status="active", ended=None):
        m = Match.objects.create(
            organization=org, program=program, status=status, started_at=started, ended_at=ended, approved_at=started
        )
        Match.objects.filter(pk=m.pk).update(created_at=started)
        for person, role in ((people[mentor], "mentor"), (people[mentee], "mentee")):
            MatchMember.objects.create(
                organization=org,
                program=program,
                match=m,
                participant=person,
                role=role,
                current=status == "active",
                response="accepted",
            )
        return m

    matches = {
        "A": match("Rhea", "Mila", at(1, 11)),
        "B": match("Ravi", "Mo", at(1, 21), "completed", at(4, 21)),
        "C": match("Rosa", "Mei", at(2, 1), "ended", at(3, 1)),
        "D": match("Rhea", "Max", at(3, 1)),
    }

    def session(m, when, status="held"):
        return MentoringSession.objects.create(
            organization=org, program=program, match=matches[m], starts_at=when, status=status
        )

    held = [session("A", at(month, day)) for month, day in ((1, 20), (2, 15), (3, 10), (4, 5), (5, 25))]
    session("A", at(4, 20), "missed")
    held += [session("B", at(2, 1)), session("B", at(3, 1))]
    for s, rating in ((held[0], 4), (held[1], 5), (held[5], 3)):
        SessionFeedback.objects.create(organization=org, session=s, author=people["Mila"].employee, rating=rating)
    Goal.objects.create(organization=org, program=program, match=matches["A"], title="Speak up")
    Goal.objects.create(
        organization=org, program=program, match=matches["A"], title="Network", status="done", completed_at=at(4, 2)
    )
    Goal.objects.create(
        organization=org, program=program, match=matches["B"], title="Excel", status="done", completed_at=at(4, 10)
    )
    survey = survey_for(organization=org, program=program, kind=CHECKIN)
    score = str(survey.questions.get(code=CHECKIN_SCORE).pk)
    for m, who, round_, value, when in (
        ("A", "Mila", 1, 4, at(2, 11)),
        ("A", "Mila", 2, 5, at(3, 13)),
        ("A", "Rhea", 1, 3, at(2, 12)),
        ("B", "Mo", 1, 2, at(2, 21)),
    ):
        assignment = answered_assignment(
            survey=survey,
            match=matches[m],
            respondent=people[who].employee,
            round=round_,
            due_at=when,
            answered_at=when,
            answers={score: value},
        )
        SurveyResponse.objects.filter(assignment=assignment).update(submitted_at=when)
    SurveyAssignmentFactory(  # asked, never answered
        survey=survey,
        match=matches["D"],
        respondent=people["Max"].employee,
        round=1,
        due_at=at(3, 31),
        status="expired",
    )
    rollup_organization(organization=org, now=NOW)
    return program, matches


def test_match_facts(org, pilot):
    _program, matches = pilot
    facts = {fact.match_id: fact for fact in MatchFact.objects.filter(organization=org)}
    a = facts[matches["A"].pk]
    assert (a.sessions_held, a.sessions_missed, a.first_session_at, a.last_session_at) == (5, 1, at(1, 20), at(5, 25))
    assert a.months_active == pytest.approx(141 / 30.44, abs=1e-3)
    assert (a.checkins_answered, a.checkin_score_sum, a.last_checkin_score) == (3, 12, 5)
    assert (a.ratings, a.rating_sum, a.goals, a.goals_done) == (2, 9, 2, 1)
    assert not a.at_risk  # met a week ago
    d = facts[matches["D"].pk]
    assert d.at_risk and d.at_risk_reason == "No session for 92 days since the match started, and none yet"
    b = facts[matches["B"].pk]
    assert (b.status, b.months_active) == ("completed", pytest.approx(90 / 30.44, abs=1e-3))
    assert facts[matches["C"].pk].department == "Sales"  # the mentee's


def test_participant_facts(org, pilot):
    facts = {fact.employee.name: fact for fact in ParticipantFact.objects.filter(organization=org)}
    assert facts["Mila"].matched_at == at(1, 11) and facts["Mila"].first_session_at == at(1, 20)
    assert facts["Mo"].active_at_90_days and facts["Mo"].completed  # ended on day 90 exactly
    assert not facts["Mei"].active_at_90_days and facts["Mei"].first_session_at is None
    assert not facts["Max"].active_at_90_days  # still matched on day 92, but they never met
    assert facts["Rhea"].matched_at == at(1, 11)  # her first match
    assert facts["Mina"].matched_at is None


def test_daily_figures(org, pilot):
    program, _matches = pilot
    days = ProgramDay.objects.filter(organization=org, program=program)

    def total(day, field):
        return sum(getattr(row, field) for row in days.filter(day=day))

    assert days.earliest("day").day == date(2027, 1, 1) and days.latest("day").day == date(2027, 6, 1)
    assert total(date(2027, 1, 1), "enrolled") == 8  # Mark enrolls in May
    assert total(date(2027, 5, 1), "enrolled") == 9
    assert total(date(2027, 2, 15), "sessions_held") == 1
    assert total(date(2027, 2, 15), "active_matches") == 3  # A, B, C
    assert total(date(2027, 3, 1), "active_matches") == 3  # C ends as D starts
    assert total(date(2027, 5, 1), "active_matches") == 2  # A and D
    assert total(date(2027, 2, 11), "checkins_answered") == 1
    assert total(date(2027, 4, 2), "goals_done") == 1


def test_program_health(org, pilot):
    program, _matches = pilot
    report = build_health_report(organization=org, filters=HealthFilters(program_id=program.pk), now=NOW)
    funnel = {stage.label: stage.people.value for stage in report.funnel}
    assert funnel == {
        "Eligible": 10,  # the nine in the program and Nina
        "Enrolled as mentee": 6,
        "Matched": 4,
        "Had a first session": 2,
        "Active at 90 days": 2,  # Mila and Mo (Max's match lasted, but they never met)
        "Completed": None,  # Mo alone: fewer than the minimum of 2
    }
    assert report.funnel[-1].people.text() == "fewer than 2"
    assert [stage.share_of_previous.value for stage in report.funnel[1:]] == [60.0, 66.7, 50.0, 100.0, None]
    assert report.days_to_match.value == 25.5  # 10, 20, 31 and 59 days
    assert report.days_to_first_session.value == 10.0  # 9 and 11 days
    # Held sessions per month of each match's life (at least a month): (5 / 4.632 + 2 / 2.957 + 0 + 0) / 4
    assert report.sessions_per_month.value == pytest.approx(round((5 / (141 / 30.44) + 2 / (90 / 30.44)) / 4, 2))
    assert report.cadence == 2
    assert (report.goal_completion.value, report.goal_completion.n) == (66.7, 2)
    # (4 + 5 + 3 + 2) / 4, answered by 3 people (Mila, Rhea, Mo): the group is the people, not the answers.
    assert (report.checkin_average.value, report.checkin_average.n) == (3.5, 3)
    # Every rating is Mila's: one person's ratings are never an average on a dashboard.
    assert report.rating_average.text() == "fewer than 2"
    assert (report.checkin_response_rate.value, report.checkin_response_rate.n) == (80.0, 4)  # 4 of 5, 4 people
    # One match at risk: a count too small for stakeholders; HR admins see the match itself.
    assert report.at_risk_count.text() == "fewer than 2" and [r.people for r in report.at_risk] == ["Max and Rhea"]
    months = {month.month: month for month in report.months}
    assert months[date(2027, 2, 1)].sessions_held.value == 2  # 15 Feb (A), 1 Feb (B)
    assert months[date(2027, 3, 1)].sessions_held.value == 2  # 10 Mar (A), 1 Mar (B)
    assert months[date(2027, 5, 1)].new_enrollments.value is None  # Mark alone: fewer than 2
    assert months[date(2027, 1, 1)].new_enrollments.value == 8


def test_filters_and_a_refused_narrow_view(org, pilot):
    program, _matches = pilot
    engineering = build_health_report(
        organization=org, filters=HealthFilters(program_id=program.pk, department="Engineering"), now=NOW
    )
    # Sales has a single mentor: beside Engineering's figures, Sales' would reveal it, so neither department
    # is shown on its own.
    assert "too small to be shown on its own" in engineering.refused and not engineering.funnel
    everyone = build_health_report(
        organization=org, filters=HealthFilters(program_id=program.pk, department=""), now=NOW
    )
    assert {stage.label: stage.people.value for stage in everyone.funnel}["Enrolled as mentee"] == 6
    may = build_health_report(
        organization=org, filters=HealthFilters(program_id=program.pk, since=date(2027, 5, 1)), now=NOW
    )
    # Only Mark enrolled in May: one person beside the program's nine would be singled out.
    assert may.refused and not may.funnel
