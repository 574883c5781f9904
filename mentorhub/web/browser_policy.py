"""What the browser policy (docs/architecture.md, "Browser policy") needs beyond django-csp: a page's own
additions to the Content-Security-Policy, and a form's redirect to another site.

A route may add sources to the policy for its own pages (settings.CONTENT_SECURITY_POLICY_ROUTES, by URL
name, each with its reason there), so an exception one third-party page needs stays on that page.

The Content-Security-Policy says `form-action 'self'`: a form may send its data to this site only. Chromium
and Safari apply that to every redirect that answers the form as well, so a sign-in that posts here and is
redirected to the organization's identity provider (single sign-on's "Continue", "Test the connection",
allauth's own provider sign-in) would be refused, and the identity provider's address cannot be named in
the policy in advance (the sign-in page does not know the organization yet). So such a redirect becomes a
short page that goes on by itself (a `<meta http-equiv="refresh">`, a navigation that is no form
submission) with the same link to follow by hand: the form's data still reaches only this site, and the
policy stays whole for every page.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

# A form submission's redirect that the browser follows as a new GET (307 and 308 would post the data again,
# and are left to the browser's refusal: nothing here answers a form with one).
FOLLOWED_AS_GET = frozenset({301, 302, 303})
# Headers of the redirect that do not describe the page replacing it.
DROPPED_HEADERS = frozenset({"location", "content-type", "content-length"})


def is_form_navigation(request: HttpRequest) -> bool:
    """A POST the browser sends as a navigation: a form submission (not htmx, fetch or an API client). Every
    browser that applies form-action to redirects says so in `Sec-Fetch-Mode`."""
    return request.method == "POST" and request.headers.get("Sec-Fetch-Mode") == "navigate"


def other_site(request: HttpRequest, location: str) -> str | None:
    """The host (with its port) an http(s) redirect leaves for, when it is not this site; None otherwise."""
    target = urlsplit(location)
    if not target.netloc or target.scheme not in ("", "http", "https"):
        return None  # a path on this site, or no web address to put in a page (left to the browser)
    here = (request.scheme, request.get_host())
    there = (target.scheme or request.scheme, target.netloc)
    return None if there == here else target.netloc


class FormRedirectHandoffMiddleware:
    """Turns a form submission's redirect to another site into a page that continues there (see above).
    Its cookies (the sign-in's state, kept in the session) and other headers are kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code not in FOLLOWED_AS_GET or not is_form_navigation(request):
            return response
        location = response.get("Location", "")
        host = other_site(request, location)
        if host is None:
            return response
        return self.handoff(request, response, location=location, host=host)

    @staticmethod
    def handoff(request: HttpRequest, redirect: HttpResponseBase, *, location: str, host: str) -> HttpResponse:
        page = render(request, "web/handoff.html", {"location": location, "host": host})
        for header, value in redirect.items():
            if header.lower() not in DROPPED_HEADERS:
                page[header] = value
        page.cookies = redirect.cookies
        # The address may carry the sign-in's one-time state: never kept by a cache.
        add_never_cache_headers(page)
        return page


class RoutePolicyMiddleware:
    """Adds a route's own sources (settings.CONTENT_SECURITY_POLICY_ROUTES) to the policy of its answers, the
    way django-csp's `csp_update` decorator would on the view. Listed after django-csp's middleware, so it
    runs first on the way out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = request.resolver_match
        routes = getattr(settings, "CONTENT_SECURITY_POLICY_ROUTES", {})
        additions = routes.get(match.view_name) if match else None
        if additions:
            update = dict(getattr(response, "_csp_update", None) or {})
            for directive, sources in additions.items():
                update[directive] = [*update.get(directive, []), *sources]
            response._csp_update = update  # type: ignore[attr-defined]  # django-csp's per-response hook
        return response
