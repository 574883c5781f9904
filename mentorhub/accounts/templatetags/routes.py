"""`{% route_url %}`: Django's `{% url %}` for the links every page repeats (the header, the organization's
navigation), reversed once per process for each set of arguments instead of on every request.

A route's URL depends only on the URL configuration, the script prefix and the arguments, none of which change
while a process runs (each is part of the memo's key all the same), so the memo returns what `reverse()` would."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@lru_cache(maxsize=4096)
def _reversed(urlconf: str, script_prefix: str, name: str, kwargs: tuple[tuple[str, str], ...]) -> str:
    # `reverse()` reads the same script prefix (the key's): the request's, set before any template renders.
    return reverse(name, urlconf=urlconf, kwargs=dict(kwargs))


@register.simple_tag
def route_url(name: str, **kwargs: object) -> str:
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(urlconf, get_script_prefix(), name, tuple(sorted((k, str(v)) for k, v in kwargs.items())))
