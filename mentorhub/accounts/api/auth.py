"""Bearer-token authentication for the API: `Authorization: Bearer mh_...`.

Only the SHA-256 of a token is stored; the token is shown once when it is created. An expired token is a 401
("expired"). The token acts with its membership's role as it is at each request (the permission classes in
mentorhub/tenancy.py read it), and changes data only with the `write` scope.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions

from mentorhub.db.tenant_scope import all_organizations, organization_scope

from ..models import ApiToken
from ..secret_tokens import hash_token

# Writing last_used_at on every request would turn every read into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid Authorization header: expected 'Bearer <token>'.")
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        with all_organizations():  # the token says which organization: found by its hash among all of them
            # With the roster entry, which the tenant resolution reads at once (the time zone) and the views
            # after it: no second query. The token hash is unique: no ordering to compile.
            found = ApiToken.objects.select_related(
                "membership__user", "membership__organization", "membership__employee"
            ).filter(token_hash=hash_token(raw), revoked_at__isnull=True)
            token = next(iter(found.order_by()[:1]), None)
        if token is None or token.organization_id != token.membership.organization_id:
            # A token opens only its own membership's organization: a mismatch (never written by the services)
            # is refused rather than trusted either way.
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        token.organization = token.membership.organization  # the same row: not joined twice
        if not token.membership.user.is_active or token.membership.deactivated_at is not None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        if token.is_expired:
            raise exceptions.AuthenticationFailed(f"This token expired on {token.expires_at:%Y-%m-%d}.")
        if not (token.has_scope("read") or token.has_scope("write")):
            # A provisioning-only token (scope `scim`) opens the SCIM server, not the REST API.
            raise exceptions.AuthenticationFailed("This token is for SCIM provisioning only.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            with organization_scope(token.organization_id):
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.membership.user, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword
