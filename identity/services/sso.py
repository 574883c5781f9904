"""An organization's SSO settings and claimed email domains, written by its admins (Settings -> Single sign-on).

A claimed domain counts only once verified in DNS (`domain_verify`, identity/domains.py): claims are pending
until then, any number of organizations may hold a pending claim of one domain, and verifying one drops the
other organizations' pending claims. A verified domain belongs to one organization on the deployment.

Every change is audited; the OIDC client secret never is (the entry says "client secret changed"), and it is
stored encrypted (identity/crypto.py). IdP metadata fetched from a URL is fetched before the transaction, so a
slow identity provider never holds the row lock.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Organization, User
from mentorhub.accounts.services.audit import audit_record, diff_fields
from mentorhub.db.tenant_scope import all_organizations, organization_scope
from mentorhub.tenancy import get_scoped_or_404, scoped

from ..crypto import secret_encrypt
from ..domains import domain_normalize, domain_txt_verify
from ..models import ClaimedDomain, SsoConnection
from ..sso.metadata import fetch_idp_metadata, parse_idp_metadata
from ..sso.outbound import issuer_refusal

# Settings written as they are given (None or absent: left unchanged).
CONNECTION_FIELDS = (
    "protocol",
    "enabled",
    "oidc_issuer",
    "oidc_client_id",
    "oidc_scopes",
    "saml_metadata_url",
    "attribute_email",
    "attribute_name",
    "attribute_employee_id",
    "require_sso",
    "create_on_first_sign_in",
)
# Besides those: `client_secret` (plaintext; blank keeps the stored one), `saml_metadata_xml` (an uploaded
# metadata document; replaces a metadata URL) and `saml_metadata_refresh` (fetch the URL again).
INPUT_FIELDS = frozenset(CONNECTION_FIELDS) | {"client_secret", "saml_metadata_xml", "saml_metadata_refresh"}
_TEXT_FIELDS = frozenset(CONNECTION_FIELDS) - {"enabled", "require_sso", "create_on_first_sign_in"}
_AUDITED = (*CONNECTION_FIELDS, "saml_idp_entity_id")
DEFAULT_SCOPES = str(SsoConnection._meta.get_field("oidc_scopes").default)

DOMAIN_TAKEN = (
    "Another organization has already claimed and verified this domain. If it is yours, contact MentorHub "
    "support to have it transferred."
)


def _fetched_metadata(connection: SsoConnection | None, fields: dict[str, Any]) -> tuple[str, str] | None:
    """The IdP metadata to store (XML, entity id) when this change brings new metadata, else None: an upload
    (validated), or the URL's document when the URL is new, or when asked to fetch it again."""
    upload = (fields.get("saml_metadata_xml") or "").strip()
    if upload:
        try:
            return upload, parse_idp_metadata(upload).entity_id
        except ValidationError as error:
            raise ValidationError({"saml_metadata_xml": error.messages}) from None
    url = fields.get("saml_metadata_url")
    url = (url or "").strip() if url is not None else None
    stored_url = connection.saml_metadata_url if connection is not None else ""
    stored_xml = connection.saml_metadata_xml if connection is not None else ""
    if not url or (url == stored_url and stored_xml and not fields.get("saml_metadata_refresh")):
        return None
    try:
        xml = fetch_idp_metadata(url)
        return xml, parse_idp_metadata(xml).entity_id
    except ValidationError as error:
        raise ValidationError({"saml_metadata_url": error.messages}) from None


