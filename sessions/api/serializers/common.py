"""What the mentoring API's serializers share: absolute links, and a time that must carry its offset."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from rest_framework import serializers


def absolute_url(request: Any, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None and path else path


def page_url(context: Mapping[str, Any], name: str, **kwargs: int) -> str:
    """The browser page of an object, absolute ("" when the pages are not installed)."""
    request = context.get("request")
    organization = getattr(request, "organization", None)
    if organization is None:
        return ""
    try:
        return absolute_url(request, reverse(name, kwargs={"org_slug": organization.slug, **kwargs}))
    except NoReverseMatch:
        return ""


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time that must carry its offset (…+02:00 or …Z): a naive time would be read in
    whatever zone the server happens to use, and a session is a moment shared across zones."""

    default_error_messages = {
        "naive": "Give the time with its offset, e.g. 2026-03-30T10:00:00+02:00 (or Z for UTC).",
    }

    def enforce_timezone(self, value: datetime) -> datetime:
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)
