from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"

    def ready(self) -> None:
        # Slack, Teams and webhooks register their chat channels and event handlers here (each in its package).
        from . import privacy

        privacy.register()  # its part of accounts' personal-data registry (docs/privacy.md)
