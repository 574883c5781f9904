from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mentorhub.tenancy import org_view

from .. import selectors


@login_required
def root(request: HttpRequest) -> HttpResponse:
    """Send a signed-in person to their organization, or let them choose when they have several."""
    memberships = selectors.memberships_of_user(user=request.user)
    if len(memberships) == 1:
        return redirect("org-home", org_slug=memberships[0].organization.slug)
    return render(request, "accounts/choose_organization.html", {"memberships": memberships})


@org_view()
def org_home(request: HttpRequest) -> HttpResponse:
    summary = selectors.organization_summary(organization=request.organization)
    recent = selectors.audit_events(organization=request.organization)[:8] if request.membership.is_admin else []
    return render(request, "accounts/org_home.html", {"summary": summary, "recent_events": recent})
