"""A query every request runs, compiled to SQL once per process instead of once per request.

Compiling a queryset (joins, selected columns, ordering) costs more Python than running it. For the few queries
every page runs with only one value changing (the signed-in user's memberships), `CompiledQuery` builds the
queryset once with a marker value, keeps the ORM's SQL and its compiler, and runs that SQL again with the value
in the marker's place, turning the rows into model instances (`select_related` objects included) the way the
ORM's own iterator does. The statement goes through the same cursor as any other (the tenant scope of
mentorhub/db/postgresql is set with it; query logs and query-count assertions see it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models.query import ModelIterable, get_related_populators

M = TypeVar("M", bound=models.Model)

# The value the queryset is built with once: no real id (ids are positive) takes it.
MARKER = -1_730_193_117  # within a 32-bit integer column: an out-of-range value is not sent at all


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    marker_positions: tuple[int, ...]
    compiler: Any  # the ORM's SQLCompiler after as_sql(): its select, klass_info and converters are reused
    init_list: list[str]
    fields_start: int
    fields_end: int
    populators: list[Any]


class CompiledQuery(Generic[M]):
    """`build(value)` returns the queryset for one value (model instances, `select_related` allowed; no
    `prefetch_related`, annotations or `values()`); calling the CompiledQuery with a value runs it.

    Compiled once per thread: a compiler belongs to the thread's database connection (its converters read it)."""

    def __init__(self, build: Callable[[Any], models.QuerySet[M]]) -> None:
        self._build = build
        self._local = threading.local()

    def __call__(self, value: Any) -> list[M]:
        compiled: _Compiled | None = getattr(self._local, "compiled", None)
        if compiled is None:
            compiled = self._local.compiled = self._compile()
        params = list(compiled.params)
        for position in compiled.marker_positions:
            params[position] = value
        compiler = compiled.compiler
        with compiler.connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        model, db = compiler.klass_info["model"], compiler.using
        instances = []
        for row in compiler.results_iter([rows]):
            instance = model.from_db(db, compiled.init_list, row[compiled.fields_start : compiled.fields_end])
            for populator in compiled.populators:
                populator.populate(row, instance)
            instances.append(instance)
        return instances

    def _compile(self) -> _Compiled:
        queryset = self._build(MARKER)
        query = queryset.query
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups  # type: ignore[attr-defined]
            or query.annotation_select
            or query.extra_select
            or queryset._known_related_objects  # type: ignore[attr-defined]
        ):
            raise TypeError("CompiledQuery runs plain model querysets only (select_related allowed).")
        compiler = query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        positions = tuple(i for i, param in enumerate(params) if param == MARKER)
        if not positions or str(MARKER) in sql:
            raise TypeError("The queryset must take the value as a query parameter.")
        select_fields = compiler.klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        return _Compiled(
            sql=sql,
            params=tuple(params),
            marker_positions=positions,
            compiler=compiler,
            init_list=[column[0].target.attname for column in compiler.select[start:end]],
            fields_start=start,
            fields_end=end,
            populators=get_related_populators(compiler.klass_info, compiler.select, queryset.db),  # type: ignore[call-arg]
        )
