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

A refused response is recorded (identity/sso/adapter.py, `on_authentication_error`) only against a sign-in
this browser started for the organization and has not finished: allauth stashes every SP-initiated start in
the session (`allauth.socialaccount.internal.statekit`, keyed by the AuthnRequest id, tagged with the
provider id = the organization slug); `saml_pending_state_take` takes that entry out (the one the response's
InResponseTo names, else the newest), so a POST to the ACS from a browser that started nothing records
nothing, and one started sign-in is recorded once. `saml_refusal_reason` words python3-saml's refusal for
people.

Metadata is never fetched by allauth (its `metadata_url` mode fetches without address checks): the settings
page fetches it with `identity.sso.metadata.fetch_idp_metadata` and stores the document in
`SsoConnection.saml_metadata_xml`; the app settings are built from that copy.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import time
from typing import Any

from allauth.core.internal import httpkit
from allauth.socialaccount.internal import statekit
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

from identity.models import SsoConnection
from identity.sso.metadata import IdpMetadata, parse_idp_metadata

# How long an assertion id is remembered when the assertion states no expiry of its own.
REPLAY_FALLBACK_SECONDS = 60 * 60
REPLAY_REASON = "This SAML response was already used (a replayed assertion)."
UNSOLICITED_REASON = (
    "The identity provider sent a sign-in that MentorHub did not ask for (identity-provider-initiated sign-in is "
    "not accepted): start the sign-in from MentorHub's sign-in page."
)
UNREQUESTED_REASON = (
    "This SAML response answers a sign-in that was not started in this browser, or that expired: "
    "start the sign-in again."
)
# allauth's ACS view keeps the POSTed response in a short-lived session that its finishing view reads (then
# deletes) before validating it; the copy it read stays on the request under this attribute.
ACS_SESSION_ATTRIBUTE = "saml_acs_session"
REFUSAL_STATE_KEY = "mentorhub_saml_refusal"

# python3-saml's refusal (saml_last_error_reason), by a fragment of its text, in words for people.
_REASONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("Signature validation failed",),
        "The response's signature did not verify against the identity provider's certificate (signed by another "
        "key, or changed after signing).",
    ),
    (
        ("is not signed and the SP require it", "No Signature found"),
        "The assertion is not signed: MentorHub accepts only assertions signed by the identity provider.",
    ),
    (
        ("timestamp: expired", "attributes have expired"),
        "The assertion expired before it reached MentorHub (or the identity provider's clock is wrong).",
    ),
    (("timestamp: not yet valid",), "The assertion is not valid yet (the identity provider's clock is ahead)."),
    (
        ("is not a valid audience",),
        "The response was sent for another audience (another application's entity id), not for MentorHub.",
    ),
    (
        ("instead of", "empty Destination"),
        "The response was sent to another address than this organization's ACS URL.",
    ),
    (
        ("valid SubjectConfirmation",),
        "The assertion was not confirmed for this address and time (wrong recipient, or expired).",
    ),
    (("Invalid issuer",), "The response was issued by another identity provider than the one configured."),
    (
        ("must contain 1 assertion",),
        "The response must hold exactly one assertion (an unsigned assertion may have been slipped in).",
    ),
    (("Invalid response", "Invalid SAML Response"), "The response could not be read."),
)
_ERROR_REASONS = {
    "replayed_assertion": REPLAY_REASON,
    "unsolicited_response": UNSOLICITED_REASON,
    "unrequested_response": UNREQUESTED_REASON,
}


def saml_idp_metadata(connection: SsoConnection) -> IdpMetadata:
    """The IdP from the stored metadata document (ValidationError when there is none or it is unusable)."""
    if not connection.saml_metadata_xml.strip():
        raise ValidationError(_("No identity-provider metadata is stored yet: upload it or give its URL."))
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


def saml_refusal_reason(errors: list[str] | None, raw_reason: str) -> str:
    """Why a response was refused, for people, with python3-saml's own words after it (for the IdP's admin)."""
    for error in errors or []:
        if error in _ERROR_REASONS:
            return _ERROR_REASONS[error]
    raw = (raw_reason or "").strip()
    plain = "The identity provider's response was refused."
    for fragments, text in _REASONS:
        if any(fragment in raw for fragment in fragments):
            plain = text
            break
    return f"{plain} Details: {raw}" if raw else plain


