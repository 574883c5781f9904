"""Every read the accounts pages, API and tasks need; each one scoped by organization in the query."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from mentorhub.tenancy import scoped

from . import roster_progress
from .models import (
    DIRECTORY_COLUMN_KEYS,
    ApiToken,
    AuditEvent,
    Employee,
    EmploymentEvent,
    Invitation,
    Membership,
    Organization,
    RosterImport,
    User,
)


def memberships_of_user(*, user: User) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user, deactivated_at__isnull=True)
        .select_related("organization")
        .order_by("organization__name")
    )


def employees(
    *, organization: Organization, search: str = "", include_departed: bool = True, department: str = ""
) -> QuerySet[Employee]:
    queryset = scoped(Employee, organization).select_related("manager")
    if department:
        queryset = queryset.filter(department=department)
    if search:
        terms = search.split()
        for term in terms:
            queryset = queryset.filter(
                Q(name__icontains=term)
                | Q(email__icontains=term)
                | Q(employee_id__iexact=term)
                | Q(department__icontains=term)
                | Q(title__icontains=term)
                | Q(location__icontains=term)
            )
    if not include_departed:
        today = timezone.localdate()
        queryset = queryset.filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
    return queryset.order_by("name", "id")


def directory_sees_everyone(membership: Membership) -> bool:
    """Admins see the whole roster, leavers included; members and stakeholders see current colleagues only."""
    return membership.is_admin


def directory_columns(*, membership: Membership) -> frozenset[str]:
    """The optional people-directory columns this member sees: every one for admins, else the organization's
    choice (the name is always shown; HR fields are a separate, admins-only matter)."""
    if directory_sees_everyone(membership):
        return frozenset(DIRECTORY_COLUMN_KEYS)
    return frozenset(membership.organization.directory_columns) & frozenset(DIRECTORY_COLUMN_KEYS)


def organization_summary(*, organization: Organization) -> dict[str, Any]:
    today = timezone.localdate()
    current = scoped(Employee, organization).filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
    figures = current.aggregate(
        employees=Count("id"),
        departments=Count("department", distinct=True),
        locations=Count("location", distinct=True),
    )
    figures["members"] = scoped(Membership, organization).count()
    return figures


def audit_events(*, organization: Organization, verb: str = "") -> QuerySet[AuditEvent]:
    queryset = scoped(AuditEvent, organization).select_related("actor").order_by("-created_at", "-id")
    return queryset.filter(verb=verb) if verb else queryset


def audit_verbs(*, organization: Organization) -> list[str]:
    return list(scoped(AuditEvent, organization).order_by("verb").values_list("verb", flat=True).distinct())


def departments(*, organization: Organization) -> list[str]:
    return list(scoped(Employee, organization).order_by("department").values_list("department", flat=True).distinct())


def employee_reports(
    *, organization: Organization, employee: Employee, include_departed: bool = True
) -> QuerySet[Employee]:
    return employees(organization=organization, include_departed=include_departed).filter(manager=employee)


def employee_events(*, organization: Organization, employee: Employee) -> QuerySet[EmploymentEvent]:
    return scoped(EmploymentEvent, organization).filter(employee=employee).order_by("-occurred_on", "-id")


def memberships(*, organization: Organization) -> QuerySet[Membership]:
    return scoped(Membership, organization).select_related("user", "employee").order_by("user__email")


def invitations(*, organization: Organization) -> QuerySet[Invitation]:
    return scoped(Invitation, organization).select_related("invited_by", "accepted_by").order_by("-created_at", "-id")


def api_tokens(*, organization: Organization) -> QuerySet[ApiToken]:
    return scoped(ApiToken, organization).select_related("membership__user").order_by("-created_at", "-id")


def roster_imports(*, organization: Organization) -> QuerySet[RosterImport]:
    """Roster imports, newest first, without their stored rows (tens of MB for a large file)."""
    return scoped(RosterImport, organization).defer("rows").select_related("created_by").order_by("-created_at", "-id")


def roster_imports_with_progress(imports: Iterable[RosterImport]) -> list[RosterImport]:
    """`imports` with processed_rows of running ones read from the cache: the apply runs in one
    transaction, so its progress in the database stays invisible until it commits."""
    imports = list(imports)
    roster_progress.apply_live_progress(imports)
    return imports
