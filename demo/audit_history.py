"""The demo backdates the audit events its services wrote "now" to the moments of the story it tells. The
audit table is append-only for the application role (docs/architecture.md, "Row-level security"), so the
demo does it as the tables' owner where the connection can become it (the embedded SQLite default, an owner
connection, or DATABASE_ASSUME_ROLE / the test suite, whose login is the owner). Connected as the application
role alone, the events keep the time they were written, and the demo says so."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

_warned = False


@contextmanager
def audit_history_writable() -> Iterator[bool]:
    """Yields whether the audit events may be backdated in the block."""
    global _warned
    if connection.vendor != "postgresql":
        yield True
        return
    assumed = connection.settings_dict.get("OPTIONS", {}).get("assume_role")
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_table_privilege(current_user, 'accounts_auditevent', 'UPDATE')")
        if cursor.fetchone()[0]:
            yield True
            return
        if not assumed:
            if not _warned:
                print("Demo: the audit log keeps the seeding times (the application role cannot rewrite it).")
                _warned = True
            yield False
            return
        cursor.execute("RESET ROLE")  # back to the login: the owner
    try:
        yield True
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {connection.ops.quote_name(assumed)}")
