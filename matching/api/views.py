"""Matching API under /api/v1/o/<org_slug>/.

Admins: a program's runs (start, progress and figures, compare, re-run) and matches (review: swap, set
mentee, pin, approve one or all, discard). Participants: their own matches (accept / decline), and in
mentee-choice programs their suggestions and mentor requests. Someone else's match or request is 404, the
same answer as one that does not exist. Viewsets parse with a small serializer, call one service, render.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentorhub.accounts.models import Employee, Role
from mentorhub.tenancy import (
    OrganizationAPIView,
    OrganizationScopedViewSet,
    employee_or_none,
    employee_or_refusal,
    get_scoped_or_404,
    scoped,
)
from mentorhub.web.schema import SERVICE_ERRORS
from programs.api.mixins import PROGRAM_PK, ProgramNestedMixin
from programs.models import Participant

from .. import selectors
from ..models import Match, MatchRun, MentorRequest
from ..services.choice import mentor_request_create, mentor_request_decide, mentor_request_withdraw, suggestions_for
from ..services.responses import match_respond
from ..services.review import match_discard, match_pin, match_set_mentee, match_swap, matches_approve
from ..services.runs import match_run_compare, match_run_rerun, match_run_start
from .serializers import (
    ApproveSerializer,
    CompareSerializer,
    CountSerializer,
    MatchRunSerializer,
    MatchRunStartSerializer,
    MatchSerializer,
    MentorRequestCreateSerializer,
    MentorRequestDecideSerializer,
    MentorRequestSerializer,
    MyMatchSerializer,
    PinSerializer,
    RespondSerializer,
    SetMenteeSerializer,
    SuggestionSerializer,
    SwapSerializer,
    suggestion_data,
)

ADMIN_ONLY = frozenset({Role.ADMIN})
TAKING_PART = frozenset({Role.ADMIN, Role.MEMBER})


# --- Runs ------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="A program's matching runs, newest first (admins)", parameters=[PROGRAM_PK]),
    retrieve=extend_schema(summary="A run: progress, and its figures once done (admins)", parameters=[PROGRAM_PK]),
)
class MatchRunViewSet(ProgramNestedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """Runs of the matching engine over a program. Starting one queues it; poll the run for `progress`,
    `stage` and, when `status` is done, `figures`."""

    serializer_class = MatchRunSerializer
    schema_model = MatchRun
    lookup_url_kwarg = "run_pk"
    lookup_value_converter = "int"
    read_roles = ADMIN_ONLY
    write_roles = ADMIN_ONLY

    def get_base_queryset(self) -> QuerySet[MatchRun]:
        return selectors.runs_of_program(organization=self.request.organization, program=self.program)

    @extend_schema(
        summary="Start a run (or a what-if run, or a re-match of some people) (admins)",
        description="The run is queued: the answer is 202 with the run; poll its `url` until `status` is done "
        "or failed (`progress` and `stage` say how far it is).",
        parameters=[PROGRAM_PK],
        request=MatchRunStartSerializer,
        responses={202: MatchRunSerializer, 400: SERVICE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = MatchRunStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = match_run_start(
            organization=self.request.organization,
            actor=self.request.user,
            program_id=self.program.pk,
            **serializer.validated_data,
        )
        data = self.get_serializer(run).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})

    @extend_schema(
        summary="Run again a failed run, or one whose worker stopped (admins)",
        parameters=[PROGRAM_PK],
        request=None,
        responses={202: MatchRunSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="rerun")
    def rerun(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        run = match_run_rerun(
            organization=self.request.organization, actor=self.request.user, run_id=self.get_object().pk
        )
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Compare two finished runs: matched, mean score, pairs that differ (admins)",
        parameters=[
            PROGRAM_PK,
            OpenApiParameter("a", OpenApiTypes.INT, required=True, description="Run A."),
            OpenApiParameter("b", OpenApiTypes.INT, required=True, description="Run B."),
        ],
        responses={200: CompareSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=False, methods=["get"], url_path="compare")
    def compare(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ids = [request.query_params.get(key, "") for key in ("a", "b")]
        if not all(value.isascii() and value.isdigit() for value in ids):
            raise exceptions.ValidationError({"a": [_("Give two run ids, ?a=..&b=..")]})
        runs = self.get_queryset()
        run_a, run_b = (get_scoped_or_404(runs, self.request.organization, pk=int(value)) for value in ids)
        result = match_run_compare(organization=self.request.organization, run_a_id=run_a.pk, run_b_id=run_b.pk)
        return Response(CompareSerializer(result).data)


# --- A program's matches (admins) --------------------------------------------------------------------------

STATUS_FILTER = OpenApiParameter("status", OpenApiTypes.STR, enum=Match.Status.values, description="One status.")
RUN_FILTER = OpenApiParameter("run", OpenApiTypes.INT, description="Only the matches this run wrote.")


@extend_schema_view(
    list=extend_schema(
        summary="A program's matches with their people, best score first (admins)",
        parameters=[PROGRAM_PK, STATUS_FILTER, RUN_FILTER],
    ),
    retrieve=extend_schema(summary="A match with its explanation (admins)", parameters=[PROGRAM_PK]),
)
class ProgramMatchViewSet(
    ProgramNestedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet
):
    """Review of the proposals: edit a pair, pin what a re-run must keep, approve, discard."""

    serializer_class = MatchSerializer
    schema_model = Match
    lookup_url_kwarg = "match_pk"
    lookup_value_converter = "int"
    read_roles = ADMIN_ONLY
    write_roles = ADMIN_ONLY

    def get_base_queryset(self) -> QuerySet[Match]:
        params = self.request.query_params
        status_filter = params.get("status", "")
        queryset = selectors.matches_of_program(
            organization=self.request.organization,
            program=self.program,
            status=status_filter if status_filter in Match.Status.values else "",
        )
        run = params.get("run", "")
        return queryset.filter(run_id=int(run)) if run.isascii() and run.isdigit() else queryset

    def _render(self, match_id: int) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=match_id)).data)

    def _edit(self, request: Request, serializer_class: type, service: Any, **extra: Any) -> Response:
        match = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        service(
            organization=self.request.organization,
            actor=self.request.user,
            match_id=match.pk,
            **serializer.validated_data,
        )
        return self._render(match.pk)

    @extend_schema(
        summary="Give the match another mentor (admins)",
        parameters=[PROGRAM_PK],
        request=SwapSerializer,
        responses={200: MatchSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="swap")
    def swap(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._edit(request, SwapSerializer, match_swap)

    @extend_schema(
        summary="Give the pair another mentee (admins)",
        parameters=[PROGRAM_PK],
        request=SetMenteeSerializer,
        responses={200: MatchSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="set-mentee")
    def set_mentee(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._edit(request, SetMenteeSerializer, match_set_mentee)

    @extend_schema(
        summary="Pin (or unpin) a match: re-runs keep it (admins)",
        parameters=[PROGRAM_PK],
        request=PinSerializer,
        responses={200: MatchSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="pin")
    def pin(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._edit(request, PinSerializer, match_pin)

    @extend_schema(
        summary="Approve this match: its people are emailed to accept (admins)",
        operation_id="program_match_approve",
        parameters=[PROGRAM_PK],
        request=None,
        responses={200: MatchSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="approve")
    def approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        match = self.get_object()
        approved = matches_approve(
            organization=self.request.organization,
            actor=self.request.user,
            program_id=self.program.pk,
            match_ids=[match.pk],
        )
        if not approved:
            raise exceptions.ValidationError({"status": [_("Only a proposed match can be approved.")]})
        return self._render(match.pk)

    @extend_schema(
        summary="Approve proposals in bulk: the listed ones, or all (admins)",
        operation_id="program_matches_approve",
        parameters=[PROGRAM_PK],
        request=ApproveSerializer,
        responses={200: CountSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="approve")
    def approve_bulk(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        approved = matches_approve(
            organization=self.request.organization,
            actor=self.request.user,
            program_id=self.program.pk,
            match_ids=serializer.validated_data.get("match_ids"),
        )
        return Response({"approved": approved})

    @extend_schema(
        summary="Discard a proposed or approved match (admins)",
        parameters=[PROGRAM_PK],
        request=None,
        responses={200: MatchSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="discard")
    def discard(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        match = self.get_object()
        match_discard(organization=self.request.organization, actor=self.request.user, match_id=match.pk)
        return Response(
            self.get_serializer(selectors.match_get(organization=self.request.organization, match_id=match.pk)).data
        )


# --- Participants: my matches -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Your matches (approved, active and past), newest first"),
    retrieve=extend_schema(summary="One of your matches, with why you were matched"),
)
class MyMatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """The signed-in person's matches. Anyone else's match answers 404. Stakeholders take part in nothing:
    403, as on the pages and the other participants' routes."""

    serializer_class = MyMatchSerializer
    schema_model = Match
    lookup_url_kwarg = "match_pk"
    lookup_value_converter = "int"
    read_roles = TAKING_PART
    write_roles = TAKING_PART

    def get_base_queryset(self) -> QuerySet[Match]:
        employee = employee_or_none(self.request)
        if employee is None:
            return Match.objects.none()
        return selectors.matches_of_employee(organization=self.request.organization, employee=employee)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        membership = getattr(self.request, "membership", None)
        context["employee_id"] = membership.employee_id if membership is not None else None
        return context

    @extend_schema(
        summary="Accept your match, or decline it with a reason",
        request=RespondSerializer,
        responses={200: MyMatchSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="respond")
    def respond(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        match = self.get_object()
        employee = employee_or_none(self.request)
        assert employee is not None  # get_object found one of this person's matches: they have a roster entry
        serializer = RespondSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        match_respond(
            organization=self.request.organization,
            actor=self.request.user,
            employee=employee,
            match_id=match.pk,
            accept=serializer.validated_data["accept"],
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=match.pk)).data)


