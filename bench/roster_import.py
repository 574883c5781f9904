"""Roster import benchmark: a 50,000-row file with a management tree, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mh_bench_roster .venv/bin/python bench/roster_import.py

It (re)creates the database DATABASE_URL names (default `mh_bench_roster`; bench/_db.py drops only a
benchmark's), migrates it, and
measures, separately, the upload-time check (parse + validate + store the rows) and the apply (the Celery
task's body, called directly): first a full import, then a re-import with about 5% of the rows changed.
For reference, in the same run, a naive per-row `update_or_create` import of 2,000 rows, extrapolated.
The target (issue 2) is an apply of 50,000 rows in under 30 s. BENCH_ROWS overrides the row count.
The database is left in place afterwards for inspection; the next run drops it.
"""

from __future__ import annotations

import csv
import io
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _db import database_name, database_url, recreate_database  # noqa: E402 - beside this script

BENCH_DB = "mh_bench_roster"  # unless DATABASE_URL names a database
ROWS = int(os.environ.get("BENCH_ROWS", "50000"))
NAIVE_ROWS = 2_000
CHANGE_SHARE = 0.05
TARGET_SECONDS = 30

DEPARTMENTS = ["Engineering", "Product", "Sales", "Marketing", "People", "Finance", "Operations", "Customer Success"]
TITLES = ["Associate", "Analyst", "Specialist", "Senior Specialist", "Lead", "Manager", "Senior Manager", "Director"]
LOCATIONS = [
    ("New York", "America/New_York"),
    ("Chicago", "America/Chicago"),
    ("San Francisco", "America/Los_Angeles"),
    ("São Paulo", "America/Sao_Paulo"),
    ("London", "Europe/London"),
    ("Berlin", "Europe/Berlin"),
    ("Lagos", "Africa/Lagos"),
    ("Bangalore", "Asia/Kolkata"),
    ("Singapore", "Asia/Singapore"),
    ("Tokyo", "Asia/Tokyo"),
    ("Sydney", "Australia/Sydney"),
]
COLUMNS = [
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
]
FAN_OUT = 7


