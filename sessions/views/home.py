"""Placeholder: the pages are being written."""

from django.http import HttpResponse


def my_mentoring(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def mentoring_match(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def match_complete(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def match_end(request, **kwargs) -> HttpResponse:
    raise NotImplementedError
