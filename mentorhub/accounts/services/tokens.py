from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorhub.tenancy import get_scoped_or_404

from ..models import ApiToken, Membership, Organization, TokenScope, User
from ..secret_tokens import hash_token, new_secret
from .audit import audit_record

TOKEN_PREFIX = "mh_"  # noqa: S105 (a public prefix, not a secret)
DEFAULT_EXPIRY_DAYS = 90
EXPIRY_CHOICES_DAYS = (30, 90, 180, 365)  # what the API tokens page offers
MAX_EXPIRY_DAYS = 3650


@transaction.atomic
def api_token_create(
    *,
    organization: Organization,
    actor: User,
    membership: Membership,
    name: str,
    scopes: Iterable[str] = (TokenScope.READ, TokenScope.WRITE),
    expires_in_days: int = DEFAULT_EXPIRY_DAYS,
) -> tuple[ApiToken, str]:
    """Create a token acting as `membership` with these scopes (TokenScope values: `read`/`write` open the
    REST API, `scim` the SCIM server), expiring after `expires_in_days`; returns it with the raw secret,
    shown only this once. The token acts with the membership's role at each request, never the role it had
    when it was created."""
    if membership.organization_id != organization.pk:
        raise ValueError("The membership belongs to another organization.")
    if not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise ValidationError(
            {"expires_in_days": [_("A token expires after 1 to %(days)s days.") % {"days": MAX_EXPIRY_DAYS}]}
        )
    chosen = [scope.value for scope in TokenScope if scope.value in {str(s) for s in scopes}]
    unknown = {str(s) for s in scopes} - set(TokenScope.values)
    if unknown or not chosen:
        raise ValidationError(
            {"scopes": [_("Choose at least one of: %(scopes)s.") % {"scopes": ", ".join(TokenScope.values)}]}
        )
    if TokenScope.WRITE in chosen and TokenScope.READ not in chosen:
        chosen.insert(0, TokenScope.READ.value)  # writing through the API needs reading it
    expires_at = timezone.now() + timedelta(days=expires_in_days)
    raw = new_secret(TOKEN_PREFIX)
    token = ApiToken(
        organization=organization,
        membership=membership,
        name=name.strip() or "API token",
        prefix=raw[:10],
        token_hash=hash_token(raw),
        scopes=" ".join(chosen),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    audit_record(
        organization=organization,
        actor=actor,
        verb="api_token.create",
        target=token,
        changes={"scopes": [None, token.scopes], "expires_at": [None, expires_at.isoformat()]},
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
