"""What the API's read serializers share: `PlannedReadMixin`, DRF's `to_representation` with the per-field
dispatch decided once per serializer instead of once per field of every row.

DRF reads each field of each row through `Field.get_attribute` (the source path walked with its checks, its
errors caught) and then `to_representation`. For a list of 50 rows of 15 fields that is most of the
serializer's time, spent deciding again what the field's class already says: a plain field reads its source
path, a foreign key's id is its `<name>_id` column, a method field reads the whole row. The mixin decides it
when the serializer first renders a row and then reads directly. Whatever the direct read cannot answer as DRF
would (a missing link on the path, a callable, a dict) and every other kind of field (nested serializers,
many-to-many, custom `get_attribute`) goes through DRF's own path, so the output is the same, field for
field, as without the mixin (tests/test_api_serializer_plan.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from rest_framework import fields, relations, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

# How a field is read.
_DRF = 0  # DRF's path: field.get_attribute, then field.to_representation
_METHOD = 1  # a SerializerMethodField: its method, given the row
_COLUMN = 2  # a foreign key's id (PrimaryKeyRelatedField): the <name>_id attribute, as it is
_PATH = 3  # a plain field: its source path read with getattr, then field.to_representation

# (name, how, source path, what turns a value that is not None into JSON, field)
_Step = tuple[str, int, tuple[str, ...], Callable[[Any], Any], Any]


def _as_it_is(value: Any) -> Any:
    return value


def _step(serializer: Any, field: Any) -> _Step:
    name: str = field.field_name
    source = tuple(field.source_attrs)
    if type(field) is serializers.SerializerMethodField:  # source "*": the row itself goes to the method
        return (name, _METHOD, (), getattr(serializer, field.method_name), field)
    if type(field) is relations.PrimaryKeyRelatedField:
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        if model is not None and len(source) == 1 and field.pk_field is None:
            column = next((f for f in model._meta.concrete_fields if f.name == source[0]), None)
            if column is not None and column.is_relation:
                # DRF reads `serializable_value(name)`, the foreign key's column, and answers it as it is.
                return (name, _COLUMN, (column.attname,), _as_it_is, field)
        return (name, _DRF, source, field.to_representation, field)
    if source and type(field).get_attribute is fields.Field.get_attribute:
        return (name, _PATH, source, field.to_representation, field)
    return (name, _DRF, source, field.to_representation, field)


def _drf_read(row: dict[str, Any], field: Any, instance: Any) -> None:
    """serializers.Serializer.to_representation, for one field."""
    try:
        attribute = field.get_attribute(instance)
    except SkipField:
        return
    check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
    row[field.field_name] = None if check_for_none is None else field.to_representation(attribute)


class PlannedReadMixin:
    """Put first in a read serializer's bases: `class GoalSerializer(PlannedReadMixin, ModelSerializer)`.

    It also builds a serializer class's fields once: ModelSerializer builds them from the model's metadata for
    every instance (every request), though they depend on the class alone (its Meta and declared fields;
    a subclass that overrides get_fields keeps its own). Each instance gets a copy, as DRF copies the
    declared fields, since binding a field to its serializer changes it."""

    def get_fields(self) -> dict[str, Any]:
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()  # type: ignore[misc]
            cls._built_fields = built  # type: ignore[attr-defined]
        return copy.deepcopy(built)

    def _read_plan(self) -> list[_Step]:
        plan = self.__dict__.get("_planned_reads")
        if plan is None:
            serializer: Any = self
            readable = [field for field in serializer.fields.values() if not field.write_only]
            plan = self.__dict__["_planned_reads"] = [_step(serializer, field) for field in readable]
        return plan

    def to_representation(self, instance: Any) -> dict[str, Any]:
        if isinstance(instance, Mapping):  # keys, not attributes: DRF's path reads them
            return super().to_representation(instance)  # type: ignore[misc]
        row: dict[str, Any] = {}
        for name, how, source, represent, field in self._read_plan():
            if how == _METHOD:
                row[name] = represent(instance)
                continue
            if how == _DRF:
                _drf_read(row, field, instance)
                continue
            value = instance
            try:
                for attribute in source:
                    value = getattr(value, attribute)
            except (AttributeError, ObjectDoesNotExist):
                # A link missing on the path: DRF answers it (its default, null, the field left out or the error).
                _drf_read(row, field, instance)
                continue
            if how == _PATH and callable(value):  # DRF calls a method named by the source
                _drf_read(row, field, instance)
                continue
            row[name] = None if value is None else represent(value)
        return row
