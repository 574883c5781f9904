"""Everything MentorHub holds about a person in one organization (docs/privacy.md), driven by the personal-data
registry: every registered model's rows that point to them, with their registered fields and a few plain ones
for context. Rendered as JSON and as a readable HTML page (views/privacy.py).

Every query is scoped to the organization (privacy/rows.py); sign-in data is reached through the person's
membership of it. A private field (a session reflection, survey answers) is included only on the rows whose
author is the person: an admin's export for them leaves out nothing of theirs, and never anyone else's.
Credentials (password hash, second-factor secrets) are never exported; their rows are listed without them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from mentorhub.tenancy import scoped

from ..models import Employee, Membership, Organization, User
from ..privacy.registry import Anchor, Person, PersonalData, personal_data
from ..privacy.rows import private_rows, rows_about
from .audit import audit_record

FORMAT = "mentorhub-personal-data/1"


@dataclass
class ExportSection:
    title: str
    model: str  # app_label.model
    rows: list[dict[str, Any]] = field(default_factory=list)

    def readable_rows(self) -> list[list[tuple[str, str]]]:
        """The rows for the HTML page: (field, text), with answers and lists written as JSON."""
        return [[(name.replace("_", " "), readable(value)) for name, value in row.items()] for row in self.rows]


def readable(value: Any) -> str:
    if value is None:
        return "—"
    if value == "":
        return "(empty)"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass
class PersonalExport:
    organization: str
    generated_at: datetime
    name: str
    email: str
    sections: list[ExportSection]
    # An admin's export for the person: their private texts (reflections, survey answers) are left out.
    private_left_out: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "private_texts_left_out": self.private_left_out,
            "organization": self.organization,
            "generated_at": self.generated_at.isoformat(),
            "person": {"name": self.name, "email": self.email},
            "sections": [{"title": s.title, "model": s.model, "rows": s.rows} for s in self.sections],
        }

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)

    @property
    def row_count(self) -> int:
        return sum(len(section.rows) for section in self.sections)


def plain(value: Any) -> Any:
    """A value as JSON holds it: dates as ISO 8601, related rows by their name."""
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _section(entry: PersonalData, person: Person, *, with_private: bool = True) -> ExportSection:
    names = [*entry.context, *(f.name for f in entry.fields if f.exported and (with_private or not f.private_to))]
    related = [name for name in names if (f := entry.model._meta.get_field(name)).is_relation and f.many_to_one]
    rows = rows_about(entry, person).select_related(*related).order_by("pk")
    private = {f.name: private_rows(entry, f, person, rows) for f in entry.fields if f.private_to and f.exported}
    section = ExportSection(title=gettext(entry.title), model=entry.label)  # titles are marked gettext_noop
    for row in rows:
        data: dict[str, Any] = {"id": row.pk}
        for name in names:
            if name in private and row.pk not in private[name]:
                continue  # someone else's private text on a row they share with the person
            data[name] = plain(getattr(row, name))
        section.rows.append(data)
    return section


def employee_sign_in(*, organization: Organization, employee: Employee) -> User | None:
    """The sign-in linked to the roster entry in this organization (None: they never signed in here)."""
    membership = scoped(Membership, organization).filter(employee=employee).select_related("user").first()
    return membership.user if membership is not None else None


def personal_export_build(
    *, organization: Organization, employee: Employee | None, user: User | None, with_private: bool = True
) -> PersonalExport:
    """The export of the person (their roster entry in `organization`, their sign-in `user`; either may be
    missing: a member not on the roster, a roster person who never signed in). `with_private=False` (an admin
    produces it) leaves out every private field, the person's own too: their reflections and survey answers
    are for their author only, and an admin never reads them (the export says so)."""
    sections: list[ExportSection] = []
    if employee is not None:
        person = Person(
            organization=organization,
            employee=employee,
            user=user,
            emails=tuple({e.lower() for e in (employee.email, user.email if user else "") if e}),
            employee_ids=(employee.employee_id,),
        )
        sections += [_section(entry, person, with_private=with_private) for entry in personal_data(Anchor.EMPLOYEE)]
    if user is not None:
        # Sign-in data is found through the user alone (anchor ACCOUNT): the roster entry may be missing.
        account = Person(organization=organization, employee=employee, user=user)  # type: ignore[arg-type]
        sections += [_section(entry, account, with_private=with_private) for entry in personal_data(Anchor.ACCOUNT)]
    return PersonalExport(
        organization=organization.name,
        generated_at=timezone.now(),
        name=employee.name if employee is not None else (user.name if user else ""),
        email=employee.email if employee is not None else (user.email if user else ""),
        sections=[section for section in sections if section.rows],
        private_left_out=not with_private,
    )


@transaction.atomic
def employee_data_export(
    *, organization: Organization, actor: User, employee: Employee, user: User | None
) -> PersonalExport:
    """An admin produces a person's export for them: the same export, and an entry in the audit log."""
    export = personal_export_build(organization=organization, employee=employee, user=user, with_private=False)
    audit_record(
        organization=organization,
        actor=actor,
        verb="employee.data_export",
        target=employee,
        changes={"rows": [None, export.row_count]},
    )
    return export
