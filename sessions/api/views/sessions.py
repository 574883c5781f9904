"""Sessions of the caller's matches: list, schedule (or log a past meeting in one step), read, change, log,
cancel, shared notes, and the caller's own feedback."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentorhub.tenancy import OrganizationScopedViewSet, employee_or_none
from mentorhub.web.schema import SERVICE_ERRORS

from ...models import MentoringSession
from ...selectors.sessions import feedback_given_by, my_feedback, session_for_employee, session_list_of_employee
from ...services.sessions import (
    feedback_save,
    session_cancel,
    session_log,
    session_log_past,
    session_notes_update,
    session_schedule,
    session_update,
)
from ..serializers.sessions import (
    FeedbackSerializer,
    FeedbackWriteSerializer,
    SessionCancelSerializer,
    SessionCreateSerializer,
    SessionDetailSerializer,
    SessionLogSerializer,
    SessionNotesSerializer,
    SessionSerializer,
    SessionUpdateSerializer,
)
from .common import TAKING_PART, int_param, needs_employee, true_param

SESSION_FILTERS = [
    OpenApiParameter("match", OpenApiTypes.INT, description="Only the sessions of this match."),
    OpenApiParameter("status", OpenApiTypes.STR, enum=MentoringSession.Status.values, description="One status."),
    OpenApiParameter(
        "upcoming", OpenApiTypes.BOOL, description="Only scheduled sessions that have not ended, soonest first."
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="Your sessions, in all your matches (newest first)",
        description="Never the shared notes or anyone's feedback: read one session for those.",
        parameters=SESSION_FILTERS,
    ),
    retrieve=extend_schema(
        summary="One of your sessions, with the match's shared notes and your own feedback",
        responses=SessionDetailSerializer,
    ),
)
class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """The meetings of the caller's matches (current ones, and past matches they were in). Only the people
    of a match reach its sessions: anyone else's session answers 404. Changes need the match to be active
    and the caller still in it."""

    serializer_class = SessionSerializer
    schema_model = MentoringSession
    lookup_url_kwarg = "session_pk"
    lookup_value_converter = "int"
    read_roles = TAKING_PART
    write_roles = TAKING_PART

    def get_base_queryset(self) -> QuerySet[MentoringSession]:
        employee = employee_or_none(self.request)
        if employee is None:
            return MentoringSession.objects.none()
        if self.action != "list":
            return session_list_of_employee(organization=self.request.organization, employee=employee)
        status_filter = self.request.query_params.get("status", "")
        return session_list_of_employee(
            organization=self.request.organization,
            employee=employee,
            match_id=int_param(self.request, "match"),
            status=status_filter if status_filter in MentoringSession.Status.values else "",
            upcoming=true_param(self.request, "upcoming"),
        )

    def _detail(self, session: MentoringSession, status_code: int = status.HTTP_200_OK) -> Response:
        """The session as its people read it: shared notes, the caller's own feedback, and who rated it."""
        organization, employee = self.request.organization, needs_employee(self.request)
        context = {
            **self.get_serializer_context(),
            "my_feedback": my_feedback(organization=organization, session=session, employee=employee),
            "feedback_given": feedback_given_by(organization=organization, session=session),
        }
        return Response(SessionDetailSerializer(session, context=context).data, status=status_code)

    def _render(self, session_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        session = session_for_employee(
            organization=self.request.organization, employee=needs_employee(self.request), session_id=session_id
        )
        return self._detail(session, status_code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object())

    @extend_schema(
        summary="Schedule a session, or log one that already happened (status held)",
        description="Scheduled: everyone in the match gets an invitation with a calendar file, reminders 24 hours "
        "and 1 hour before, and a prompt to log it after. Held (a past start): recorded at once, with shared "
        "notes and, optionally, your own rating, topics and private reflection.",
        request=SessionCreateSerializer,
        responses={201: SessionDetailSerializer, 400: SERVICE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = SessionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        common = {
            "organization": self.request.organization,
            "actor": self.request.user,
            "employee": needs_employee(self.request),
            "match_id": data["match"],
        }
        fields: tuple[str, ...] = ("starts_at", "duration_minutes", "format", "location")
        if data["status"] == MentoringSession.Status.HELD:
            fields += SessionCreateSerializer.HELD_ONLY
            session = session_log_past(**common, **{f: data[f] for f in fields if data.get(f) is not None})
        else:
            fields += SessionCreateSerializer.SCHEDULED_ONLY
            session = session_schedule(**common, **{f: data[f] for f in fields if f in data})
        return self._render(session.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a scheduled session (time, length, format, place, zone, agenda)",
        description="A new time, length, format, place or zone sends everyone an updated invitation.",
        request=SessionUpdateSerializer,
        responses={200: SessionDetailSerializer, 400: SERVICE_ERRORS},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        serializer = SessionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session_update(
            organization=self.request.organization,
            actor=self.request.user,
            employee=needs_employee(self.request),
            session_id=session.pk,
            **serializer.validated_data,
        )
        return self._render(session.pk)

    @extend_schema(
        summary="Log how a session went: held or missed, with shared notes",
        request=SessionLogSerializer,
        responses={200: SessionDetailSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="log")
    def log(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        serializer = SessionLogSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session_log(
            organization=self.request.organization,
            actor=self.request.user,
            employee=needs_employee(self.request),
            session_id=session.pk,
            status=serializer.validated_data["status"],
            shared_notes=serializer.validated_data.get("shared_notes"),
        )
        return self._render(session.pk)

    @extend_schema(
        summary="Cancel a scheduled session: the others are told, calendars drop it",
        request=SessionCancelSerializer,
        responses={200: SessionDetailSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="cancel")
    def cancel(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        serializer = SessionCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session_cancel(
            organization=self.request.organization,
            actor=self.request.user,
            employee=needs_employee(self.request),
            session_id=session.pk,
            reason=serializer.validated_data.get("reason", ""),
        )
        return self._render(session.pk)

    @extend_schema(
        summary="Replace the match's shared notes of a session",
        request=SessionNotesSerializer,
        responses={200: SessionDetailSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="notes")
    def notes(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        serializer = SessionNotesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session_notes_update(
            organization=self.request.organization,
            actor=self.request.user,
            employee=needs_employee(self.request),
            session_id=session.pk,
            shared_notes=serializer.validated_data["shared_notes"],
        )
        return self._render(session.pk)

    @extend_schema(
        methods=["GET"],
        summary="Your own feedback on a session (404 until you give it)",
        request=None,
        responses={200: FeedbackSerializer, 404: OpenApiResponse(description="You have not rated it yet.")},
    )
    @extend_schema(
        methods=["PUT"],
        summary="Rate a held session for yourself: rating, topics, private reflection (set or replace)",
        description="Only you ever read your reflection; the others see only that you rated the session.",
        request=FeedbackWriteSerializer,
        responses={200: FeedbackSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["get", "put"], url_path="feedback")
    def feedback(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        employee = needs_employee(self.request)
        if request.method == "GET":
            mine = my_feedback(organization=self.request.organization, session=session, employee=employee)
            if mine is None:
                raise exceptions.NotFound("You have not rated this session yet.")
            return Response(FeedbackSerializer(mine).data)
        serializer = FeedbackWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        saved = feedback_save(
            organization=self.request.organization,
            employee=employee,
            session_id=session.pk,
            **serializer.validated_data,
        )
        return Response(FeedbackSerializer(saved).data)
