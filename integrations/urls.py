"""The integrations' page routes (settings pages under /o/<org_slug>/settings/, and the chat services' callbacks)."""

from django.urls import include, path

urlpatterns: list = [
    path("", include("integrations.slack.urls")),
]
