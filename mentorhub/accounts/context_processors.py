from typing import Any

from django.http import HttpRequest

from .models import Membership


def tenancy(request: HttpRequest) -> dict[str, Any]:
    """The current organization and membership, and the user's other organizations for the switcher."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def memberships() -> list[Membership]:
        return list(Membership.objects.filter(user=user).select_related("organization").order_by("organization__name"))

    return {
        "current_organization": getattr(request, "organization", None),
        "current_membership": getattr(request, "membership", None),
        # Lazy: evaluated only by templates that show the switcher.
        "user_memberships": memberships,
    }
