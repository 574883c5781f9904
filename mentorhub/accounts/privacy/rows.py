"""Which rows of a registered model are about a person, always inside the person's organization (its own key
in the query, docs/architecture.md: Tenancy). Sign-in data (anchor ACCOUNT) has no organization: it is
reached through the user of the person's membership of that organization, which was itself found scoped."""

from __future__ import annotations

from typing import Any

from django.db import models

from .registry import Anchor, Person, PersonalData, PersonalField, paths_condition


def _base(entry: PersonalData, person: Person) -> models.QuerySet:
    queryset = entry.model._default_manager.all()
    if any(f.name == "organization" for f in entry.model._meta.concrete_fields):
        queryset = queryset.filter(organization=person.organization)
    return queryset


def _target(entry: PersonalData, person: Person) -> Any:
    return person.user if entry.anchor == Anchor.ACCOUNT else person.employee


def _by_paths(entry: PersonalData, person: Person, paths: tuple[str, ...]) -> models.QuerySet:
    target = _target(entry, person)
    base = _base(entry, person)
    if target is None or not paths:
        return base.none()
    # Paths through a reverse relation (a match's members) can meet the person twice: one row each.
    return entry.model._default_manager.filter(pk__in=base.filter(paths_condition(paths, target)).values("pk"))


def _selected(entry: PersonalData, person: Person, selection: Any) -> models.QuerySet:
    if entry.anchor == Anchor.ACCOUNT and person.user is None:
        return entry.model._default_manager.none()
    picked = selection(_base(entry, person), person)
    return entry.model._default_manager.filter(pk__in=picked.values("pk"))


def rows_about(entry: PersonalData, person: Person) -> models.QuerySet:
    """The person's rows: what their export shows."""
    if entry.rows is not None:
        return _selected(entry, person, entry.rows)
    return _by_paths(entry, person, entry.about)


def rows_to_remove(entry: PersonalData, person: Person) -> models.QuerySet:
    if entry.remove_rows is not None:
        return _selected(entry, person, entry.remove_rows)
    return _by_paths(entry, person, entry.remove_for)


def rows_to_erase(entry: PersonalData, personal: PersonalField, person: Person) -> models.QuerySet:
    """The rows whose `personal` field erasure changes."""
    if personal.erase_rows is not None:
        return _selected(entry, person, personal.erase_rows)
    if personal.erase_for:
        return _by_paths(entry, person, personal.erase_for)
    return rows_about(entry, person)


def private_rows(entry: PersonalData, personal: PersonalField, person: Person, queryset: models.QuerySet) -> set[Any]:
    """The pks among `queryset` whose private `personal` field is the person's own (its author is them)."""
    target = _target(entry, person)
    if target is None:
        return set()
    return set(queryset.filter(paths_condition([personal.private_to], target)).values_list("pk", flat=True))
