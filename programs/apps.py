from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"

    def ready(self) -> None:
        from mentorhub.accounts.extensions import register_admin_attention

        from . import privacy
        from .attention import applications_waiting

        privacy.register()  # its personal data, in accounts' registry (docs/privacy.md)
        register_admin_attention(applications_waiting)  # the HR admin's home: what needs them now
