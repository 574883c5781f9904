"""What the API of programs and of the apps above it (matching, sessions, analytics) share about programs:
which programs a person may see, and routes nested under programs/<program_pk>/.

A module of its own so the higher apps import this small piece, not the programs viewsets."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from mentorhub.accounts.models import Membership, Role
from mentorhub.tenancy import NestedParentMixin

from ..models import Participant, Program

# What people other than admins see: published programs (drafts are unfinished, closed ones are history).
PUBLISHED = [Program.Status.ENROLLING, Program.Status.MATCHING, Program.Status.ACTIVE]

PROGRAM_PK = OpenApiParameter("program_pk", OpenApiTypes.INT, OpenApiParameter.PATH)


def visible_programs(queryset: QuerySet[Program], membership: Membership) -> QuerySet[Program]:
    """Admins see every program; everyone else the published ones, plus those they are enrolled in."""
    if membership.role == Role.ADMIN:
        return queryset
    visible = Q(status__in=PUBLISHED)
    if membership.employee_id is not None:
        own = Participant.objects.filter(
            organization_id=membership.organization_id, program=OuterRef("pk"), employee_id=membership.employee_id
        )
        visible |= Q(Exists(own)) & ~Q(status=Program.Status.DRAFT)
    return queryset.filter(visible)


class ProgramNestedMixin(NestedParentMixin):
    """For routes under programs/<program_pk>/: `self.program` is resolved once, after the tenant and role
    checks, among the programs this person may see; anything else is 404 even for an empty list."""

    parent_url_kwarg = "program_pk"
    parent_attribute = "program"
    program: Program

    def get_parent_queryset(self) -> QuerySet[Program]:
        return visible_programs(Program.objects.all(), self.request.membership)  # type: ignore[attr-defined]
