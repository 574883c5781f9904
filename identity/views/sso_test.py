"""Being built (issue 11)."""

from django.http import Http404, HttpRequest, HttpResponse


def sso_test_start(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def sso_test_result(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
