"""Placeholder: the pages are being written."""

from django.http import HttpResponse


def goal_new(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def goal_detail(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def goal_edit(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def goal_delete(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def milestone_add(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def goal_comment(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def milestone_toggle(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def milestone_delete(request, **kwargs) -> HttpResponse:
    raise NotImplementedError
