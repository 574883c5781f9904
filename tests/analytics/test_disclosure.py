"""Attacks on the small-group rule found in review, each now refused: subtracting sibling views (the other
departments, the other programs), overlapping periods, an average of one person's many answers, and a named
match telling HR someone's check-in score."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.services.rollups import rollup_organization
from analytics.services.surveys import surveys_plan
from sessions.models import MentoringSession
from tests.analytics.dashboard_data import build
from tests.analytics.survey_data import answer, assignment_of, checkin_answers
from tests.helpers import org_url
from tests.sessions.factories import active_pair, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def health(client, org, **params) -> dict:
    return client.get(org_url("api-program-health", org, query=params)).json()


def test_a_department_is_not_shown_alone_when_its_siblings_would_give_away_a_hidden_one(org, stakeholder_client):
    build(org)  # mentees: Sales 12, Ops 8, Legal 3
    departments = {row["department"]: row for row in health(stakeholder_client, org)["departments"]}
    assert departments["Legal"]["enrolled"]["suppressed"] and departments["Ops"]["enrolled"]["suppressed"]
    # Ops' own view would give Legal = all - Sales - Ops: it is refused, like Legal's.
    for department in ("Ops", "Legal"):
        body = health(stakeholder_client, org, department=department)
        assert body["refused"] and body["funnel"] == []
    assert not health(stakeholder_client, org, department="Sales")["refused"]


def test_one_person_answering_many_check_ins_is_never_an_average(org, stakeholder_client, admin_client):
    """One mentor with five mentees answers the five check-ins (1 out of 5); the mentees answer none."""
    now = timezone.now()
    mentor = person(org, "mentor@x.test", name="Morgan Mentor", level=7)
    program, pairs = None, []
    for i in range(5):
        pair = active_pair(
            org,
            mentor=mentor,
            mentee=person(org, f"mentee{i}@x.test"),
            program=program,
            started_at=now - timedelta(days=35),
        )
        program = pair.program
        MentoringSession.objects.create(
            organization=org, program=program, match=pair.match, starts_at=now - timedelta(days=2), status="held"
        )
        pairs.append(pair)
    surveys_plan(organization=org)
    for pair in pairs:
        answer(org, pair, mentor, checkin_answers(assignment_of(pair, mentor), score=1))
    rollup_organization(organization=org)

    body = health(stakeholder_client, org)
    assert body["checkin_average"]["suppressed"]  # one respondent, however many answers
    assert all(month["checkin_average"]["suppressed"] for month in body["months"])
    admin = health(admin_client, org)
    reasons = [row["reason"] for row in admin["at_risk"]]
    assert reasons and all("out of 5" not in reason for reason in reasons)  # never the answer itself


@pytest.mark.parametrize(
    ("since", "until"),
    [
        ("2026-01-01", "2026-02-28"),
        ("2026-01-15", "2026-03-31"),
        ("2026-01-01", "2027-03-31"),
        ("0001-01-01", "0001-12-31"),
    ],
)
def test_only_whole_quarters_or_years_are_periods(org, admin_client, since, until):
    build(org)
    url = reverse("api-program-health", kwargs={"org_slug": org.slug})
    response = admin_client.get(url + "?" + urlencode({"since": since, "until": until}))
    assert response.status_code == 400 and "calendar quarter" in response.json()["since"][0]


def test_a_program_is_not_shown_alone_when_its_siblings_would_give_away_a_small_one(org, stakeholder_client):
    """Programs A and B have six closing-survey respondents each, C three. All - A - B would give C's answers:
    C is hidden, and so is one of A and B (the breakdown hides a complement), so the subtraction fails."""
    from analytics.models import SurveyResponse

    a = build(org, name_prefix="A ", rollup=False)
    b = build(org, name_prefix="B ", rollup=False)
    c = build(org, name_prefix="C ", departments={"Sales": 5}, completed=3, at_risk=0, rollup=False)
    assert SurveyResponse.objects.filter(program=c.program, survey__kind="closing").count() == 3
    rollup_organization(organization=org)
    url = reverse("api-impact-report", kwargs={"org_slug": org.slug})
    everyone = stakeholder_client.get(url).json()
    assert not everyone["participants"]["suppressed"]
    hidden = {}
    for program in (a.program, b.program, c.program):
        body = stakeholder_client.get(url + f"?program={program.pk}").json()
        outcomes = [outcome["agreeing"] for outcome in body["outcomes"]]
        hidden[program.pk] = all(figure["suppressed"] for figure in outcomes)
        if hidden[program.pk]:
            assert "too small to be shown on its own" in body["note"] or program == c.program
    assert hidden[c.program.pk] and (hidden[a.program.pk] or hidden[b.program.pk])
