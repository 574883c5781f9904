"""The OpenAPI (drf-spectacular) pieces every API module uses."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse

# The 400 of a service's refusal (see mentorhub.web.errors.api_exception_handler).
SERVICE_ERRORS = OpenApiResponse(description="Refused by the rules, with the messages: {field or question id: [...]}.")


def is_schema_generation(view: Any) -> bool:
    """drf-spectacular instantiates views without a request organization to read their querysets: such a view
    must not touch `request.organization`."""
    return getattr(view, "swagger_fake_view", False)
