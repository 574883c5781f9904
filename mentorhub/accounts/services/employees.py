"""Single-row roster writes: one employee created or changed (by SCIM provisioning, or any other caller
that is not a CSV file). Each row is checked exactly as a roster CSV row is (roster_csv.clean_row: lengths,
email, job level range, time zone, dates) plus the checks across the roster (unique employee_id and email,
a manager on the roster, no management cycle), and records the same employment events as the import
(roster_apply.employment_events): a higher job level is a promotion, a department change, a departure.

`values` use the roster CSV's column names (employee_id is the HR id, not the database key); dates may be
dates or ISO strings. The manager is given by its database key (`manager_id`). A leaving date is better
recorded with services.departures.employee_depart, which also closes the person's access.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorhub.tenancy import get_scoped_or_404, scoped

from .. import roster_csv
from ..models import Employee, EmploymentEvent, Membership, Organization, User
from ..outbox import outbox_record
from .audit import audit_record, diff_fields
from .roster_apply import ROW_FIELDS, employment_events

FIELDS: tuple[str, ...] = ("employee_id", *ROW_FIELDS)
_UNSET = object()


def _as_text(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """The row checked like a CSV row; typed (dates as dates). Raises ValidationError per field."""
    errors: list[roster_csv.RosterError] = []
    raw = {name: _as_text(name, values.get(name)) for name in FIELDS}
    row = roster_csv.clean_row(raw, 0, errors)
    if row is None:
        messages: dict[str, list[str]] = {}
        for error in errors:
            messages.setdefault(error.column or "__all__", []).append(error.message)
        raise ValidationError(messages)
    row.pop("line", None)
    for name in ("hired_on", "left_on"):
        row[name] = date.fromisoformat(row[name]) if row.get(name) else None
    return row


def _check_unique(organization: Organization, row: dict[str, Any], exclude_pk: int | None) -> None:
    others = scoped(Employee, organization)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    errors: dict[str, list[str]] = {}
    if others.filter(employee_id=row["employee_id"]).exists():
        errors["employee_id"] = [f"Another employee already has the employee_id “{row['employee_id']}”."]
    if others.annotate(email_lower=Lower("email")).filter(email_lower=row["email"].lower()).exists():
        errors["email"] = [f"“{row['email']}” already belongs to another employee."]
    if errors:
        raise ValidationError(errors)


def _check_manager(organization: Organization, manager_id: int | None, employee_pk: int | None) -> None:
    if manager_id is None:
        return
    if manager_id == employee_pk:
        raise ValidationError({"manager": [_("A person cannot be their own manager.")]})
    chain = dict(scoped(Employee, organization).values_list("pk", "manager_id"))
    if manager_id not in chain:
        raise ValidationError({"manager": [_("The manager is not on this organization's roster.")]})
    seen: set[int] = set()
    node: int | None = manager_id
    while node is not None and node not in seen:
        if node == employee_pk:
            raise ValidationError({"manager": [_("This manager would make a management cycle.")]})
        seen.add(node)
        node = chain.get(node)


@transaction.atomic
def employee_create(
    *,
    organization: Organization,
    actor: User | None,
    values: Mapping[str, Any],
    manager_id: int | None = None,
    source: str,
) -> Employee:
    """Add one person to the roster; records their `hired` event (and `left`, given a leaving date)."""
    row = _clean({"time_zone": "UTC", **values})
    _check_unique(organization, row, None)
    _check_manager(organization, manager_id, None)
    employee = Employee(organization=organization, manager_id=manager_id, **row)
    employee.full_clean()
    employee.save()
    EmploymentEvent.objects.create(
        organization=organization, employee=employee, kind=EmploymentEvent.Kind.HIRED, occurred_on=employee.hired_on
    )
    if employee.left_on is not None:
        EmploymentEvent.objects.create(
            organization=organization,
            employee=employee,
            kind=EmploymentEvent.Kind.LEFT,
            occurred_on=employee.left_on,
            new_value=employee.left_on.isoformat(),
        )
    audit_record(
        organization=organization,
        actor=actor,
        verb="employee.create",
        target=employee,
        changes={**diff_fields({}, row), "source": [None, source]},
    )
    outbox_record(
        organization=organization,
        event_type="employee.created",
        data={"employee_id": employee.pk, "source": source},
    )
    # Someone who signed in before their roster row existed (an invitation) is linked to it now, as a roster
    # import links them: their membership then follows the row (departures close it, SSO finds it).
    scoped(Membership, organization).filter(employee__isnull=True, user__email__iexact=employee.email).update(
        employee=employee
    )
    return employee


@transaction.atomic
def employee_update(
    *,
    organization: Organization,
    actor: User | None,
    employee_id: int,
    values: Mapping[str, Any],
    manager_id: Any = _UNSET,
    source: str,
) -> Employee:
    """Change some of one employee's fields (those in `values`; the manager when `manager_id` is given,
    None for none). Records the employment events the change means. Returns the employee."""
    employee = get_scoped_or_404(Employee.objects.select_for_update(), organization, pk=employee_id)
    old = {name: getattr(employee, name) for name in FIELDS}
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not roster fields: {sorted(unknown)}")
    row = _clean({**old, **values})
    differences = {name for name in FIELDS if old[name] != row[name]}
    manager_changes = manager_id is not _UNSET and manager_id != employee.manager_id
    if not differences and not manager_changes:
        return employee
    _check_unique(organization, row, employee.pk)
    changes = diff_fields({name: old[name] for name in differences}, {name: row[name] for name in differences})
    if manager_changes:
        _check_manager(organization, manager_id, employee.pk)
        changes["manager"] = [employee.manager_id, manager_id]
        employee.manager_id = manager_id
    for name in differences:
        setattr(employee, name, row[name])
    employee.full_clean()
    employee.save()
    today = timezone.localdate()
    EmploymentEvent.objects.bulk_create(
        EmploymentEvent(
            organization=organization,
            employee=employee,
            kind=kind,
            occurred_on=occurred_on,
            old_value=old_value,
            new_value=new_value,
        )
        for kind, occurred_on, old_value, new_value in employment_events(old, row, differences, today)
    )
    changes["source"] = [None, source]
    audit_record(organization=organization, actor=actor, verb="employee.update", target=employee, changes=changes)
    outbox_record(
        organization=organization,
        event_type="employee.updated",
        data={
            "employee_id": employee.pk,
            "fields": sorted(key for key in changes if key != "source"),
            "source": source,
        },
    )
    return employee
