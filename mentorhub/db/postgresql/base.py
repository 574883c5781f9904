"""Django's PostgreSQL backend (psycopg2), plus the tenant scope on every data statement.

Each SELECT / INSERT / UPDATE / DELETE / WITH is sent as one simple-protocol message that first sets the
transaction-local settings the row-level security policies read (mentorhub/db/tenant_scope.py), then runs the
statement. PostgreSQL runs a multi-statement message as one transaction (or inside the open one), so the
settings hold for exactly that statement in autocommit, and for the rest of the transaction inside an atomic
block. No extra round trip.

It is done in the psycopg2 cursor class itself, below Django's cursor wrapper: query logs and
`django_assert_num_queries` see the statement as the ORM wrote it, and raw cursors (psycopg2.extras helpers)
carry the scope too. Other statements (DDL, CREATE DATABASE, VACUUM, ANALYZE, SET) are sent as they are: some
refuse to run inside a transaction block, and none reads tenant rows. Server-side (named) cursors are left
alone and switched off in settings.py: a DECLARE cannot carry a second statement.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg2.extensions
from django.db.backends.postgresql import base

from mentorhub.db.tenant_scope import current_scope, settings_statement

# Statements that read or write rows (a top-level UNION starts with "(", EXPLAIN ANALYZE runs its statement).
DATA_STATEMENTS = frozenset({"select", "insert", "update", "delete", "with", "values", "table", "merge", "explain"})
# What may come before a statement's first word: blanks, comments (sqlcommenter, tracing) and parentheses.
LEADING = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/|\()*", re.DOTALL)
WORD = re.compile(r"[A-Za-z]+")


def first_word(text: str) -> str:
    start = LEADING.match(text)
    match = WORD.match(text, start.end() if start else 0)
    return match.group(0).lower() if match else ""


class TenantScopedCursor(psycopg2.extensions.cursor):
    def _scoped(self, sql: Any) -> Any:
        if self.name is not None:
            return sql
        if isinstance(sql, bytes):
            text = sql.decode(psycopg2.extensions.encodings.get(self.connection.encoding, "utf-8"))
        else:
            text = sql if isinstance(sql, str) else sql.as_string(self)
        if first_word(text) not in DATA_STATEMENTS:
            return sql
        return f"{settings_statement(current_scope())}; {text}"

    def execute(self, query: Any, vars: Any = None) -> Any:
        return super().execute(self._scoped(query), vars)

    def executemany(self, query: Any, vars_list: Any) -> Any:
        return super().executemany(self._scoped(query), vars_list)

    # COPY and stored procedures cannot carry a second statement: inside a transaction the scope is set just
    # before them (it holds until the transaction ends); in autocommit they run with no organization set.
    def _scope_transaction(self) -> None:
        if not self.connection.autocommit:
            super().execute(settings_statement(current_scope()))

    def copy_expert(self, sql: Any, file: Any, size: int = 8192) -> Any:
        self._scope_transaction()
        return super().copy_expert(sql, file, size)

    def copy_from(self, *args: Any, **kwargs: Any) -> Any:
        self._scope_transaction()
        return super().copy_from(*args, **kwargs)

    def copy_to(self, *args: Any, **kwargs: Any) -> Any:
        self._scope_transaction()
        return super().copy_to(*args, **kwargs)

    def callproc(self, *args: Any, **kwargs: Any) -> Any:
        self._scope_transaction()
        return super().callproc(*args, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        connection.cursor_factory = TenantScopedCursor
        return connection
