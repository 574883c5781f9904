"""`make backup` and `make restore` (scripts/backup, scripts/restore) end to end: the demo is seeded, dumped with
pg_dump as the tables' owner, restored into a new database, and a gunicorn started on that database as the
application role signs the demo admin in and serves the demo's people. The restored database keeps the
row-level security and the grants: the application role sees nothing without an organization and may not
rewrite the audit log."""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from mentorhub.accounts.models import Employee
from tests.celery_worker import database_url, require_services
from tests.database_roles import APPLICATION_ROLE

from .servers import remove_log, start_gunicorn

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("backup")]
SCRIPTS = Path(settings.BASE_DIR) / "scripts"
DEMO_PASSWORD = "mentorhub-demo"


def script(name: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "BACKUP_", "FORCE", "TARGET"))}
    return subprocess.run(
        [sys.executable, str(SCRIPTS / name), *args],
        cwd=settings.BASE_DIR, env={**base, "DJANGO_ENV_FILE": "", **env},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture
def restored_database():
    """A database name of this test's own; dropped afterwards (created by scripts/restore)."""
    owner = connections["default"].settings_dict
    name = f"{owner['NAME']}_restored"
    yield {**owner, "NAME": name}
    admin = psycopg2.connect(dbname="postgres", user=owner.get("USER") or None, host=owner.get("HOST") or None,
                             port=owner.get("PORT") or None, password=owner.get("PASSWORD") or None)  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


def test_a_backup_restored_into_a_new_database_serves_the_demo(transactional_db, tmp_path, restored_database):
    require_services(settings)
    call_command("seed_demo", stdout=io.StringIO())
    employees = Employee.objects.count()
    source = connections["default"].settings_dict

    # make backup, as the owner (the suite's login; its connections act as the application role).
    backup = script("backup", DATABASE_URL=database_url(source), BACKUP_DIR=str(tmp_path / "backups"))
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip().splitlines()[-1])
    assert re.fullmatch(r"mentorhub-\d{8}T\d{6}Z\.dump", dump.name) and dump.parent == tmp_path / "backups"
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600  # personal data: readable by its owner only

    # make restore TARGET=<a new database>
    target = database_url(restored_database)
    restore = script("restore", str(dump), TARGET=target, DATABASE_APP_ROLE=APPLICATION_ROLE)
    assert restore.returncode == 0, restore.stderr
    assert "into new database" in restore.stdout
    assert f"application role {APPLICATION_ROLE}: granted" in restore.stdout
    again = script("restore", str(dump), TARGET=target)
    assert again.returncode == 3 and "already holds" in again.stderr  # never over a database in use

    # The wall came back with the data: row-level security and the application role's grants.
    check = psycopg2.connect(dbname=restored_database["NAME"], user=source.get("USER") or None,
                             host=source.get("HOST") or None, port=source.get("PORT") or None,
                             password=source.get("PASSWORD") or None)  # fmt: skip
    try:
        with check.cursor() as cursor:
            cursor.execute(f'SET ROLE "{APPLICATION_ROLE}"')
            cursor.execute("SELECT count(*) FROM accounts_employee")
            assert cursor.fetchone()[0] == 0  # no organization in scope: no rows
            cursor.execute("SELECT set_config('app.all_organizations', 'on', true)")
            cursor.execute("SELECT count(*) FROM accounts_employee")
            assert cursor.fetchone()[0] == employees
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute("UPDATE accounts_auditevent SET verb = verb")
    finally:
        check.close()

    # The application, as the application role, on the restored database: the demo admin signs in.
    server = start_gunicorn(
        {"DJANGO_ENV": "test", "DATABASE_URL": target, "DATABASE_ASSUME_ROLE": APPLICATION_ROLE},
        ready_path="/accounts/login/",
    )
    try:
        browser = requests.Session()
        form = browser.get(f"{server.url}/accounts/login/", timeout=30).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        signed_in = browser.post(
            f"{server.url}/accounts/login/",
            data={"csrfmiddlewaretoken": token, "login": "admin@acme.example", "password": DEMO_PASSWORD},
            timeout=30,
        )
        assert signed_in.status_code == 200 and "/o/acme/" in signed_in.url, signed_in.url
        people = browser.get(f"{server.url}/o/acme/people/?q=Member", timeout=30)
        assert people.status_code == 200
        assert "Acme Corporation" in people.text and "Maya Member" in people.text
    finally:
        remove_log(server)
