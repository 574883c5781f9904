"""The Teams app's reads, scoped by organization in the query (the one cross-organization read, which
organization a tenant belongs to, says so at its call site)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from mentorhub.accounts.models import Membership, Organization, Role

from .models import TeamsCard, TeamsInstallation, TeamsLink


def installation_of(*, organization: Organization) -> TeamsInstallation | None:
    return TeamsInstallation.objects.filter(organization=organization).first()


def installation_for_tenant(tenant_id: str) -> TeamsInstallation | None:
    """The switched-on installation of a Microsoft 365 tenant. Crosses organizations: call it inside
    `all_organizations()` (the endpoint learns the organization from the activity)."""
    if not tenant_id:
        return None
    return (
        TeamsInstallation.objects.filter(tenant_id=tenant_id.lower(), enabled=True)
        .select_related("organization")
        .first()
    )


def link_of_user(*, organization: Organization, teams_user_id: str) -> TeamsLink | None:
    return (
        TeamsLink.objects.filter(organization=organization, teams_user_id=teams_user_id)
        .select_related("employee")
        .first()
    )


def links_of(*, organization: Organization, employee_ids: set[int]) -> dict[int, TeamsLink]:
    rows = TeamsLink.objects.filter(organization=organization, employee_id__in=employee_ids)
    return {link.employee_id: link for link in rows}


def acting_membership(*, organization: Organization, employee_id: int) -> Membership | None:
    """The sign-in of the person a card was for, allowed to take part (admins and members, as on the web
    pages); None for a roster entry without one, or a stakeholder."""
    return (
        Membership.objects.filter(
            organization=organization,
            employee_id=employee_id,
            deactivated_at__isnull=True,
            role__in=[Role.ADMIN, Role.MEMBER],
        )
        .select_related("user")
        .first()
    )


@dataclass(frozen=True)
class TeamsFigures:
    linked: int
    sent: int
    failed: int


def teams_figures(*, organization: Organization) -> TeamsFigures:
    linked = TeamsLink.objects.filter(organization=organization).count()
    cards = TeamsCard.objects.filter(organization=organization).aggregate(
        sent=Count("pk", filter=Q(status=TeamsCard.Status.SENT)),
        failed=Count("pk", filter=Q(status=TeamsCard.Status.FAILED)),
    )
    return TeamsFigures(linked=linked, sent=cards["sent"], failed=cards["failed"])
