"""allauth's social-account adapter for per-organization SSO. Thin: the apps come from identity/sso/providers.py,
the decision from identity/services/sso_signin.py; this class only joins them to allauth's flow.

- `list_apps`: one app per enabled SsoConnection (nothing lives in allauth's SocialApp table);
- `pre_social_login`: a connection test answers with the claims; a sign-in is decided by the rules, and the
  SocialAccount is linked to the chosen user here, so allauth signs in an existing user and never reaches
  its own signup (auto-signup and the signup form stay closed);
- `get_requests_session` / `get_provider`: allauth's server-side fetches go only to public addresses
  (identity/sso/outbound.py; an issuer on a refused address is refused when a sign-in starts);
- `on_authentication_error`: the IdP's answer was unusable (wrong issuer, audience, expired, denied, a SAML
  response unsigned, wrongly signed, replayed or unsolicited): the attempt is recorded with a reason a person
  understands, when this browser started it (OIDC: the callback's state; SAML: the start allauth stashed in
  the session, identity/sso/saml.py); a connection test that failed shows its result page.
"""

from __future__ import annotations

from typing import Any

import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base.constants import AuthError
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from identity.models import SsoConnection
from identity.services.sso_signin import (
    SsoIdentity,
    SsoRefused,
    sso_identity_from_claims,
    sso_sign_in_complete,
    sso_sign_in_refuse,
    sso_test_record,
)
from mentorhub.accounts.models import Membership, Role, User
from mentorhub.tenancy import scoped

from .outbound import AddressRefusedError, guarded_session
from .providers import CheckedOpenIDConnectProvider, connection_for_app, issuer_normalize, social_apps

TEST_KEY = "sso_test"
TEST_SESSION_KEY = "identity_sso_test_attempt"


def refusal_page(request: HttpRequest, reason: str, organization_name: str = "") -> HttpResponse:
    context = {"reason": reason, "organization_name": organization_name}
    return render(request, "identity/sso_refused.html", context, status=403)


def received_claims(connection: SsoConnection, extra_data: dict[str, Any]) -> dict[str, Any]:
    """What the IdP sent: OIDC, the ID token's claims with the userinfo's on top; SAML, the attributes."""
    if connection.protocol == SsoConnection.Protocol.OIDC:
        id_token = extra_data.get("id_token") or {}
        userinfo = extra_data.get("userinfo") or {}
        if not id_token and not userinfo:
            return dict(extra_data)
        return {**id_token, **userinfo}
    return dict(extra_data)


def _issuer_refusal(connection: SsoConnection, extra_data: dict[str, Any]) -> str:
    """allauth checks the ID token's issuer against the discovery document; this also holds that document
    to the issuer the admin configured."""
    if connection.protocol != SsoConnection.Protocol.OIDC:
        return ""
    issued_by = str((extra_data.get("id_token") or {}).get("iss") or "")
    if issuer_normalize(issued_by) != issuer_normalize(connection.oidc_issuer):
        return (
            f"The sign-in was issued by “{issued_by or 'nobody'}”, not by {connection.organization.name}'s "
            f"identity provider ({connection.oidc_issuer})."
        )
    return ""


def _test_data(state: dict[str, Any] | None) -> dict[str, Any] | None:
    data = (state or {}).get("data")
    return data if isinstance(data, dict) and TEST_KEY in data else None


def error_reason(error: str | None, exception: BaseException | None, extra_context: dict[str, Any]) -> str:
    """A reason a person understands for an unusable answer of the IdP."""
    if error == AuthError.CANCELLED:
        return "The sign-in was cancelled at the identity provider."
    if extra_context.get("saml_errors") or extra_context.get("saml_last_error_reason"):
        from identity.sso.saml import saml_refusal_reason

        return saml_refusal_reason(extra_context.get("saml_errors"), str(extra_context.get("saml_last_error_reason")))
    cause = exception.__cause__ if exception is not None else None
    name = type(cause).__name__ if cause is not None else ""
    reasons = {
        "InvalidIssuerError": "The ID token was issued by another issuer than the identity provider's.",
        "InvalidAudienceError": "The ID token was issued for another application (wrong audience).",
        "ExpiredSignatureError": "The ID token has expired.",
        "ImmatureSignatureError": "The ID token is not valid yet.",
        "InvalidSignatureError": "The ID token's signature is not valid.",
    }
    if name in reasons:
        return reasons[name]
    if isinstance(exception, AddressRefusedError):
        return f"MentorHub does not connect to this identity provider: {exception}"[:480]
    if isinstance(exception, requests.RequestException):
        return f"The identity provider could not be reached ({type(exception).__name__}: {exception})."[:480]
    if error == AuthError.DENIED:
        return "The identity provider denied the sign-in."
    if exception is not None:
        return f"The identity provider's answer could not be used ({type(exception).__name__}: {exception})."[:480]
    return "The identity provider did not complete the sign-in."


def _saml_started_state(request: HttpRequest, provider: Any, extra_context: dict[str, Any]) -> dict[str, Any] | None:
    """allauth passes no state with a refused SAML response: the sign-in (or connection test) this browser
    started for the organization and has not finished, taken out of the session, or None when it started none
    (identity/sso/saml.py, `saml_pending_state_take`)."""
    from identity.sso.saml import saml_pending_state_take, saml_posted_in_response_to

    in_response_to = str(extra_context.get("saml_in_response_to") or "") or saml_posted_in_response_to(request)
    return saml_pending_state_take(request, provider_id=provider.sub_id, in_response_to=in_response_to)


class SsoSocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_requests_session(self) -> requests.Session:
        """Every HTTP call allauth makes for a sign-in (OIDC discovery, token, userinfo, JWKS) goes through
        this session: connections only to public addresses, checked at connect time (identity/sso/outbound.py)."""
        return guarded_session()

    def get_provider(self, request: HttpRequest, provider: str, client_id: str | None = None) -> Any:
        found = super().get_provider(request, provider, client_id=client_id)
        if type(found) is OpenIDConnectProvider:
            return CheckedOpenIDConnectProvider(request, app=found.app)
        return found

    def list_apps(self, request: HttpRequest, provider: str | None = None, client_id: str | None = None) -> list:
        return social_apps(provider=provider, client_id=client_id)

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # Accounts are created only by identity/services/sso_signin.py, in pre_social_login.
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        app: SocialApp | None = getattr(sociallogin.provider, "app", None)
        connection = connection_for_app(app)
        if connection is None:
            raise ImmediateHttpResponse(refusal_page(request, "Single sign-on is not available for this sign-in."))
        if connection.protocol == SsoConnection.Protocol.SAML:
            from identity.sso.saml import saml_refusal_of_state

            saml_refusal = saml_refusal_of_state(sociallogin.state)
            if saml_refusal is not None:
                reason, started = saml_refusal
                state = sociallogin.state if started else None
                raise ImmediateHttpResponse(self._refusal_answer(request, connection, state, reason))
        extra_data = dict(sociallogin.account.extra_data or {})
        claims = received_claims(connection, extra_data)
        identity = self._identity(connection, claims)
        test = _test_data(sociallogin.state)
        if test is not None:
            raise ImmediateHttpResponse(self._test_answer(request, connection, test, claims, identity))
        refusal = _issuer_refusal(connection, extra_data)
        linked = sociallogin.user if sociallogin.is_existing else None
        try:
            if refusal:
                sso_sign_in_refuse(connection=connection, reason=refusal, identity=identity)
                raise SsoRefused(refusal)
            user = sso_sign_in_complete(connection=connection, identity=identity, linked_user=linked)
        except SsoRefused as refused:
            raise ImmediateHttpResponse(refusal_page(request, refused.reason, connection.organization.name)) from None
        if not sociallogin.is_existing:
            # Link the IdP account to the chosen sign-in; allauth then signs in an existing user.
            sociallogin.user = user
            sociallogin.save(request, connect=True)
        sociallogin.state.setdefault("next", reverse("org-home", kwargs={"org_slug": connection.organization.slug}))

    def _identity(self, connection: SsoConnection, claims: dict[str, Any]) -> SsoIdentity:
        if connection.protocol == SsoConnection.Protocol.SAML:
            from identity.sso.saml import saml_mapped_values

            mapped = saml_mapped_values(connection, claims)
            flat = {**{k: v[0] if isinstance(v, list) and v else v for k, v in claims.items()}}
            flat.update(
                {
                    connection.attribute_email: mapped.get("email", ""),
                    connection.attribute_name: mapped.get("name", ""),
                }
            )
            if connection.attribute_employee_id:
                flat[connection.attribute_employee_id] = mapped.get("employee_id", "")
            return sso_identity_from_claims(connection, flat)
        return sso_identity_from_claims(connection, claims)

    def _test_answer(
        self,
        request: HttpRequest,
        connection: SsoConnection,
        test: dict[str, Any],
        claims: dict[str, Any],
        identity: SsoIdentity | None,
        error: str = "",
    ) -> HttpResponse:
        """A connection test ends here: recorded, nobody signed in; only the admin who started it, in the
        organization it was started for, sees the result."""
        organization = connection.organization
        user = request.user
        is_admin = (
            user.is_authenticated
            and test.get(TEST_KEY) == organization.pk
            and test.get("by") == user.pk
            and scoped(Membership, organization)
            .filter(user=user, role=Role.ADMIN, deactivated_at__isnull=True)
            .exists()
        )
        if not is_admin:
            return refusal_page(request, "This connection test was started by someone else.", organization.name)
        assert isinstance(user, User)
        attempt = sso_test_record(connection=connection, actor=user, claims=claims, identity=identity, error=error)
        request.session[TEST_SESSION_KEY] = attempt.pk
        return HttpResponseRedirect(reverse("sso-test-result", kwargs={"org_slug": organization.slug}))

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: str | None = None,
        exception: BaseException | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        extra_context = dict(extra_context or {})
        if getattr(provider, "saml_refusal", "") and not extra_context.get("saml_errors"):
            # identity/sso/saml.py's OrgSamlProvider found it (an unsolicited response).
            extra_context["saml_errors"] = [provider.saml_refusal]
        connection = connection_for_app(getattr(provider, "app", None))
        reason = error_reason(error, exception, extra_context)
        state = extra_context.get("state")
        if connection is None:
            raise ImmediateHttpResponse(refusal_page(request, reason))
        if state is None and connection.protocol == SsoConnection.Protocol.SAML:
            state = _saml_started_state(request, provider, extra_context)
        raise ImmediateHttpResponse(self._refusal_answer(request, connection, state, reason))

    def _refusal_answer(
        self, request: HttpRequest, connection: SsoConnection, state: dict[str, Any] | None, reason: str
    ) -> HttpResponse:
        """A round trip this browser started (`state`) is recorded: a connection test shows its result page, a
        sign-in is refused. Without a state (a forged or stale callback, junk posted to the SAML ACS) nothing is
        recorded: anyone can send those."""
        test = _test_data(state)
        if test is not None:
            return self._test_answer(request, connection, test, {}, None, error=reason)
        if state:
            sso_sign_in_refuse(connection=connection, reason=reason)
        return refusal_page(request, reason, connection.organization.name)
