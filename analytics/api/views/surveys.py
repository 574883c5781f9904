"""Surveys API under /api/v1/o/<org_slug>/: the caller's own survey assignments (read them with their
questions, answer them once), what the caller shares about themselves, and, for HR admins, a program's
surveys (questions, response rates under the small-group rule) and their own questions.

There is no route that returns answers: individual answers are seen by no one but their author, and the
program's figures are aggregates on the dashboards. Stakeholders answer no surveys (403 on those routes)
but, like everyone, may share something about themselves.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentorhub.accounts.models import Role
from mentorhub.tenancy import (
    OrganizationAPIView,
    OrganizationScopedViewSet,
    OrgApiRequest,
    employee_or_404,
    employee_or_none,
    get_scoped_or_404,
    scoped,
)
from mentorhub.web.schema import SERVICE_ERRORS
from programs.api.mixins import PROGRAM_PK, ProgramNestedMixin

from ... import selectors
from ...demographics import ATTRIBUTES
from ...models import Survey, SurveyAssignment, SurveyQuestion
from ...question_sets import CHECKIN, CLOSING
from ...services.self_identification import self_identification_clear, self_identification_save
from ...services.survey_answers import survey_answer
from ...services.surveys import survey_for, survey_question_add, survey_question_remove
from ..serializers.surveys import (
    AboutMeSerializer,
    AnswerSerializer,
    ProgramSurveySerializer,
    SurveyAssignmentDetailSerializer,
    SurveyAssignmentSerializer,
    SurveyQuestionCreateSerializer,
    SurveyQuestionSerializer,
)

ADMIN_ONLY = frozenset({Role.ADMIN})
TAKING_PART = frozenset({Role.ADMIN, Role.MEMBER})
EVERYONE = frozenset({Role.ADMIN, Role.STAKEHOLDER, Role.MEMBER})
SURVEY_PK = OpenApiParameter("survey_pk", OpenApiTypes.INT, OpenApiParameter.PATH)


# Without a roster entry there is nothing of theirs: 404, like any object that is not theirs.
_needs_employee = partial(
    employee_or_404,
    message=gettext_lazy(
        "Your account is not linked to an entry of the organization's roster: there is nothing of yours here."
    ),
)


# --- The caller's assignments -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="The surveys you were asked to answer, newest first",
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=SurveyAssignment.Status.values,
                description="Only those in this state (open: still taking answers).",
            )
        ],
    ),
    retrieve=extend_schema(
        summary="One of your surveys, with its questions", responses={200: SurveyAssignmentDetailSerializer}
    ),
)
class SurveyAssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """Check-ins (every 30 days of a match) and closing surveys (when it ends) you were asked to answer.
    Each person sees only their own; anyone else's answers 404."""

    serializer_class = SurveyAssignmentSerializer
    schema_model = SurveyAssignment
    lookup_url_kwarg = "assignment_pk"
    lookup_value_converter = "int"
    read_roles = TAKING_PART
    write_roles = TAKING_PART

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.now = timezone.now()

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "now": getattr(self, "now", None) or timezone.now()}

    def get_base_queryset(self) -> QuerySet[SurveyAssignment]:
        queryset = selectors.assignments_of(
            organization=self.request.organization, employee=employee_or_none(self.request)
        )
        wanted = self.request.query_params.get("status", "")
        if self.action == "list" and wanted in SurveyAssignment.Status.values:
            queryset = selectors.assignments_in_state(queryset, wanted, self.now)
        return queryset

    def _detail(self, assignment_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        assignment = selectors.assignment_for_respondent(
            organization=self.request.organization, employee=employee_or_none(self.request), assignment_id=assignment_id
        )
        data = SurveyAssignmentDetailSerializer(assignment, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object().pk)

    @extend_schema(
        summary="Answer one of your surveys (once)",
        description="Saved exactly once: a second call, or an answer after the survey closed, is refused. "
        "Errors about single questions come under `answers`, keyed by question id.",
        request=AnswerSerializer,
        responses={201: SurveyAssignmentDetailSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="answer")
    def answer(self, request: OrgApiRequest, *args: Any, **kwargs: Any) -> Response:
        assignment = self.get_object()
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        survey_answer(
            organization=request.organization,
            employee=_needs_employee(request),
            assignment_id=assignment.pk,
            answers=serializer.validated_data["answers"],
            now=self.now,
        )
        return self._detail(assignment.pk, status.HTTP_201_CREATED)


# --- About me -------------------------------------------------------------------------------------------------


def _about_me(answers: dict[str, str]) -> dict[str, str | None]:
    return {attribute.code: answers.get(attribute.code) for attribute in ATTRIBUTES}


class AboutMeView(OrganizationAPIView):
    """What you choose to share about yourself, so the program team can see whether mentoring reaches
    everyone. Optional; only ever counted in totals over at least the organization's minimum group size,
    never shown per person (HR admins included). Every role may answer."""

    read_roles = EVERYONE
    write_roles = EVERYONE

    @extend_schema(summary="What you share about yourself", responses={200: AboutMeSerializer})
    def get(self, request: OrgApiRequest, org_slug: str) -> Response:
        answers = selectors.self_identification_of(organization=request.organization, employee=_needs_employee(request))
        return Response(_about_me(answers))

    @extend_schema(
        summary="Share, change or remove (null) answers about yourself",
        description="Attributes left out stay as they are; null means “I prefer not to say” and removes the answer.",
        request=AboutMeSerializer,
        responses={200: AboutMeSerializer, 400: SERVICE_ERRORS},
    )
    def put(self, request: OrgApiRequest, org_slug: str) -> Response:
        employee = _needs_employee(request)
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Send an object: {attribute: value or null}.")]})
        unknown = sorted(set(request.data) - {attribute.code for attribute in ATTRIBUTES})
        if unknown:
            raise serializers.ValidationError({key: ["There is no such question."] for key in unknown})
        serializer = AboutMeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        saved = self_identification_save(
            organization=request.organization, employee=employee, answers=serializer.validated_data
        )
        return Response(_about_me(saved))

    @extend_schema(summary="Remove everything you shared about yourself", responses={204: None})
    def delete(self, request: OrgApiRequest, org_slug: str) -> Response:
        self_identification_clear(organization=request.organization, employee=_needs_employee(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- HR admins: a program's surveys ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="The program's surveys, their questions and response rates (admins)", parameters=[PROGRAM_PK]
    ),
)
class ProgramSurveyViewSet(ProgramNestedMixin, mixins.ListModelMixin, OrganizationScopedViewSet):
    """The check-in and the closing survey of a program (made with their standard questions on first use).
    Response figures are hidden while fewer people than the organization's minimum group size were asked.
    Never anyone's answers."""

    serializer_class = ProgramSurveySerializer
    schema_model = Survey
    read_roles = ADMIN_ONLY
    write_roles = ADMIN_ONLY

    def get_base_queryset(self) -> QuerySet[Survey]:
        return Survey.objects.filter(program=self.program)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organization = self.request.organization
        for kind in (CHECKIN, CLOSING):
            survey_for(organization=organization, program=self.program, kind=kind)
        counts = selectors.survey_response_counts(organization=organization, program=self.program, now=timezone.now())
        k = organization.min_group_size
        rows = []
        for survey in selectors.program_surveys(organization=organization, program=self.program):
            found = counts.get(survey.pk, selectors.ResponseCounts())
            rate = found.figures(k)
            rows.append(
                {
                    "id": survey.pk,
                    "kind": survey.kind,
                    "questions": survey.questions.all(),
                    "response_rate": {key: figure.as_json() for key, figure in rate.items()},
                }
            )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ProgramSurveyQuestionViewSet(ProgramNestedMixin, OrganizationScopedViewSet):
    """HR admins' own questions in a program's survey: add one (asked after the standard questions from
    now on), remove one (no longer asked; answers given stay confidential and count nowhere)."""

    serializer_class = SurveyQuestionSerializer
    schema_model = SurveyQuestion
    lookup_url_kwarg = "survey_question_pk"
    lookup_value_converter = "int"
    read_roles = ADMIN_ONLY
    write_roles = ADMIN_ONLY

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        surveys = Survey.objects.filter(program=self.program)
        self.survey = get_scoped_or_404(surveys, self.request.organization, pk=self.kwargs["survey_pk"])

    def get_base_queryset(self) -> QuerySet[SurveyQuestion]:
        return scoped(SurveyQuestion, self.request.organization).filter(survey=self.survey)

    @extend_schema(
        summary="Add a question of your own to a program's survey (admins)",
        parameters=[PROGRAM_PK, SURVEY_PK],
        request=SurveyQuestionCreateSerializer,
        responses={201: SurveyQuestionSerializer, 400: SERVICE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = SurveyQuestionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        question = survey_question_add(
            organization=self.request.organization,
            actor=self.request.user,
            program_id=self.program.pk,
            survey_id=self.survey.pk,
            **serializer.validated_data,
        )
        return Response(SurveyQuestionSerializer(question).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove a question of your own (admins); standard questions stay",
        parameters=[PROGRAM_PK, SURVEY_PK],
        responses={204: None, 400: SERVICE_ERRORS},
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        question = self.get_object()
        survey_question_remove(
            organization=self.request.organization,
            actor=self.request.user,
            program_id=self.program.pk,
            survey_id=self.survey.pk,
            question_id=question.pk,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
