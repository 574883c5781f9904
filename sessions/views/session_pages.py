"""Placeholder: the pages are being written."""

from django.http import HttpResponse


def session_new(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def session_log_past(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def session_detail(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def session_edit(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def session_cancel(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def session_log(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def session_notes(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def session_feedback(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def session_ics(request, **kwargs) -> HttpResponse:
    raise NotImplementedError
