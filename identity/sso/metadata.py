"""SAML identity-provider metadata: parse it (XML pasted or uploaded by an admin) and fetch it (a metadata URL).

Both take input an organization admin controls, so both are defensive:

- parsing goes through python3-saml's parser, whose `OneLogin_Saml2_XML.to_etree` refuses DTDs and entity
  declarations (its defusedxml-style `xmlparser.fromstring(..., forbid_dtd=True, forbid_entities=True)`,
  network access off), so XML bombs and external entities never expand;
- fetching (the address policy of identity/sso/outbound.py) resolves the host name first and refuses
  loopback, private, link-local (cloud metadata 169.254.169.254), multicast, reserved and unspecified
  addresses, then connects to the address it checked (the Host header and TLS SNI / certificate check keep the
  host name), so a DNS answer cannot change between the check and the connection. Redirects are followed by
  hand (at most 3), each target checked the same way; the whole fetch has a 10 s deadline and a 1 MB cap.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

from .outbound import (
    OutboundRefused,
    OutboundTooLarge,
    OutboundTooSlow,
    address_refusal,
    ca_certs,
    read_capped,
    resolve_checked,
    url_refusal,
)

__all__ = ["IdpMetadata", "address_refusal", "fetch_idp_metadata", "parse_idp_metadata"]

METADATA_TIMEOUT_SECONDS = 10
METADATA_MAX_BYTES = 1024 * 1024
METADATA_MAX_REDIRECTS = 3

_MD_NS = OneLogin_Saml2_Constants.NS_MD


@dataclass(frozen=True)
class IdpMetadata:
    entity_id: str
    sso_url: str
    slo_url: str = ""
    x509_certs: list[str] = field(default_factory=list)  # signing certificates, base64 DER, no whitespace


def parse_idp_metadata(xml: str | bytes, *, entity_id: str | None = None) -> IdpMetadata:
    """The IdP's entity id, HTTP-Redirect single sign-on URL, single logout URL and signing certificates.
    ValidationError (a message for the admin) when the XML is not IdP metadata or lacks what sign-in needs."""
    if isinstance(xml, str):
        xml = xml.strip().encode("utf-8")
    if not xml:
        raise ValidationError(gettext("The metadata is empty."))
    try:
        dom = OneLogin_Saml2_XML.to_etree(xml)
    except Exception as exc:  # lxml syntax errors, DTDForbidden, EntitiesForbidden
        if type(exc).__name__ in {"DTDForbidden", "EntitiesForbidden", "NotSupportedError"}:
            raise ValidationError(
                gettext("The metadata contains a DTD or entity declarations, which are refused.")
            ) from exc
        raise ValidationError(gettext("The metadata is not well-formed XML.")) from exc
    if not OneLogin_Saml2_XML.query(dom, "//md:EntityDescriptor/md:IDPSSODescriptor"):
        raise ValidationError(
            gettext("This is not SAML identity-provider metadata (no EntityDescriptor with an IDPSSODescriptor).")
        )
    if entity_id and not _entity_present(dom, entity_id):
        raise ValidationError(
            gettext("The metadata has no identity provider with the entity ID %(entity_id)s.")
            % {"entity_id": entity_id}
        )
    # The parser's bindings: sign-in requests go out by HTTP-Redirect (allauth's SAML provider redirects).
    data = OneLogin_Saml2_IdPMetadataParser.parse(xml, entity_id=entity_id)
    idp = data.get("idp", {})
    found_entity_id = idp.get("entityId") or ""
    if not found_entity_id:
        raise ValidationError(gettext("The identity provider in the metadata has no entity ID."))
    sso_url = (idp.get("singleSignOnService") or {}).get("url") or ""
    if not sso_url:
        raise ValidationError(
            gettext("The metadata has no single sign-on URL with the HTTP-Redirect binding (SingleSignOnService).")
        )
    certs = _signing_certs(idp)
    if not certs:
        raise ValidationError(gettext('The metadata has no signing certificate (KeyDescriptor use="signing").'))
    return IdpMetadata(
        entity_id=found_entity_id,
        sso_url=sso_url,
        slo_url=(idp.get("singleLogoutService") or {}).get("url") or "",
        x509_certs=certs,
    )


def _entity_present(dom: object, entity_id: str) -> bool:
    return any(node.get("entityID") == entity_id for node in OneLogin_Saml2_XML.query(dom, "//md:EntityDescriptor"))


def _signing_certs(idp: dict) -> list[str]:
    if idp.get("x509cert"):
        return [idp["x509cert"]]
    multi = idp.get("x509certMulti") or {}
    certs = list(multi.get("signing") or [])
    if not certs:
        # A KeyDescriptor without `use` serves both purposes; the parser files it under both lists.
        certs = list(multi.get("encryption") or [])
    return [cert for cert in dict.fromkeys(certs) if cert]


# --- fetching -----------------------------------------------------------------------------------------


def _resolve(host: str, port: int) -> list[str]:
    """The addresses to connect to (in order); every address the name resolves to must be allowed."""
    try:
        return resolve_checked(host, port)
    except socket.gaierror as exc:
        raise ValidationError(gettext("The metadata host %(host)s could not be resolved.") % {"host": host}) from exc
    except OutboundRefused as refused:
        raise ValidationError(
            gettext("The metadata URL points to %(refusal)s (%(address)s), which is not allowed.")
            % {"refusal": refused.refusal, "address": refused.address}
        ) from refused


def _check_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of a URL the outbound policy allows (sso/outbound.py's `url_refusal`)."""
    refusal = url_refusal(url)
    if refusal:
        raise ValidationError(refusal.replace("The URL", "The metadata URL"))
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, parts.hostname or "", parts.port or (443 if scheme == "https" else 80), path


