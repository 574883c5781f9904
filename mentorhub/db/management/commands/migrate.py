"""`migrate`, run as the tables' owner (docs/configuration.md, "Two database roles"): the web and worker
processes act as the application role, which may not change the schema.

- With DATABASE_OWNER_URL (the `owner` alias), migrations run on that connection.
- With DATABASE_ASSUME_ROLE, they run as the login itself, without switching to the application role.
Either way, afterwards the application role is granted its rights (mentorhub/db/rls.py).
"""

from typing import Any

from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

OWNER_ALIAS = "owner"


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> Any:
        if options.get("database", DEFAULT_DB_ALIAS) == DEFAULT_DB_ALIAS:
            if OWNER_ALIAS in connections.databases:
                options["database"] = OWNER_ALIAS
            else:
                self._as_the_login(connections[DEFAULT_DB_ALIAS])
        return super().handle(*args, **options)

    @staticmethod
    def _as_the_login(connection: Any) -> None:
        """DATABASE_ASSUME_ROLE: this process migrates as the login (the owner), not as the assumed role."""
        if connection.vendor == "postgresql" and connection.settings_dict.get("OPTIONS", {}).pop("assume_role", None):
            connection.close()
