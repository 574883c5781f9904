"""Reading and checking a roster CSV. No writes: the services decide what to do with the result.

Every problem is reported as a `RosterError(line, column, message)` where `line` is the physical line of
the file (the header is line 1). All problems are collected before anything is refused, so an admin can
fix a file in one go. Rows come out normalized and JSON-friendly (dates as ISO strings, job_level as an
int), ready to be stored on the RosterImport and applied later by the Celery task.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorhub.csv_safety import unsafe_cell

from .models import Employee, available_time_zones

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

COLUMNS: tuple[str, ...] = (
    "employee_id",
    "email",
    "name",
    "title",
    "department",
    "job_level",
    "location",
    "time_zone",
    "manager_employee_id",
    "hired_on",
    "left_on",
)
REQUIRED_COLUMNS: frozenset[str] = frozenset(
    {"employee_id", "email", "name", "department", "job_level", "time_zone", "hired_on"}
)
OPTIONAL_COLUMNS: frozenset[str] = frozenset(COLUMNS) - REQUIRED_COLUMNS
MIN_JOB_LEVEL, MAX_JOB_LEVEL = 1, 20

# What the upload page and the template CSV tell admins about each column.
COLUMN_HELP: dict[str, StrOrPromise] = {
    "employee_id": gettext_lazy("Your HR system's id; it identifies the person across imports."),
    "email": gettext_lazy("Work email, unique in the organization."),
    "name": gettext_lazy("Full name."),
    "title": gettext_lazy("Job title."),
    "department": gettext_lazy("Department or team."),
    "job_level": format_lazy(
        gettext_lazy("Whole number from {low} to {high}; higher is more senior."), low=MIN_JOB_LEVEL, high=MAX_JOB_LEVEL
    ),
    "location": gettext_lazy("Office or city."),
    "time_zone": gettext_lazy("IANA time zone, e.g. Europe/Berlin or America/New_York."),
    "manager_employee_id": gettext_lazy("The manager's employee_id: in this file or already on the roster."),
    "hired_on": gettext_lazy("Date, YYYY-MM-DD."),
    "left_on": gettext_lazy("Date the person left, YYYY-MM-DD; empty while employed."),
}


def _max_length(name: str) -> int:
    field = Employee._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length is not None  # text columns of the roster
    return field.max_length


_TEXT_LIMITS: dict[str, int] = {
    name: _max_length(name) for name in ("employee_id", "email", "name", "title", "department", "location", "time_zone")
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# U+0000: no text column (nor the import's stored rows) can hold it, and a message must not echo it.
NUL = "\x00"
NUL_MESSAGE = gettext_lazy(
    "Contains a NUL character (U+0000), an invisible control character no field accepts; remove it."
)
# Addresses of this everyday shape are valid for Django's EmailValidator too; only the others (quoted local
# parts, international domains, ...) go through it, which keeps a 50,000-row check fast.
_PLAIN_EMAIL = re.compile(
    r"[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


@dataclass(frozen=True)
class RosterError:
    line: int | None  # physical line in the file; None for a problem with the file as a whole
    column: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


class RosterValidationError(Exception):
    """The file was refused; `errors` lists every problem found."""

    def __init__(self, errors: Iterable[RosterError]):
        self.errors: list[RosterError] = sorted(
            errors, key=lambda e: (e.line or 0, COLUMN_ORDER.get(e.column or "", 99))
        )
        super().__init__(f"The roster file has {len(self.errors)} problem(s).")


COLUMN_ORDER = {name: index for index, name in enumerate(COLUMNS)}


@dataclass(frozen=True)
class ExistingEmployee:
    """What validation needs to know about someone already on the roster."""

    employee_id: str
    email: str
    manager_employee_id: str | None


@dataclass
class ParsedRoster:
    columns: tuple[str, ...]  # the columns the file has, in canonical order
    rows: list[dict[str, Any]]  # normalized rows, each with its "line"


# --- Reading ---------------------------------------------------------------------------------


def read_upload(upload: Any) -> bytes:
    """The bytes of an uploaded file, refused before reading when it is over the size limit."""
    limit = settings.ROSTER_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise RosterValidationError([RosterError(None, None, _too_large(upload.size, limit))])
    return upload.read()


def _too_large(size: int, limit: int) -> str:
    return _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.") % {
        "size": f"{size / 1_048_576:.1f}",
        "limit": f"{limit / 1_048_576:.1f}",
    }


def decode(content: bytes) -> str:
    if len(content) > settings.ROSTER_IMPORT_MAX_BYTES:
        raise RosterValidationError(
            [RosterError(None, None, _too_large(len(content), settings.ROSTER_IMPORT_MAX_BYTES))]
        )
    try:
        # utf-8-sig drops the byte-order mark spreadsheet programs like to write.
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise RosterValidationError(
            [
                RosterError(
                    line,
                    None,
                    _(
                        "The file is not UTF-8 text (the first bad byte is on this line). "
                        "Save it as “CSV UTF-8” and upload it again."
                    ),
                )
            ]
        ) from None


def parse(content: bytes, existing: Mapping[str, ExistingEmployee]) -> ParsedRoster:
    """Decode, parse and check a roster file against the organization's current roster (`existing`,
    keyed by employee_id). Raises RosterValidationError listing every problem; returns clean rows."""
    text = decode(content)
    if not text.strip():
        raise RosterValidationError([RosterError(None, None, _("The file is empty. Upload a CSV with a header row."))])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    errors: list[RosterError] = []
    try:
        header = next(reader)
        columns = _check_header(header, errors)
        if errors:
            raise RosterValidationError(errors)
        rows: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []  # ids and emails of refused rows, so duplicates of them are found too
        line = reader.line_num + 1
        for record in reader:
            start, line = line, reader.line_num + 1  # a quoted value may span several physical lines
            if not any(value.strip() for value in record):
                continue  # blank lines are harmless
            if len(record) != len(header):
                errors.append(
                    RosterError(
                        start,
                        None,
                        _("This row has %(record_count)s values; the header has %(header_count)s.")
                        % {"record_count": len(record), "header_count": len(header)},
                    )
                )
                continue
            with_nul = [column for column, value in zip(columns, record, strict=True) if NUL in value]
            if with_nul:
                errors.extend(RosterError(start, column, str(NUL_MESSAGE)) for column in with_nul)
                ids = {column: value.strip() for column, value in zip(columns, record, strict=True) if NUL not in value}
                failed.append({"line": start, "employee_id": ids.get("employee_id", ""), "email": ids.get("email", "")})
                continue
            # Our own exports put an apostrophe before text a spreadsheet would run as a formula: drop it,
            # so an exported file imports unchanged.
            raw = dict(zip(columns, (unsafe_cell(value) for value in record), strict=True))
            row = clean_row(raw, start, errors)
            if row is not None:
                rows.append(row)
            else:
                failed.append({"line": start, "employee_id": raw["employee_id"].strip(), "email": raw["email"].strip()})
    except csv.Error as exc:
        errors.append(
            RosterError(reader.line_num or 1, None, _("The file is not valid CSV here: %(error)s.") % {"error": exc})
        )
        raise RosterValidationError(errors) from None
    if not rows and not errors:
        raise RosterValidationError([RosterError(None, None, _("The file has a header but no employee rows."))])
    errors.extend(check_references(rows, existing, failed=failed))
    if errors:
        raise RosterValidationError(errors)
    ordered = tuple(name for name in COLUMNS if name in columns)
    return ParsedRoster(columns=ordered, rows=rows)


def _check_header(header: list[str], errors: list[RosterError]) -> list[str]:
    names = [name.strip().lower() for name in header]
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if NUL in name:
            message = f"Column {position} of the header contains a NUL character (U+0000); remove it."
            errors.append(RosterError(1, None, message))
        elif not name:
            errors.append(RosterError(1, None, _("The header has an empty column name.")))
        elif name not in COLUMN_ORDER:
            errors.append(
                RosterError(
                    1,
                    name,
                    _("Unknown column “%(name)s”. Expected columns: %(columns)s.")
                    % {"name": name, "columns": ", ".join(COLUMNS)},
                )
            )
        elif name in seen:
            errors.append(RosterError(1, name, _("Column “%(name)s” appears twice in the header.") % {"name": name}))
        seen.add(name)
    errors.extend(
        RosterError(1, name, _("Required column “%(name)s” is missing from the header.") % {"name": name})
        for name in COLUMNS
        if name in REQUIRED_COLUMNS and name not in seen
    )
    return names


# --- One row ---------------------------------------------------------------------------------


def clean_row(raw: Mapping[str, str], line: int, errors: list[RosterError]) -> dict[str, Any] | None:
    """The row normalized, or None (with its problems appended to `errors`). Only the columns the file
    has end up in the row: a missing optional column leaves that field alone on existing employees."""
    found: list[RosterError] = []
    row: dict[str, Any] = {"line": line}
    zones = available_time_zones()

    def fail(column: str, message: str) -> None:
        found.append(RosterError(line, column, message))

    for column, text in raw.items():
        value: Any = text.strip()
        limit = _TEXT_LIMITS.get(column)
        if limit is not None and len(value) > limit:
            fail(
                column,
                _("Too long: %(length)s characters, at most %(limit)s.") % {"length": len(value), "limit": limit},
            )
            continue
        if column in REQUIRED_COLUMNS and not value:
            fail(column, _("Required; this cell is empty."))
            continue
        if column == "email" and not _PLAIN_EMAIL.fullmatch(value):
            try:
                validate_email(value)
            except ValidationError:
                fail(column, _("“%(value)s” is not a valid email address.") % {"value": value})
                continue
        elif column == "job_level":
            if not (value.isascii() and value.isdigit()):  # int() would also take "1_0" and "٣"
                fail(column, _("“%(value)s” is not a whole number.") % {"value": value})
                continue
            level = int(value)
            if not MIN_JOB_LEVEL <= level <= MAX_JOB_LEVEL:
                fail(
                    column,
                    _("%(level)s is outside %(low)s to %(high)s.")
                    % {"level": level, "low": MIN_JOB_LEVEL, "high": MAX_JOB_LEVEL},
                )
                continue
            value = level
        elif column == "time_zone" and value not in zones:
            fail(
                column,
                _("“%(value)s” is not a known time zone (use an IANA name such as Europe/Berlin).") % {"value": value},
            )
            continue
        elif column in ("hired_on", "left_on"):
            if not value:
                value = None
            else:
                parsed = _parse_date(value)
                if parsed is None:
                    fail(column, _("“%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": value})
                    continue
                value = parsed.isoformat()
        elif column == "manager_employee_id":
            value = value or None
        row[column] = value

    left_on, hired_on = row.get("left_on"), row.get("hired_on")
    if left_on and hired_on and left_on < hired_on:  # ISO strings sort like dates
        fail(
            "left_on",
            _("Leaving date %(left_on)s is before the hiring date %(hired_on)s.")
            % {"left_on": left_on, "hired_on": hired_on},
        )
    if found:
        errors.extend(found)
        return None
    return row


def _parse_date(value: str) -> date | None:
    if not _ISO_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


# --- Across rows and against the roster ---------------------------------------------------------


def check_references(
    rows: list[dict[str, Any]],
    existing: Mapping[str, ExistingEmployee],
    *,
    failed: Iterable[Mapping[str, Any]] = (),
) -> list[RosterError]:
    """Uniqueness of ids and emails, managers that exist, no management cycles. Run at upload and again
    when the import is applied, since the roster may have changed in between. `failed` names the rows
    refused for other reasons (line, employee_id, email): they still count for duplicates."""
    errors: list[RosterError] = []
    first_line_of_id: dict[str, int] = {}
    first_line_of_email: dict[str, int] = {}
    for row in sorted([*rows, *failed], key=lambda row: row["line"]):
        employee_id, line = row["employee_id"], row["line"]
        if employee_id in first_line_of_id:
            errors.append(
                RosterError(
                    line,
                    "employee_id",
                    _("Duplicate employee_id “%(employee_id)s” (first on line %(line)s).")
                    % {"employee_id": employee_id, "line": first_line_of_id[employee_id]},
                )
            )
        elif employee_id:
            first_line_of_id[employee_id] = line
        if row.get("email"):
            email = row["email"].lower()
            if email in first_line_of_email:
                errors.append(
                    RosterError(
                        line,
                        "email",
                        _("Duplicate email “%(email)s” (first on line %(line)s).")
                        % {"email": row["email"], "line": first_line_of_email[email]},
                    )
                )
            else:
                first_line_of_email[email] = line

    # An email may move between two people of the file, but never to one of someone not in the file.
    holder_of_email = {person.email.lower(): person.employee_id for person in existing.values()}
    for row in rows:
        if "email" not in row:
            continue
        holder = holder_of_email.get(row["email"].lower())
        if holder is not None and holder != row["employee_id"] and holder not in first_line_of_id:
            errors.append(
                RosterError(
                    row["line"],
                    "email",
                    _("“%(email)s” already belongs to employee %(holder)s, who is not in this file.")
                    % {"email": row["email"], "holder": holder},
                )
            )

    errors.extend(_check_managers(rows, existing, set(first_line_of_id)))
    return errors


def _check_managers(
    rows: list[dict[str, Any]], existing: Mapping[str, ExistingEmployee], file_ids: set[str]
) -> list[RosterError]:
    if not rows or "manager_employee_id" not in rows[0]:
        return []  # no manager column: managers stay as they are
    errors: list[RosterError] = []
    # The management chain after the import: the file's word for its rows, the roster's for the rest.
    manager_of: dict[str, str | None] = {eid: person.manager_employee_id for eid, person in existing.items()}
    line_of: dict[str, int] = {}
    for row in rows:
        employee_id, manager_id = row["employee_id"], row["manager_employee_id"]
        line_of.setdefault(employee_id, row["line"])
        if manager_id is None:
            manager_of[employee_id] = None
        elif manager_id == employee_id:
            errors.append(RosterError(row["line"], "manager_employee_id", _("A person cannot be their own manager.")))
            manager_of[employee_id] = None
        elif manager_id not in file_ids and manager_id not in existing:
            errors.append(
                RosterError(
                    row["line"],
                    "manager_employee_id",
                    _("No employee “%(manager_id)s” in this file or on the roster.") % {"manager_id": manager_id},
                )
            )
            manager_of[employee_id] = None
        else:
            manager_of[employee_id] = manager_id

    # Walk up from every row; a walk that meets itself is a cycle. Each person is walked once: O(n).
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    for start in line_of:
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in state:
            state[node] = 1
            path.append(node)
            node = manager_of.get(node)
        if node is not None and state[node] == 1:
            cycle = path[path.index(node) :]
            shown = [*cycle[:8], "…"] if len(cycle) > 8 else cycle
            chain = " → ".join([*shown, cycle[0]])
            errors.extend(
                RosterError(
                    line_of[member], "manager_employee_id", _("Management cycle: %(chain)s.") % {"chain": chain}
                )
                for member in cycle
                if member in line_of
            )
        for visited in path:
            state[visited] = 2
    return errors


def template_csv() -> str:
    """A small example file admins can download and fill in."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "E1001",
            "grace.hopper@example.com",
            "Grace Hopper",
            "VP Engineering",
            "Engineering",
            "12",
            "New York",
            "America/New_York",
            "",
            "2019-03-01",
            "",
        ]
    )
    writer.writerow(
        [
            "E1002",
            "alan.turing@example.com",
            "Alan Turing",
            "Staff Engineer",
            "Engineering",
            "9",
            "London",
            "Europe/London",
            "E1001",
            "2021-06-14",
            "",
        ]
    )
    return out.getvalue()