def saml_posted_in_response_to(request: HttpRequest) -> str:
    """The InResponseTo of the response posted to the ACS ("" when there is none or it cannot be read). Only
    chooses which of this browser's own started sign-ins a refusal is recorded against."""
    store = getattr(request, ACS_SESSION_ATTRIBUTE, None)
    serialized = store.get("request") if store is not None else None
    if not serialized:
        return ""
    try:
        posted = httpkit.deserialize_request(serialized, HttpRequest())
        xml = base64.b64decode(posted.POST.get("SAMLResponse", ""), validate=False)
        return str(OneLogin_Saml2_XML.to_etree(xml).get("InResponseTo") or "")
    except (binascii.Error, ValueError, TypeError, KeyError, SyntaxError):
        # Unreadable (python3-saml refused it already): no InResponseTo.
        return ""


def _pending(stashed: Any, provider_id: str) -> bool:
    return (
        isinstance(stashed, tuple | list)
        and len(stashed) == 3
        and stashed[2] == provider_id
        and time.time() - stashed[1] <= statekit.STATE_TTL
    )


def saml_sign_in_pending(request: HttpRequest, *, provider_id: str, state_id: str) -> bool:
    """Whether this browser started the sign-in `state_id` (an AuthnRequest id) for this organization, and
    has not finished it (nor let it expire)."""
    return bool(state_id) and _pending(statekit.get_states(request).get(state_id), provider_id)


def saml_pending_state_take(
    request: HttpRequest, *, provider_id: str, in_response_to: str = ""
) -> dict[str, Any] | None:
    """Take out of the session the sign-in (or connection test) this browser started for the organization and
    has not finished: the one `in_response_to` names when it is one, else the newest. None when there is none
    (nothing may then be recorded: anyone can POST to the ACS)."""
    states = statekit.get_states(request)
    if saml_sign_in_pending(request, provider_id=provider_id, state_id=in_response_to):
        state_id: str | None = in_response_to
    else:
        state_id = statekit.get_oldest_state(states, rev=True, provider_id=provider_id)
    if not state_id:
        return None
    return statekit.unstash_state(request, state_id=state_id, provider_id=provider_id)


class OrgSamlProvider(SAMLProvider):
    """allauth's SAML provider plus, once python3-saml accepted a response: IdP-initiated responses refused with
    a reason, the assertion-id replay check, and a response bound to a sign-in this browser started (allauth
    would answer a bare 403). See the module docstring.

    A refusal found here never raises out of allauth's view: the request runs in one transaction
    (ATOMIC_REQUESTS) that an exception rolls back, the recorded attempt with it. allauth's FinishACSView uses
    this provider object from start to end: `saml_refusal` is noted on it, `unstash_redirect_state` hands the
    sign-in this browser started (if any) with the refusal in it (`REFUSAL_STATE_KEY`), and the adapter's
    `pre_social_login` refuses it (an unsolicited response reaches the adapter's `on_authentication_error`)."""

    # allauth finds a provider's URLs and views in its package: keep allauth's SAML ones.
    package = SAMLProvider.get_package()
    saml_refusal: str = ""

    def sociallogin_from_response(self, request: HttpRequest, response: Any) -> Any:
        # `response` is the OneLogin_Saml2_Auth that validated the SAML response (FinishACSView).
        in_response_to = str(response.get_last_response_in_response_to() or "")
        if not in_response_to:
            # allauth refuses it next (reject_idp_initiated_sso) through the adapter's on_authentication_error.
            self.saml_refusal = "unsolicited_response"
            return super().sociallogin_from_response(request, response)
        first_use = saml_assertion_first_use(
            organization_slug=str(self.app.client_id),
            assertion_id=response.get_last_assertion_id() or "",
            not_on_or_after=response.get_last_assertion_not_on_or_after(),
        )
        if not first_use:
            self.saml_refusal = "replayed_assertion"
        elif not saml_sign_in_pending(request, provider_id=self.sub_id, state_id=in_response_to):
            self.saml_refusal = "unrequested_response"
        return super().sociallogin_from_response(request, response)

    def unstash_redirect_state(self, request: HttpRequest, state_id: str) -> dict[str, Any]:
        if not self.saml_refusal:
            return dict(super().unstash_redirect_state(request, state_id))
        started = saml_pending_state_take(request, provider_id=self.sub_id, in_response_to=state_id)
        state: dict[str, Any] = {"process": "login", "data": None, **(started or {})}
        state[REFUSAL_STATE_KEY] = {"error": self.saml_refusal, "started": started is not None}
        return state


def saml_refusal_of_state(state: dict[str, Any] | None) -> tuple[str, bool] | None:
    """The refusal `OrgSamlProvider` put in a sign-in's state: (reason, whether this browser started it)."""
    refusal = (state or {}).get(REFUSAL_STATE_KEY)
    if not isinstance(refusal, dict):
        return None
    return saml_refusal_reason([str(refusal.get("error"))], ""), bool(refusal.get("started"))
