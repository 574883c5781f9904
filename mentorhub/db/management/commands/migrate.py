"""`migrate`, run as the tables' owner when DATABASE_OWNER_URL is set (the `owner` database alias): the web
and worker processes connect as the application role, which may not change the schema (docs/configuration.md).
"""

from typing import Any

from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

OWNER_ALIAS = "owner"


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> Any:
        if options.get("database", DEFAULT_DB_ALIAS) == DEFAULT_DB_ALIAS and OWNER_ALIAS in connections.databases:
            options["database"] = OWNER_ALIAS
        return super().handle(*args, **options)
