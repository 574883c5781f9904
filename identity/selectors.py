"""Every read the identity pages, sign-in and provisioning need, scoped by organization in the query itself
(except `organization_for_email_domain`, which answers which organization, if any, verified a domain)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from mentorhub.accounts.models import Employee, Organization
from mentorhub.db.tenant_scope import all_organizations
from mentorhub.tenancy import get_scoped_or_404, scoped

from .domains import domain_of_email
from .models import ClaimedDomain, EmployeeGroup, SsoConnection, SsoSignInAttempt

RECENT_ATTEMPTS = 20


def sso_connection_for(*, organization: Organization) -> SsoConnection | None:
    """The organization's SSO connection, or None before its admin first saved the SSO settings."""
    return scoped(SsoConnection, organization).select_related("organization").first()


def claimed_domains(*, organization: Organization) -> QuerySet[ClaimedDomain]:
    """The organization's claims, verified and pending, by domain."""
    return scoped(ClaimedDomain, organization).order_by("domain")


def claimed_domain_get(*, organization: Organization, domain_id: int) -> ClaimedDomain:
    """One of the organization's claimed domains, or 404 (another organization's is "not found")."""
    return get_scoped_or_404(ClaimedDomain, organization, pk=domain_id)


def domain_verified_by(*, organization: Organization, domain: str) -> bool:
    """Whether the organization verified this (stored-form) domain: only a verified claim counts."""
    return scoped(ClaimedDomain, organization).filter(domain=domain, verified_at__isnull=False).exists()


def sso_sign_in_attempts(*, organization: Organization, limit: int = RECENT_ATTEMPTS) -> list[SsoSignInAttempt]:
    """The organization's latest SSO sign-ins and connection tests, newest first."""
    return list(scoped(SsoSignInAttempt, organization).order_by("-created_at", "-id")[:limit])


def organization_for_email_domain(domain: str) -> Organization | None:
    """The organization that VERIFIED this email domain (an address works too), or None; a pending claim
    never counts. Across the deployment on purpose: home-realm discovery and the sign-in policy ask it before
    anyone is signed in."""
    normalized = domain_of_email(domain)
    if normalized is None:
        return None
    with all_organizations():
        claim = (
            ClaimedDomain.objects.select_related("organization")
            .filter(domain=normalized, verified_at__isnull=False)
            .first()
        )
    return claim.organization if claim is not None else None


# --- Employee groups (the Groups pages; helper "groups") ------------------------------------------------

GROUP_CANDIDATE_LIMIT = 20


def groups_with_counts(*, organization: Organization) -> QuerySet[EmployeeGroup]:
    """The organization's employee groups by name, each with `member_count`."""
    return (
        scoped(EmployeeGroup, organization)
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("display_name", "id")
    )


def group_get(*, organization: Organization, group_id: int) -> EmployeeGroup:
    """One of the organization's groups, or 404 (another organization's is "not found")."""
    return get_scoped_or_404(EmployeeGroup, organization, pk=group_id)


def _employee_search(queryset: QuerySet[Employee], search: str) -> QuerySet[Employee]:
    for term in search.split():
        queryset = queryset.filter(
            Q(name__icontains=term)
            | Q(email__icontains=term)
            | Q(employee_id__iexact=term)
            | Q(department__icontains=term)
        )
    return queryset


def group_members(*, organization: Organization, group: EmployeeGroup, search: str = "") -> QuerySet[Employee]:
    """The group's members (roster entries), by name."""
    members = scoped(Employee, organization).filter(
        group_memberships__group=group, group_memberships__organization=organization
    )
    return _employee_search(members, search).order_by("name", "id")


def group_candidates(*, organization: Organization, group: EmployeeGroup, search: str) -> list[Employee]:
    """Current roster entries outside the group that match `search` (name, email, employee id, department)."""
    if not search.strip():
        return []
    inside = group.memberships.filter(organization=organization).values("employee_id")
    current = Q(left_on__isnull=True) | Q(left_on__gt=timezone.localdate())
    people = scoped(Employee, organization).filter(current).exclude(pk__in=inside)
    return list(_employee_search(people, search).order_by("name", "id")[:GROUP_CANDIDATE_LIMIT])


def employees_by_employee_id(*, organization: Organization, employee_ids: list[str]) -> dict[str, Employee]:
    """{employee id, lowercased: roster entry} for the ids found (compared without case)."""
    wanted = sorted({value.strip().lower() for value in employee_ids if value.strip()})
    found = scoped(Employee, organization).annotate(id_lower=Lower("employee_id")).filter(id_lower__in=wanted)
    return {person.employee_id.lower(): person for person in found}


def group_program_names(*, organization: Organization, group: EmployeeGroup) -> list[str]:
    """The programs whose audience names this group (a group in use cannot be deleted)."""
    links = group.program_links.filter(organization=organization)
    return list(links.order_by("program__name").values_list("program__name", flat=True))
