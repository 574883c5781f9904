"""Row-level security on every tenant table: installed after every `migrate`, so a new model with an
organization key is under the wall from its first migration, with nothing to remember.

A tenant table is the table of a concrete model of ours whose `organization` field points at
accounts.Organization. Its policy shows and accepts a row only when the row's organization is the one the
code runs for (`app.organization_id`, set per transaction by mentorhub/db/postgresql/base.py), or when the
code said it crosses organizations (`app.all_organizations`). Nothing set: no rows, and writes refused.

The table owner (who runs migrations) and superusers bypass row-level security by PostgreSQL's rules; the
web and worker processes connect as the application role (DATABASE_URL), which neither owns the tables nor
has BYPASSRLS. `grant_application_role` gives that role what it needs, and nothing on the audit table but
SELECT and INSERT: the audit log cannot be rewritten (docs/architecture.md).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from mentorhub.db.maintenance import install_analyze_function

POLICY_NAME = "tenant_isolation"
# The one table the application may add to but never change or remove from.
APPEND_ONLY_TABLES = ("accounts_auditevent",)
OUR_APPS = ("accounts", "identity", "programs", "matching", "mentoring_sessions", "analytics", "integrations")

# Each setting read in a sub-select: PostgreSQL evaluates it once per query (an InitPlan), not once per row,
# and the organization comparison stays usable by the organization indexes (bench/row_level_security.py).
POLICY_CONDITION = (
    "organization_id = (SELECT NULLIF(current_setting('app.organization_id', true), '')::bigint) "
    "OR (SELECT current_setting('app.all_organizations', true)) = 'on'"
)


def tenant_models() -> list[type[models.Model]]:
    """Our concrete models with an `organization` key to accounts.Organization."""
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in OUR_APPS or meta.proxy or not meta.managed:
            continue
        field = next((f for f in meta.concrete_fields if f.name == "organization"), None)
        target = getattr(field, "related_model", None)
        if target is not None and target._meta.label == "accounts.Organization":
            found.append(model)
    return found


def tenant_tables() -> list[str]:
    return sorted(model._meta.db_table for model in tenant_models())


def install_policies(connection: BaseDatabaseWrapper) -> list[str]:
    """Enable row-level security and (re)create the policy on every tenant table. Idempotent."""
    if connection.vendor != "postgresql":
        return []
    tables = tenant_tables()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ALTER TABLE {quote(table)} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {quote(table)}")
            cursor.execute(
                f"CREATE POLICY {POLICY_NAME} ON {quote(table)} "
                f"USING ({POLICY_CONDITION}) WITH CHECK ({POLICY_CONDITION})"
            )
    return tables


def grant_application_role(connection: BaseDatabaseWrapper, role: str, *, truncate: bool = False) -> None:
    """What the application role may do: read and write every table, use the sequences; on the audit table
    only read and add. `truncate` is for the test database only (pytest-django empties tables between
    tests that commit)."""
    if connection.vendor != "postgresql" or not role:
        return
    quote = connection.ops.quote_name
    role_sql = quote(role)
    privileges = "SELECT, INSERT, UPDATE, DELETE" + (", TRUNCATE" if truncate else "")
    # One transaction: the audit table is never writable in between the GRANT and the REVOKE.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role_sql}")
        cursor.execute(f"GRANT {privileges} ON ALL TABLES IN SCHEMA public TO {role_sql}")
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role_sql}")
        for table in APPEND_ONLY_TABLES:
            cursor.execute(f"REVOKE UPDATE, DELETE ON {quote(table)} FROM {role_sql}")


def application_role(using: str) -> str:
    """The role the web and worker processes act as, when it differs from the one migrating: the
    DATABASE_URL user when migrations run through DATABASE_OWNER_URL, or DATABASE_ASSUME_ROLE."""
    from django.conf import settings

    explicit = getattr(settings, "DATABASE_APP_ROLE", "")
    if explicit:
        return explicit
    default = settings.DATABASES["default"]
    assumed = default.get("OPTIONS", {}).get("assume_role") or getattr(settings, "DATABASE_ASSUME_ROLE", "")
    if assumed:
        return assumed
    if using != "default" and connections[using].settings_dict.get("USER") != default.get("USER"):
        return default.get("USER") or ""
    return ""


def owns_the_tables(connection: BaseDatabaseWrapper) -> bool:
    """Whether this connection acts as the tenant tables' owner (or a superuser): only then may it install
    policies. `flush` (pytest-django empties tables between tests that commit) also sends post_migrate, as the
    application role: there is nothing to install then."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bool_and(pg_has_role(current_user, tableowner, 'USAGE')) FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename = ANY(%s)",
            [tenant_tables()],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    if not owns_the_tables(connection):
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
        if "plan" in kwargs and not (row and row[0]):
            # A migrate (flush sends no plan) as a role that owns no tenant table: the policies and grants could
            # not be installed. Say so instead of leaving the wall half built.
            raise RuntimeError(
                "migrate ran as a role that does not own the tables, so row-level security was not installed: run "
                "it as the owner (DATABASE_OWNER_URL, docs/configuration.md)."
            )
        return
    install_policies(connection)
    from django.conf import settings

    # The test database also lets the application role TRUNCATE: pytest-django empties tables that way.
    grant_application_role(connection, application_role(using), truncate=settings.DJANGO_ENV == "test")
    # Bulk writes refresh the planner's statistics through it: only the owner may ANALYZE (maintenance.py).
    install_analyze_function(connection, application_role(using))
