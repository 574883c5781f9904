from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"

    def ready(self) -> None:
        from . import privacy

        privacy.register()  # its personal data, in accounts' registry (docs/privacy.md)
