"""factory_boy factories for the analytics models. Everything takes `organization` as a sub-factory (or from
the row it belongs to), so a test names only what it is about.

Surveys are normally made by the service (analytics.services.surveys.survey_for, with their standard
questions); SurveyFactory is for a bare survey row."""

from __future__ import annotations

from datetime import UTC, datetime

import factory

from analytics.models import (
    MatchFact,
    ParticipantFact,
    ProgramDay,
    RollupRun,
    SelfIdentification,
    Survey,
    SurveyAssignment,
    SurveyQuestion,
    SurveyResponse,
)
from matching.models import Match
from tests.factories import EmployeeFactory, OrganizationFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory

MOMENT = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    organization = factory.SubFactory(OrganizationFactory)
    program = factory.SubFactory(ProgramFactory, organization=factory.SelfAttribute("..organization"))
    kind = Survey.Kind.CHECKIN


class SurveyQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyQuestion

    survey = factory.SubFactory(SurveyFactory)
    organization = factory.SelfAttribute("survey.organization")
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    type = SurveyQuestion.Type.SCALE


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match

    organization = factory.SubFactory(OrganizationFactory)
    program = factory.SubFactory(ProgramFactory, organization=factory.SelfAttribute("..organization"))
    status = Match.Status.ACTIVE


class SurveyAssignmentFactory(factory.django.DjangoModelFactory):
    """One person asked to answer `survey` about `match` (the survey's program and organization)."""

    class Meta:
        model = SurveyAssignment

    survey = factory.SubFactory(SurveyFactory)
    organization = factory.SelfAttribute("survey.organization")
    program = factory.SelfAttribute("survey.program")
    match = factory.SubFactory(
        MatchFactory, organization=factory.SelfAttribute("..organization"), program=factory.SelfAttribute("..program")
    )
    respondent = factory.SubFactory(EmployeeFactory, organization=factory.SelfAttribute("..organization"))
    due_at = MOMENT
    status = SurveyAssignment.Status.OPEN


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    """The answers to one assignment ({question id: value}), of its survey, program and organization."""

    class Meta:
        model = SurveyResponse

    assignment = factory.SubFactory(SurveyAssignmentFactory, status=SurveyAssignment.Status.ANSWERED)
    organization = factory.SelfAttribute("assignment.organization")
    survey = factory.SelfAttribute("assignment.survey")
    program = factory.SelfAttribute("assignment.program")
    answers = factory.LazyFunction(dict)


def answered_assignment(*, answers: dict[str, object], **assignment: object) -> SurveyAssignment:
    """An answered assignment (the keyword arguments of SurveyAssignmentFactory) and its response."""
    row = SurveyAssignmentFactory(status=SurveyAssignment.Status.ANSWERED, **assignment)
    SurveyResponseFactory(assignment=row, answers=answers)
    return row


class SelfIdentificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfIdentification

    organization = factory.SubFactory(OrganizationFactory)
    employee = factory.SubFactory(EmployeeFactory, organization=factory.SelfAttribute("..organization"))
    attribute = "gender"
    value = "Woman"


class ParticipantFactFactory(factory.django.DjangoModelFactory):
    """One enrollment's way through the funnel, as the roll-up writes it (the participant's program,
    employee and role)."""

    class Meta:
        model = ParticipantFact

    participant = factory.SubFactory(ParticipantFactory)
    organization = factory.SelfAttribute("participant.organization")
    program = factory.SelfAttribute("participant.program")
    employee = factory.SelfAttribute("participant.employee")
    role = factory.SelfAttribute("participant.role")
    department = factory.SelfAttribute("participant.employee.department")
    enrolled_at = MOMENT
    computed_at = MOMENT


class MatchFactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchFact

    match = factory.SubFactory(MatchFactory)
    organization = factory.SelfAttribute("match.organization")
    program = factory.SelfAttribute("match.program")
    status = factory.SelfAttribute("match.status")
    computed_at = MOMENT


class ProgramDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramDay

    organization = factory.SubFactory(OrganizationFactory)
    program = factory.SubFactory(ProgramFactory, organization=factory.SelfAttribute("..organization"))
    day = MOMENT.date()
    computed_at = MOMENT


class RollupRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RollupRun

    organization = factory.SubFactory(OrganizationFactory)
    status = RollupRun.Status.DONE