def _pool(scheme: str, host: str, address: str, port: int, timeout: urllib3.Timeout) -> urllib3.HTTPConnectionPool:
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            # None: the system's trusted certificates (a test trusts its own CA with this setting).
            ca_certs=ca_certs(),
            server_hostname=host,
            assert_hostname=host,
        )
    return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)


def fetch_idp_metadata(url: str) -> str:
    """The metadata document at `url` (text). ValidationError with a message for the admin otherwise."""
    deadline = time.monotonic() + METADATA_TIMEOUT_SECONDS
    for _hop in range(METADATA_MAX_REDIRECTS + 1):
        scheme, host, port, path = _check_url(url)
        pool, response = _connect(scheme, host, port, path, _resolve(host, port), deadline)
        try:
            if response.status in {301, 302, 303, 307, 308}:
                location = response.headers.get("Location")
                if not location:
                    raise ValidationError(gettext("The metadata URL redirected without a destination."))
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise ValidationError(
                    gettext("The metadata URL answered HTTP %(status)s.") % {"status": response.status}
                )
            body = _read_capped(response, deadline)
        finally:
            response.release_conn()
            pool.close()
        return body.decode(_charset(response.headers.get("Content-Type", "")), errors="replace")
    raise ValidationError(gettext("The metadata URL redirected too many times."))


def _connect(
    scheme: str, host: str, port: int, path: str, addresses: list[str], deadline: float
) -> tuple[urllib3.HTTPConnectionPool, urllib3.BaseHTTPResponse]:
    """GET `path` from the first of the checked addresses that accepts a connection."""
    default_port = 443 if scheme == "https" else 80
    name = f"[{host}]" if ":" in host else host
    headers = {
        "Host": name if port == default_port else f"{name}:{port}",
        "Accept": "application/samlmetadata+xml, application/xml, text/xml",
    }
    error: urllib3.exceptions.HTTPError | None = None
    for address in addresses:
        remaining = max(deadline - time.monotonic(), 0.1)
        pool = _pool(scheme, host, address, port, urllib3.Timeout(connect=remaining, read=remaining))
        try:
            response = pool.urlopen(
                "GET", path, headers=headers, redirect=False, preload_content=False, assert_same_host=False
            )
        except urllib3.exceptions.NewConnectionError as exc:
            pool.close()
            error = exc
            continue
        except urllib3.exceptions.HTTPError as exc:
            pool.close()
            raise ValidationError(
                gettext("The metadata URL could not be fetched (%(error)s).") % {"error": _describe(exc)}
            ) from exc
        return pool, response
    assert error is not None
    raise ValidationError(
        gettext("The metadata URL could not be fetched (%(error)s).") % {"error": _describe(error)}
    ) from error


def _read_capped(response: urllib3.BaseHTTPResponse, deadline: float) -> bytes:
    """The body, at most 1 MB, read by the deadline (identity/sso/outbound.py's `read_capped`)."""
    try:
        return read_capped(response, deadline, METADATA_MAX_BYTES)
    except OutboundTooLarge as exc:
        raise ValidationError(gettext("The metadata is larger than 1 MB.")) from exc
    except OutboundTooSlow as exc:
        raise ValidationError(gettext("The metadata URL took longer than 10 seconds to answer.")) from exc
    except urllib3.exceptions.HTTPError as exc:
        raise ValidationError(
            gettext("The metadata URL could not be fetched (%(error)s).") % {"error": _describe(exc)}
        ) from exc


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            try:
                "".encode(value.strip('"'))
            except LookupError:
                break
            return value.strip('"')
    return "utf-8"


def _describe(exc: Exception) -> str:
    if isinstance(exc, urllib3.exceptions.TimeoutError):
        return "timed out"
    if isinstance(exc, urllib3.exceptions.SSLError):
        return "TLS certificate not valid for the host"
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return "connection refused"
    return type(exc).__name__
