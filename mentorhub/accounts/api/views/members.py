"""Members (memberships) and invitations, admins only: /api/v1/o/<org_slug>/members/ and .../invitations/.

A service's ValidationError becomes a 400 with its messages (mentorhub.web.errors.api_exception_handler)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentorhub.tenancy import OrganizationScopedViewSet

from ...models import Invitation, Membership, Role
from ...services.invitations import invitation_create, invitation_resend, invitation_revoke
from ..serializers import InvitationCreateSerializer, InvitationSerializer, MemberSerializer

ADMINS_ONLY = frozenset({Role.ADMIN})


@extend_schema_view(list=extend_schema(summary="List the organization's members", tags=["members"]))
class MemberViewSet(mixins.ListModelMixin, OrganizationScopedViewSet):
    """Who can sign in to the organization, with their role and roster entry."""

    serializer_class = MemberSerializer
    read_roles = ADMINS_ONLY
    write_roles = ADMINS_ONLY
    lookup_url_kwarg = "membership_pk"

    def get_base_queryset(self):
        # The organization filter is added by OrganizationScopedViewSet.get_queryset.
        return Membership.objects.select_related("user", "employee").order_by("user__email", "id")


@extend_schema_view(
    list=extend_schema(summary="List invitations, newest first", tags=["invitations"]),
    create=extend_schema(
        summary="Invite an email address with a role",
        description="Queues an email with a link that works once, for this organization only, until it "
        "expires (the email leaves in the background; resend if it does not arrive). "
        "Refused (400) when the address is already a member or has a pending invitation.",
        request=InvitationCreateSerializer,
        responses={
            201: InvitationSerializer,
            400: OpenApiResponse(description="Invalid email or role, or a duplicate"),
        },
        tags=["invitations"],
    ),
    resend=extend_schema(
        summary="Email a pending invitation again",
        description="Queues the email again with a new link, valid for the full time again; the old link stops "
        "working.",
        request=None,
        responses={200: InvitationSerializer, 400: OpenApiResponse(description="Not pending")},
        tags=["invitations"],
    ),
    revoke=extend_schema(
        summary="Revoke a pending invitation",
        request=None,
        responses={200: InvitationSerializer, 400: OpenApiResponse(description="Already accepted")},
        tags=["invitations"],
    ),
)
class InvitationViewSet(mixins.ListModelMixin, OrganizationScopedViewSet):
    serializer_class = InvitationSerializer
    # Refusals that concern no field (already accepted, revoked, expired) have always answered {"detail": [...]}.
    service_errors_non_field_key = "detail"
    read_roles = ADMINS_ONLY
    write_roles = ADMINS_ONLY
    lookup_url_kwarg = "invitation_pk"
    lookup_value_converter = "int"

    def get_base_queryset(self):
        return Invitation.objects.select_related("invited_by").order_by("-created_at", "-id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = InvitationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        invitation, _raw = invitation_create(
            organization=self.request.organization,
            actor=self.request.user,
            email=payload.validated_data["email"],
            role=payload.validated_data["role"],
            base_url=request.build_absolute_uri("/"),
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def resend(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invitation = self.get_object()
        invitation, _raw = invitation_resend(
            organization=self.request.organization,
            actor=self.request.user,
            invitation_id=invitation.pk,
            base_url=request.build_absolute_uri("/"),
        )
        return Response(InvitationSerializer(invitation).data)

    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invitation = self.get_object()
        invitation = invitation_revoke(
            organization=self.request.organization, actor=self.request.user, invitation_id=invitation.pk
        )
        return Response(InvitationSerializer(invitation).data)
