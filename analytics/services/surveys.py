"""Surveys of a program: the check-in and the closing survey, made with their standard questions on first
use (analytics/question_sets.py). Idempotent: a second call finds the survey and adds nothing."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from mentorhub.accounts.models import Organization
from mentorhub.tenancy import scoped
from programs.models import Program

from ..models import Survey, SurveyQuestion
from ..question_sets import STANDARD


def survey_for(*, organization: Organization, program: Program, kind: str) -> Survey:
    """The program's survey of this kind, with the standard questions first (created when missing)."""
    survey = scoped(Survey, organization).filter(program=program, kind=kind).first()
    if survey is None:
        try:
            with transaction.atomic():
                survey = Survey.objects.create(organization=organization, program=program, kind=kind)
        except IntegrityError:  # made a moment ago by a parallel call
            survey = scoped(Survey, organization).get(program=program, kind=kind)
    have = set(scoped(SurveyQuestion, organization).filter(survey=survey).values_list("code", flat=True))
    missing = [
        SurveyQuestion(
            organization=organization,
            survey=survey,
            position=position,
            prompt=question.prompt,
            type=question.type,
            code=question.code,
            required=question.required,
        )
        for position, question in enumerate(STANDARD[kind])
        if question.code not in have
    ]
    if missing:
        SurveyQuestion.objects.bulk_create(missing, ignore_conflicts=True)
    return survey
