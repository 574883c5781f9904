"""Row-level security benchmark: what the second wall costs per query, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mh_bench_rls .venv/bin/python bench/row_level_security.py

It (re)creates the database DATABASE_URL names (default `mh_bench_rls`), migrates it as the connecting (owner) user,
seeds two organizations of BENCH_EMPLOYEES people each (default 20,000), and times the same read mix (a directory page
of 50 by department, a count, a person by id, a membership lookup) in the same process three ways:
  1. reference: the owner with the tenant scope statement switched off (Django's plain backend behaviour);
  2. the owner with the scope statement sent (the policies are bypassed: the statement's own cost);
  3. the application role (SET ROLE mentorhub_app): the policies enforced.
It prints microseconds per query and the ratios to the reference. The database is left for inspection.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _db import database_url, recreate_database  # noqa: E402 - beside this script

BENCH_DB = "mh_bench_rls"  # unless DATABASE_URL names a database
EMPLOYEES = int(os.environ.get("BENCH_EMPLOYEES", "20000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1500"))
BLOCKS = 5
DEPARTMENTS = ["Engineering", "Product", "Sales", "Marketing", "People", "Finance", "Operations", "Support"]


def main() -> None:
    os.environ["DATABASE_URL"] = recreate_database(database_url(BENCH_DB))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")
    os.environ.setdefault("DJANGO_ENV", "development")
    os.environ["DJANGO_ENV_FILE"] = ""
    os.environ["DATABASE_APP_ROLE"] = "mentorhub_app"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from mentorhub.accounts.models import Employee, Membership, Organization, User
    from mentorhub.db import postgresql
    from mentorhub.db.tenant_scope import all_organizations, organization_scope

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = 'mentorhub_app'")
        if cursor.fetchone() is None:
            cursor.execute("CREATE ROLE mentorhub_app NOLOGIN NOSUPERUSER NOBYPASSRLS")
    call_command("migrate", verbosity=0)

    rng = random.Random(12)
    organizations = []
    with all_organizations():
        for slug in ("alpha", "beta"):
            org = Organization.objects.create(name=slug.title(), slug=slug)
            Employee.objects.bulk_create(
                [
                    Employee(
                        organization=org,
                        employee_id=f"{slug}-{n}",
                        email=f"p{n}@{slug}.example",
                        name=f"Person {n}",
                        department=rng.choice(DEPARTMENTS),
                        job_level=3,
                        hired_on=date(2020, 1, 1),
                    )
                    for n in range(EMPLOYEES)
                ],
                batch_size=5000,
            )
            user = User.objects.create_user(email=f"admin@{slug}.example", password=None)
            Membership.objects.create(organization=org, user=user, role="admin")
            organizations.append((org, user))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    org, user = organizations[0]
    ids = list(Employee.objects.filter(organization=org).values_list("pk", flat=True)[:500])

    def mix() -> None:
        department = rng.choice(DEPARTMENTS)
        list(Employee.objects.filter(organization=org, department=department).order_by("name")[:50])
        Employee.objects.filter(organization=org, department=department).count()
        Employee.objects.filter(organization=org, pk=rng.choice(ids)).first()
        Membership.objects.filter(organization=org, user=user).select_related("organization").first()

    def block() -> float:
        """Microseconds per query over one block of the mix."""
        with organization_scope(org.pk):
            started = time.perf_counter()
            for _ in range(ROUNDS // BLOCKS):
                mix()
            return (time.perf_counter() - started) / (ROUNDS // BLOCKS * 4) * 1e6

    def as_reference() -> float:
        postgresql.base.TenantScopedCursor._scoped = lambda self, sql: sql  # type: ignore[method-assign]
        try:
            return block()
        finally:
            postgresql.base.TenantScopedCursor._scoped = original  # type: ignore[method-assign]

    def as_application_role() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SET ROLE mentorhub_app")
        try:
            return block()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")

    original = postgresql.base.TenantScopedCursor._scoped
    ways = {
        "1. owner, no scope statement (reference)": as_reference,
        "2. owner, scope statement sent (policies bypassed)": block,
        "3. application role, policies enforced": as_application_role,
    }
    for way in ways.values():  # warm the plans and the connection
        way()
    samples: dict[str, list[float]] = {label: [] for label in ways}
    for _ in range(BLOCKS):  # interleaved, so a busy moment of the machine hits every way alike
        for label, way in ways.items():
            samples[label].append(way())
    print(f"Row-level security: {EMPLOYEES:,} people in each of 2 organizations, {ROUNDS * 4:,} queries per way")
    medians = {label: statistics.median(values) for label, values in samples.items()}
    for label, value in medians.items():
        print(f"  {label:<58} {value:8.1f} us/query (median of {BLOCKS} blocks)")
    reference, with_statement, enforced = medians.values()
    print(f"  ratio to reference: statement x{with_statement / reference:.2f}, enforced x{enforced / reference:.2f}")
    with connection.cursor() as cursor:
        cursor.execute("SET ROLE mentorhub_app")
    with all_organizations():
        visible = Employee.objects.count()
    with organization_scope(org.pk):
        scoped_count = Employee.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    print(f"  check: the application role sees {scoped_count:,} rows inside one organization, {visible:,} across")


if __name__ == "__main__":
    main()
