"""The Teams app's routes: its settings page and package under /o/<org_slug>/settings/teams/, and the bot's
messaging endpoint (the address registered with the Azure bot)."""

from django.urls import path

from . import views

urlpatterns = [
    path("o/<slug:org_slug>/settings/teams/", views.teams_settings, name="teams-settings"),
    path("o/<slug:org_slug>/settings/teams/manifest.zip", views.teams_manifest, name="teams-manifest"),
    path("integrations/teams/messages", views.teams_messages, name="teams-messages"),
]
