from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from mentorhub.tenancy import OrgRequest, org_view

from .. import selectors
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
    summary = selectors.organization_summary(organization=request.organization)
    recent = selectors.audit_events(organization=request.organization)[:8] if request.membership.is_admin else []
    return render(request, "accounts/org_home.html", {"summary": summary, "recent_events": recent})
