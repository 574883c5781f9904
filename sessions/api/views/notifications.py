"""The caller's in-app notices, their email preferences and the secret address of their calendar feed."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentorhub.tenancy import OrganizationAPIView, OrganizationScopedViewSet, employee_or_none
from mentorhub.web.schema import SERVICE_ERRORS

from ...messages import CATEGORIES
from ...models import CalendarFeed, Notification, NotificationPreference
from ...selectors.notifications import notifications_of, preference_of, unread_count
from ...services.notifications import (
    calendar_feed_get_or_create,
    calendar_feed_rotate,
    feed_token,
    notification_mark_read,
    notifications_mark_all_read,
    preferences_save,
)
from ..serializers.notifications import (
    CalendarFeedSerializer,
    MarkedSerializer,
    NotificationSerializer,
    PreferencesSerializer,
    PreferencesWriteSerializer,
    UnreadSerializer,
)
from .common import TAKING_PART, needs_employee, true_param


@extend_schema_view(
    list=extend_schema(
        summary="Your notifications, newest first",
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only those not read yet.")],
    ),
)
class NotificationViewSet(mixins.ListModelMixin, OrganizationScopedViewSet):
    """In-app notices: reminders (sessions, milestones, nudges) and what others did ("Ana ended the match").
    Each person reads only their own."""

    serializer_class = NotificationSerializer
    schema_model = Notification
    lookup_url_kwarg = "notification_pk"
    lookup_value_converter = "int"
    read_roles = TAKING_PART
    write_roles = TAKING_PART

    def get_base_queryset(self) -> QuerySet[Notification]:
        employee = employee_or_none(self.request)
        if employee is None:
            return Notification.objects.none()
        queryset = notifications_of(organization=self.request.organization, employee=employee)
        if self.action == "list" and true_param(self.request, "unread"):
            queryset = queryset.filter(read_at__isnull=True)
        return queryset

    @extend_schema(summary="Mark a notification read", request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"], url_path="read")
    def read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        notice = notification_mark_read(
            organization=self.request.organization,
            employee=needs_employee(self.request),
            notification_id=self.get_object().pk,
        )
        return Response(self.get_serializer(notice).data)

    @extend_schema(summary="Mark all your notifications read", request=None, responses={200: MarkedSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        employee = employee_or_none(self.request)
        marked = (
            notifications_mark_all_read(organization=self.request.organization, employee=employee)
            if employee is not None
            else 0
        )
        return Response(MarkedSerializer({"marked": marked}).data)

    @extend_schema(summary="How many notifications you have not read", responses={200: UnreadSerializer})
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        employee = employee_or_none(self.request)
        unread = unread_count(organization=self.request.organization, employee=employee) if employee else 0
        return Response(UnreadSerializer({"unread": unread}).data)


def _preferences(preference: NotificationPreference) -> dict[str, Any]:
    off = set(preference.email_off)
    return {
        "email_off": sorted(off),
        "categories": [
            {"key": key, "label": label, "email": key not in off} for key, (label, _kinds) in CATEGORIES.items()
        ],
    }


class NotificationPreferencesView(OrganizationAPIView):
    """Which kinds of email you do not want. In-app notices always appear."""

    read_roles = TAKING_PART
    write_roles = TAKING_PART

    @extend_schema(summary="Your email preferences", responses={200: PreferencesSerializer})
    def get(self, request: Request, org_slug: str) -> Response:
        preference = preference_of(organization=self.request.organization, employee=needs_employee(self.request))
        return Response(PreferencesSerializer(_preferences(preference)).data)

    @extend_schema(
        summary="Choose the kinds of email you do not want",
        request=PreferencesWriteSerializer,
        responses={200: PreferencesSerializer, 400: SERVICE_ERRORS},
    )
    def put(self, request: Request, org_slug: str) -> Response:
        serializer = PreferencesWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preference = preferences_save(
            organization=self.request.organization,
            employee=needs_employee(self.request),
            email_off=serializer.validated_data["email_off"],
        )
        return Response(PreferencesSerializer(_preferences(preference)).data)


def _feed(request: Request, feed: CalendarFeed) -> dict[str, Any]:
    path = reverse("calendar-feed", kwargs={"token": feed_token(feed)})
    return {
        "url": request.build_absolute_uri(path),
        "rotated_at": feed.rotated_at,
        "last_fetched_at": feed.last_fetched_at,
    }


class CalendarFeedView(OrganizationAPIView):
    """Your secret calendar subscription address (made on first use): every session of your matches, kept up
    to date in your calendar app. Anyone with the address can read it: rotate it if it leaked."""

    read_roles = TAKING_PART
    write_roles = TAKING_PART

    @extend_schema(summary="Your calendar feed's address", responses={200: CalendarFeedSerializer})
    def get(self, request: Request, org_slug: str) -> Response:
        feed = calendar_feed_get_or_create(
            organization=self.request.organization, employee=needs_employee(self.request)
        )
        return Response(CalendarFeedSerializer(_feed(request, feed)).data)


class CalendarFeedRotateView(OrganizationAPIView):
    """A new secret address for your calendar feed; the old one stops working at once (rotate a leaked one)."""

    read_roles = TAKING_PART
    write_roles = TAKING_PART

    @extend_schema(
        summary="A new calendar feed address; the old one stops working",
        request=None,
        responses={200: CalendarFeedSerializer},
    )
    def post(self, request: Request, org_slug: str) -> Response:
        feed = calendar_feed_rotate(organization=self.request.organization, employee=needs_employee(self.request))
        return Response(CalendarFeedSerializer(_feed(request, feed)).data)
