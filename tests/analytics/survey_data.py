"""Data for the survey tests: an active pair whose people can sign in (tests/sessions/factories.py), planned
through the real planner at explicit instants, and answers written the way the services store them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from analytics.models import SurveyAssignment
from analytics.services.survey_answers import survey_answer
from analytics.services.surveys import surveys_plan
from matching.models import Match
from matching.services.lifecycle import match_request_completion
from mentorhub.accounts.models import Membership
from tests.sessions.factories import Pair, active_pair, person

# A match of the pinned-clock tests starts here; its check-ins are due 30, 60, 90 ... days later.
START = datetime(2027, 1, 10, 9, 30, tzinfo=UTC)
DAY = timedelta(days=1)


def pair_started(
    org, started_at: datetime = START, *, mentor: Membership | None = None, mentee: Membership | None = None, **kwargs
) -> Pair:
    """Morgan Mentor (Berlin) and Ellis Mentee (New York) unless given, matched at `started_at`."""
    n = Match.objects.count()
    mentor = mentor or person(org, f"morgan{n}@{org.slug}.test", zone="Europe/Berlin", name="Morgan Mentor")
    mentee = mentee or person(org, f"ellis{n}@{org.slug}.test", zone="America/New_York", name="Ellis Mentee")
    return active_pair(org, mentor=mentor, mentee=mentee, started_at=started_at, **kwargs)


def pair_due_now(org, **kwargs) -> Pair:
    """A pair whose first check-in came due an hour ago (real clock), planned: for the page and API tests."""
    pair = pair_started(org, started_at=timezone.now() - timedelta(days=30, hours=1), **kwargs)
    surveys_plan(organization=org)
    return pair


def plan(org, now: datetime):
    return surveys_plan(organization=org, now=now)


def assignment_of(pair: Pair, membership: Membership, round_: int | None = None) -> SurveyAssignment:
    rows = SurveyAssignment.objects.filter(match=pair.match, respondent=membership.employee)
    if round_ is not None:
        rows = rows.filter(round=round_)
    return rows.select_related("survey").order_by("-round", "-id").first()


def by_code(assignment: SurveyAssignment) -> dict[str, int]:
    """{standard question code: question id} of the assignment's survey (admins' own questions have none)."""
    return {q.code: q.pk for q in assignment.survey.questions.all() if q.code}


def checkin_answers(assignment: SurveyAssignment, score: int = 4, comment: str = "") -> dict[str, object]:
    ids = by_code(assignment)
    answers: dict[str, object] = {str(ids["going_well"]): score}
    if comment:
        answers[str(ids["checkin_comment"])] = comment
    return answers


def closing_answers(assignment: SurveyAssignment, agree: int = 5, nps: int = 9, comment: str = "") -> dict:
    ids = by_code(assignment)
    answers: dict[str, object] = {
        str(ids[code]): agree for code in ("competency", "relationship", "confidence", "stay")
    }
    answers[str(ids["recommend"])] = nps
    if comment:
        answers[str(ids["closing_comment"])] = comment
    return answers


def answer(org, pair: Pair, membership: Membership, answers: dict | None = None, *, now: datetime | None = None):
    assignment = assignment_of(pair, membership)
    return survey_answer(
        organization=org,
        employee=membership.employee,
        assignment_id=assignment.pk,
        answers=answers if answers is not None else checkin_answers(assignment),
        now=now,
    )


def pair_complete(org, pair: Pair) -> Match:
    """Complete the match the way the app does when everyone asks for it."""
    for membership in (pair.mentor, pair.mentee):
        match_request_completion(organization=org, actor=None, employee=membership.employee, match_id=pair.match.pk)
    return Match.objects.get(pk=pair.match.pk)
