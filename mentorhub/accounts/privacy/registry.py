"""The personal-data registry: every model field that holds personal data, what it is, and what erasure does
with it (docs/privacy.md; docs/architecture.md: registries).

accounts owns the registry; each app describes its own models in its `privacy.py` and registers them from its
AppConfig.ready() (accounts: privacy/entries.py), so this module never names a model of a higher app. Erasure
(services/erasure.py) and the personal export (services/personal_export.py) are driven by it, and
tests/accounts/test_privacy_registry.py fails when a model gains a field that looks personal and is neither
registered here nor excluded with a reason (`register_not_personal`).

An entry says which rows are about a person: `about`, paths from a row to the person's roster entry (the
Employee; "" is the Employee itself) or, for sign-in data (`anchor=ACCOUNT`), to their User. Each field says
what it is (`Kind`) and what erasure does with it (`Erasure`); a field may name other paths in `erase_for`
(whose text it is: a goal's author) or a selection of its own in `erase_rows` (the other people's notices that
name the person).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from ..models import Employee, Organization, User

ERASED_NAME = "Erased person"


class Kind(StrEnum):
    """What a field holds, as docs/privacy.md and the export name it."""

    IDENTIFIER = "identifier"  # name, email as a sign-in, employee id, user name, external id
    CONTACT = "contact"  # an address to reach the person
    PROFILE = "profile"  # title, location, time zone, manager
    EMPLOYMENT = "employment"  # department, level, dates: the HR record the impact report reads
    FREE_TEXT = "free text"  # written by the person, or about them
    ANSWERS = "answers"  # their answers to an enrollment form or a survey
    SPECIAL = "special category"  # what they chose to say about themselves (gender, disability, ...)
    MEMBERSHIP = "membership"  # a group, an organization, a preference they belong to or chose
    CREDENTIAL = "credential"  # passwords, keys, second factors: never exported
    ACTIVITY = "activity"  # sign-in records


class Erasure(StrEnum):
    """What erasure does with a field."""

    ANONYMISE = "anonymise"  # replaced by a fixed placeholder (`placeholder`: a value, or pk -> value)
    BLANK = "blank"  # emptied ("", None, [] or {})
    REMOVE_ROW = "remove row"  # the row goes (the entry's `remove_for` says which rows)
    REDACT = "redact"  # kept, with the person's names and email addresses in it replaced by ERASED_NAME
    TRANSFORM = "transform"  # kept in part (`transform`): a survey's scores stay, its comments go
    KEEP = "keep"  # kept as it is, for the written `reason`


class Anchor(StrEnum):
    EMPLOYEE = "employee"  # the organization's data: paths lead to the Employee
    ACCOUNT = "account"  # the sign-in, shared by organizations: paths lead to the User; erased only when
    # the person belongs to no other organization


@dataclass(frozen=True)
class Person:
    """Whose data: one roster entry of one organization, with the sign-in linked to it there. `names` and
    `emails` are taken before anything is erased (redaction looks for them)."""

    organization: Organization
    employee: Employee
    user: User | None
    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()  # lower case
    employee_ids: tuple[str, ...] = ()  # the roster's id for them, as it was

    def redact(self, text: str) -> str:
        for value in sorted({*self.names, *self.emails}, key=len, reverse=True):
            text = re.sub(re.escape(value), ERASED_NAME, text, flags=re.IGNORECASE)
        return text


RowSelection = Callable[[models.QuerySet, Person], models.QuerySet]


@dataclass(frozen=True)
class PersonalField:
    name: str
    kind: Kind
    erasure: Erasure
    placeholder: Any = None  # ANONYMISE: a value, or a callable(pk) -> value (unique placeholders)
    transform: Callable[[Any, Person], Any] | None = None  # TRANSFORM: the value kept, from the value held
    reason: str = ""  # KEEP and REDACT: why it stays
    erase_for: tuple[str, ...] = ()  # whose it is for erasure, when not everyone the entry's `about` names
    erase_rows: RowSelection | None = None  # or a selection of its own (applied to the organization's rows)
    private_to: str = ""  # a path: exported only to this person (its author), never to the others `about` names
    exported: bool = True  # False for credentials: the export says the row exists, never its secret


@dataclass(frozen=True)
class PersonalData:
    model: type[models.Model]
    title: str  # what the rows are, for people ("Session feedback you gave")
    fields: tuple[PersonalField, ...]
    about: tuple[str, ...] = ()  # paths from a row to the person (their rows: exported)
    anchor: Anchor = Anchor.EMPLOYEE
    rows: RowSelection | None = None  # their rows, when no path says it (matched by email)
    remove_for: tuple[str, ...] = ()  # erasure deletes the rows these paths lead to the person from
    remove_rows: RowSelection | None = None  # or this selection of rows
    context: tuple[str, ...] = ()  # fields that are not personal, shown beside them in the export

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def field(self, name: str) -> PersonalField:
        return next(f for f in self.fields if f.name == name)


_entries: list[PersonalData] = []
_not_personal: dict[tuple[str, str], str] = {}
# Called after an erasure, inside its transaction, with (organization, employee): what must follow it in a
# higher app (analytics queues the roll-up recompute).
ErasureFollower = Callable[[Any, Any], None]
_erasure_followers: list[ErasureFollower] = []


def register_personal_data(*entries: PersonalData) -> None:
    for entry in entries:
        _check(entry)
        if entry not in _entries:
            _entries.append(entry)


def register_not_personal(model: type[models.Model], **reasons: str) -> None:
    """Fields of `model` that look personal but are not (configuration, codes, system text), each with why."""
    for name, reason in reasons.items():
        model._meta.get_field(name)  # a typo fails at start-up, not silently
        _not_personal[(model._meta.label_lower, name)] = reason


def register_erasure_follower(follower: ErasureFollower) -> None:
    if follower not in _erasure_followers:
        _erasure_followers.append(follower)


def personal_data(anchor: Anchor | None = None) -> list[PersonalData]:
    return [entry for entry in _entries if anchor is None or entry.anchor == anchor]


def not_personal() -> dict[tuple[str, str], str]:
    return dict(_not_personal)


def erasure_followers() -> list[ErasureFollower]:
    return list(_erasure_followers)


def registered_fields() -> set[tuple[str, str]]:
    """(model label, field name) of every field the registry describes: the figure issue 12 asks for."""
    return {(entry.label, f.name) for entry in _entries for f in entry.fields}


def _check(entry: PersonalData) -> None:
    """Refuse, at start-up, an entry that could not be applied: unknown fields, a KEEP without a reason, a
    removal without rows to remove, an anonymisation without a placeholder."""
    for f in entry.fields:
        entry.model._meta.get_field(f.name)
        if f.erasure in (Erasure.KEEP, Erasure.REDACT) and not f.reason:
            raise ValueError(f"{entry.label}.{f.name}: say why it is kept ({f.erasure}).")
        if f.erasure == Erasure.REMOVE_ROW and not (entry.remove_for or entry.remove_rows):
            raise ValueError(f"{entry.label}.{f.name}: removed with its row, but the entry removes no rows.")
        if f.erasure == Erasure.ANONYMISE and f.placeholder is None:
            raise ValueError(f"{entry.label}.{f.name}: anonymised to what? Give a placeholder.")
        if f.erasure == Erasure.TRANSFORM and f.transform is None:
            raise ValueError(f"{entry.label}.{f.name}: transformed how? Give a transform.")
    if not (entry.about or entry.rows) and any(f.exported for f in entry.fields if not f.erase_rows):
        raise ValueError(f"{entry.label}: say whose rows these are (about or rows).")


# --- Helpers for the apps' privacy.py --------------------------------------------------------------------


def kept(name: str, kind: Kind, reason: str, **options: Any) -> PersonalField:
    return PersonalField(name, kind, Erasure.KEEP, reason=reason, **options)


def removed(name: str, kind: Kind, **options: Any) -> PersonalField:
    return PersonalField(name, kind, Erasure.REMOVE_ROW, **options)


def blanked(name: str, kind: Kind, **options: Any) -> PersonalField:
    return PersonalField(name, kind, Erasure.BLANK, **options)


def anonymised(name: str, kind: Kind, placeholder: Any, **options: Any) -> PersonalField:
    return PersonalField(name, kind, Erasure.ANONYMISE, placeholder=placeholder, **options)


def redacted(name: str, kind: Kind, reason: str, **options: Any) -> PersonalField:
    return PersonalField(name, kind, Erasure.REDACT, reason=reason, **options)


def mentioning(*field_names: str, exclude: str = "") -> RowSelection:
    """Rows whose text fields name the person (a full name or an email address), except those `exclude` (a
    path) leads to the person from: the other people's records that mention them, for REDACT."""

    def select(queryset: models.QuerySet, person: Person) -> models.QuerySet:
        words = [w for w in {*person.names, *person.emails} if len(w) >= 3]
        if not words:
            return queryset.none()
        condition = Q()
        for name in field_names:
            for word in words:
                condition |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(condition)
        return queryset.exclude(**{exclude: person.employee}) if exclude else queryset

    return select


def email_in(field_name: str) -> RowSelection:
    """Rows whose `field_name` is one of the person's addresses (any case): invitations, sign-in attempts."""

    def select(queryset: models.QuerySet, person: Person) -> models.QuerySet:
        if not person.emails:
            return queryset.none()
        condition = Q()
        for email in person.emails:
            condition |= Q(**{f"{field_name}__iexact": email})
        return queryset.filter(condition)

    return select


def paths_condition(paths: Iterable[str], target: Any) -> Q:
    """Q: a row that any of `paths` leads from to `target` ("" = the row is the target)."""
    condition = Q()
    for path in paths:
        condition |= Q(pk=target.pk) if path == "" else Q(**{path: target})
    return condition
