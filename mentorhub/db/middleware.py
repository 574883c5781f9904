"""Every request starts with no organization in the database's scope; the tenancy layer sets one once it has
resolved the request's organization (mentorhub/tenancy.py). What was there before comes back when the response
leaves this middleware, or, for a streamed body (a CSV export reads rows while it is sent), when it is closed."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

from mentorhub.db.tenant_scope import ALL, current_scope, set_scope


class TenantScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.admin_prefix = ""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        previous = current_scope()
        set_scope(ALL if self._operator_in_admin(request) else None)
        response = self.get_response(request)
        if not response.streaming:
            # Rendered already (a TemplateResponse is rendered inside get_response): nothing reads rows after this.
            set_scope(previous)
            return response
        # A streamed body (CSV exports) reads rows while it is sent: Django calls a response's resource closers
        # from close(), after the last byte; there is no public hook at that moment.
        response._resource_closers.append(lambda: set_scope(previous))  # type: ignore[attr-defined]
        return response

    def _operator_in_admin(self, request: HttpRequest) -> bool:
        """The Django admin is the operator's view across organizations (staff only, read-mostly)."""
        if not self.admin_prefix:
            self.admin_prefix = reverse("admin:index")
        if not request.path.startswith(self.admin_prefix):
            return False
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_active and user.is_staff)
