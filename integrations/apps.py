"""Where people already work: Slack and Microsoft Teams apps (chat channels of the notices), and the outgoing
webhooks that deliver the outbox's domain events to an organization's own endpoints."""

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"

    def ready(self) -> None:
        # Slack, Teams and webhooks register their chat channels and event handlers here (each in its package).
        from mentorhub.accounts.extensions import register_notice_channel
        from sessions.extensions import register_preference_links

        from . import privacy
        from .slack import privacy as slack_privacy
        from .slack.preference_links import slack_preference_links
        from .slack.services.delivery import slack_channel
        from .teams import privacy as teams_privacy
        from .teams.channel import teams_channel

        register_notice_channel(slack_channel)  # module-level functions: ready() may run again in tests
        register_notice_channel(teams_channel)
        register_preference_links(slack_preference_links)  # "My Slack messages" on the email settings page
        privacy.register()  # webhooks' part of accounts' personal-data registry (docs/privacy.md)
        slack_privacy.register()
        teams_privacy.register()
