"""Home-realm discovery: the sign-in page's first step. An address in a domain an organization claimed and
verified in DNS (with SSO on) goes straight to that organization's identity provider; any other address
(including one in a domain only claimed, not verified) gets the password form."""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from identity.models import SsoConnection
from identity.sso.login import EmailFirstForm, sso_connection_for_email


def safe_next(request: HttpRequest, value: str | None) -> str:
    """The `next` the visitor asked for, when it stays on this site; else ""."""
    value = (value or "").strip()
    allowed = url_has_allowed_host_and_scheme(value, {request.get_host()}, require_https=request.is_secure())
    return value if value and allowed else ""


def sso_redirect(request: HttpRequest, connection: SsoConnection, *, email: str, next_url: str) -> HttpResponse:
    """Start a sign-in at the connection's identity provider (the answer comes back to allauth's callback)."""
    provider = get_adapter(request).get_provider(request, connection.provider_id)
    next_url = next_url or reverse("org-home", kwargs={"org_slug": connection.organization.slug})
    if connection.protocol == SsoConnection.Protocol.OIDC:
        auth_params = {**provider.get_auth_params(), "login_hint": email}
        return provider.redirect(request, process="login", next_url=next_url, auth_params=auth_params)
    return provider.redirect(request, process="login", next_url=next_url)


@login_not_required
@require_POST
def sso_discover(request: HttpRequest, **kwargs: object) -> HttpResponse:
    form = EmailFirstForm(request.POST)
    next_url = safe_next(request, request.POST.get("next"))
    if not form.is_valid():
        context = {"email_form": form, "redirect_field_value": next_url, "step": "email"}
        return render(request, "account/login.html", context, status=400)
    email = form.cleaned_data["login"]
    connection = sso_connection_for_email(email)
    if connection is not None:
        return sso_redirect(request, connection, email=email, next_url=next_url)
    query = {"email": email, **({"next": next_url} if next_url else {})}
    return redirect(f"{reverse('account_login')}?{urlencode(query)}")
