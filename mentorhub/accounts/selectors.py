"""Every read the accounts pages, API and tasks need; each one scoped by organization in the query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from mentorhub.db.tenant_scope import all_organizations
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
    """This person's memberships in every organization (to choose one: read across organizations)."""
    with all_organizations():
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
    """`employees` are the current ones (not left, or leaving later); `on_roster` every row of the roster,
    leavers included (kept for the impact report's retention figures), `left` the difference."""
    today = timezone.localdate()
    current = Q(left_on__isnull=True) | Q(left_on__gt=today)
    figures = scoped(Employee, organization).aggregate(
        employees=Count("id", filter=current),
        on_roster=Count("id"),
        departments=Count("department", distinct=True, filter=current),
        locations=Count("location", distinct=True, filter=current),
    )
    figures["left"] = figures["on_roster"] - figures["employees"]
    figures["members"] = scoped(Membership, organization).count()
    return figures


# The actor filter's word for events no person caused (SCIM, scheduled tasks): their actor_email is empty.
SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class AuditFilters:
    """What the audit log is narrowed to; empty values mean "any". `since` and `until` are calendar days in
    `zone` (the viewer's), both included."""

    actor: str = ""  # an email, matched whatever its case, or SYSTEM_ACTOR
    verb: str = ""
    target_type: str = ""  # a model label, as audit_record writes it ("accounts.membership")
    target: str = ""  # a target's id (exactly) or part of its label
    since: date | None = None
    until: date | None = None
    zone: tzinfo = UTC


def _day_start(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def audit_events(*, organization: Organization, filters: AuditFilters | None = None) -> QuerySet[AuditEvent]:
    """The organization's audit events, newest first. Nothing here reads `actor` (the email is kept on the
    event), so no join."""
    queryset = scoped(AuditEvent, organization).order_by("-created_at", "-id")
    if filters is None:
        return queryset
    if filters.actor == SYSTEM_ACTOR:
        queryset = queryset.filter(actor_email="")
    elif filters.actor:
        queryset = queryset.filter(actor_email__iexact=filters.actor)
    if filters.verb:
        queryset = queryset.filter(verb=filters.verb)
    if filters.target_type:
        queryset = queryset.filter(target_type=filters.target_type)
    if filters.target:
        queryset = queryset.filter(Q(target_id=filters.target) | Q(target_label__icontains=filters.target))
    # Bounds on the column itself (not `created_at__date`), so the (organization, -created_at) index serves
    # them; "until" includes its whole day: before midnight of the next day, in the viewer's zone.
    if filters.since:
        queryset = queryset.filter(created_at__gte=_day_start(filters.since, filters.zone))
    if filters.until:
        queryset = queryset.filter(created_at__lt=_day_start(filters.until + timedelta(days=1), filters.zone))
    return queryset


def _distinct(organization: Organization, column: str, limit: int | None = None) -> list[str]:
    values = scoped(AuditEvent, organization).order_by(column).values_list(column, flat=True).distinct()
    return list(values[:limit] if limit is not None else values)


def audit_verbs(*, organization: Organization) -> list[str]:
    return _distinct(organization, "verb")


def audit_actors(*, organization: Organization, limit: int) -> list[str]:
    """The first `limit` emails (alphabetically) that appear as actors in the log, SYSTEM_ACTOR standing for
    events without one (it sorts first)."""
    return [email or SYSTEM_ACTOR for email in _distinct(organization, "actor_email", limit)]


def audit_target_types(*, organization: Organization) -> list[str]:
    return [label for label in _distinct(organization, "target_type") if label]


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
