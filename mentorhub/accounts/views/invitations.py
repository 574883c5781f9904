"""The invitation link, /invite/<token>/: outside /o/ because the visitor is not a member yet.

The secret in the link names the invitation (and so the organization). An unknown secret is a plain 404,
so the page tells nothing to someone guessing links."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..models import Invitation, Membership
from ..services.invitations import (
    InvitationUnusable,
    invitation_accept,
    invitation_check,
    unscoped_invitation_by_token,
)

# The status code of each refusal: used/expired/revoked links are gone; a wrong account is forbidden.
REFUSAL_STATUS = {
    InvitationUnusable.ACCEPTED: 410,
    InvitationUnusable.EXPIRED: 410,
    InvitationUnusable.REVOKED: 410,
    InvitationUnusable.WRONG_EMAIL: 403,
    InvitationUnusable.UNVERIFIED_EMAIL: 403,
}


def _render(request: HttpRequest, invitation: Invitation, status: int = 200, **extra) -> HttpResponse:
    context = {"invitation": invitation, "organization": invitation.organization, **extra}
    response = render(request, "accounts/invitation_accept.html", context, status=status)
    # The page's URL is a secret: keep it out of shared caches.
    add_never_cache_headers(response)
    return response


def _refusal(request: HttpRequest, refusal: InvitationUnusable) -> HttpResponse:
    invitation = refusal.invitation
    is_member = (
        request.user.is_authenticated
        and Membership.objects.filter(organization=invitation.organization, user=request.user).exists()
    )
    return _render(
        request, invitation, status=REFUSAL_STATUS[refusal.reason], refusal=refusal.reason, is_member=is_member
    )


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = unscoped_invitation_by_token(token=token)
    if invitation is None:
        raise Http404("No such invitation.")
    user = request.user if request.user.is_authenticated else None
    try:
        invitation_check(invitation=invitation, user=user)
    except InvitationUnusable as refusal:
        return _refusal(request, refusal)

    if user is None:
        # Whoever opens the emailed link proves they read that mailbox: signing up with the invited address
        # then needs no second verification email (allauth's hook for invitations).
        get_adapter(request).stash_verified_email(request, invitation.email)
        here = reverse("invitation-accept", kwargs={"token": token})
        return _render(request, invitation, anonymous=True, next_url=here)

    if request.method == "GET":
        # Accepting is a POST, so mail scanners that follow links cannot use up the invitation.
        return _render(request, invitation)

    try:
        membership = invitation_accept(token=token, user=user)
    except Invitation.DoesNotExist:
        raise Http404("No such invitation.") from None
    except InvitationUnusable as refusal:
        return _refusal(request, refusal)
    messages.success(
        request,
        _("Welcome to %(name)s. You joined as %(role)s.")
        % {"name": membership.organization.name, "role": membership.get_role_display().lower()},
    )
    return redirect("org-home", org_slug=membership.organization.slug)
