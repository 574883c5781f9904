"""The employee directory (the roster) under /api/v1/o/<org_slug>/employees/, and its roster CSV upload."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from mentorhub.tenancy import OrganizationScopedViewSet
from mentorhub.web.pagination import PageSizePagination

from ... import roster_csv, selectors
from ...models import Employee, Role
from ...services.roster_import import roster_import_start
from ..serializers import (
    EmployeeDirectorySerializer,
    EmployeeSerializer,
    RosterErrorsSerializer,
    RosterImportSerializer,
    RosterUploadSerializer,
)

EVERYONE = frozenset({Role.ADMIN, Role.STAKEHOLDER, Role.MEMBER})
ADMINS_ONLY = frozenset({Role.ADMIN})


def _employee_for_role(many: bool = False) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name="EmployeeForRole",
        serializers=[EmployeeSerializer, EmployeeDirectorySerializer],
        resource_type_field_name=None,
        many=many,
    )


ROLE_NOTE = (
    "Admins get everyone and every field; members and stakeholders get current colleagues only (a leaver is 404), "
    "with the directory fields their organization chose (never job_level, hired_on, left_on)."
)


@extend_schema_view(
    list=extend_schema(
        summary="List employees",
        description=ROLE_NOTE,
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description="Words to find in name, email, department, title or location, or an exact employee_id.",
            )
        ],
        responses=_employee_for_role(many=True),
    ),
    retrieve=extend_schema(summary="One employee", description=ROLE_NOTE, responses=_employee_for_role()),
)
class EmployeeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """The organization's roster, ordered by name.

    Roles: admins, members and stakeholders may read it (it is the directory people use to find a mentor
    or a colleague: names, titles, departments). Job level, hiring and leaving dates are HR data: only
    admins get them (a leaving date may not be announced yet). Only admins may import a roster.
    """

    serializer_class = EmployeeSerializer
    schema_model = Employee
    pagination_class = PageSizePagination
    lookup_url_kwarg = "employee_pk"
    lookup_value_converter = "int"
    read_roles = EVERYONE
    write_roles = ADMINS_ONLY

    def get_serializer_class(self) -> type[EmployeeSerializer]:
        # Chosen by role, the narrow one unless the caller is known to be an admin.
        membership = getattr(self.request, "membership", None)
        return EmployeeSerializer if membership is not None and membership.is_admin else EmployeeDirectorySerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        membership = getattr(self.request, "membership", None)
        if membership is not None:
            context["directory_columns"] = selectors.directory_columns(membership=membership)
        return context

    def get_base_queryset(self) -> models.QuerySet[Employee]:
        search = self.request.query_params.get("search", "").strip() if self.action == "list" else ""
        # Members and stakeholders see current colleagues only: a leaver is 404 to them, in the list or alone.
        membership = getattr(self.request, "membership", None)
        sees_everyone = membership is not None and selectors.directory_sees_everyone(membership)
        return selectors.employees(
            organization=self.request.organization, search=search, include_departed=sees_everyone
        )

    @extend_schema(
        summary="Import a roster CSV",
        description=(
            "Checks every row first. On any problem the answer is 400 with every error as {line, column, "
            "message} (line 1 is the header) and nothing is applied. A valid file is queued and applied "
            "atomically in the background: the answer is 202 with the import; poll its `url` until `status` "
            "is done or failed. Employees not in the file are left unchanged. Admins only."
        ),
        request={"multipart/form-data": RosterUploadSerializer},
        responses={
            202: RosterImportSerializer,
            400: OpenApiResponse(RosterErrorsSerializer, description="The file was refused; nothing was applied."),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_roster(self, request: Request, **kwargs: Any) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            return _errors([roster_csv.RosterError(None, "file", "Attach the CSV as the multipart field “file”.")])
        try:
            roster_import = roster_import_start(
                organization=self.request.organization,
                actor=self.request.user,
                filename=upload.name,
                content=roster_csv.read_upload(upload),
            )
        except roster_csv.RosterValidationError as exc:
            return _errors(exc.errors)
        data = RosterImportSerializer(roster_import, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


def _errors(errors: list[roster_csv.RosterError]) -> Response:
    return Response({"errors": [error.as_dict() for error in errors]}, status=status.HTTP_400_BAD_REQUEST)
