from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mentorhub.accounts"
    label = "accounts"

    def ready(self) -> None:
        from .api import schema  # noqa: F401  (registers the API token scheme with drf-spectacular)
        from .privacy import entries

        entries.register()  # this app's personal data, first in the registry (docs/privacy.md)
