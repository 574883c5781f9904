"""The end of a match: its people ask to complete it, or one of them ends it early; HR admins follow a
program's matches in progress (counts and dates only) and may end one."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from matching.models import Match
from matching.services.lifecycle import match_end_early, match_request_completion
from mentorhub.tenancy import OrganizationScopedViewSet, employee_or_none
from mentorhub.web.schema import SERVICE_ERRORS
from programs.api.mixins import PROGRAM_PK, ProgramNestedMixin

from ...selectors.matches import STARTED_MATCH_STATUSES, started_matches_of
from ...selectors.overview import program_match_progress, program_started_matches
from ..serializers.matches import (
    CompletionRequestSerializer,
    CompletionSerializer,
    EndResultSerializer,
    EndSerializer,
    MatchProgressSerializer,
)
from .common import ADMIN_ONLY, TAKING_PART, needs_employee


class MentoringMatchViewSet(OrganizationScopedViewSet):
    """What the people of a match decide about its end. (The match itself is read under matches/.)"""

    serializer_class = CompletionSerializer
    schema_model = Match
    lookup_url_kwarg = "match_pk"
    lookup_value_converter = "int"
    read_roles = TAKING_PART
    write_roles = TAKING_PART

    def get_base_queryset(self) -> QuerySet[Match]:
        employee = employee_or_none(self.request)
        if employee is None:
            return Match.objects.none()
        return started_matches_of(organization=self.request.organization, employee=employee)

    @extend_schema(
        summary="Ask to complete your match now (or take it back); done once everyone has asked",
        description="When the last person asks, the match is completed: sessions still ahead are cancelled "
        "and everyone is told.",
        request=CompletionRequestSerializer,
        responses={200: CompletionSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="complete")
    def complete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        match = self.get_object()
        serializer = CompletionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answer = match_request_completion(
            organization=self.request.organization,
            actor=self.request.user,
            employee=needs_employee(self.request),
            match_id=match.pk,
            wanted=serializer.validated_data["wanted"],
        )
        return Response(CompletionSerializer(answer).data)

    @extend_schema(
        summary="End your match early, with the reason (for HR)",
        description="Sessions still ahead are cancelled; the others are told that it ended, not why. With "
        "`rematch`, the mentee(s) are offered a new match.",
        request=EndSerializer,
        responses={200: EndResultSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="end")
    def end(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        match = self.get_object()
        serializer = EndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = match_end_early(
            organization=self.request.organization,
            actor=self.request.user,
            match_id=match.pk,
            employee=needs_employee(self.request),
            **serializer.validated_data,
        )
        return Response(EndResultSerializer(result).data)


# --- Admins: a program's matches in progress ------------------------------------------------------------------

OVERVIEW_STATUSES = [str(value) for value in STARTED_MATCH_STATUSES]


class ProgramMentoringViewSet(ProgramNestedMixin, OrganizationScopedViewSet):
    """How a program's matches are doing: people, session counts, dates, nudges, goal counts. Never notes,
    feedback, ratings or what a goal says. Admins only."""

    serializer_class = MatchProgressSerializer
    schema_model = Match
    lookup_url_kwarg = "match_pk"
    lookup_value_converter = "int"
    read_roles = ADMIN_ONLY
    write_roles = ADMIN_ONLY

    def get_base_queryset(self) -> QuerySet[Match]:
        return program_started_matches(organization=self.request.organization, program=self.program)

    @extend_schema(
        summary="A program's started matches with their session counts and dates (admins)",
        parameters=[
            PROGRAM_PK,
            OpenApiParameter("status", OpenApiTypes.STR, enum=OVERVIEW_STATUSES, description="One status."),
        ],
        responses=MatchProgressSerializer(many=True),
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        status_filter = request.query_params.get("status", "")
        rows = program_match_progress(
            organization=self.request.organization,
            program=self.program,
            status=status_filter if status_filter in OVERVIEW_STATUSES else "",
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(MatchProgressSerializer(page, many=True).data)

    @extend_schema(
        summary="End a match early (admins), with the reason",
        description="Sessions still ahead are cancelled and its people are told that HR ended it. With "
        "`rematch`, the mentee(s) are offered a new match.",
        parameters=[PROGRAM_PK],
        request=EndSerializer,
        responses={200: EndResultSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="end")
    def end(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        match = self.get_object()
        serializer = EndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = match_end_early(
            organization=self.request.organization,
            actor=self.request.user,
            match_id=match.pk,
            employee=None,
            **serializer.validated_data,
        )
        return Response(EndResultSerializer(result).data)