# --- Mentee choice -----------------------------------------------------------------------------------------


class SuggestionsView(OrganizationAPIView):
    """Your five best mentors in a mentee-choice program (as an approved mentee), with the reasons."""

    read_roles = TAKING_PART

    @extend_schema(
        summary="Your top mentor suggestions in a program",
        parameters=[PROGRAM_PK],
        responses=SuggestionSerializer(many=True),
    )
    def get(self, request: Request, org_slug: str, program_pk: int) -> Response:
        employee = employee_or_none(self.request)
        mentee = (
            scoped(Participant, self.request.organization)
            .filter(program_id=program_pk, employee=employee, role=Participant.Role.MENTEE)
            .first()
            if employee is not None
            else None
        )
        if mentee is None:
            # Not enrolled as a mentee here (or no such program): nothing to suggest, nothing to learn.
            raise exceptions.NotFound("You are not a mentee in this program.")
        suggestions = suggestions_for(organization=self.request.organization, participant_id=mentee.pk)
        return Response(SuggestionSerializer([suggestion_data(s) for s in suggestions], many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Mentor requests you sent or received"),
    retrieve=extend_schema(summary="One of your mentor requests"),
)
class MentorRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """Mentee-choice requests: mentees ask a suggested mentor; mentors accept or decline; mentees may
    withdraw an open request. Only the two people of a request see it."""

    serializer_class = MentorRequestSerializer
    schema_model = MentorRequest
    lookup_url_kwarg = "request_pk"
    lookup_value_converter = "int"
    read_roles = TAKING_PART
    write_roles = TAKING_PART

    def get_base_queryset(self) -> QuerySet[MentorRequest]:
        employee = employee_or_none(self.request)
        if employee is None:
            return MentorRequest.objects.none()
        return selectors.mentor_requests_of(organization=self.request.organization, employee=employee)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        membership = getattr(self.request, "membership", None)
        context["employee_id"] = membership.employee_id if membership is not None else None
        return context

    def _render(self, request_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=request_id)).data, status=status_code)

    def _needs_employee(self) -> Employee:
        try:
            return employee_or_refusal(self.request)
        except DjangoValidationError as error:  # this API has always answered the refusal as a list
            raise exceptions.ValidationError(error.messages) from None

    @extend_schema(
        summary="Ask a mentor (mentee-choice programs)",
        request=MentorRequestCreateSerializer,
        responses={201: MentorRequestSerializer, 400: SERVICE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = MentorRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = mentor_request_create(
            organization=self.request.organization,
            actor=self.request.user,
            employee=self._needs_employee(),
            program_id=data["program"],
            mentor_participant_id=data["mentor_participant_id"],
            message=data.get("message", ""),
        )
        return self._render(created.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Accept or decline a request you received (mentors)",
        request=MentorRequestDecideSerializer,
        responses={200: MentorRequestSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="decide")
    def decide(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        mentor_request = self.get_object()
        serializer = MentorRequestDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        mentor_request_decide(
            organization=self.request.organization,
            actor=self.request.user,
            employee=self._needs_employee(),
            request_id=mentor_request.pk,
            accept=serializer.validated_data["accept"],
            reason=serializer.validated_data.get("reason", ""),
        )
        return self._render(mentor_request.pk)

    @extend_schema(
        summary="Withdraw a request you sent (mentees)",
        request=None,
        responses={200: MentorRequestSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="withdraw")
    def withdraw(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        mentor_request = self.get_object()
        mentor_request_withdraw(
            organization=self.request.organization,
            actor=self.request.user,
            employee=self._needs_employee(),
            request_id=mentor_request.pk,
        )
        return self._render(mentor_request.pk)
