"""The caller's availability for Find a time (GET, and PUT to replace it as a whole)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mentorhub.tenancy import OrganizationAPIView
from mentorhub.web.schema import SERVICE_ERRORS

from ...selectors.availability import availability_of
from ...services.availability import AwayIn, WindowIn, availability_set
from ..serializers.availability import AvailabilitySerializer, AvailabilityWriteSerializer
from .common import TAKING_PART, needs_employee


class AvailabilityView(OrganizationAPIView):
    """Your weekly working windows (local times in your zone) and away dates."""

    read_roles = TAKING_PART
    write_roles = TAKING_PART

    def _answer(self) -> Response:
        employee = needs_employee(self.request)
        current = availability_of(organization=self.request.organization, employee=employee)
        data = {
            "time_zone": employee.time_zone,
            "assumed": not current.windows,
            "windows": current.windows,
            "away": current.away,
        }
        return Response(AvailabilitySerializer(data).data)

    @extend_schema(summary="Your availability", responses={200: AvailabilitySerializer})
    def get(self, request: Request, org_slug: str) -> Response:
        return self._answer()

    @extend_schema(
        summary="Replace your availability",
        request=AvailabilityWriteSerializer,
        responses={200: AvailabilitySerializer, 400: SERVICE_ERRORS},
    )
    def put(self, request: Request, org_slug: str) -> Response:
        serializer = AvailabilityWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        availability_set(
            organization=self.request.organization,
            actor=self.request.user,
            employee=needs_employee(self.request),
            windows=[WindowIn(w["weekday"], w["starts"], w["ends"]) for w in data["windows"]],
            away=[AwayIn(a["starts_on"], a["ends_on"]) for a in data["away"]],
        )
        return self._answer()
