from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorhub.tenancy import get_scoped_or_404

from ..models import ApiToken, Membership, Organization, TokenScope, User
from ..secret_tokens import hash_token, new_secret
from .audit import audit_record

TOKEN_PREFIX = "mh_"  # noqa: S105 (a public prefix, not a secret)


@transaction.atomic
def api_token_create(
    *,
    organization: Organization,
    actor: User,
    membership: Membership,
    name: str,
    scopes: Iterable[str] = (TokenScope.READ, TokenScope.WRITE),
) -> tuple[ApiToken, str]:
    """Create a token acting as `membership` with these scopes (TokenScope values: `read`/`write` open the
    REST API, `scim` the SCIM server); returns it with the raw secret, shown only this once."""
    if membership.organization_id != organization.pk:
        raise ValueError("The membership belongs to another organization.")
    chosen = [scope.value for scope in TokenScope if scope.value in {str(s) for s in scopes}]
    unknown = {str(s) for s in scopes} - set(TokenScope.values)
    if unknown or not chosen:
        raise ValidationError({"scopes": ["Choose at least one of: " + ", ".join(TokenScope.values) + "."]})
    if TokenScope.WRITE in chosen and TokenScope.READ not in chosen:
        chosen.insert(0, TokenScope.READ.value)  # writing through the API needs reading it
    raw = new_secret(TOKEN_PREFIX)
    token = ApiToken(
        organization=organization,
        membership=membership,
        name=name.strip() or "API token",
        prefix=raw[:10],
        token_hash=hash_token(raw),
        scopes=" ".join(chosen),
    )
    token.full_clean()
    token.save()
    audit_record(
        organization=organization,
        actor=actor,
        verb="api_token.create",
        target=token,
        changes={"scopes": [None, token.scopes]},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, organization: Organization, actor: User, token_id: int) -> ApiToken:
    token = get_scoped_or_404(ApiToken, organization, pk=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(organization=organization, actor=actor, verb="api_token.revoke", target=token)
    return token
