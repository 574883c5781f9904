"""Being built (issue 11)."""

from django.http import Http404, HttpRequest, HttpResponse


def sso_discover(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
