"""A SAML 2.0 identity provider for tests: its own RSA key and self-signed certificate (generated here with
`cryptography`), its metadata, and responses built as XML and signed with xmlsec (python3-saml's
`OneLogin_Saml2_Utils.add_sign`), the way a real IdP signs them. Knobs make the broken variants the SP must
refuse: unsigned, signed by another key, altered after signing, expired, for another audience."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from onelogin.saml2.utils import OneLogin_Saml2_Utils
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"


@dataclass(frozen=True)
class KeyPair:
    key_pem: str
    cert_pem: str

    @property
    def cert_b64(self) -> str:
        """The certificate as metadata carries it: base64 DER without PEM armour or line breaks."""
        body = self.cert_pem.replace("-----BEGIN CERTIFICATE-----", "").replace("-----END CERTIFICATE-----", "")
        return "".join(body.split())


@functools.cache
def key_pair(name: str = "idp") -> KeyPair:
    """A 2048-bit RSA key and a self-signed certificate valid from yesterday for a year (cached per name)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Test IdP {name}")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return KeyPair(key_pem=key_pem, cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode())


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def authn_request_id(redirect_url: str) -> str:
    """The ID of the AuthnRequest an SP sent by HTTP-Redirect (the SAMLRequest query parameter)."""
    saml_request = parse_qs(urlsplit(redirect_url).query)["SAMLRequest"][0]
    xml = OneLogin_Saml2_Utils.decode_base64_and_inflate(saml_request)
    return str(OneLogin_Saml2_XML.to_etree(xml).get("ID"))


@dataclass
class TestIdp:
    entity_id: str = "https://idp.example.test/saml"
    sso_url: str = "https://idp.example.test/saml/sso"
    slo_url: str = "https://idp.example.test/saml/slo"
    keys: KeyPair = field(default_factory=key_pair)

    __test__ = False  # not a pytest test class

    def metadata_xml(self, *, extra_certs: tuple[str, ...] = (), with_cert: bool = True) -> str:
        certs = ([self.keys.cert_b64] if with_cert else []) + list(extra_certs)
        key_descriptors = "".join(
            '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>'
            f"<ds:X509Certificate>{cert}</ds:X509Certificate>"
            "</ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
            for cert in certs
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
            f'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID={quoteattr(self.entity_id)}>'
            '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            f"{key_descriptors}"
            '<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
            f"Location={quoteattr(self.slo_url)}/>"
            f"<md:NameIDFormat>{NAMEID_EMAIL}</md:NameIDFormat>"
            '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
            f"Location={quoteattr(self.sso_url)}/>"
            '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
            f"Location={quoteattr(self.sso_url)}/>"
            "</md:IDPSSODescriptor></md:EntityDescriptor>"
        )

    def response_xml(
        self,
        *,
        acs_url: str,
        audience: str,
        name_id: str,
        attributes: dict[str, str] | None = None,
        in_response_to: str | None = None,
        issued_at: dt.datetime | None = None,
        lifetime: dt.timedelta = dt.timedelta(minutes=5),
        assertion_id: str | None = None,
        sign_assertion: bool = True,
        sign_response: bool = False,
        signing_keys: KeyPair | None = None,
    ) -> str:
        """A samlp:Response with one assertion, signed (by default: the assertion only, as Entra ID does)."""
        issued = issued_at or dt.datetime.now(dt.UTC)
        not_after = _instant(issued + lifetime)
        irt = f" InResponseTo={quoteattr(in_response_to)}" if in_response_to else ""
        attribute_xml = "".join(
            f'<saml:Attribute Name={quoteattr(name)} NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">'
            f'<saml:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">{escape(value)}'
            "</saml:AttributeValue></saml:Attribute>"
            for name, value in (attributes or {}).items()
        )
        assertion = (
            '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
            f'ID="{assertion_id or "_a" + uuid.uuid4().hex}" Version="2.0" IssueInstant="{_instant(issued)}">'
            f"<saml:Issuer>{escape(self.entity_id)}</saml:Issuer>"
            "<saml:Subject>"
            f'<saml:NameID Format="{NAMEID_EMAIL}">{escape(name_id)}</saml:NameID>'
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData NotOnOrAfter="{not_after}" Recipient={quoteattr(acs_url)}{irt}/>'
            "</saml:SubjectConfirmation></saml:Subject>"
            f'<saml:Conditions NotBefore="{_instant(issued - dt.timedelta(seconds=30))}" NotOnOrAfter="{not_after}">'
            f"<saml:AudienceRestriction><saml:Audience>{escape(audience)}</saml:Audience>"
            "</saml:AudienceRestriction></saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{_instant(issued)}" SessionIndex="_s{uuid.uuid4().hex}">'
            "<saml:AuthnContext><saml:AuthnContextClassRef>"
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
            "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
            f"{f'<saml:AttributeStatement>{attribute_xml}</saml:AttributeStatement>' if attribute_xml else ''}"
            "</saml:Assertion>"
        )
        keys = signing_keys or self.keys
        if sign_assertion:
            assertion = self._sign(assertion, keys)
        response = (
            '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
            f'ID="_r{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_instant(issued)}" '
            f"Destination={quoteattr(acs_url)}{irt}>"
            f"<saml:Issuer>{escape(self.entity_id)}</saml:Issuer>"
            '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
            f"{assertion}</samlp:Response>"
        )
        if sign_response:
            response = self._sign(response, keys)
        return response

    def response(self, **kwargs: object) -> str:
        """The response as the HTTP-POST binding carries it (the SAMLResponse form field)."""
        return base64.b64encode(self.response_xml(**kwargs).encode()).decode()  # type: ignore[arg-type]

    @staticmethod
    def _sign(xml: str, keys: KeyPair) -> str:
        signed = OneLogin_Saml2_Utils.add_sign(xml, keys.key_pem, keys.cert_pem)
        return signed.decode() if isinstance(signed, bytes) else str(signed)
