"""Answering a survey: the answers checked against the survey's questions, then saved exactly once.

Exactly once, without locks held across anything slow: the assignment moves from open to answered in one
conditional UPDATE (... WHERE status = 'open'), and only the transaction whose UPDATE changed the row
writes the response. A double click, two tabs or two API calls racing: PostgreSQL makes the second UPDATE
wait for the first transaction, then finds the row answered and changes nothing, so the second caller is
told it was answered already. The unique (organization, assignment) of SurveyResponse backs this up.

Answers are stored as {question id (text): value}: whole numbers for the scales, text for free text; a
question left blank (optional) is simply absent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorhub.accounts.models import Employee, Organization
from mentorhub.accounts.outbox import outbox_record
from sessions.page_cache import people_changed

from ..models import SurveyAssignment, SurveyQuestion, SurveyResponse
from ..selectors import assignment_for_respondent
from ..survey_schedule import assignment_state

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_TEXT = 2000
T = SurveyQuestion.Type


@dataclass(frozen=True)
class Scale:
    low: int
    high: int
    required_message: StrOrPromise
    labels: tuple[StrOrPromise, ...]  # one per value, low to high


AGREE_LABELS = (
    gettext_lazy("Strongly disagree"),
    gettext_lazy("Disagree"),
    gettext_lazy("Neither agree nor disagree"),
    gettext_lazy("Agree"),
    gettext_lazy("Strongly agree"),
)
SCALES: dict[str, Scale] = {  # by SurveyQuestion.Type (a question's `type` is its value)
    T.SCALE: Scale(
        1,
        5,
        gettext_lazy("Choose an answer from 1 (poor) to 5 (great)."),
        (gettext_lazy("Poor"), gettext_lazy("Fair"), gettext_lazy("Okay"), gettext_lazy("Good"), gettext_lazy("Great")),
    ),
    T.AGREE: Scale(
        1, 5, gettext_lazy("Choose how much you agree, from “Strongly disagree” to “Strongly agree”."), AGREE_LABELS
    ),
    T.NPS: Scale(
        0,
        10,
        gettext_lazy("Choose a number from 0 (not at all likely) to 10 (extremely likely)."),
        (gettext_lazy("Not at all likely"), *[""] * 9, gettext_lazy("Extremely likely")),
    ),
}


def _number(value: Any) -> int | None:
    """A whole number given as a number or as digits ("4"); None for anything else (True is not 1 here)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def survey_answers_clean(questions: Iterable[SurveyQuestion], answers: Mapping[Any, Any]) -> dict[str, int | str]:
    """The answers as they are stored, or a ValidationError with a message per question id (as text). Every
    required question must be answered; keys that are not questions of the survey are refused."""
    questions = list(questions)
    by_id = {str(question.pk): question for question in questions}
    errors: dict[str, list[str]] = {}
    given = {str(key): value for key, value in answers.items()}
    for key in given:
        if key not in by_id:
            errors[key] = ["This is not a question of this survey."]
    cleaned: dict[str, int | str] = {}
    for key, question in by_id.items():
        value = given.get(key)
        if _blank(value):
            if question.required:
                scale = SCALES.get(question.type)
                errors[key] = [str(scale.required_message) if scale else _("Write an answer to this question.")]
            continue
        if question.type == T.TEXT:
            if not isinstance(value, str):
                errors[key] = ["Write the answer as text."]
            elif len(value.strip()) > MAX_TEXT:
                errors[key] = [
                    _("Keep it under %(limit)s characters (it has %(count)s).")
                    % {"limit": MAX_TEXT, "count": len(value.strip())}
                ]
            else:
                cleaned[key] = value.strip()
            continue
        scale = SCALES[question.type]
        number = _number(value)
        if number is None or not scale.low <= number <= scale.high:
            errors[key] = [str(scale.required_message)]
        else:
            cleaned[key] = number
    if errors:
        raise ValidationError(errors)
    return cleaned


def survey_assignment_state(assignment: SurveyAssignment, now: datetime | None = None) -> str:
    """ "open", "answered" or "expired" (survey_schedule.assignment_state), by the clock of now."""
    return assignment_state(assignment, now or timezone.now())


def closed_message(state: str) -> str:
    if state == SurveyAssignment.Status.ANSWERED:
        return _("You have answered this survey already. Thank you!")
    return _("This survey has closed: answers are no longer taken.")


@transaction.atomic
def survey_answer(
    *,
    organization: Organization,
    employee: Employee | None,
    assignment_id: int,
    answers: Mapping[Any, Any],
    now: datetime | None = None,
) -> SurveyResponse:
    """Save `employee`'s answers to their assignment, once. Someone else's assignment is 404 (the same as one
    that does not exist); an answered or closed one is refused with a clear message."""
    now = now or timezone.now()
    assignment = assignment_for_respondent(organization=organization, employee=employee, assignment_id=assignment_id)
    state = survey_assignment_state(assignment, now)
    if state != "open":
        raise ValidationError(closed_message(state))
    cleaned = survey_answers_clean(assignment.survey.questions.all(), answers)
    claimed = SurveyAssignment.objects.filter(
        organization=organization, pk=assignment.pk, respondent=employee, status=SurveyAssignment.Status.OPEN
    ).update(status=SurveyAssignment.Status.ANSWERED, answered_at=now)
    if not claimed:  # answered by another request a moment ago (or closed by the planner)
        status = SurveyAssignment.objects.filter(pk=assignment.pk).values_list("status", flat=True).first()
        raise ValidationError(closed_message(status or SurveyAssignment.Status.EXPIRED))
    # The home page's things to do (sessions/page_cache.py) no longer list it.
    people_changed(organization=organization, employee_ids=[assignment.respondent_id])
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                organization=organization,
                assignment=assignment,
                survey=assignment.survey,
                program_id=assignment.program_id,
                answers=cleaned,
            )
    except IntegrityError:
        raise ValidationError(closed_message(SurveyAssignment.Status.ANSWERED)) from None
    # For webhooks: which survey was answered and when; never the answers, nor who answered.
    outbox_record(
        organization=organization,
        event_type="survey.answered",
        data={
            "survey_id": assignment.survey_id,
            "program_id": assignment.program_id,
            "kind": assignment.survey.kind,
            "answered_at": now.isoformat(),
        },
    )
    return response
