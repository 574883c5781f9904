"""Every service the issue names records its domain event in the outbox, inside its own transaction, with ids
and non-sensitive fields only (docs/integrations.md lists them): the roster, enrollments, matches, sessions,
survey answers and program moves."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.services.surveys import surveys_plan
from matching.models import Match
from matching.services.lifecycle import match_end_early
from matching.services.review import matches_approve
from mentorhub.accounts.models import OutboxEvent
from mentorhub.accounts.outbox import EVENT_TYPES
from mentorhub.accounts.services.departures import employee_depart
from programs.models import Program
from programs.services.participants import participant_enroll
from programs.services.programs import program_move
from tests.analytics.survey_data import answer, pair_due_now
from tests.factories import EmployeeFactory
from tests.matching.builders import run_now, standard_cohort
from tests.programs.factories import ProgramFactory, QuestionFactory
from tests.sessions.factories import active_pair, api_held, api_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def hooked(org):
    """`org` as it is while it has an enabled webhook endpoint."""
    org.webhooks_active = True
    org.save()
    return org


def events(org, event_type: str) -> list[dict]:
    return list(OutboxEvent.objects.filter(organization=org, event_type=event_type).values_list("data", flat=True))


def test_sessions_scheduled_and_held(hooked):
    pair = active_pair(hooked)
    scheduled = api_schedule(hooked, pair, agenda="Private agenda words")
    held = api_held(hooked, pair, shared_notes="Private notes words")
    [one] = events(hooked, "session.scheduled")
    assert one["session_id"] == scheduled.pk and one["match_id"] == pair.match.pk
    assert [e["session_id"] for e in events(hooked, "session.held")] == [held.pk]
    assert "Private" not in str(list(OutboxEvent.objects.values_list("data", flat=True)))


def test_a_match_ended_early(hooked, admin):
    pair = active_pair(hooked)
    match_end_early(organization=hooked, actor=admin.user, match_id=pair.match.pk, reason="Secret reason words")
    [ended] = events(hooked, "match.ended")
    assert ended["match_id"] == pair.match.pk and ended["status"] == Match.Status.ENDED
    assert "Secret reason" not in str(ended)


def test_matches_proposed_then_approved(hooked, admin, django_capture_on_commit_callbacks):
    cohort = standard_cohort(hooked)
    run_now(hooked, admin.user, cohort.program, django_capture_on_commit_callbacks)
    proposed = {e["match_id"] for e in events(hooked, "match.proposed")}
    assert proposed == set(Match.objects.filter(program=cohort.program).values_list("pk", flat=True))
    approved = matches_approve(organization=hooked, actor=admin.user, program_id=cohort.program.pk, notify=False)
    assert {e["match_id"] for e in events(hooked, "match.approved")} == proposed and approved == len(proposed)


def test_program_moves_and_enrollment(hooked, admin):
    program = ProgramFactory(organization=hooked, status=Program.Status.DRAFT)
    QuestionFactory(program=program)
    program_move(organization=hooked, actor=admin.user, program_id=program.pk, to_status="enrolling")
    assert events(hooked, "program.status_changed") == [
        {"program_id": program.pk, "old_status": "draft", "status": "enrolling"}
    ]
    employee = EmployeeFactory(organization=hooked)
    participant = participant_enroll(
        organization=hooked, actor=admin.user, program_id=program.pk, employee=employee, role="mentee", answers={}
    )
    [enrolled] = events(hooked, "participant.enrolled")
    assert enrolled["participant_id"] == participant.pk and enrolled["role"] == "mentee"


def test_a_survey_answered_without_its_answers_nor_who(hooked):
    pair = pair_due_now(hooked)
    surveys_plan(organization=hooked)
    response = answer(hooked, pair, pair.mentee)
    [answered] = events(hooked, "survey.answered")
    assert answered["survey_id"] == response.survey_id
    assert set(answered) == {"survey_id", "program_id", "kind", "answered_at"}


def test_a_departure(hooked, admin):
    employee = EmployeeFactory(organization=hooked)
    employee_depart(organization=hooked, actor=admin.user, employee_id=employee.pk, source="admin")
    [left] = events(hooked, "employee.left")
    assert left["employee_id"] == employee.pk and left["source"] == "admin"


def test_nothing_is_recorded_for_an_organization_without_endpoints(org, admin):
    employee = EmployeeFactory(organization=org)
    employee_depart(organization=org, actor=admin.user, employee_id=employee.pk, source="admin")
    assert not OutboxEvent.objects.exists()


def test_the_docs_list_every_event_type(settings):
    text = (Path(settings.BASE_DIR) / "docs" / "integrations.md").read_text()
    missing = [name for name in EVENT_TYPES if f"| `{name}` |" not in text]
    assert not missing, f"docs/integrations.md has no row for {missing}"
