"""Applying a checked roster file to an organization's employees: diff in memory, write in bulk.

Used by services.roster_import.roster_import_apply inside its transaction. Built for 50,000-row files:
one query loads the roster, the difference is computed in Python, and each kind of write goes out in
batches. On PostgreSQL new employees get their ids from the sequence up front, so a row can name a manager
that is inserted later (foreign keys are checked at commit) and every row is written exactly once; other
databases take the portable path (bulk_create, then the new people's managers, via bulk_update).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from mentorhub.db.maintenance import analyze_changed

from .. import roster_csv
from ..models import Employee, EmploymentEvent, Membership, RosterImport
from ..outbox import outbox_record_many
from . import bulk_sql

CHUNK_SIZE = 2_000

# Employee fields a roster row may set, besides employee_id (the key) and the manager.
ROW_FIELDS: tuple[str, ...] = (
    "email",
    "name",
    "title",
    "department",
    "job_level",
    "location",
    "time_zone",
    "hired_on",
    "left_on",
)
# What a new employee gets for an optional column the file does not have.
ABSENT = {"title": "", "location": "", "left_on": None}
_DATE_FIELDS = frozenset({"hired_on", "left_on"})

Kind = EmploymentEvent.Kind
T = TypeVar("T")


class RosterChangedError(Exception):
    """The roster changed between upload and apply so that the file no longer fits it."""

    def __init__(self, errors: list[roster_csv.RosterError]):
        self.errors = errors
        super().__init__(f"{len(errors)} row(s) no longer fit the roster.")


@dataclass
class _Row:
    employee_id: str
    values: dict[str, Any]  # ROW_FIELDS present in the file, typed
    manager: str | None  # the manager's employee_id, when the file has the column
    pk: int | None = None  # set for people already on the roster


def existing_for_validation(people: dict[int, tuple[str, str, int | None]]) -> dict[str, roster_csv.ExistingEmployee]:
    """{pk: (employee_id, email, manager pk)} -> what roster_csv needs, keyed by employee_id."""
    return {
        employee_id: roster_csv.ExistingEmployee(
            employee_id, email, people[manager_id][0] if manager_id in people else None
        )
        for employee_id, email, manager_id in people.values()
    }


def employment_events(
    old: dict[str, Any], new: dict[str, Any], differences: set[str], today: date
) -> Iterator[tuple[str, date, str, str]]:
    """The employment events a change of one roster row means, as (kind, occurred_on, old, new): the one
    derivation the CSV import and the single-row services (services.employees, used by SCIM) share.
    `old` and `new` hold the row's fields (dates as dates); `differences` names the fields that changed."""
    if "job_level" in differences:  # a higher level is a promotion (EmploymentEvent.is_promotion)
        yield Kind.LEVEL_CHANGE, today, str(old["job_level"]), str(new["job_level"])
    if "department" in differences:
        yield Kind.DEPARTMENT_CHANGE, today, old["department"], new["department"]
    if "left_on" in differences and new["left_on"] is not None:
        before = old["left_on"].isoformat() if old["left_on"] else ""
        yield Kind.LEFT, new["left_on"], before, new["left_on"].isoformat()
    elif (
        "left_on" in differences
        and "hired_on" in differences
        and old["left_on"] is not None
        and new["hired_on"] > old["left_on"]
    ):  # came back: the leaving date is cleared and a later hiring date given
        yield Kind.HIRED, new["hired_on"], old["hired_on"].isoformat(), new["hired_on"].isoformat()


