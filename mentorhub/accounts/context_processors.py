import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from mentorhub.db.tenant_scope import all_organizations

from .extensions import NavigationCount, navigation_counts
from .models import Membership


def tenancy(request: HttpRequest) -> dict[str, Any]:
    """The current organization and membership, the user's other organizations for the switcher, and the
    counts the navigation shows (registered by higher apps in accounts.extensions: unread notifications)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership: Membership | None = getattr(request, "membership", None)
    counts = [count for count in navigation_counts() if membership is not None and count.applies(membership)]

    @functools.cache
    def cached(count: NavigationCount) -> int | None:
        assert membership is not None, "only counts that apply to a membership are read"
        return count.cached(membership)

    # The organization pages' tenancy layer loaded this person's memberships along with the one the page is
    # for (mentorhub.tenancy.memberships_with): the switcher reuses them while every count is cached.
    loaded: list[Membership] | None = getattr(request, "user_memberships", None)

    @functools.cache
    def memberships() -> list[Membership]:
        if loaded is not None and all(cached(count) is not None for count in counts):
            return loaded
        queryset = (
            Membership.objects.filter(user=user, deactivated_at__isnull=True)
            .select_related("organization")
            .order_by("organization__name")
        )
        for count in counts:
            if cached(count) is None:
                # Not cached: count in this query, which every page runs for the switcher, not in one of its own.
                queryset = queryset.annotate(**{_annotation(count): count.subquery()})
        with all_organizations():  # the switcher lists this person's memberships in every organization
            return list(queryset)

    def value_of(count: NavigationCount) -> Callable[[], int]:
        @functools.cache
        def value() -> int:
            if count not in counts:
                return 0
            found = cached(count)
            if found is None:
                assert membership is not None, "only counts that apply to a membership are read"
                current = next((m for m in memberships() if m.pk == membership.pk), None)
                found = getattr(current, _annotation(count), None) or 0
                count.remember(membership, found)
            return found

        return value

    context: dict[str, Any] = {
        "current_organization": getattr(request, "organization", None),
        "current_membership": membership,
        # Lazy: evaluated only by templates that show the switcher.
        "user_memberships": memberships,
    }
    # Lazy too: from the cache, else from the switcher's query (a page never spends a query on them).
    for count in navigation_counts():
        context[count.name] = value_of(count)
    return context


def _annotation(count: NavigationCount) -> str:
    return f"nav_{count.name}"
