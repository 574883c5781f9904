"""Programs API under /api/v1/o/<org_slug>/: programs with their lifecycle moves, the enrollment form's
questions, and participants (enrollments).

Viewsets parse input with a small serializer, call one service, and render the result. A service's
ValidationError becomes a 400 with its messages (mentorhub.web.errors.api_exception_handler). Roles: admins
change everything; members enroll themselves and change their own enrollment; stakeholders read and never
change anything.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from mentorhub.accounts.models import Role
from mentorhub.csv_safety import safe_cell
from mentorhub.tenancy import OrganizationScopedViewSet, employee_or_refusal
from mentorhub.web.schema import SERVICE_ERRORS

from .. import selectors
from ..models import Participant, Program, ProgramAudienceGroup, Question
from ..services.participants import (
    participant_enroll,
    participant_update,
    participant_withdraw,
    participants_decide,
    participants_invite,
)
from ..services.programs import program_create, program_move, program_update
from ..services.questions import question_create, question_delete, question_move, question_update
from .mixins import PROGRAM_PK, ProgramNestedMixin, visible_programs
from .serializers import (
    DecideResultSerializer,
    DecideSerializer,
    EnrollSerializer,
    InviteResultSerializer,
    InviteSerializer,
    ParticipantSerializer,
    ParticipantUpdateSerializer,
    ProgramSerializer,
    ProgramWriteSerializer,
    QuestionMoveSerializer,
    QuestionSerializer,
)

ADMIN_ONLY = frozenset({Role.ADMIN})
TAKING_PART = frozenset({Role.ADMIN, Role.MEMBER})  # stakeholders read, never change anything
EVERYONE = frozenset({Role.ADMIN, Role.STAKEHOLDER, Role.MEMBER})


# --- Programs ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List programs", description="Admins see every program; others the published ones."),
    retrieve=extend_schema(summary="Read a program"),
)
class ProgramViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """Mentoring programs. Admins create and change them and move them along their lifecycle
    (draft → enrolling → matching → active → closed); everyone else reads the published ones."""

    serializer_class = ProgramSerializer
    schema_model = Program
    lookup_url_kwarg = "program_pk"
    lookup_value_converter = "int"

    def get_base_queryset(self) -> QuerySet[Program]:
        organization = self.request.organization
        links = Prefetch("audience_links", queryset=ProgramAudienceGroup.objects.filter(organization=organization))
        queryset = selectors.programs_with_counts(organization=organization).prefetch_related(links)
        return visible_programs(queryset, self.request.membership).order_by("-created_at", "-id")

    def _render(self, program_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        program = self.get_queryset().get(pk=program_id)
        return Response(self.get_serializer(program).data, status=status_code)

    @extend_schema(
        summary="Create a program (admins)",
        request=ProgramWriteSerializer,
        responses={201: ProgramSerializer, 400: SERVICE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ProgramWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        with_question_set = data.pop("with_question_set", True)
        program = program_create(
            organization=self.request.organization,
            actor=self.request.user,
            data=data,
            with_question_set=with_question_set,
        )
        return self._render(program.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a program (admins)",
        request=ProgramWriteSerializer,
        responses={200: ProgramSerializer, 400: SERVICE_ERRORS},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        program = self.get_object()
        serializer = ProgramWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k != "with_question_set"}
        program_update(
            organization=self.request.organization, actor=self.request.user, program_id=program.pk, data=data
        )
        return self._render(program.pk)

    def _move(self, request: Request, to_status: str) -> Response:
        program = self.get_object()
        program_move(
            organization=self.request.organization,
            actor=self.request.user,
            program_id=program.pk,
            to_status=to_status,
            base_url=request.build_absolute_uri("/"),
        )
        return self._render(program.pk)

    @extend_schema(summary="Open enrollment (draft or matching → enrolling)", request=None, responses=ProgramSerializer)
    @action(detail=True, methods=["post"], url_path="open-enrollment")
    def open_enrollment(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._move(request, Program.Status.ENROLLING)

    @extend_schema(summary="Start matching (enrolling → matching)", request=None, responses=ProgramSerializer)
    @action(detail=True, methods=["post"], url_path="start-matching")
    def start_matching(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._move(request, Program.Status.MATCHING)

    @extend_schema(summary="Activate (matching → active)", request=None, responses=ProgramSerializer)
    @action(detail=True, methods=["post"], url_path="activate")
    def activate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._move(request, Program.Status.ACTIVE)

    @extend_schema(summary="Close the program", request=None, responses=ProgramSerializer)
    @action(detail=True, methods=["post"], url_path="close")
    def close(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._move(request, Program.Status.CLOSED)

    @extend_schema(summary="Back to draft (enrolling → draft)", request=None, responses=ProgramSerializer)
    @action(detail=True, methods=["post"], url_path="back-to-draft")
    def back_to_draft(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._move(request, Program.Status.DRAFT)


# --- Questions -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The enrollment form's questions", parameters=[PROGRAM_PK]),
    retrieve=extend_schema(summary="Read a question", parameters=[PROGRAM_PK]),
)
class QuestionViewSet(ProgramNestedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """The program's enrollment form: everyone who may see the program reads it; admins change it while
    the program is a draft or enrolling."""

    serializer_class = QuestionSerializer
    schema_model = Question
    lookup_url_kwarg = "question_pk"
    lookup_value_converter = "int"

    def get_base_queryset(self) -> QuerySet[Question]:
        return selectors.program_questions(organization=self.request.organization, program=self.program)

    def _render(self, question_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=question_id)).data, status=status_code)

    @extend_schema(
        summary="Add a question (admins)",
        parameters=[PROGRAM_PK],
        responses={201: QuestionSerializer, 400: SERVICE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        question = question_create(
            organization=self.request.organization,
            actor=self.request.user,
            program_id=self.program.pk,
            data=serializer.validated_data,
        )
        return self._render(question.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a question (admins)",
        parameters=[PROGRAM_PK],
        responses={200: QuestionSerializer, 400: SERVICE_ERRORS},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        question = self.get_object()
        serializer = self.get_serializer(question, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        question_update(
            organization=self.request.organization,
            actor=self.request.user,
            program_id=self.program.pk,
            question_id=question.pk,
            data=serializer.validated_data,
        )
        return self._render(question.pk)

    @extend_schema(
        summary="Delete a question (admins)", parameters=[PROGRAM_PK], responses={204: None, 400: SERVICE_ERRORS}
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        question = self.get_object()
        question_delete(
            organization=self.request.organization,
            actor=self.request.user,
            program_id=self.program.pk,
            question_id=question.pk,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Move a question up or down (admins)",
        parameters=[PROGRAM_PK],
        request=QuestionMoveSerializer,
        responses={200: QuestionSerializer(many=True), 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="move")
    def move(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        question = self.get_object()
        serializer = QuestionMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        question_move(
            organization=self.request.organization,
            actor=self.request.user,
            program_id=self.program.pk,
            question_id=question.pk,
            direction=-1 if serializer.validated_data["direction"] == "up" else 1,
        )
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    @property
    def write_roles(self) -> frozenset[str]:  # type: ignore[override]
        return ADMIN_ONLY


# --- Participants --------------------------------------------------------------------------------


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        # Only the file itself comes here: a refused download answers JSON (ParticipantViewSet.handle_exception).
        text = data if isinstance(data, str) else json.dumps(data)
        return text.encode(self.charset)


def _csv_cell(value: Any) -> str:
    """A cell as text, with formula-looking text defused: answers are typed by members and the file is
    opened in spreadsheets."""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    return safe_cell("" if value is None else str(value))


ROLE_FILTERS = [
    OpenApiParameter("role", OpenApiTypes.STR, enum=Participant.Role.values, description="Admins: one role."),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Participant.Status.values, description="Admins: one status."),
    OpenApiParameter("search", OpenApiTypes.STR, description="Admins: name, email or department contains."),
]


@extend_schema_view(
    list=extend_schema(
        summary="Participants (admins: everyone; others: their own enrollments)",
        parameters=[PROGRAM_PK, *ROLE_FILTERS],
    ),
    retrieve=extend_schema(summary="Read an enrollment", parameters=[PROGRAM_PK]),
)
class ParticipantViewSet(
    ProgramNestedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet
):
    """Enrollments. Members (and admins) enroll themselves and change or withdraw their own enrollment;
    admins see everyone's, decide in bulk, invite in bulk and export. Stakeholders change nothing."""

    serializer_class = ParticipantSerializer
    schema_model = Participant
    lookup_url_kwarg = "participant_pk"
    lookup_value_converter = "int"

    def get_base_queryset(self) -> QuerySet[Participant]:
        membership = self.request.membership
        params = self.request.query_params if membership.role == Role.ADMIN else {}
        queryset = selectors.program_participants(
            organization=self.request.organization,
            program=self.program,
            role=params.get("role", ""),
            status=params.get("status", ""),
            search=params.get("search", "").strip(),
        )
        if membership.role != Role.ADMIN:
            # Enrollments are personal: only admins see other people's (none without a roster entry).
            if membership.employee_id is None:
                return queryset.none()
            queryset = queryset.filter(employee_id=membership.employee_id)
        return queryset

    @property
    def read_roles(self) -> frozenset[str]:  # type: ignore[override]
        return ADMIN_ONLY if self.action == "export" else EVERYONE

    @property
    def write_roles(self) -> frozenset[str]:  # type: ignore[override]
        return TAKING_PART if self.action in ("create", "partial_update", "withdraw") else ADMIN_ONLY

    def handle_exception(self, exc: Exception) -> Response:
        # A refused export (not signed in, not an admin, no such program) answers JSON with the JSON content
        # type, as the schema's `Error`, like every other refusal: not a text/csv download holding JSON.
        if getattr(self, "action", None) == "export":
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def _own(self) -> Participant:
        participant = self.get_object()
        if participant.employee_id != self.request.membership.employee_id:
            raise PermissionDenied(_("Only the participant changes their own enrollment; admins decide on it instead."))
        return participant

    def _render(self, participant_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=participant_id)).data, status=status_code)

    @extend_schema(
        summary="Enroll yourself as mentor or mentee",
        parameters=[PROGRAM_PK],
        request=EnrollSerializer,
        responses={201: ParticipantSerializer, 400: SERVICE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = EnrollSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        employee = employee_or_refusal(self.request)
        participant = participant_enroll(
            organization=self.request.organization,
            actor=self.request.user,
            program_id=self.program.pk,
            employee=employee,
            **serializer.validated_data,
        )
        return self._render(participant.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change your answers or capacity (until matched)",
        parameters=[PROGRAM_PK],
        request=ParticipantUpdateSerializer,
        responses={200: ParticipantSerializer, 400: SERVICE_ERRORS},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        participant = self._own()
        serializer = ParticipantUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        participant_update(
            organization=self.request.organization,
            actor=self.request.user,
            participant_id=participant.pk,
            **serializer.validated_data,
        )
        return self._render(participant.pk)

    @extend_schema(
        summary="Withdraw your enrollment",
        parameters=[PROGRAM_PK],
        request=None,
        responses={200: ParticipantSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="withdraw")
    def withdraw(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        participant = self._own()
        participant_withdraw(
            organization=self.request.organization, actor=self.request.user, participant_id=participant.pk
        )
        return self._render(participant.pk)

    @extend_schema(
        summary="Approve, waitlist or decline applications in bulk (admins)",
        parameters=[PROGRAM_PK],
        request=DecideSerializer,
        responses={200: DecideResultSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="decide")
    def decide(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = DecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changed = participants_decide(
            organization=self.request.organization,
            actor=self.request.user,
            program_id=self.program.pk,
            **serializer.validated_data,
        )
        return Response({"changed": changed})

    @extend_schema(
        summary="Invite people in bulk by department, job level or email (admins)",
        parameters=[PROGRAM_PK],
        request=InviteSerializer,
        responses={200: InviteResultSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="invite")
    def invite(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = InviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = participants_invite(
            organization=self.request.organization,
            actor=self.request.user,
            program_id=self.program.pk,
            base_url=request.build_absolute_uri("/"),
            **serializer.validated_data,
        )
        return Response(result)

    @extend_schema(
        summary="The participant list as CSV (admins)",
        parameters=[PROGRAM_PK, *ROLE_FILTERS],
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    @action(detail=False, methods=["get"], url_path="export", renderer_classes=[CSVRenderer, JSONRenderer])
    def export(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        questions = list(selectors.program_questions(organization=self.request.organization, program=self.program))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["Name", "Email", "Department", "Job level", "Location", "Role", "Status", "Capacity", "Applied"]
            + [_csv_cell(q.prompt) for q in questions]
        )
        for p in self.get_queryset().iterator(chunk_size=500):
            employee = p.employee
            row = [employee.name, employee.email, employee.department, employee.job_level, employee.location]
            row += [p.get_role_display(), p.get_status_display(), p.capacity, p.created_at.date().isoformat()]
            row += [p.answers.get(str(q.pk)) for q in questions]
            writer.writerow([_csv_cell(value) for value in row])
        filename = f"{slugify(self.program.name) or 'program'}-participants.csv"
        return Response(
            out.getvalue(),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
