"""htmx requests: which ones want a partial instead of the whole page, and what htmx understands back."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

# htmx stops polling when a poll is answered with this status (and still swaps the content in).
HTMX_STOP_POLLING = 286


def is_htmx(request: Any) -> bool:
    """An htmx request that wants a partial. A history restore after a cache miss asks for the whole page,
    so it gets the whole page."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """Mark a response that differs for htmx requests, so no cache serves the partial as the page."""
    patch_vary_headers(response, ["HX-Request"])
    return response
