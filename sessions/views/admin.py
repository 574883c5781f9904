"""Placeholder: the pages are being written."""

from django.http import HttpResponse


def program_mentoring(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def program_mentoring_export(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def admin_match_end(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def goal_templates(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def goal_template_edit(request, **kwargs) -> HttpResponse:
    raise NotImplementedError


def goal_template_delete(request, **kwargs) -> HttpResponse:
    raise NotImplementedError
