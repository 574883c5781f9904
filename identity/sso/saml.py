"""SAML 2.0 sign-in through allauth's `saml` provider: one app per organization (allauth's "organization slug"
is the organization's slug), built from the organization's `SsoConnection`.

What an IdP's response must be to sign anyone in (python3-saml checks all of it, in strict mode, before
allauth or our adapter see the person):

- the assertion is signed (`want_assertion_signed`) by the certificate from the IdP metadata, with SHA-256 or
  better (`reject_deprecated_algorithm`); the whole Response may be signed too, but need not be, because
  Microsoft Entra ID signs only the assertion by default (Okta, Google and ADFS sign the assertion as well);
- its issuer is the IdP's entity id, its audience is our SP entity id, its destination / recipient our ACS URL,
  and it is inside its validity window (NotBefore / NotOnOrAfter, 300 s clock drift);
- it answers a request we sent in this browser session: allauth keeps the AuthnRequest id in the session and
  refuses a response whose InResponseTo does not match. IdP-initiated sign-in (a response nobody asked for) is
  refused (`reject_idp_initiated_sso`): it cannot be bound to the browser that receives it (login CSRF, a
  stolen response replayed in another browser). An IdP's app tile can still start sign-in from MentorHub by
  pointing its "Sign-on URL" at `login_url` below;
- its assertion id was not seen before: allauth keeps no such record, so `OrgSamlProvider` (named in settings
  `SOCIALACCOUNT_PROVIDERS["saml"]["provider_class"]`) remembers every accepted assertion id in the cache,
  per organization, until the assertion expires, and refuses a second use.

Metadata is never fetched by allauth (its `metadata_url` mode fetches without address checks): the settings
page fetches it with `identity.sso.metadata.fetch_idp_metadata` and stores the document in
`SsoConnection.saml_metadata_xml`; the app settings are built from that copy.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.base.constants import AuthError
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from onelogin.saml2.constants import OneLogin_Saml2_Constants

from identity.models import SsoConnection
from identity.sso.metadata import IdpMetadata, parse_idp_metadata

# How long an assertion id is remembered when the assertion states no expiry of its own.
REPLAY_FALLBACK_SECONDS = 60 * 60
REPLAY_REASON = "This SAML response was already used (a replayed assertion)."


def saml_idp_metadata(connection: SsoConnection) -> IdpMetadata:
    """The IdP from the stored metadata document (ValidationError when there is none or it is unusable)."""
    if not connection.saml_metadata_xml.strip():
        raise ValidationError("No identity-provider metadata is stored yet: upload it or give its URL.")
    return parse_idp_metadata(connection.saml_metadata_xml, entity_id=connection.saml_idp_entity_id or None)


def saml_attribute_mapping(connection: SsoConnection) -> dict[str, list[str]]:
    """allauth's attribute mapping (its key -> the IdP's attribute names, first present wins). `uid` is left
    unmapped on purpose: allauth then uses the NameID, the IdP's stable subject for this SP."""
    mapping = {"email": connection.attribute_email, "name": connection.attribute_name}
    if connection.attribute_employee_id:
        mapping["employee_id"] = connection.attribute_employee_id
    return {key: [value.strip()] for key, value in mapping.items() if value and value.strip()}


def saml_mapped_values(connection: SsoConnection, attributes: dict[str, list[str]]) -> dict[str, str]:
    """The mapped values (email, name, employee_id) from a response's raw attributes (SocialAccount.extra_data
    of a SAML sign-in), as allauth maps them."""
    values: dict[str, str] = {}
    for key, names in saml_attribute_mapping(connection).items():
        for name in names:
            found = attributes.get(name) or []
            if found and str(found[0]).strip():
                values[key] = str(found[0]).strip()
                break
    return values


def saml_app_settings(connection: SsoConnection) -> dict[str, Any]:
    """`SocialApp.settings` of the organization's SAML app (provider "saml", client_id = the org's slug)."""
    idp = saml_idp_metadata(connection)
    idp_settings = {"entity_id": idp.entity_id, "sso_url": idp.sso_url, "x509cert": idp.x509_certs[0]}
    if idp.slo_url:
        idp_settings["slo_url"] = idp.slo_url
    return {
        "idp": idp_settings,
        "attribute_mapping": saml_attribute_mapping(connection),
        # No `sp.entity_id`: allauth then uses the organization's metadata URL, as saml_sp_urls() shows it.
        "advanced": {
            "strict": True,
            "want_assertion_signed": True,
            "want_message_signed": False,
            "reject_idp_initiated_sso": True,
            "reject_deprecated_algorithm": True,
            "digest_algorithm": OneLogin_Saml2_Constants.SHA256,
            "signature_algorithm": OneLogin_Saml2_Constants.RSA_SHA256,
            "authn_request_signed": False,
            "want_attribute_statement": False,
            "want_name_id": True,
            # Only about the URLs in these settings (an IdP host such as https://adfs/ inside a company network).
            "allow_single_label_domains": True,
        },
    }


def saml_sp_urls(request: HttpRequest, connection: SsoConnection) -> dict[str, str]:
    """What the admin copies into the IdP: the SP entity id (= the SP metadata URL), the ACS (reply) URL, the
    metadata URL and the sign-on URL (where an IdP app tile starts an SP-initiated sign-in)."""
    slug = connection.organization.slug
    metadata_url = request.build_absolute_uri(reverse("saml_metadata", args=[slug]))
    return {
        "entity_id": metadata_url,
        "acs_url": request.build_absolute_uri(reverse("saml_acs", args=[slug])),
        "metadata_url": metadata_url,
        "login_url": request.build_absolute_uri(reverse("saml_login", args=[slug])),
    }


def _replay_key(organization_slug: str, assertion_id: str) -> str:
    digest = hashlib.sha256(f"{organization_slug}\0{assertion_id}".encode()).hexdigest()
    return f"sso:saml:assertion:{digest}"


def saml_assertion_first_use(*, organization_slug: str, assertion_id: str, not_on_or_after: float | None) -> bool:
    """Record an accepted assertion id; False when it was recorded before (a replay). Kept until the assertion
    expires (plus python3-saml's allowed clock drift), after which python3-saml refuses it by itself."""
    if not assertion_id:
        return False
    if not_on_or_after:
        ttl = int(not_on_or_after - time.time()) + OneLogin_Saml2_Constants.ALLOWED_CLOCK_DRIFT + 60
    else:
        ttl = REPLAY_FALLBACK_SECONDS
    return bool(cache.add(_replay_key(organization_slug, assertion_id), 1, timeout=max(ttl, 60)))


class OrgSamlProvider(SAMLProvider):
    """allauth's SAML provider plus the assertion-id replay check (see the module docstring)."""

    # allauth finds a provider's URLs and views in its package: keep allauth's SAML ones.
    package = SAMLProvider.get_package()

    def sociallogin_from_response(self, request: HttpRequest, response: Any) -> Any:
        # `response` is the OneLogin_Saml2_Auth that validated the SAML response (FinishACSView).
        first_use = saml_assertion_first_use(
            organization_slug=str(self.app.client_id),
            assertion_id=response.get_last_assertion_id() or "",
            not_on_or_after=response.get_last_assertion_not_on_or_after(),
        )
        if not first_use:
            raise ImmediateHttpResponse(
                render_authentication_error(
                    request,
                    self,
                    error=AuthError.DENIED,
                    extra_context={"saml_errors": ["replayed_assertion"], "saml_last_error_reason": REPLAY_REASON},
                )
            )
        return super().sociallogin_from_response(request, response)
