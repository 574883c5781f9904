"""Roster imports under /api/v1/o/<org_slug>/roster-imports/: their status, progress and errors, and the
re-run of a failed one. Admins only."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentorhub.tenancy import OrganizationScopedViewSet

from ... import selectors
from ...models import Role, RosterImport
from ...services.roster_import import roster_import_rerun
from ..serializers import RosterImportSerializer

ADMINS_ONLY = frozenset({Role.ADMIN})


@extend_schema_view(
    list=extend_schema(summary="List roster imports"),
    retrieve=extend_schema(summary="A roster import's status, counts and progress"),
)
class RosterImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """Roster imports, newest first. Admins only: they show who uploaded what and the import errors."""

    serializer_class = RosterImportSerializer
    schema_model = RosterImport
    lookup_url_kwarg = "import_pk"
    lookup_value_converter = "int"
    read_roles = ADMINS_ONLY
    write_roles = ADMINS_ONLY

    def get_base_queryset(self) -> models.QuerySet[RosterImport]:
        return selectors.roster_imports(organization=self.request.organization)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # REST_FRAMEWORK sets a default pagination class
        imports = selectors.roster_imports_with_progress(page)
        return self.get_paginated_response(self.get_serializer(imports, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        (roster_import,) = selectors.roster_imports_with_progress([self.get_object()])
        return Response(self.get_serializer(roster_import).data)

    @extend_schema(
        summary="Re-run a failed import",
        request=None,
        responses={
            202: RosterImportSerializer,
            409: OpenApiResponse(description="The import has not failed; there is nothing to re-run."),
        },
    )
    @action(detail=True, methods=["post"], url_path="rerun", url_name="rerun")
    def rerun(self, request: Request, **kwargs: Any) -> Response:
        roster_import = self.get_object()  # 404 for another organization's import
        try:
            roster_import = roster_import_rerun(
                organization=self.request.organization, actor=self.request.user, import_id=roster_import.pk
            )
        except ValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(roster_import).data, status=status.HTTP_202_ACCEPTED)
