"""Erasure as the registry describes it: for every registered model, the person's rows removed where the entry
says so, then each field anonymised, blanked, redacted or transformed. Called by services/erasure.py inside its
transaction; never on its own (it audits nothing and closes no access)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from .registry import Anchor, Erasure, Person, PersonalData, PersonalField, personal_data
from .rows import rows_to_erase, rows_to_remove


@dataclass
class ErasureCount:
    rows_removed: int = 0  # rows deleted, with what the database removed along with them
    values_changed: int = 0  # field values anonymised, blanked, redacted or transformed (rows x fields)

    def add(self, other: ErasureCount) -> None:
        self.rows_removed += other.rows_removed
        self.values_changed += other.values_changed


def erase_registered(
    person: Person,
    anchor: Anchor,
    *,
    models_only: Iterable[type[models.Model]] | None = None,
    skip: Iterable[type[models.Model]] = (),
) -> ErasureCount:
    """Apply every registered entry of `anchor` (or only those of `models_only`, less `skip`) to the person's
    rows, in registration order (INSTALLED_APPS order)."""
    wanted = set(models_only) if models_only is not None else None
    skipped = set(skip)
    count = ErasureCount()
    for entry in personal_data(anchor):
        if (wanted is not None and entry.model not in wanted) or entry.model in skipped:
            continue
        if entry.remove_for or entry.remove_rows is not None:
            removed, _per_model = rows_to_remove(entry, person).delete()
            count.rows_removed += removed
        for personal in entry.fields:
            if personal.erasure not in (Erasure.KEEP, Erasure.REMOVE_ROW):
                count.values_changed += _erase_field(entry, personal, person)
    return count


def blank_value(field: models.Field) -> Any:
    if isinstance(field, models.JSONField):
        return field.get_default() if field.has_default() else None
    if field.null:
        return None
    return ""


def _erase_field(entry: PersonalData, personal: PersonalField, person: Person) -> int:
    rows = rows_to_erase(entry, personal, person)
    name = personal.name
    field = entry.model._meta.get_field(name)
    assert isinstance(field, models.Field)
    attname = field.attname  # a foreign key is set by its id
    if personal.erasure == Erasure.BLANK:
        return rows.update(**{attname: blank_value(field)})
    if personal.erasure == Erasure.ANONYMISE and not callable(personal.placeholder):
        return rows.update(**{attname: personal.placeholder})
    changed = 0
    manager = entry.model._default_manager
    for pk, value in rows.values_list("pk", attname).iterator():
        if personal.erasure == Erasure.ANONYMISE:
            new = personal.placeholder(pk)
        elif personal.erasure == Erasure.REDACT:
            new = person.redact(value) if isinstance(value, str) else value
        else:  # TRANSFORM
            assert personal.transform is not None
            new = personal.transform(value, person)
        if new != value:
            changed += manager.filter(pk=pk).update(**{attname: new})
    return changed
