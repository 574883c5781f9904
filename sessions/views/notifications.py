"""Placeholder: the pages are being written."""

from django.http import HttpResponse


def notification_list(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def notifications_read_all(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def notification_open(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def preferences(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def calendar_rotate(request, **kwargs) -> HttpResponse:
    raise NotImplementedError
