"""The test suite's PostgreSQL roles: the test database is created and migrated by the connecting user
(the owner, a superuser here), and then every connection switches to the application role with SET ROLE
(Django's `assume_role` option), so row-level security applies to the whole suite. With SQLite nothing
changes."""

from __future__ import annotations

import contextlib

import psycopg2
from django.conf import settings
from django.db import connections

APPLICATION_ROLE = "mentorhub_app"


def _postgresql() -> bool:
    return bool(getattr(settings, "POSTGRESQL", False))


def create_application_role() -> None:
    """A role that cannot log in, own the tables or bypass row-level security. Cluster-wide, so several
    xdist workers may race to create it: the loser's "already exists" is fine."""
    if not _postgresql():
        return
    config = settings.DATABASES["default"]
    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APPLICATION_ROLE])
            if cursor.fetchone() is None:
                with contextlib.suppress(psycopg2.errors.DuplicateObject, psycopg2.errors.UniqueViolation):
                    cursor.execute(f'CREATE ROLE "{APPLICATION_ROLE}" NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT')
    finally:
        connection.close()


def _set_assumed_role(role: str | None) -> None:
    for alias in connections:
        options = connections[alias].settings_dict.setdefault("OPTIONS", {})
        if role:
            options["assume_role"] = role
        else:
            options.pop("assume_role", None)
    connections.close_all()


def act_as_application_role() -> None:
    if _postgresql():
        _set_assumed_role(APPLICATION_ROLE)


def act_as_owner() -> None:
    if _postgresql():
        _set_assumed_role(None)
