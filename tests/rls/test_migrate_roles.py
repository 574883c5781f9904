"""The two deployment shapes of docs/configuration.md ("Two database roles"), end to end on a fresh database:
`manage.py migrate` in a subprocess as an operator runs it, then what the application role may do.

1. DATABASE_OWNER_URL (the owner, not a superuser) migrates; DATABASE_URL logs in as the application role.
2. DATABASE_ASSUME_ROLE: one login (the owner) that switches to the application role at connect."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

from mentorhub.db.rls import POLICY_NAME

pytestmark = [
    pytest.mark.skipif(not settings.POSTGRESQL, reason="row-level security is PostgreSQL's"),
    pytest.mark.xdist_group("migrate-roles"),
]
ROOT = Path(__file__).resolve().parents[2]


def admin_connection(dbname: str = "postgres"):
    config = settings.DATABASES["default"]
    connection = psycopg2.connect(
        dbname=dbname, user=config.get("USER") or None, host=config.get("HOST") or None, port=config.get("PORT") or None
    )
    connection.autocommit = True
    return connection


def url(user: str, dbname: str) -> str:
    config = settings.DATABASES["default"]
    return f"postgres://{user}@{config.get('HOST') or '127.0.0.1'}:{config.get('PORT') or 5432}/{dbname}"


@pytest.fixture
def fresh_database():
    """A new database owned by a new, ordinary owner role, and a new login application role."""
    suffix = uuid.uuid4().hex[:8]
    names = {"db": f"mh_roles_{suffix}", "owner": f"mh_owner_{suffix}", "app": f"mh_app_{suffix}"}
    admin = admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{names["owner"]}" LOGIN NOSUPERUSER NOBYPASSRLS')
        cursor.execute(f'CREATE ROLE "{names["app"]}" LOGIN NOSUPERUSER NOBYPASSRLS')
        cursor.execute(f'GRANT "{names["app"]}" TO "{names["owner"]}"')  # lets the owner SET ROLE (shape 2)
        cursor.execute(f'CREATE DATABASE "{names["db"]}" OWNER "{names["owner"]}"')
    yield names
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{names["db"]}" WITH (FORCE)')
        cursor.execute(f'DROP ROLE IF EXISTS "{names["app"]}"')
        cursor.execute(f'DROP ROLE IF EXISTS "{names["owner"]}"')
    admin.close()


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_", "PYTEST_XDIST"))}
    clean.update({"DJANGO_ENV": "development", "DJANGO_ENV_FILE": "", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=300
    )


def protected_tables(dbname: str) -> int:
    connection = admin_connection(dbname)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_policies p ON p.tablename = c.relname "
            "WHERE c.relrowsecurity AND p.policyname = %s",
            [POLICY_NAME],
        )
        count = cursor.fetchone()[0]
    connection.close()
    return count


def last_analyze(dbname: str, table: str):
    connection = admin_connection(dbname)
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = %s", [table])
        found = cursor.fetchone()[0]
    connection.close()
    return found


def as_app(names: dict, sql: str, *, set_role: bool = False):
    """Run one statement as the application role (its own login, or the owner's after SET ROLE)."""
    config = settings.DATABASES["default"]
    connection = psycopg2.connect(
        dbname=names["db"],
        user=names["owner"] if set_role else names["app"],
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    try:
        with connection.cursor() as cursor:
            if set_role:
                cursor.execute(f'SET ROLE "{names["app"]}"')
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else cursor.rowcount
    finally:
        connection.rollback()
        connection.close()


def test_migrate_through_the_owner_url_installs_the_wall_for_the_application_role(fresh_database):
    names = fresh_database
    done = manage(
        "migrate",
        "--noinput",
        DATABASE_URL=url(names["app"], names["db"]),
        DATABASE_OWNER_URL=url(names["owner"], names["db"]),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert protected_tables(names["db"]) >= 40
    # The application role reads (no rows without an organization) and may add to the audit log, never rewrite it.
    assert as_app(names, "SELECT count(*) FROM accounts_employee") == [(0,)]
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        as_app(names, "UPDATE accounts_auditevent SET verb = 'x'")
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        as_app(names, "CREATE TABLE intruder (id int)")
    # It cannot ANALYZE a table itself (not the owner), but refreshes statistics through the owner's function.
    as_app(names, "SELECT mentorhub_analyze(ARRAY['accounts_employee']::regclass[])")
    assert last_analyze(names["db"], "accounts_employee") is not None
    # Migrating as the application role itself is refused with a message that says what to do.
    refused = manage("migrate", "--noinput", DATABASE_URL=url(names["app"], names["db"]))
    assert refused.returncode != 0 and "DATABASE_OWNER_URL" in refused.stderr


def test_migrate_with_an_assumed_role_runs_as_the_login_and_grants_the_role(fresh_database):
    names = fresh_database
    done = manage(
        "migrate", "--noinput", DATABASE_URL=url(names["owner"], names["db"]), DATABASE_ASSUME_ROLE=names["app"]
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert protected_tables(names["db"]) >= 40
    assert as_app(names, "SELECT count(*) FROM accounts_organization", set_role=True) == [(0,)]
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        as_app(names, "DELETE FROM accounts_auditevent", set_role=True)
