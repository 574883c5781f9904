"""The integrations' page routes (settings pages under /o/<org_slug>/settings/, and the chat services' callbacks)."""

from django.urls import path  # noqa: F401 - routes are added by each integration

from .teams.urls import urlpatterns as teams_urls

urlpatterns: list = [*teams_urls]
