"""Small organizations for the dashboard tests, built relative to now (the pages use the real clock), then
rolled up: a program "Grow" with mentees in a few departments (one of them a small group), their mentors,
matches with sessions, ratings, goals, check-ins and closing surveys, colleagues who never took part (the
impact report's comparison group), people who left, promotions and self-identification.

With the default departments (Sales 12, Ops 8, Legal 3 mentees; six mentors in Leadership):

    enrolled 23 mentees, all matched 400 days ago (20 days after enrolling), all met 5 days after;
    the first `completed` (6) matches, of Sales, completed 10 days ago; the rest are active;
    the next `at_risk` (3) matches, of Sales, last met 60 days ago: quiet for longer than
    a cadence of 2 a month allows (22.5 days); every other active match met 10 days ago;
    every match has 2 goals, 1 done; every held session rated 4 by its mentee;
    every mentee answered a check-in (4 of 5); every mentor's check-in expired (asked, not answered);
    the mentees of completed matches answered the closing survey (competency 5, relationship 4,
    confidence 3, stay 4, recommend 9);
    three colleagues per mentee and per mentor never enrolled (same department, level and tenure);
    the first mentee and six colleagues left 120 days after the first matches started; the second and
    third mentees and one colleague were promoted (level 2 to 3) 200 days after.

`unmatched` leaves the last mentees of a department without a match; `colleagues` sets how many
never-enrolled colleagues a department has per mentee.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from analytics.models import SelfIdentification
from analytics.question_sets import CHECKIN, CHECKIN_SCORE, CLOSING
from analytics.services.rollups import rollup_organization
from analytics.services.surveys import survey_for
from matching.models import Match, MatchMember
from mentorhub.accounts.models import Employee, EmploymentEvent, Organization
from programs.models import Participant, Program
from sessions.models import Goal, MentoringSession, SessionFeedback
from tests.factories import EmployeeFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory

from .factories import SurveyAssignmentFactory, answered_assignment

DEPARTMENTS = {"Sales": 12, "Ops": 8, "Legal": 3}
MENTORS = 6
MENTOR_DEPARTMENT = "Leadership"
CLOSING_ANSWERS = {"competency": 5, "relationship": 4, "confidence": 3, "stay": 4, "recommend": 9}


@dataclass
class Dataset:
    organization: Organization
    program: Program
    now: datetime
    mentees: dict[str, list[Participant]] = field(default_factory=dict)  # by department
    mentors: list[Participant] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    at_risk: list[Match] = field(default_factory=list)
    completed: list[Match] = field(default_factory=list)
    colleagues: list[Employee] = field(default_factory=list)

    def names(self, match: Match) -> list[str]:
        return list(MatchMember.objects.filter(match=match).values_list("participant__employee__name", flat=True))


def build(
    organization: Organization,
    *,
    departments: dict[str, int] | None = None,
    sessions: int = 4,
    completed: int = 6,
    at_risk: int = 3,
    name_prefix: str = "",
    unmatched: dict[str, int] | None = None,
    colleagues: dict[str, int] | None = None,
    rollup: bool = True,
) -> Dataset:
    """The organization's program and history; `sessions` held per match (the last ones recent)."""
    departments = DEPARTMENTS if departments is None else departments
    now = timezone.now()
    enrolled_at, started_at = now - timedelta(days=420), now - timedelta(days=400)
    hired_on = (now - timedelta(days=3 * 365)).date()
    program = ProgramFactory(
        organization=organization, name=f"{name_prefix}Grow", status=Program.Status.ACTIVE, cadence_per_month=2
    )
    data = Dataset(organization, program, now)

    def person(name: str, department: str, level: int, **extra) -> Employee:
        return EmployeeFactory(
            organization=organization, name=name, department=department, job_level=level, hired_on=hired_on, **extra
        )

    def enroll(employee: Employee, role: str) -> Participant:
        participant = ParticipantFactory(program=program, employee=employee, role=role, status="matched")
        Participant.objects.filter(pk=participant.pk).update(created_at=enrolled_at)
        return participant

    for index in range(MENTORS):
        data.mentors.append(enroll(person(f"{name_prefix}Mentor {index + 1}", MENTOR_DEPARTMENT, 6), "mentor"))
    for department, size in departments.items():
        data.mentees[department] = [
            enroll(person(f"{name_prefix}{department} Mentee {i + 1}", department, 2), "mentee") for i in range(size)
        ]
        # Colleagues who never enrolled: the same department, level and tenure band (three per mentee).
        per_mentee = (colleagues or {}).get(department, 3)
        data.colleagues += [
            person(f"{name_prefix}{department} Colleague {i + 1}", department, 2) for i in range(size * per_mentee)
        ]
    data.colleagues += [
        person(f"{name_prefix}Lead Colleague {i + 1}", MENTOR_DEPARTMENT, 6) for i in range(MENTORS * 3)
    ]

    checkin = survey_for(organization=organization, program=program, kind=CHECKIN)
    score_question = str(checkin.questions.get(code=CHECKIN_SCORE).pk)
    closing = survey_for(organization=organization, program=program, kind=CLOSING)
    closing_questions = {question.code: str(question.pk) for question in closing.questions.all()}
    left_out = {
        mentee.pk
        for department, people in data.mentees.items()
        for mentee in people[len(people) - (unmatched or {}).get(department, 0) :]
    }
    mentees = [mentee for people in data.mentees.values() for mentee in people if mentee.pk not in left_out]
    for index, mentee in enumerate(mentees):
        mentor = data.mentors[index % MENTORS]
        is_completed = index < completed
        is_at_risk = completed <= index < completed + at_risk
        match = Match.objects.create(
            organization=organization,
            program=program,
            status=Match.Status.COMPLETED if is_completed else Match.Status.ACTIVE,
            approved_at=started_at,
            started_at=started_at,
            ended_at=now - timedelta(days=10) if is_completed else None,
        )
        Match.objects.filter(pk=match.pk).update(created_at=started_at)
        for participant, role in ((mentor, "mentor"), (mentee, "mentee")):
            MatchMember.objects.create(
                organization=organization,
                program=program,
                match=match,
                participant=participant,
                role=role,
                current=not is_completed,
                response="accepted",
            )
        last = now - timedelta(days=60 if is_at_risk else 10)
        held = [started_at + timedelta(days=5)] + [last - timedelta(days=30 * i) for i in range(sessions - 1)]
        for when in held:
            session = MentoringSession.objects.create(
                organization=organization, program=program, match=match, starts_at=when, status="held"
            )
            SessionFeedback.objects.create(organization=organization, session=session, author=mentee.employee, rating=4)
        Goal.objects.create(organization=organization, program=program, match=match, title="Speak up")
        Goal.objects.create(
            organization=organization,
            program=program,
            match=match,
            title="Network",
            status="done",
            completed_at=now - timedelta(days=30),
        )
        checkin_due = now - timedelta(days=20)
        answered_assignment(
            survey=checkin,
            match=match,
            respondent=mentee.employee,
            round=1,
            due_at=checkin_due,
            answers={score_question: 4},
        )
        SurveyAssignmentFactory(
            survey=checkin, match=match, respondent=mentor.employee, round=1, due_at=checkin_due, status="expired"
        )
        if is_completed:
            answered_assignment(
                survey=closing,
                match=match,
                respondent=mentee.employee,
                round=0,
                due_at=now - timedelta(days=10),
                answers={closing_questions[code]: value for code, value in CLOSING_ANSWERS.items()},
            )
            data.completed.append(match)
        if is_at_risk:
            data.at_risk.append(match)
        data.matches.append(match)
    _careers(organization, data, started_at.date())
    if rollup:
        rollup_organization(organization=organization)
    return data


def _careers(organization: Organization, data: Dataset, index_day: date) -> None:
    """Leavers and promotions after the index date, so retention and promotions have something to show."""
    mentees = [mentee.employee for people in data.mentees.values() for mentee in people]
    colleagues = [colleague for colleague in data.colleagues if colleague.department != MENTOR_DEPARTMENT]
    for employee in [mentees[0], *colleagues[:6]]:
        Employee.objects.filter(pk=employee.pk).update(left_on=index_day + timedelta(days=120))
    for employee in [*mentees[1:3], colleagues[6]]:
        Employee.objects.filter(pk=employee.pk).update(job_level=3)
        EmploymentEvent.objects.create(
            organization=organization,
            employee=employee,
            kind=EmploymentEvent.Kind.LEVEL_CHANGE,
            occurred_on=index_day + timedelta(days=200),
            old_value="2",
            new_value="3",
        )


def self_identify(organization: Organization, answers: dict[int, str], attribute: str = "gender") -> None:
    """{employee id: value} as their own opt-in answers."""
    SelfIdentification.objects.bulk_create(
        SelfIdentification(organization=organization, employee_id=pk, attribute=attribute, value=value)
        for pk, value in answers.items()
    )
