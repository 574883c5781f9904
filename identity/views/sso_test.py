"""Test the connection (admins, from the SSO settings page): a sign-in round trip with the organization's
identity provider that signs nobody in and shows the claims (OIDC) or attributes (SAML) that came back."""

from __future__ import annotations

from allauth.socialaccount.adapter import get_adapter
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from identity.models import SsoSignInAttempt
from identity.sso.adapter import TEST_KEY, TEST_SESSION_KEY
from identity.sso.providers import social_app_for
from mentorhub.tenancy import OrgRequest, org_view, scoped

TEST_OUTCOMES = (SsoSignInAttempt.Outcome.TEST_PASSED, SsoSignInAttempt.Outcome.TEST_FAILED)


@org_view(roles=["admin"])
@require_POST
def sso_test_start(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    connection = getattr(organization, "sso_connection", None)
    settings_url = reverse("sso-settings", kwargs={"org_slug": organization.slug})
    if connection is None or social_app_for(connection) is None:
        messages.error(
            request,
            _("Turn single sign-on on and complete its settings (and save them) before testing the connection."),
        )
        return redirect(settings_url)
    provider = get_adapter(request).get_provider(request, connection.provider_id)
    data = {TEST_KEY: organization.pk, "by": request.user.pk}
    return provider.redirect(request, process="login", next_url=settings_url, data=data)


@org_view(roles=["admin"])
@require_GET
def sso_test_result(request: OrgRequest) -> HttpResponse:
    attempt_pk = request.session.get(TEST_SESSION_KEY)
    attempt = None
    if attempt_pk:
        attempt = (
            scoped(SsoSignInAttempt, request.organization).filter(pk=attempt_pk, outcome__in=TEST_OUTCOMES).first()
        )
    context = {
        "nav_section": "sso",
        "attempt": attempt,
        "claims": sorted((attempt.claims or {}).items()) if attempt is not None else [],
        "passed": attempt is not None and attempt.outcome == SsoSignInAttempt.Outcome.TEST_PASSED,
    }
    return render(request, "identity/sso_test_result.html", context)
