"""Every request gets an id (the proxy's X-Request-ID, or a new one, echoed in the response), its latency
in the metrics by route, and, where LOG_REQUESTS is on, one access line; every line logged while it runs
carries the same id, organization and person (mentorhub/ops/context.py).

Two middlewares, because the organization is known only inside the stack: `RequestContextMiddleware` comes
first in MIDDLEWARE (it sees the whole request) and `RequestIdentityMiddleware` last (it reads the organization
and person as the view left them, before the tenant-scope middleware puts the scope back)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponseBase

from mentorhub.db.tenant_scope import current_scope

from .context import RequestContext, current_request, enter_request, leave_request, request_id_from, signed_in_user_id
from .metrics.instruments import observe_request

access_log = logging.getLogger("mentorhub.request")
UNMATCHED = "unmatched"  # no route answered (a 404 before any view, or a file the static layer served)


def route_of(request: HttpRequest) -> tuple[str, str]:
    """The route's name and pattern, never the raw path (bounded label values; no secret tokens of a URL)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return getattr(request, "ops_route", UNMATCHED), ""
    return match.view_name or match.route or UNMATCHED, "/" + (match.route or "")


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.log_requests = getattr(settings, "LOG_REQUESTS", False)
        # The context ends when the response is closed, not here (mentorhub/ops/context.py: leave_request).
        request_finished.connect(leave_request, dispatch_uid="mentorhub-ops-request-context")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        context = RequestContext(request_id=request_id_from(request.headers.get("X-Request-ID")), request=request)
        enter_request(context)
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        response["X-Request-ID"] = context.request_id
        route, pattern = route_of(request)
        observe_request(route=route, method=request.method or "", status=response.status_code, seconds=elapsed)
        if self.log_requests:
            access_log.info(
                "%s %s %s",
                request.method,
                pattern or route,
                response.status_code,
                extra={
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
        return response


class RequestIdentityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        context = current_request()
        if context is not None:
            scope = current_scope()
            if isinstance(scope, int):
                context.organization_id = scope
            context.user_id = context.user_id or signed_in_user_id(request)
        return response
