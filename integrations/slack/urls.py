"""The Slack app's routes: Settings -> Slack under /o/<org_slug>/, and the addresses Slack calls."""

from django.urls import path

from .views import callbacks, personal, settings_page

urlpatterns = [
    path("o/<slug:org_slug>/settings/slack/", settings_page.slack_settings, name="slack-settings"),
    path("o/<slug:org_slug>/settings/slack/install/", settings_page.slack_install, name="slack-install"),
    path("o/<slug:org_slug>/settings/slack/callback/", settings_page.slack_callback, name="slack-callback"),
    path("o/<slug:org_slug>/settings/slack/uninstall/", settings_page.slack_uninstall, name="slack-uninstall"),
    path("o/<slug:org_slug>/my-slack/", personal.my_slack_messages, name="slack-my-messages"),
    path("integrations/slack/oauth/", settings_page.slack_oauth_return, name="slack-oauth-return"),
    path("integrations/slack/interactions/", callbacks.slack_interactions, name="slack-interactions"),
    path("integrations/slack/events/", callbacks.slack_events, name="slack-events"),
]
