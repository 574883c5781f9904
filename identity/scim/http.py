"""What every SCIM view shares: bearer-token authentication, the organization, SCIM JSON in and out, and
errors in the SCIM Error schema (RFC 7644 §3.12).

Only an API token with the `scim` scope authenticates (never a browser session; CSRF does not apply). No
token or an unknown, revoked, expired or deactivated one: 401. A token of another organization: 404, the same answer
as an organization that does not exist. A token of this organization without the `scim` scope, or acting
as a non-admin: 403.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError as PydanticValidationError
from scim2_models import Error, SCIMException

from mentorhub.accounts.models import ApiToken, Organization, Role, TokenScope, User
from mentorhub.accounts.secret_tokens import hash_token
from mentorhub.db.tenant_scope import activate_organization, all_organizations

CONTENT_TYPE = "application/scim+json"
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class ScimContext:
    organization: Organization
    actor: User
    token: ApiToken
    base_url: str  # absolute, ends with "/"


def scim_json(payload: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(payload), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def scim_error(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    error = Error(status=status, detail=detail, scim_type=scim_type)
    response = scim_json(error.model_dump(), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="SCIM"'
    return response


def read_json(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except RequestDataTooBig:
        # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE before reading it: answered in SCIM's form.
        raise SCIMBadRequest("The request body is too large.", None, status=413) from None
    except (ValueError, UnicodeDecodeError):
        raise SCIMBadRequest("The body is not JSON.", "invalidSyntax") from None


MAX_PK = 2**63 - 1  # the database's bigint


def as_pk(value: str | None) -> int | None:
    """A SCIM id (always a string) as a database key, or None when it cannot be one: ASCII digits only
    (`str.isdigit` also accepts "²", which int() refuses) and within the database's range."""
    text = value or ""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_PK else None


class SCIMBadRequest(Exception):
    def __init__(self, detail: str, scim_type: str | None = "invalidValue", status: int = 400):
        super().__init__(detail)
        self.detail, self.scim_type, self.status = detail, scim_type, status


def _token(request: HttpRequest) -> tuple[ApiToken | None, str]:
    """The request's usable token, or None and why not (the 401's detail)."""
    refused = "A valid bearer token with the scim scope is required."
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(header) != 2 or header[0].lower() != "bearer":
        return None, refused
    with all_organizations():  # the token says which organization: found by its hash among all of them
        token = (
            ApiToken.objects.select_related("organization", "membership__user")
            .filter(token_hash=hash_token(header[1]), revoked_at__isnull=True)
            .first()
        )
    if token is None or not token.membership.user.is_active or token.membership.deactivated_at is not None:
        return None, refused
    if token.is_expired:
        return None, f"This token expired on {token.expires_at:%Y-%m-%d}; create a new one and update the IdP."
    return token, ""


def _service_error_detail(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(f"{field}: {message}" for field, messages in exc.message_dict.items() for message in messages)
    return " ".join(exc.messages)


def scim_view(methods: tuple[str, ...]) -> Callable:
    """Decorate a SCIM view `view(request, scim: ScimContext, **kwargs)`; see the module docstring."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, org_slug: str, **kwargs: Any) -> HttpResponse:
            token, refusal = _token(request)
            if token is None:
                return scim_error(401, refusal)
            if token.organization.slug != org_slug:
                return scim_error(404, "No such organization.")
            if not token.has_scope(TokenScope.SCIM) or token.membership.role != Role.ADMIN:
                return scim_error(403, "This token may not provision: it needs the scim scope and an admin.")
            if request.method not in methods:
                return scim_error(405, f"{request.method} is not supported here.")
            # From here on the database shows the token's organization only (row-level security).
            activate_organization(token.organization_id)
            now = timezone.now()
            if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            scim = ScimContext(
                organization=token.organization,
                actor=token.membership.user,
                token=token,
                base_url=request.build_absolute_uri(f"/scim/v2/o/{org_slug}/"),
            )
            try:
                return view(request, scim, **kwargs)
            except Http404:
                return scim_error(404, "Resource not found.")
            except SCIMBadRequest as exc:
                return scim_error(exc.status, exc.detail, exc.scim_type)
            except SCIMException as exc:
                error = exc.to_error()
                return scim_json(error.model_dump(), status=int(error.status or 400))
            except PydanticValidationError as exc:
                first = Error.from_validation_errors(exc)[0]
                return scim_json(first.model_dump(), status=int(first.status or 400))
            except ValidationError as exc:
                return scim_error(400, _service_error_detail(exc), "invalidValue")

        return wrapped

    return decorator
