"""Bulk writes of tens of thousands of rows on PostgreSQL, one statement per batch.

Each column travels as one array: `INSERT ... SELECT ... FROM unnest(...)` and `UPDATE ... FROM unnest(...)`.
Django's bulk_create and bulk_update prepare every value through the ORM compiler (and bulk_update builds a
CASE per field and row), which for 50,000 rows costs far more than the database's own work. Values must be
plain Python values psycopg2 adapts itself (str, int, date, datetime, None). Callers keep a portable path
(bulk_create / bulk_update) for other databases: see `is_postgresql`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve `count` primary keys from the table's sequence, so rows can name each other before they
    are inserted (foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at commit)."""
    if count == 0:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_rows(
    model: type[models.Model], columns: Mapping[str, Sequence[Any]], constants: Mapping[str, Any] | None = None
) -> int:
    """Insert one row per position of the `columns` arrays (attname -> values). `constants` gives one value
    for every row; any other field gets its default (auto_now / auto_now_add: now). Returns the row count."""
    constants = dict(constants or {})
    rows = _length(columns)
    if rows == 0:
        return 0
    now = timezone.now()
    for field in model._meta.concrete_fields:
        if field.attname in columns or field.attname in constants or field.primary_key:
            continue
        constants[field.attname] = _default(field, now)
    quote = connection.ops.quote_name
    array_names = list(columns)
    constant_names = list(constants)
    targets = ", ".join(quote(_column(model, name)) for name in [*array_names, *constant_names])
    selected = ", ".join([*(f"v.{quote(name)}" for name in array_names), *("%s" for _ in constant_names)])
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({targets}) "  # noqa: S608 - names from the model, values bound
        f"SELECT {selected} FROM {_unnest(model, array_names)}"
    )
    with connection.cursor() as cursor:
        params: list[Any] = [*constants.values(), *columns.values()]
        cursor.execute(sql, params)
        return cursor.rowcount


def update_rows(
    model: type[models.Model],
    pks: Sequence[Any],
    columns: Mapping[str, Sequence[Any]],
    constants: Mapping[str, Any] | None = None,
    *,
    where: Mapping[str, Any],
) -> int:
    """Set `columns[name][i]` on the row with primary key `pks[i]`, and each of `constants` on all of them,
    limited to rows matching `where` (attname -> value; e.g. the organization). Returns the row count."""
    if not pks:
        return 0
    constants = dict(constants or {})
    quote = connection.ops.quote_name
    pk_name = model._meta.pk.attname
    array_names = [pk_name, *columns]
    assignments = [f"{quote(_column(model, name))} = v.{quote(name)}" for name in columns]
    assignments += [f"{quote(_column(model, name))} = %s" for name in constants]
    conditions = [f"t.{quote(_column(model, pk_name))} = v.{quote(pk_name)}"]
    conditions += [f"t.{quote(_column(model, name))} = %s" for name in where]
    sql = (
        f"UPDATE {quote(model._meta.db_table)} AS t SET {', '.join(assignments)} "  # noqa: S608 - as above
        f"FROM {_unnest(model, array_names)} WHERE {' AND '.join(conditions)}"
    )
    with connection.cursor() as cursor:
        params: list[Any] = [*constants.values(), list(pks), *columns.values(), *where.values()]
        cursor.execute(sql, params)
        return cursor.rowcount


def _unnest(model: type[models.Model], names: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    arrays = ", ".join(f"%s::{_array_type(_field(model, name))}" for name in names)
    return f"unnest({arrays}) AS v({', '.join(quote(name) for name in names)})"


def _array_type(field: models.Field) -> str:
    # A foreign key's db_type is its target's column type (bigint); check constraints are not part of it.
    return f"{field.db_type(connection)}[]"


def _field(model: type[models.Model], attname: str) -> models.Field:
    field = model._meta.get_field(attname)
    assert isinstance(field, models.Field)  # callers name concrete columns, never reverse relations
    return field


def _column(model: type[models.Model], attname: str) -> str:
    column = _field(model, attname).column
    assert column is not None  # a concrete field always has its column
    return column


def _default(field: models.Field, now: Any) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    raise ValueError(f"No value given for {field.model.__name__}.{field.attname}, which has no default.")


def _length(columns: Mapping[str, Sequence[Any]]) -> int:
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"Columns of different lengths: {lengths}.")
    return lengths.pop() if lengths else 0
