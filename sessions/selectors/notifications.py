"""A person's notifications, their email preferences, and the unread count every page's navigation shows
(cached; registered with accounts.extensions by this app's AppConfig.ready())."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.cache import cache
from django.db.models import Count, OuterRef, QuerySet

from mentorhub.accounts.extensions import NavigationCount
from mentorhub.accounts.models import Employee, Membership, Organization, Role
from mentorhub.tenancy import get_scoped_or_404, scoped

from ..models import Notification, NotificationPreference

UNREAD_CACHE_SECONDS = 300


def notifications_of(*, organization: Organization, employee: Employee) -> QuerySet[Notification]:
    return scoped(Notification, organization).filter(recipient=employee).order_by("-created_at", "-id")


def notification_get(*, organization: Organization, employee: Employee | None, notification_id: int) -> Notification:
    if employee is None:
        return get_scoped_or_404(Notification.objects.none(), organization, pk=notification_id)
    return get_scoped_or_404(
        notifications_of(organization=organization, employee=employee), organization, pk=notification_id
    )


def unread_cache_key(organization_id: int, employee_id: int) -> str:
    return f"notifications:unread:o{organization_id}:e{employee_id}"


def unread_count(*, organization: Organization, employee: Employee) -> int:
    """How many notices this person has not read; cached (services forget it when it changes)."""
    key = unread_cache_key(organization.pk, employee.pk)
    count = cache.get(key)
    if count is None:
        count = scoped(Notification, organization).filter(recipient=employee, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def preference_of(*, organization: Organization, employee: Employee) -> NotificationPreference:
    """This person's preferences (an unsaved default with everything on when they never chose)."""
    found = scoped(NotificationPreference, organization).filter(employee=employee).first()
    return found or NotificationPreference(organization=organization, employee=employee, email_off=[])


def unread_count_cached(*, organization_id: int, employee_id: int) -> int | None:
    """The cached count of unread notices (as unread_count keeps it), or None when it is not cached: no query."""
    return cache.get(unread_cache_key(organization_id, employee_id))


def unread_count_remember(*, organization_id: int, employee_id: int, count: int) -> None:
    """Cache a count read along with another query (unread_count_subquery), exactly as unread_count does."""
    cache.set(unread_cache_key(organization_id, employee_id), count, UNREAD_CACHE_SECONDS)


def unread_count_subquery() -> QuerySet[Notification, Mapping[str, Any]]:
    """An annotation for a Membership queryset: how many unread notices its employee has in its organization
    (NULL for none). Every page's navigation lists the user's organizations anyway; counting in that same query
    lets a cache miss cost no query of its own. Scoped by the membership's own organization (OuterRef)."""
    return (
        Notification.objects.filter(
            organization_id=OuterRef("organization_id"), recipient_id=OuterRef("employee_id"), read_at__isnull=True
        )
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values("n")
    )


UNREAD_NAVIGATION_COUNT = NavigationCount(
    name="unread_notifications",
    # Stakeholders have no notifications; a membership without a roster entry receives none.
    applies=lambda membership: membership.employee_id is not None and membership.role != Role.STAKEHOLDER,
    cached=lambda membership: unread_count_cached(
        organization_id=membership.organization_id, employee_id=_employee_id(membership)
    ),
    subquery=unread_count_subquery,
    remember=lambda membership, count: unread_count_remember(
        organization_id=membership.organization_id, employee_id=_employee_id(membership), count=count
    ),
)


def _employee_id(membership: Membership) -> int:
    assert membership.employee_id is not None, "the count applies to memberships with a roster entry only"
    return membership.employee_id