class RosterApplier:
    def __init__(self, roster_import: RosterImport, now: datetime, on_progress: Callable[[int], None]):
        self.roster_import = roster_import
        self.organization_id = roster_import.organization_id
        self.now = now
        self.today = timezone.localdate(now)
        self.rows: list[dict[str, Any]] = roster_import.rows
        present = set(self.rows[0]) if self.rows else set()
        self.fields = [name for name in ROW_FIELDS if name in present]
        self.sets_managers = "manager_employee_id" in present
        self.on_progress = on_progress
        self.processed = 0

    def run(self) -> dict[str, int]:
        """Apply every row; returns the counts for the RosterImport."""
        existing = {
            row["employee_id"]: row
            for row in Employee.objects.filter(organization_id=self.organization_id).values(
                "id", "employee_id", "manager_id", *ROW_FIELDS
            )
        }
        by_pk = {row["id"]: row for row in existing.values()}
        errors = roster_csv.check_references(
            self.rows,
            existing_for_validation(
                {pk: (row["employee_id"], row["email"], row["manager_id"]) for pk, row in by_pk.items()}
            ),
        )
        if errors:
            raise RosterChangedError(errors)

        new: list[_Row] = []
        changed: list[_Row] = []
        events: list[tuple[str, str, date, str, str]] = []  # employee_id, kind, occurred_on, old, new
        unchanged = 0
        for raw in self.rows:
            row = _Row(
                employee_id=raw["employee_id"],
                values={name: _typed(name, raw[name]) for name in self.fields},
                manager=raw.get("manager_employee_id"),
            )
            old = existing.get(row.employee_id)
            if old is None:
                new.append(row)
                events.append((row.employee_id, Kind.HIRED, row.values["hired_on"], "", ""))
                if row.values.get("left_on"):
                    left = row.values["left_on"]
                    events.append((row.employee_id, Kind.LEFT, left, "", left.isoformat()))
                continue
            row.pk = old["id"]
            differences = {name for name in self.fields if old[name] != row.values[name]}
            old_manager = by_pk[old["manager_id"]]["employee_id"] if old["manager_id"] in by_pk else None
            if differences or (self.sets_managers and row.manager != old_manager):
                changed.append(row)
                events.extend(self._events_for(row.employee_id, old, row.values, differences))
            else:
                unchanged += 1

        self._progress(unchanged)  # rows that need no write count as done from the start
        pk_of = {employee_id: row["id"] for employee_id, row in existing.items()}
        self._park_moving_emails(new, changed, existing)
        self._insert(new, pk_of)
        self._update(changed, pk_of)
        self._insert_events(events, pk_of)
        self._record_outbox(new, changed, existing, pk_of)
        # Once committed, fresh planner statistics: the pages that follow plan for the new roster (db/maintenance.py).
        analyze_changed({Employee: len(new) + len(changed), EmploymentEvent: len(events)})
        return {
            "created_count": len(new),
            "updated_count": len(changed),
            "unchanged_count": unchanged,
            "event_count": len(events),
        }

    def _record_outbox(
        self, new: list[_Row], changed: list[_Row], existing: dict[str, dict[str, Any]], pk_of: dict[str, int]
    ) -> None:
        """The import's domain events for webhooks (nothing, not even a query, while none is configured)."""
        organization = self.roster_import.organization
        if not organization.webhooks_active:
            return
        source = {"source": "roster_import", "roster_import_id": self.roster_import.pk}
        created = [{"employee_id": pk_of[row.employee_id], **source} for row in new]
        outbox_record_many(organization=organization, event_type="employee.created", items=created)
        updated, left = [], []
        for row in changed:
            old = existing[row.employee_id]
            fields = sorted(name for name in self.fields if old[name] != row.values[name])
            updated.append({"employee_id": row.pk, "fields": fields, **source})
            if "left_on" in fields and row.values.get("left_on") and not old.get("left_on"):
                left.append({"employee_id": row.pk, "left_on": row.values["left_on"].isoformat(), **source})
        outbox_record_many(organization=organization, event_type="employee.updated", items=updated)
        outbox_record_many(organization=organization, event_type="employee.left", items=left)

    def _events_for(
        self, employee_id: str, old: dict[str, Any], new: dict[str, Any], differences: set[str]
    ) -> Iterator[tuple[str, str, date, str, str]]:
        for kind, occurred_on, old_value, new_value in employment_events(old, new, differences, self.today):
            yield employee_id, kind, occurred_on, old_value, new_value

    def _progress(self, rows: int) -> None:
        self.processed += rows
        self.on_progress(min(self.processed, len(self.rows)))

    # --- writes ---

    def _park_moving_emails(self, new: list[_Row], changed: list[_Row], existing: dict[str, dict[str, Any]]) -> None:
        """Emails may move between people of the file (a swap, or a leaver's address reused by a new row).
        The unique index is checked row by row, so when an address would land on its current holder, the
        moving addresses are first parked on placeholders."""
        if "email" not in self.fields:
            return
        holder = {row["email"].lower(): row["id"] for row in existing.values()}
        old_email = {row["id"]: row["email"] for row in existing.values()}
        moving = [row for row in changed if row.values["email"] != old_email[row.pk]]
        landing = [(row.values["email"].lower(), row.pk) for row in [*moving, *new]]
        if not any(holder.get(email, pk) != pk for email, pk in landing):
            return
        placeholders = [f"roster-import-{self.roster_import.pk}-{row.pk}@placeholder.invalid" for row in moving]
        if bulk_sql.is_postgresql():
            bulk_sql.update_rows(
                Employee,
                [row.pk for row in moving],
                {"email": placeholders},
                where={"organization_id": self.organization_id},
            )
        else:
            Employee.objects.bulk_update(
                [Employee(pk=row.pk, email=email) for row, email in zip(moving, placeholders, strict=True)],
                ["email"],
                batch_size=500,
            )

    def _insert(self, new: list[_Row], pk_of: dict[str, int]) -> None:
        if not new:
            return
        if bulk_sql.is_postgresql():
            for row, pk in zip(new, bulk_sql.allocate_ids(Employee, len(new)), strict=True):
                row.pk = pk_of[row.employee_id] = pk
            for chunk in _chunks(new):
                columns: dict[str, list[Any]] = {
                    "id": [row.pk for row in chunk],
                    "employee_id": [row.employee_id for row in chunk],
                    "manager_id": [pk_of[row.manager] if row.manager else None for row in chunk],
                }
                for name in ROW_FIELDS:
                    columns[name] = [row.values.get(name, ABSENT.get(name)) for row in chunk]
                bulk_sql.insert_rows(Employee, columns, {"organization_id": self.organization_id})
                self._progress(len(chunk))
            return
        employees = [
            Employee(
                organization_id=self.organization_id,
                employee_id=row.employee_id,
                **{name: row.values.get(name, ABSENT.get(name)) for name in ROW_FIELDS},
            )
            for row in new
        ]
        for batch in _chunks(employees):
            Employee.objects.bulk_create(batch)
            self._progress(len(batch))
        if employees[0].pk is None:  # a backend that cannot return ids from a bulk insert
            pk_of.update(
                Employee.objects.filter(
                    organization_id=self.organization_id, employee_id__in=[row.employee_id for row in new]
                ).values_list("employee_id", "id")
            )
        else:
            pk_of.update((employee.employee_id, employee.pk) for employee in employees)
        managed = [Employee(pk=pk_of[row.employee_id], manager_id=pk_of[row.manager]) for row in new if row.manager]
        Employee.objects.bulk_update(managed, ["manager"], batch_size=500)

    def _update(self, changed: list[_Row], pk_of: dict[str, int]) -> None:
        for chunk in _chunks(changed):
            columns: dict[str, list[Any]] = {name: [row.values[name] for row in chunk] for name in self.fields}
            if self.sets_managers:
                columns["manager_id"] = [pk_of[row.manager] if row.manager else None for row in chunk]
            if bulk_sql.is_postgresql():
                bulk_sql.update_rows(
                    Employee,
                    [row.pk for row in chunk],
                    columns,
                    {"updated_at": self.now},
                    where={"organization_id": self.organization_id},
                )
            else:
                employees = [
                    Employee(pk=row.pk, updated_at=self.now, **{name: values[i] for name, values in columns.items()})
                    for i, row in enumerate(chunk)
                ]
                names = [Employee._meta.get_field(name).name for name in columns]  # manager_id -> manager
                Employee.objects.bulk_update(employees, [*names, "updated_at"], batch_size=500)
            self._progress(len(chunk))

    def _insert_events(self, events: list[tuple[str, str, date, str, str]], pk_of: dict[str, int]) -> None:
        for chunk in _chunks(events, 5 * CHUNK_SIZE):
            if bulk_sql.is_postgresql():
                employee_ids, kinds, dates, old_values, new_values = zip(*chunk, strict=True)
                bulk_sql.insert_rows(
                    EmploymentEvent,
                    {
                        "employee_id": [pk_of[employee_id] for employee_id in employee_ids],
                        "kind": list(kinds),
                        "occurred_on": list(dates),
                        "old_value": list(old_values),
                        "new_value": list(new_values),
                    },
                    {"organization_id": self.organization_id, "roster_import_id": self.roster_import.pk},
                )
                continue
            EmploymentEvent.objects.bulk_create(
                EmploymentEvent(
                    organization_id=self.organization_id,
                    employee_id=pk_of[employee_id],
                    kind=kind,
                    occurred_on=occurred_on,
                    old_value=old_value,
                    new_value=new_value,
                    roster_import_id=self.roster_import.pk,
                )
                for employee_id, kind, occurred_on, old_value, new_value in chunk
            )


def link_memberships(organization_id: int) -> int:
    """Link the organization's memberships that have no roster row yet to the row with the user's email
    (case-insensitive), e.g. someone who accepted an invitation before the import that adds them. Two
    queries, whatever the number of people. Returns how many were linked."""
    roster_row = (
        Employee.objects.filter(organization_id=organization_id)
        .annotate(email_lower=Lower("email"))  # the same expression as the unique index on the roster's emails
        .filter(email_lower=Lower(OuterRef("user__email")))
        .values("pk")[:1]
    )
    pairs = list(
        Membership.objects.filter(organization_id=organization_id, employee__isnull=True)
        .annotate(roster_pk=Subquery(roster_row))
        .filter(roster_pk__isnull=False)
        .values_list("pk", "roster_pk")
    )
    if pairs:
        Membership.objects.bulk_update(
            [Membership(pk=pk, employee_id=employee_pk) for pk, employee_pk in pairs], ["employee"], batch_size=1000
        )
    return len(pairs)


def _chunks(items: Sequence[T], size: int | None = None) -> Iterator[Sequence[T]]:
    size = size or CHUNK_SIZE
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _typed(field: str, value: Any) -> Any:
    if field in _DATE_FIELDS:
        return date.fromisoformat(value) if value else None
    return value
