"""The OpenAPI (drf-spectacular) pieces every API module uses, the hook that documents the refusals every
operation may answer, and the interactive docs page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBase
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework import exceptions

# The 400 of a service's refusal (see mentorhub.web.errors.api_exception_handler).
SERVICE_ERRORS = OpenApiResponse(description="Refused by the rules, with the messages: {field or question id: [...]}.")

# DRF's own refusals are {"detail": "..."}: one component for all of them.
ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": "A refusal: not signed in, not allowed, not found, or too many requests.",
    "properties": {"detail": {"type": "string", "description": "What went wrong, in a sentence."}},
    "required": ["detail"],
}
# What every operation may answer besides its own responses (docs/api.md). Every route names an organization
# and may be throttled in production, so every operation has all four.
REFUSALS = {
    "401": "Not signed in, or the API token is missing, wrong or revoked.",
    "403": "This role (or this token's scopes) may not do this; a session's write without the CSRF token.",
    "404": "No such object in this organization, or an organization you are not a member of (the same answer).",
    "429": "Too many requests (rate limits: docs/api.md): wait `Retry-After` seconds, then try again.",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}}
# Every operation may also answer 400: a NUL character anywhere in a request (path, query, body) is refused
# before any view (mentorhub/web/nul_bytes.py), and a body that is no valid JSON by DRF's parser. An
# operation's own 400 (a service's or a serializer's messages) keeps its description and gains this body.
BAD_REQUEST_COMPONENT = "BadRequest"
BAD_REQUEST_SCHEMA = {
    "type": "object",
    "description": (
        "Why the request was refused. Messages by field, `{field: [message, ...]}` (nested for lists and "
        "objects, such as `milestones` or `answers` by question id; `non_field_errors` for the request as a "
        'whole), or `{"detail": message}` for a request that could not be read at all (a NUL character, '
        "malformed JSON)."
    ),
    "additionalProperties": {},
}
BAD_REQUEST = "Refused: against the rules (the messages say why), or unreadable (a NUL character, malformed JSON)."
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def is_schema_generation(view: Any) -> bool:
    """drf-spectacular instantiates views without a request organization to read their querysets: such a view
    must not touch `request.organization`."""
    return getattr(view, "swagger_fake_view", False)


def document_refusals(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]): every operation
    documents 400 (BAD_REQUEST_SCHEMA), and 401, 403, 404 and 429 with the shared `Error` body. An operation's
    own description of one of these (e.g. "You have not rated it yet.") is kept; only its body is added."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components[ERROR_COMPONENT] = ERROR_SCHEMA
    components[BAD_REQUEST_COMPONENT] = BAD_REQUEST_SCHEMA
    error = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    body = {"application/json": {"schema": error}}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            _document_bad_request(responses.setdefault("400", {"description": BAD_REQUEST}), error)
            for code, description in REFUSALS.items():
                response = responses.setdefault(code, {"description": description})
                response.setdefault("content", body)
                if code == "429":
                    response.setdefault("headers", RETRY_AFTER)
    return result


def _document_bad_request(response: dict[str, Any], error: dict[str, str]) -> None:
    """An operation's 400: the shared body where it names none; where it names its own (the roster import's
    errors by line and column), that body or the NUL refusal's `Error`."""
    content = response.get("content")
    if not content:
        response["content"] = {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{BAD_REQUEST_COMPONENT}"}}
        }
        return
    for media in content.values():
        if "schema" in media:
            media["schema"] = {"anyOf": [media["schema"], error]}


class ApiDocsView(SpectacularSwaggerView):
    """The interactive docs (Swagger UI), for signed-in users and token holders like the schema it reads: an
    anonymous visitor is sent to sign in and comes back here."""

    # A redirect, not a DRF Response: this page is for browsers (DRF passes any HttpResponseBase through).
    def handle_exception(self, exc: Exception) -> HttpResponseBase:  # type: ignore[override]
        if isinstance(exc, exceptions.NotAuthenticated):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
