"""The operator's endpoints (`/healthz`, `/readyz`, `/metrics`), answered by a middleware early in the stack:
after the security and browser-policy headers, before the host check (a probe names the pod's address, not the
site's host), sessions, sign-in, CSRF and the tenant layer. They read no cookie and set none, and answer in
microseconds where a page would load a session first. Their routes (mentorhub/ops/urls.py) name the same views,
for reverse() and the role matrix; the HTTPS redirect exempts them (SECURE_REDIRECT_EXEMPT in settings)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from mentorhub.db.tenant_scope import no_organization

from .health import healthz, readyz
from .metrics.exposition import metrics_view

VIEWS: dict[str, Callable[[HttpRequest], HttpResponseBase]] = {
    "/healthz": healthz,
    "/readyz": readyz,
    "/metrics": metrics_view,
}


class OperatorEndpointsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        view = VIEWS.get(request.path_info)
        if view is None:
            return self.get_response(request)
        request.ops_route = request.path_info.lstrip("/")  # type: ignore[attr-defined]  # the metrics' route label
        with no_organization():  # no tenant's rows: the gauges that need them say so (all_organizations)
            return view(request)