def _check(connection: SsoConnection) -> None:
    """What the settings need to be usable, each broken rule next to its field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if connection.oidc_issuer:
        # https only, and a host on a public address (checked again when a sign-in connects: sso/outbound.py).
        refusal = issuer_refusal(connection.oidc_issuer)
        if refusal:
            add("oidc_issuer", refusal)
    if connection.protocol == SsoConnection.Protocol.OIDC and "openid" not in connection.oidc_scopes.split():
        add("oidc_scopes", "The scopes must include openid (OpenID Connect sign-in needs it).")
    if not connection.attribute_email:
        add("attribute_email", "Say which claim or attribute holds the email address (usually “email”).")
    if not connection.attribute_name:
        add("attribute_name", "Say which claim or attribute holds the person's name (usually “name”).")
    if connection.enabled and connection.protocol == SsoConnection.Protocol.OIDC:
        if not connection.oidc_issuer:
            add("oidc_issuer", "Enter your identity provider's issuer URL to turn on OpenID Connect sign-in.")
        if not connection.oidc_client_id:
            add("oidc_client_id", "Enter the client ID your identity provider gave MentorHub.")
        if not connection.oidc_client_secret_encrypted:
            add("client_secret", "Enter the client secret your identity provider gave MentorHub.")
    if connection.enabled and connection.protocol == SsoConnection.Protocol.SAML and not connection.saml_metadata_xml:
        add(
            "saml_metadata_url",
            "Give your identity provider's metadata URL or upload its metadata XML to turn on SAML sign-in.",
        )
    if connection.require_sso and not connection.enabled:
        add("require_sso", "Turn single sign-on on before requiring it: members could not sign in otherwise.")
    if errors:
        raise ValidationError(errors)


def _snapshot(connection: SsoConnection) -> dict[str, Any]:
    return {name: getattr(connection, name) for name in _AUDITED}


def sso_connection_update(*, organization: Organization, actor: User | None, **fields: Any) -> SsoConnection:
    """Create or change the organization's SSO connection. Fields: CONNECTION_FIELDS and INPUT_FIELDS above.
    A ValidationError keyed by field says what is missing or wrong; nothing is saved then."""
    unknown = set(fields) - INPUT_FIELDS
    if unknown:
        raise TypeError(f"sso_connection_update() got unexpected fields: {', '.join(sorted(unknown))}")
    # Metadata from a URL is fetched (and every document parsed) outside the transaction.
    metadata = _fetched_metadata(scoped(SsoConnection, organization).first(), fields)
    return _save(organization=organization, actor=actor, fields=fields, metadata=metadata)


@transaction.atomic
def _save(
    *, organization: Organization, actor: User | None, fields: dict[str, Any], metadata: tuple[str, str] | None
) -> SsoConnection:
    connection = scoped(SsoConnection.objects.select_for_update(), organization).first()
    created = connection is None
    if connection is None:
        connection = SsoConnection(organization=organization)
    before, old_xml = _snapshot(connection), connection.saml_metadata_xml
    for name in CONNECTION_FIELDS:
        value = fields.get(name)
        if value is None:
            continue
        if name == "oidc_scopes":
            value = " ".join(dict.fromkeys(str(value).split())) or DEFAULT_SCOPES  # blank: the default
        elif name in _TEXT_FIELDS:
            value = str(value).strip()
        else:
            value = bool(value)
        setattr(connection, name, value)
    secret = (fields.get("client_secret") or "").strip()
    if secret:
        connection.oidc_client_secret_encrypted = secret_encrypt(secret)
    if metadata is not None:
        connection.saml_metadata_xml, connection.saml_idp_entity_id = metadata
        if (fields.get("saml_metadata_xml") or "").strip():
            connection.saml_metadata_url = ""  # an uploaded document replaces the URL it came from
    _check(connection)
    connection.full_clean()
    connection.save()
    changes: dict[str, Any] = diff_fields(before, _snapshot(connection))
    if secret:
        changes["client_secret"] = "client secret changed"  # noqa: S105 -- a note, never the secret itself
    if metadata is not None and metadata[0] != old_xml:
        uploaded = bool((fields.get("saml_metadata_xml") or "").strip())
        changes["saml_metadata"] = "IdP metadata uploaded" if uploaded else "IdP metadata fetched from the URL"
    if created or changes:
        verb = "sso.connection_create" if created else "sso.connection_update"
        audit_record(organization=organization, actor=actor, verb=verb, target=connection, changes=changes)
    return connection


@transaction.atomic
def domain_claim(*, organization: Organization, actor: User | None, domain: str) -> ClaimedDomain:
    """Claim an email domain for the organization's SSO: a pending claim, which counts once verified
    (`domain_verify`). A domain another organization verified is refused; the message never says by whom."""
    try:
        name = domain_normalize(domain)
    except ValidationError as error:
        raise ValidationError({"domain": error.messages}) from None
    if scoped(ClaimedDomain, organization).filter(domain=name).exists():
        raise ValidationError(
            {"domain": [_("%(name)s is already one of your organization's domains.") % {"name": name}]}
        )
    with all_organizations():  # a verified domain is unique across the deployment
        taken = ClaimedDomain.objects.filter(domain=name, verified_at__isnull=False).exists()
    if taken:
        raise ValidationError({"domain": [DOMAIN_TAKEN]})
    claim = ClaimedDomain(organization=organization, domain=name)
    claim.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:  # claimed by this organization in the meantime
        raise ValidationError(
            {"domain": [_("%(name)s is already one of your organization's domains.") % {"name": name}]}
        ) from None
    audit_record(
        organization=organization, actor=actor, verb="sso.domain_claim", target=claim, changes={"domain": [None, name]}
    )
    return claim


def domain_verify(*, organization: Organization, actor: User | None, domain_id: int) -> ClaimedDomain:
    """Verify one of the organization's pending claims (404 for another organization's): its TXT record is
    looked up in DNS (before the transaction: a slow DNS server never holds a row lock). A ValidationError
    keyed "domain" says what DNS answered, or that another organization verified the domain first."""
    claim = get_scoped_or_404(ClaimedDomain, organization, pk=domain_id)
    if claim.verified_at is not None:
        return claim
    try:
        domain_txt_verify(claim.domain, claim.verification_token)
    except ValidationError as error:
        raise ValidationError({"domain": error.messages}) from None
    return _mark_verified(organization=organization, actor=actor, domain_id=claim.pk)


@transaction.atomic
def _mark_verified(*, organization: Organization, actor: User | None, domain_id: int) -> ClaimedDomain:
    claim = get_scoped_or_404(ClaimedDomain.objects.select_for_update(), organization, pk=domain_id)
    if claim.verified_at is not None:
        return claim
    with all_organizations():  # a verified domain is unique across the deployment: the others' claims of it
        others = ClaimedDomain.objects.filter(domain=claim.domain).exclude(pk=claim.pk)
        if others.filter(verified_at__isnull=False).exists():
            raise ValidationError({"domain": [DOMAIN_TAKEN]})
        pending = list(others.select_for_update(of=("self",)).select_related("organization"))
    claim.verified_at = timezone.now()
    try:
        with transaction.atomic():
            claim.save(update_fields=["verified_at"])
    except IntegrityError:  # verified by another organization in the meantime
        raise ValidationError({"domain": [DOMAIN_TAKEN]}) from None
    audit_record(
        organization=organization,
        actor=actor,
        verb="sso.domain_verify",
        target=claim,
        changes={"domain": [None, claim.domain], "verified": [False, True]},
    )
    # The domain is this organization's now: other organizations' pending claims of it are dropped (each
    # organization's audit log says so, without naming who verified it).
    for dropped in pending:
        with organization_scope(dropped.organization_id):
            audit_record(
                organization=dropped.organization,
                actor=None,
                verb="sso.domain_drop",
                target=dropped,
                changes={"domain": [dropped.domain, None], "reason": [None, "verified by another organization"]},
            )
            dropped.delete()
    return claim


@transaction.atomic
def domain_release(*, organization: Organization, actor: User | None, domain_id: int) -> str:
    """Give up one of the organization's claimed domains (404 for another organization's); returns its name."""
    claim = get_scoped_or_404(ClaimedDomain.objects.select_for_update(), organization, pk=domain_id)
    name = claim.domain
    audit_record(
        organization=organization,
        actor=actor,
        verb="sso.domain_release",
        target=claim,
        changes={"domain": [name, None]},
    )
    claim.delete()
    return name
