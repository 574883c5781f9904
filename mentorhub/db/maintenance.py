"""Fresh planner statistics after bulk writes: `analyze_changed` runs ANALYZE on the tables a bulk write changed
by much (a roster import, a roll-up, a SCIM group of many members), right after its commit.

Why not leave it to autovacuum: it analyzes a table once its changes pass 50 rows + 10 % of the table, but only
on its next round (a minute or more later, longer on a busy server). Until then PostgreSQL plans with the old
row counts: a roster of 50,000 people it still believes empty turns the goal-visibility query into a nested
loop and doubles the home pages. The same threshold decides here, so a three-row import analyzes nothing.

Who may run it: PostgreSQL lets only a table's owner ANALYZE it (or, from PostgreSQL 17, a role granted
MAINTAIN); the application role owns nothing (docs/architecture.md, "Row-level security"), and its own ANALYZE
is skipped with a mere warning. So `install_analyze_function` (run after every `migrate`, as the owner, by
mentorhub/db/rls.py) creates `mentorhub_analyze(regclass[])`: SECURITY DEFINER, owned by the owner, executable
by the application role only, and limited to ANALYZE of ordinary tables in the public schema. It reads no row
itself, and its statistics are none of the application role's to read: pg_stats hides the figures of tables
under row-level security from roles the policies apply to. On SQLite (the embedded default) nothing happens.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

FUNCTION = "mentorhub_analyze"
# Autovacuum's default rule for an automatic ANALYZE: changed rows >= base + scale * rows in the table.
BASE_THRESHOLD = 50
SCALE_FACTOR = 0.1

# A table's ANALYZE waits for another one of the same table (a parallel roll-up of another organization) or a
# VACUUM; it never blocks reads or writes. Past this wait it gives up: statistics are an optimization.
FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION mentorhub_analyze(tables regclass[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '10s'
AS $$
DECLARE
    target regclass;
BEGIN
    FOREACH target IN ARRAY tables LOOP
        IF NOT EXISTS (
            SELECT 1 FROM pg_class
            WHERE oid = target AND relkind IN ('r', 'p') AND relnamespace = 'public'::regnamespace
        ) THEN
            RAISE EXCEPTION 'mentorhub_analyze: % is not a table of the application', target;
        END IF;
        EXECUTE format('ANALYZE %s', target);
    END LOOP;
END
$$
"""


def install_analyze_function(connection: BaseDatabaseWrapper, role: str) -> None:
    """Create (or replace) the function as the connection's role, the tables' owner, and let `role` (the
    application role; "" when the owner is the application itself) execute it, and nobody else."""
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)
        cursor.execute(f"REVOKE ALL ON FUNCTION {FUNCTION}(regclass[]) FROM PUBLIC")
        if role:
            cursor.execute(f"GRANT EXECUTE ON FUNCTION {FUNCTION}(regclass[]) TO {connection.ops.quote_name(role)}")


def analyze_changed(changed: Mapping[type[models.Model], int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """After the current transaction commits (at once outside one): ANALYZE each model's table whose changed
    rows ({model: inserted + updated + deleted}) pass autovacuum's threshold. After the commit, so the
    statistics describe what was committed, and a write that rolls back analyzes nothing."""
    if connections[using].vendor != "postgresql":
        return
    counts: dict[str, int] = {}
    for model, rows in changed.items():
        table = model._meta.db_table
        counts[table] = counts.get(table, 0) + rows
    # Below the base threshold no table qualifies, however small: not even the row count is looked up.
    counts = {table: rows for table, rows in counts.items() if rows >= BASE_THRESHOLD}
    if counts:
        transaction.on_commit(lambda: analyze_tables(counts, using=using), using=using)


def analyze_tables(counts: Mapping[str, int], *, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """ANALYZE the tables ({table: changed rows}) whose changes pass the threshold; returns those analyzed.
    A failure (a lock wait past the timeout, the function missing before `migrate` ran) is logged, never
    raised: the write it follows is committed and done."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not counts:
        return []
    try:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            # reltuples: the table's row count as of its last ANALYZE or VACUUM (-1 or 0: never analyzed).
            cursor.execute(
                "SELECT relname, reltuples FROM pg_class "
                "WHERE relname = ANY(%s) AND relnamespace = 'public'::regnamespace",
                [list(counts)],
            )
            rows = dict(cursor.fetchall())
            due = sorted(
                table
                for table, changed in counts.items()
                if table in rows and changed >= BASE_THRESHOLD + SCALE_FACTOR * max(rows[table], 0)
            )
            if due:
                cursor.execute(f"SELECT {FUNCTION}(%s::regclass[])", [due])
    except DatabaseError:
        logger.warning("ANALYZE of %s failed; autovacuum will analyze them later.", sorted(counts), exc_info=True)
        return []
    if due:
        logger.info("ANALYZE after a bulk write: %s", ", ".join(f"{table} ({counts[table]} rows)" for table in due))
    return due
