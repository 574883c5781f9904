from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DatabaseWallConfig(AppConfig):
    name = "mentorhub.db"
    label = "mentorhub_db"
    verbose_name = "Row-level security"

    def ready(self) -> None:
        from mentorhub.db.rls import after_migrate

        # Once per migrate (sender=this app), after every app's migrations: all tenant tables exist.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="mentorhub-db-rls")
