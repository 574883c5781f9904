"""allauth's provider apps, one per organization, built from the enabled `SsoConnection` rows (never stored
in allauth's SocialApp table), and the way back: which connection an app (a sign-in in progress) belongs to.

OpenID Connect: provider "openid_connect", provider id `org-<slug>` (so the callback URL and the social
accounts are per organization). SAML: provider "saml", provider id and client id = the organization slug
(allauth's "organization slug"); the settings come from `identity.sso.saml.saml_app_settings`.
"""

from __future__ import annotations

from typing import Any

import requests
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from identity.crypto import secret_decrypt
from identity.models import SsoConnection
from mentorhub.db.tenant_scope import activate_organization, all_organizations

from .outbound import AddressRefusedError, issuer_refusal

OIDC_PREFIX = "org-"
CONNECTION_KEY = "mentorhub_sso_connection"


def _enabled() -> QuerySet[SsoConnection]:
    return SsoConnection.objects.select_related("organization").filter(enabled=True)


def issuer_normalize(url: str) -> str:
    """An issuer as compared: without the discovery path or a trailing slash."""
    text = (url or "").strip()
    text = text.split("/.well-known/", 1)[0]
    return text.rstrip("/")


class CheckedOpenIDConnectProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider whose sign-in start refuses an issuer on a refused address before
    anything is fetched, and answers an unreachable issuer with the sign-in error page (allauth lets a
    `requests` error of the discovery fetch escape its redirect). identity/sso/adapter.py's `get_provider`
    hands it out; every fetch itself goes through identity/sso/outbound.py's guarded session."""

    def redirect(
        self, request: HttpRequest, process: Any, next_url: Any = None, data: Any = None, **kwargs: Any
    ) -> HttpResponse:
        state = {"process": process, "next": next_url, "data": data}
        refusal = issuer_refusal(self.app.settings.get("server_url") or "")
        if refusal:
            return render_authentication_error(
                request, self, exception=AddressRefusedError(refusal), extra_context={"state": state}
            )
        try:
            return super().redirect(request, process, next_url=next_url, data=data, **kwargs)
        except requests.RequestException as exc:
            return render_authentication_error(request, self, exception=exc, extra_context={"state": state})


def _oidc_app(connection: SsoConnection) -> SocialApp | None:
    if not (connection.oidc_issuer and connection.oidc_client_id):
        return None
    scopes = connection.oidc_scopes.split() or ["openid", "email", "profile"]
    if "openid" not in scopes:
        scopes.insert(0, "openid")
    return SocialApp(
        provider="openid_connect",
        provider_id=connection.provider_id,
        name=connection.organization.name,
        client_id=connection.oidc_client_id,
        secret=secret_decrypt(connection.oidc_client_secret_encrypted),
        settings={
            "server_url": connection.oidc_issuer,
            "oauth_pkce_enabled": True,
            "scope": scopes,
            "fetch_userinfo": True,
            # allauth never matches an SSO person to an account by email: identity/services/sso_signin.py does.
            "email_authentication": False,
            CONNECTION_KEY: connection.pk,
        },
    )


def _saml_app(connection: SsoConnection) -> SocialApp | None:
    try:
        from identity.sso.saml import saml_app_settings
    except ImportError:  # SAML is not available in this build
        return None
    try:
        settings: dict[str, Any] = dict(saml_app_settings(connection))
    except ValidationError:  # no usable IdP metadata yet
        return None
    settings[CONNECTION_KEY] = connection.pk
    slug = connection.organization.slug
    return SocialApp(
        provider="saml", provider_id=slug, name=connection.organization.name, client_id=slug, settings=settings
    )


def social_app_for(connection: SsoConnection) -> SocialApp | None:
    """The allauth app of an enabled connection, or None when it is not complete enough to use."""
    if not connection.enabled:
        return None
    if connection.protocol == SsoConnection.Protocol.OIDC:
        return _oidc_app(connection)
    return _saml_app(connection)


def _candidates(provider: str | None, client_id: str | None) -> QuerySet[SsoConnection]:
    connections = _enabled()
    if provider is None or provider in ("openid_connect", "saml"):
        if provider == "openid_connect":
            connections = connections.filter(protocol=SsoConnection.Protocol.OIDC)
        elif provider == "saml":
            connections = connections.filter(protocol=SsoConnection.Protocol.SAML)
            if client_id:
                connections = connections.filter(organization__slug=client_id)
        return connections
    if provider.startswith(OIDC_PREFIX):
        return connections.filter(
            protocol=SsoConnection.Protocol.OIDC, organization__slug=provider.removeprefix(OIDC_PREFIX)
        )
    return connections.filter(protocol=SsoConnection.Protocol.SAML, organization__slug=provider)


def social_apps(provider: str | None = None, client_id: str | None = None) -> list[SocialApp]:
    """allauth's `list_apps` answer: the apps whose provider or provider id is `provider` (all when None) and,
    when given, whose client id is `client_id`."""
    apps = []
    with all_organizations():  # allauth asks for the apps before any organization is known
        candidates = list(_candidates(provider, client_id))
    for connection in candidates:
        app = social_app_for(connection)
        if app is None:
            continue
        if provider is not None and provider not in (app.provider, app.provider_id):
            continue
        if client_id and app.client_id != client_id:
            continue
        apps.append(app)
    return apps


def connection_for_app(app: SocialApp | None) -> SsoConnection | None:
    """The enabled connection a sign-in in progress belongs to (its organization is the only one it may sign
    anyone into), or None when it was disabled or changed protocol meanwhile."""
    if app is None:
        return None
    pk = (app.settings or {}).get(CONNECTION_KEY)
    if not pk:
        return None
    with all_organizations():
        connection = _enabled().filter(pk=pk).first()
    if connection is None or connection.provider_id != app.provider_id:
        return None
    # The sign-in belongs to this organization: from here on the request works inside it (row-level security).
    activate_organization(connection.organization_id)
    return connection
