"""PostgreSQL advisory locks that mark a claim as alive: a sender holds the lock named by its claim id (session
level, so it outlives transactions and dies with the connection); whoever finds a claim's lock free knows its
sender stopped and may take its rows back. Used by the reminder dispatcher (sessions/services/dispatch.py) and
the webhook deliverer (integrations/webhooks/delivery.py), each with its own lock class (the first key)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def uses_claim_locks() -> bool:
    """Advisory locks need PostgreSQL and a session of our own: not SQLite, not PgBouncer in transaction mode
    (there a claim is taken back only once it is older than any sender runs)."""
    return connection.vendor == "postgresql" and not getattr(settings, "DATABASE_PGBOUNCER", False)


def advisory(function: str, lock_class: int, claim_id: int) -> bool:
    """Call pg_advisory_lock / pg_try_advisory_lock / pg_advisory_unlock on (lock_class, claim_id)."""
    if function not in ("pg_advisory_lock", "pg_try_advisory_lock", "pg_advisory_unlock"):
        raise ValueError(function)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [lock_class, claim_id])
        row = cursor.fetchone()
    return bool(row and row[0] is not False)
