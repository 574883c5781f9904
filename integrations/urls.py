"""The integrations' page routes (settings pages under /o/<org_slug>/settings/, and the chat services' callbacks)."""

from django.urls import include, path

from .teams.urls import urlpatterns as teams_urls

urlpatterns: list = [
    path("", include("integrations.slack.urls")),
    *teams_urls,
]
