import functools
from typing import Any

from django.http import HttpRequest

from .models import Membership, Role


def tenancy(request: HttpRequest) -> dict[str, Any]:
    """The current organization and membership, the user's other organizations for the switcher, and how many
    notifications wait unread (for the navigation)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    # Stakeholders have no notifications; a membership without a roster entry receives none.
    counts_unread = (
        membership is not None and membership.employee_id is not None and membership.role != Role.STAKEHOLDER
    )

    # The sessions app sits above accounts (ARCHITECTURE.md: dependencies point one way): its selectors are
    # imported when a page asks for the count, not when this module loads.
    @functools.cache
    def cached_unread() -> int | None:
        from sessions.selectors import unread_count_cached

        return unread_count_cached(organization_id=membership.organization_id, employee_id=membership.employee_id)

    @functools.cache
    def memberships() -> list[Membership]:
        queryset = Membership.objects.filter(user=user).select_related("organization").order_by("organization__name")
        if counts_unread and cached_unread() is None:
            # Not cached: count in this query, which every page runs for the switcher, not in one of its own.
            from sessions.selectors import unread_count_subquery

            queryset = queryset.annotate(unread=unread_count_subquery())
        return list(queryset)

    @functools.cache
    def unread_notifications() -> int:
        if not counts_unread:
            return 0
        count = cached_unread()
        if count is None:
            from sessions.selectors import unread_count_remember

            current = next((m for m in memberships() if m.pk == membership.pk), None)
            count = getattr(current, "unread", None) or 0
            unread_count_remember(
                organization_id=membership.organization_id, employee_id=membership.employee_id, count=count
            )
        return count

    return {
        "current_organization": getattr(request, "organization", None),
        "current_membership": membership,
        # Lazy: evaluated only by templates that show the switcher.
        "user_memberships": memberships,
        # Lazy too: from the cache, else from the switcher's query (a page never spends a query on it).
        "unread_notifications": unread_notifications,
    }
