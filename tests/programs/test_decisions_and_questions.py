"""Bulk decisions (ids parsed safely, only while enrolling or matching) and question changes that would
strand stored answers (review findings)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programs.answers import answers_clean
from programs.models import Participant, Program, Question
from programs.services.participants import participants_decide
from programs.services.questions import question_update
from tests.helpers import org_url
from tests.programs.factories import ParticipantFactory, ProgramFactory, QuestionFactory

pytestmark = pytest.mark.django_db
P = Participant.Status


def decide_url(org, program) -> str:
    return org_url("program-participants-decide", org, program_pk=program.pk)


# --- Bulk decisions --------------------------------------------------------------------------------


def test_a_unicode_digit_in_the_ticked_ids_is_ignored_not_a_server_error(admin_client, org):
    program = ProgramFactory(organization=org, status=Program.Status.ENROLLING)
    applied = ParticipantFactory(program=program, status=P.APPLIED)
    admin_client.raise_request_exception = False
    response = admin_client.post(
        decide_url(org, program), {"decision": "approve", "participant": ["\u00b2", "\u0663", str(applied.pk)]}
    )
    assert response.status_code == 302
    applied.refresh_from_db()
    assert applied.status == P.APPROVED
    response = admin_client.post(decide_url(org, program), {"decision": "approve", "participant": ["\u00b2"]})
    assert response.status_code == 302
    assert "Tick at least one person first." in admin_client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("status", [Program.Status.DRAFT, Program.Status.ACTIVE, Program.Status.CLOSED])
def test_no_decisions_outside_enrollment_and_matching(org, admin, status):
    program = ProgramFactory(organization=org, status=status, name="Old one")
    applied = ParticipantFactory(program=program, status=P.APPLIED)
    with pytest.raises(ValidationError, match="only be decided while the program is enrolling or matching"):
        participants_decide(
            organization=org, actor=admin.user, program_id=program.pk, participant_ids=[applied.pk], decision="approve"
        )
    applied.refresh_from_db()
    assert applied.status == P.APPLIED and applied.decided_by is None


@pytest.mark.parametrize("status", [Program.Status.ENROLLING, Program.Status.MATCHING])
def test_decisions_while_enrolling_or_matching(org, admin, status):
    program = ProgramFactory(organization=org, status=status)
    applied = ParticipantFactory(program=program, status=P.APPLIED)
    changed = participants_decide(
        organization=org, actor=admin.user, program_id=program.pk, participant_ids=[applied.pk], decision="waitlist"
    )
    applied.refresh_from_db()
    assert changed == 1 and applied.status == P.WAITLISTED and applied.decided_by == admin.user


def test_closed_program_page_refuses_decisions_and_hides_the_buttons(admin_client, org):
    program = ProgramFactory(organization=org, status=Program.Status.CLOSED, name="Done")
    applied = ParticipantFactory(program=program, status=P.APPLIED)
    response = admin_client.post(decide_url(org, program), {"decision": "approve", "participant": [str(applied.pk)]})
    applied.refresh_from_db()
    assert applied.status == P.APPLIED
    page = admin_client.get(response["Location"]).content.decode()
    assert "only be decided while the program is enrolling or matching" in page
    assert 'name="decision"' not in page


def test_api_refuses_decisions_in_a_closed_program(admin_client, org):
    program = ProgramFactory(organization=org, status=Program.Status.CLOSED)
    applied = ParticipantFactory(program=program, status=P.APPLIED)
    response = admin_client.post(
        f"/api/v1/o/{org.slug}/programs/{program.pk}/participants/decide/",
        {"participant_ids": [applied.pk], "decision": "approve"},
        content_type="application/json",
    )
    assert response.status_code == 400
    applied.refresh_from_db()
    assert applied.status == P.APPLIED


# --- Questions with answers ------------------------------------------------------------------------


@pytest.fixture
def program(org):
    return ProgramFactory(organization=org, status=Program.Status.ENROLLING)


def _update(org, admin, program, question, **data):
    return question_update(
        organization=org, actor=admin.user, program_id=program.pk, question_id=question.pk, data=data
    )


def test_type_cannot_change_once_answered(org, admin, program):
    question = QuestionFactory(program=program, type=Question.Type.TAGS, options=["Python"], rule="overlap", weight=3)
    answered = ParticipantFactory(program=program, answers={str(question.pk): ["Python", "SQL"]})
    with pytest.raises(ValidationError) as refused:
        _update(org, admin, program, question, type=Question.Type.SCALE, options=[], rule="same", weight=2)
    assert "1 person has already answered this question" in refused.value.message_dict["type"][0]
    question.refresh_from_db()
    assert question.type == Question.Type.TAGS
    # The stored answer is still valid for the question as it is.
    answers_clean(questions=[question], role=answered.role, answers=answered.answers)


def test_type_can_change_while_nobody_answered(org, admin, program):
    question = QuestionFactory(program=program, type=Question.Type.TAGS, options=[], rule="overlap", weight=3)
    ParticipantFactory(program=program, answers={})  # enrolled, but did not answer this (optional) question
    _update(org, admin, program, question, type=Question.Type.SCALE, rule="same", weight=2)
    question.refresh_from_db()
    assert question.type == Question.Type.SCALE


def test_an_option_someone_chose_cannot_be_removed_or_renamed(org, admin, program):
    question = QuestionFactory(program=program, options=["Video call", "In person", "Either"])
    ParticipantFactory(program=program, answers={str(question.pk): "In person"})
    ParticipantFactory(program=program, answers={str(question.pk): "In person"})
    for options in (["Video call", "Either"], ["Video call", "Face to face", "Either"]):
        with pytest.raises(ValidationError) as refused:
            _update(org, admin, program, question, options=options)
        message = refused.value.message_dict["options"][0]
        assert "2 people have already answered" in message and "“In person”" in message
    question.refresh_from_db()
    assert question.options == ["Video call", "In person", "Either"]


def test_multiple_choice_answers_count_too(org, admin, program):
    question = QuestionFactory(program=program, type=Question.Type.MULTIPLE, options=["A", "B", "C"])
    ParticipantFactory(program=program, answers={str(question.pk): ["A", "C"]})
    with pytest.raises(ValidationError):
        _update(org, admin, program, question, options=["A", "B"])
    _update(org, admin, program, question, options=["A", "C"])  # B was chosen by nobody
    question.refresh_from_db()
    assert question.options == ["A", "C"]


def test_adding_options_and_editing_the_prompt_stay_allowed(org, admin, program):
    question = QuestionFactory(program=program, options=["Video call", "In person"])
    ParticipantFactory(program=program, answers={str(question.pk): "In person"})
    _update(
        org, admin, program, question, prompt="How do you like to meet?", options=["Video call", "In person", "Both"]
    )
    question.refresh_from_db()
    assert question.prompt == "How do you like to meet?"
    assert question.options == ["Video call", "In person", "Both"]


def test_the_form_builder_page_shows_the_refusal(admin_client, org, program):
    question = QuestionFactory(program=program, prompt="Format?", options=["Video call", "In person"])
    ParticipantFactory(program=program, answers={str(question.pk): "Video call"})
    edit = reverse("question-edit", kwargs={"org_slug": org.slug, "program_pk": program.pk, "question_pk": question.pk})
    response = admin_client.post(
        edit,
        {
            "prompt": "Format?",
            "type": Question.Type.SCALE,
            "audience": "both",
            "rule": "same",
            "weight": "2",
        },
    )
    assert response.status_code == 400
    assert "already answered this question: its type cannot change" in response.content.decode()
    question.refresh_from_db()
    assert question.type == Question.Type.SINGLE
