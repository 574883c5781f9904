from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"

    def ready(self) -> None:
        # Slack, Teams and webhooks register their chat channels and event handlers here (each in its package).
        from mentorhub.accounts.extensions import register_notice_channel

        from .slack import privacy as slack_privacy
        from .slack import tasks as slack_tasks  # noqa: F401 - the worker learns the task from here
        from .slack.services.delivery import slack_channel

        register_notice_channel(slack_channel)
        slack_privacy.register()
