"""Building roster CSV files for the roster import tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

from mentorhub.accounts.roster_csv import COLUMNS

BASE_ROW = {
    "employee_id": "",
    "email": "",
    "name": "",
    "title": "Engineer",
    "department": "Engineering",
    "job_level": "3",
    "location": "London",
    "time_zone": "Europe/London",
    "manager_employee_id": "",
    "hired_on": "2021-04-01",
    "left_on": "",
}


def person(employee_id: str, **values: str) -> dict[str, str]:
    """A valid row for `employee_id`, with `values` overriding the defaults."""
    slug = employee_id.lower()
    return {
        **BASE_ROW,
        "employee_id": employee_id,
        "email": f"{slug}@alpha.test",
        "name": f"Person {employee_id}",
    } | values


def roster_csv(rows: Iterable[Mapping[str, str]], columns: Sequence[str] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue().encode()


def error_positions(errors) -> set[tuple[int | None, str | None]]:
    """{(line, column)} of RosterError objects or of their JSON dicts."""
    return {(e["line"], e["column"]) if isinstance(e, dict) else (e.line, e.column) for e in errors}