def generate(rows: int, rng: random.Random) -> list[dict[str, str]]:
    """A management tree (fan-out FAN_OUT), departments inherited from the top, levels by depth."""
    # The demo seed's name lists (importable only after django.setup()).
    from demo.accounts import FIRST as FIRST_NAMES
    from demo.accounts import LAST as LAST_NAMES

    people: list[dict[str, str]] = []
    depth = [0] * rows
    today = date.today()
    for i in range(rows):
        manager = (i - 1) // FAN_OUT if i else None
        depth[i] = depth[manager] + 1 if manager is not None else 0
        if manager is None:
            department = "Leadership"
        elif manager == 0:
            department = DEPARTMENTS[(i - 1) % len(DEPARTMENTS)]
        else:
            department = people[manager]["department"]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        location, zone = rng.choice(LOCATIONS)
        level = max(1, min(20, 18 - 3 * depth[i] + rng.randint(-1, 1)))
        hired = date(2005, 1, 1) + timedelta(days=rng.randrange((today - date(2005, 1, 1)).days))
        left = hired + timedelta(days=rng.randrange(30, 2000)) if rng.random() < 0.04 else None
        people.append(
            {
                "employee_id": f"E{i + 1:06d}",
                "email": f"{first}.{last}.{i + 1}@bench.example".lower(),
                "name": f"{first} {last}",
                "title": TITLES[min(len(TITLES) - 1, max(0, level // 3 - 1))],
                "department": department,
                "job_level": str(level),
                "location": location,
                "time_zone": zone,
                "manager_employee_id": f"E{manager + 1:06d}" if manager is not None else "",
                "hired_on": hired.isoformat(),
                "left_on": left.isoformat() if left and left < today else "",
            }
        )
    return people


def change(people: list[dict[str, str]], rng: random.Random) -> tuple[list[dict[str, str]], dict[str, int]]:
    """About CHANGE_SHARE of the rows changed: promotions, moves, departures, new titles, new hires."""
    changed = [dict(row) for row in people]
    picks = rng.sample(range(1, len(changed)), int(len(changed) * CHANGE_SHARE))
    counts = {"promotions": 0, "department moves": 0, "departures": 0, "title changes": 0}
    for n, index in enumerate(picks):
        row = changed[index]
        kind = n % 10
        if kind < 4 and int(row["job_level"]) < 20:
            row["job_level"] = str(int(row["job_level"]) + 1)
            counts["promotions"] += 1
        elif kind < 6:
            row["department"] = rng.choice([d for d in DEPARTMENTS if d != row["department"]])
            counts["department moves"] += 1
        elif kind < 8 and not row["left_on"]:
            left = date.today() - timedelta(days=rng.randrange(1, 60))
            row["left_on"] = max(left, date.fromisoformat(row["hired_on"])).isoformat()
            counts["departures"] += 1
        else:
            row["title"] = row["title"] + " II"
            counts["title changes"] += 1
    hires = len(changed) // 200
    for i in range(hires):
        row = dict(changed[-1], employee_id=f"N{i:06d}", email=f"new.hire.{i}@bench.example", left_on="")
        row["hired_on"] = date.today().isoformat()
        changed.append(row)
    counts["new hires"] = hires
    return changed, counts


def as_csv(people: list[dict[str, str]], rng: random.Random) -> bytes:
    rows = list(people)
    rng.shuffle(rows)  # managers often come after their reports, as in real exports
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


class CpuClock:
    """CPU seconds used by this process and by its PostgreSQL backend (read from /proc when the server runs
    on this machine). On a shared, busy machine wall time overstates the work; CPU time does not."""

    def __init__(self, backend_pid: int):
        self.stat = Path(f"/proc/{backend_pid}/stat")
        self.tick = os.sysconf("SC_CLK_TCK")

    def backend(self) -> float | None:
        try:
            fields = self.stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / self.tick  # utime, stime

    def measure(self, function, *args, **kwargs):
        python, backend = time.process_time(), self.backend()
        result, wall = timed(function, *args, **kwargs)
        after = self.backend()
        used = None if backend is None or after is None else after - backend
        return result, wall, time.process_time() - python, used


def describe_cpu(python: float, backend: float | None) -> str:
    return f"CPU: python {python:.1f} s" + (f" + postgres {backend:.1f} s" if backend is not None else "")


def main() -> None:
    os.environ["DATABASE_URL"] = recreate_database(database_url(BENCH_DB))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")
    os.environ["DJANGO_DEBUG"] = "false"  # DEBUG keeps every query in memory

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from mentorhub.accounts.models import Employee, EmploymentEvent, Organization, User
    from mentorhub.accounts.services.roster_import import roster_import_apply, roster_import_start

    call_command("migrate", verbosity=0)
    rng = random.Random(2)  # reproducible data
    admin = User.objects.create_user("bench@bench.example", "bench-password-123")
    org = Organization.objects.create(name="Bench Corp", slug="bench")

    people = generate(ROWS, rng)
    first_file = as_csv(people, rng)
    changed, change_counts = change(people, rng)
    second_file = as_csv(changed, rng)

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        clock = CpuClock(cursor.fetchone()[0])

    def run(content: bytes, label: str) -> tuple[float, float, object, str]:
        with mock.patch("mentorhub.accounts.tasks.apply_roster_import.delay"):  # applied below, timed apart
            roster_import, check = timed(
                roster_import_start, organization=org, actor=admin, filename=f"{label}.csv", content=content
            )
        result, apply, python, backend = clock.measure(
            roster_import_apply, organization_id=org.pk, import_id=roster_import.pk
        )
        if result.status != "done":
            sys.exit(f"{label}: the import failed: {result.error}")
        return check, apply, result, describe_cpu(python, backend)

    version = connection.cursor().connection.server_version
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    database = database_name(os.environ["DATABASE_URL"])
    print(
        f"MentorHub roster import benchmark: PostgreSQL {version // 10000}.{version % 100}, database {database}, "
        f"{os.cpu_count()} CPUs, load average at start {load}"
    )
    print(
        f"file: {len(people):,} rows, {len(first_file) / 1_048_576:.1f} MB, management tree of depth "
        f"{_depth(len(people))}, {len(DEPARTMENTS) + 1} departments"
    )

    check1, apply1, first, cpu1 = run(first_file, "first")
    print(
        f"first import   check {check1:6.2f} s ({len(people) / check1:>9,.0f} rows/s)   "
        f"apply {apply1:6.2f} s ({len(people) / apply1:>9,.0f} rows/s)   "
        f"created {first.created_count:,}, events {first.event_count:,}"
    )
    print(f"               apply {cpu1}")
    changes = ", ".join(f"{n:,} {kind}" for kind, n in change_counts.items())
    check2, apply2, second, cpu2 = run(second_file, "second")
    print(
        f"re-import 5%   check {check2:6.2f} s ({len(changed) / check2:>9,.0f} rows/s)   "
        f"apply {apply2:6.2f} s ({len(changed) / apply2:>9,.0f} rows/s)   "
        f"created {second.created_count:,}, updated {second.updated_count:,}, "
        f"unchanged {second.unchanged_count:,}, events {second.event_count:,}"
    )
    print(f"               apply {cpu2}; changes in the file: {changes}")

    # Check the result, so a fast but wrong apply cannot pass.
    total = Employee.objects.filter(organization=org).count()
    with_manager = Employee.objects.filter(organization=org, manager__isnull=False).count()
    assert total == len(changed), total
    assert with_manager == len(changed) - 1, with_manager
    assert EmploymentEvent.objects.filter(organization=org, kind="level_change").count() == change_counts["promotions"]

    # Reference: the obvious per-row implementation, on a closed subtree of NAIVE_ROWS people.
    naive_org = Organization.objects.create(name="Naive Corp", slug="naive")
    subset = people[:NAIVE_ROWS]  # managers precede reports in tree order, so the subset is closed

    def naive() -> None:
        with transaction.atomic():
            for row in subset:
                employee, _ = Employee.objects.update_or_create(
                    organization=naive_org,
                    employee_id=row["employee_id"],
                    defaults={
                        key: (row[key] or None) if key == "left_on" else row[key]
                        for key in COLUMNS
                        if key not in ("employee_id", "manager_employee_id")
                    },
                )
                EmploymentEvent.objects.create(
                    organization=naive_org, employee=employee, kind="hired", occurred_on=row["hired_on"]
                )
            for row in subset:
                if row["manager_employee_id"]:
                    employee = Employee.objects.get(organization=naive_org, employee_id=row["employee_id"])
                    employee.manager = Employee.objects.get(
                        organization=naive_org, employee_id=row["manager_employee_id"]
                    )
                    employee.save(update_fields=["manager", "updated_at"])

    _, naive_seconds = timed(naive)
    extrapolated = naive_seconds * len(people) / NAIVE_ROWS
    print(
        f"reference      naive per-row update_or_create, {NAIVE_ROWS:,} rows: {naive_seconds:.2f} s "
        f"({NAIVE_ROWS / naive_seconds:,.0f} rows/s) -> {len(people):,} rows ~ {extrapolated:.0f} s; "
        f"the batched apply is {extrapolated / apply1:.0f}x faster"
    )
    verdict = "PASS" if apply1 < TARGET_SECONDS and check1 + apply1 < TARGET_SECONDS else "FAIL"
    print(
        f"target         apply {len(people):,} rows in < {TARGET_SECONDS} s: {verdict} "
        f"(apply {apply1:.2f} s; check + apply {check1 + apply1:.2f} s)"
    )


def _depth(rows: int) -> int:
    depth, reach, level_size = 0, 1, 1
    while reach < rows:
        level_size *= FAN_OUT
        reach += level_size
        depth += 1
    return depth


if __name__ == "__main__":
    main()
