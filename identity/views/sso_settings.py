"""Being built (issue 11)."""

from django.http import Http404, HttpRequest, HttpResponse


def sso_settings(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def sso_domain_release(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
