from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from mentorhub.tenancy import OrgRequest, org_view

from .. import selectors
from ..activity import activities
from ..extensions import admin_attention
from ..models import User


# Both only read: any other method is 405 (tests/security/test_role_matrix.py lists each route's methods).
@login_required
@require_safe
def root(request: HttpRequest) -> HttpResponse:
    """Send a signed-in person to their organization, or let them choose when they have several."""
    assert isinstance(request.user, User)  # login_required let only a signed-in user through
    memberships = selectors.memberships_of_user(user=request.user)
    if len(memberships) == 1:
        return redirect("org-home", org_slug=memberships[0].organization.slug)
    return render(request, "accounts/choose_organization.html", {"memberships": memberships})


@org_view()
@require_safe
def org_home(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    summary = selectors.organization_summary(organization=organization)
    context: dict[str, Any] = {"summary": summary, "recent": [], "attention": []}
    if request.membership.is_admin:
        # The actor's name makes the sentence: one join, no query per event.
        events = list(selectors.audit_events(organization=organization).select_related("actor")[:8])
        context["recent"] = activities(events)
        context["attention"] = admin_attention(organization)
    return render(request, "accounts/org_home.html", context)
