"""Goals the caller sees (of their matches, their own, their mentees' personal ones) with milestones and
comments; and, for HR admins, each program's goal templates."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentorhub.tenancy import OrganizationScopedViewSet, employee_or_none
from mentorhub.web.schema import SERVICE_ERRORS
from programs.api.mixins import PROGRAM_PK, ProgramNestedMixin

from ...models import Goal, GoalTemplate, Milestone
from ...selectors.goals import (
    goal_for_employee,
    goal_list_of_employee,
    goal_template_get,
    milestones_visible_to,
    program_goal_templates,
)
from ...services.goals import (
    goal_comment_add,
    goal_create,
    goal_delete,
    goal_template_create,
    goal_template_delete,
    goal_template_update,
    goal_update,
    milestone_add,
    milestone_delete,
    milestone_update,
)
from ..serializers.goals import (
    GoalCommentCreateSerializer,
    GoalCommentSerializer,
    GoalCreateSerializer,
    GoalDetailSerializer,
    GoalSerializer,
    GoalTemplateSerializer,
    GoalTemplateWriteSerializer,
    GoalUpdateSerializer,
    MilestoneInputSerializer,
    MilestoneSerializer,
    MilestoneUpdateSerializer,
)
from .common import ADMIN_ONLY, TAKING_PART, int_param, needs_employee

GOAL_FILTERS = [
    OpenApiParameter("match", OpenApiTypes.INT, description="The goals of this match, and its people's own."),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Goal.Status.values, description="One status."),
]


@extend_schema_view(
    list=extend_schema(summary="The goals you see, with milestones and progress", parameters=GOAL_FILTERS),
    retrieve=extend_schema(summary="A goal with its milestones, progress and comments", responses=GoalDetailSerializer),
)
class GoalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """Goals of the caller's matches (shared by their people), their own personal goals, and, for mentors,
    their mentees' personal goals. The people of an active match change its goals; a personal goal is
    changed by its owner and their current mentor. Everyone who sees a goal may comment on it."""

    serializer_class = GoalSerializer
    schema_model = Goal
    lookup_url_kwarg = "goal_pk"
    lookup_value_converter = "int"
    read_roles = TAKING_PART
    write_roles = TAKING_PART

    def get_base_queryset(self) -> QuerySet[Goal]:
        employee = employee_or_none(self.request)
        if employee is None:
            return Goal.objects.none()
        if self.action != "list":
            return goal_list_of_employee(organization=self.request.organization, employee=employee)
        status_filter = self.request.query_params.get("status", "")
        return goal_list_of_employee(
            organization=self.request.organization,
            employee=employee,
            match_id=int_param(self.request, "match"),
            status=status_filter if status_filter in Goal.Status.values else "",
        )

    def _goal(self, goal_id: int) -> Goal:
        """The goal with its milestones and comments (the selector the pages use)."""
        return goal_for_employee(
            organization=self.request.organization, employee=employee_or_none(self.request), goal_id=goal_id
        )

    def _render(self, goal_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(
            GoalDetailSerializer(self._goal(goal_id), context=self.get_serializer_context()).data, status_code
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._render(self.get_object().pk)

    @extend_schema(
        summary="Set a goal for a match, or a personal one (optionally from a template, with milestones)",
        description="A template fills in what is left blank and adds its milestones, due the given number of "
        "days from today.",
        request=GoalCreateSerializer,
        responses={201: GoalDetailSerializer, 400: SERVICE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = GoalCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        goal = goal_create(
            organization=self.request.organization,
            employee=needs_employee(self.request),
            match_id=data.pop("match"),
            template_id=data.pop("template"),
            **data,
        )
        return self._render(goal.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a goal: title, description, due date, status",
        request=GoalUpdateSerializer,
        responses={200: GoalDetailSerializer, 400: SERVICE_ERRORS},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        goal = self.get_object()
        serializer = GoalUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        goal_update(
            organization=self.request.organization,
            employee=needs_employee(self.request),
            goal_id=goal.pk,
            **serializer.validated_data,
        )
        return self._render(goal.pk)

    @extend_schema(summary="Delete a goal with its milestones and comments", responses={204: None, 400: SERVICE_ERRORS})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        goal = self.get_object()
        goal_delete(organization=self.request.organization, employee=needs_employee(self.request), goal_id=goal.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Add a milestone to a goal",
        request=MilestoneInputSerializer,
        responses={201: MilestoneSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="milestones")
    def milestones(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        goal = self.get_object()
        serializer = MilestoneInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = milestone_add(
            organization=self.request.organization,
            employee=needs_employee(self.request),
            goal_id=goal.pk,
            **serializer.validated_data,
        )
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="A goal's comments, oldest first",
        request=None,
        responses=GoalCommentSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Comment on a goal (advice, encouragement)",
        request=GoalCommentCreateSerializer,
        responses={201: GoalCommentSerializer, 400: SERVICE_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], url_path="comments")
    def comments(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        goal = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(list(self._goal(goal.pk).comments.all()))
            return self.get_paginated_response(GoalCommentSerializer(page, many=True).data)
        serializer = GoalCommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = goal_comment_add(
            organization=self.request.organization,
            employee=needs_employee(self.request),
            goal_id=goal.pk,
            body=serializer.validated_data["body"],
        )
        return Response(GoalCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class MilestoneViewSet(OrganizationScopedViewSet):
    """A goal's milestones: change, tick off (`done`), delete. Those who may change the goal may change them."""

    serializer_class = MilestoneSerializer
    schema_model = Milestone
    lookup_url_kwarg = "milestone_pk"
    lookup_value_converter = "int"
    read_roles = TAKING_PART
    write_roles = TAKING_PART

    def get_base_queryset(self) -> QuerySet[Milestone]:
        employee = employee_or_none(self.request)
        if employee is None:
            return Milestone.objects.none()
        return milestones_visible_to(organization=self.request.organization, employee=employee)

    @extend_schema(
        summary="Change a milestone, or tick it off (done: true) or open it again",
        request=MilestoneUpdateSerializer,
        responses={200: MilestoneSerializer, 400: SERVICE_ERRORS},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        milestone = self.get_object()
        serializer = MilestoneUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changed = milestone_update(
            organization=self.request.organization,
            employee=needs_employee(self.request),
            milestone_id=milestone.pk,
            **serializer.validated_data,
        )
        return Response(MilestoneSerializer(changed).data)

    @extend_schema(summary="Delete a milestone", responses={204: None, 400: SERVICE_ERRORS})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        milestone = self.get_object()
        milestone_delete(
            organization=self.request.organization, employee=needs_employee(self.request), milestone_id=milestone.pk
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Goal templates (HR admins) --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="A program's goal templates", parameters=[PROGRAM_PK]),
    retrieve=extend_schema(summary="A goal template", parameters=[PROGRAM_PK]),
)
class GoalTemplateViewSet(
    ProgramNestedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet
):
    """Ready-made goals an HR admin offers in a program; milestones are [{title, due_after_days}]. Admins
    change them; the people taking part read them, to set a goal from one (`template` on a new goal)."""

    serializer_class = GoalTemplateSerializer
    schema_model = GoalTemplate
    lookup_url_kwarg = "template_pk"
    lookup_value_converter = "int"
    read_roles = TAKING_PART
    write_roles = ADMIN_ONLY

    def get_base_queryset(self) -> QuerySet[GoalTemplate]:
        return program_goal_templates(organization=self.request.organization, program=self.program)

    def _render(self, template_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        template = goal_template_get(
            organization=self.request.organization, program=self.program, template_id=template_id
        )
        return Response(self.get_serializer(template).data, status=status_code)

    @extend_schema(
        summary="Add a goal template (admins)",
        parameters=[PROGRAM_PK],
        request=GoalTemplateWriteSerializer,
        responses={201: GoalTemplateSerializer, 400: SERVICE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = GoalTemplateWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = goal_template_create(
            organization=self.request.organization,
            actor=self.request.user,
            program_id=self.program.pk,
            **serializer.validated_data,
        )
        return self._render(template.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a goal template (admins); goals made from it stay as they are",
        parameters=[PROGRAM_PK],
        request=GoalTemplateWriteSerializer,
        responses={200: GoalTemplateSerializer, 400: SERVICE_ERRORS},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        template = self.get_object()
        serializer = GoalTemplateWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        goal_template_update(
            organization=self.request.organization,
            actor=self.request.user,
            program_id=self.program.pk,
            template_id=template.pk,
            **serializer.validated_data,
        )
        return self._render(template.pk)

    @extend_schema(
        summary="Delete a goal template (admins); goals made from it stay",
        parameters=[PROGRAM_PK],
        responses={204: None, 400: SERVICE_ERRORS},
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        template = self.get_object()
        goal_template_delete(
            organization=self.request.organization,
            actor=self.request.user,
            program_id=self.program.pk,
            template_id=template.pk,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
