"""Bulk writes refresh the planner's statistics (mentorhub/db/maintenance.py), as the application role the whole
suite acts as, which owns no table and so cannot ANALYZE by itself: a roster import, a roll-up and a SCIM-size
group change each move pg_stat_user_tables.last_analyze of the tables they changed; a small change does not."""

from __future__ import annotations

import psycopg2
import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from analytics.services.rollups import rollup_organization
from identity.models import EmployeeGroup
from identity.services.groups import group_members_set
from mentorhub.accounts.services.roster_import import roster_import_start
from mentorhub.db.maintenance import FUNCTION
from tests.accounts.roster_helpers import person, roster_csv
from tests.analytics.dashboard_data import build
from tests.database_roles import APPLICATION_ROLE
from tests.factories import EmployeeFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not settings.POSTGRESQL, reason="ANALYZE and pg_stat_user_tables are PostgreSQL's"),
]


def last_analyze(table: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # statistics are read once per transaction otherwise
        cursor.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.fixture
def statistics_say_empty():
    """The owner analyzes the tables now, from its own connection (committed rows only: none), so a test's rows
    are a large change whatever other tests of this database left in the statistics. Returns the moment."""

    def analyze(*tables: str):
        config = connection.settings_dict
        owner = psycopg2.connect(
            dbname=config["NAME"], user=config.get("USER") or None, host=config.get("HOST") or None,
            port=config.get("PORT") or None,
        )  # fmt: skip
        owner.autocommit = True
        with owner.cursor() as cursor:
            for table in tables:
                cursor.execute(f'ANALYZE "{table}"')
        owner.close()
        return {table: last_analyze(table) for table in tables}

    return analyze


def test_a_roster_import_analyzes_the_roster_as_the_application_role(
    org, admin, statistics_say_empty, django_capture_on_commit_callbacks
):
    before = statistics_say_empty("accounts_employee", "accounts_employmentevent")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (APPLICATION_ROLE, False)
        cursor.execute("ANALYZE accounts_employee")  # its own: skipped with a warning (it owns no table)
    assert last_analyze("accounts_employee") == before["accounts_employee"]

    rows = [person(f"E{index:03}") for index in range(60)]
    with django_capture_on_commit_callbacks(execute=True):
        done = roster_import_start(organization=org, actor=admin.user, filename="r.csv", content=roster_csv(rows))
    done.refresh_from_db()
    assert (done.status, done.created_count, done.event_count) == ("done", 60, 60)
    for table, moment in before.items():
        assert last_analyze(table) > moment, table

    # Three new people are no bulk write: autovacuum's own threshold (50 rows) is not reached.
    analyzed = last_analyze("accounts_employee")
    with django_capture_on_commit_callbacks(execute=True):
        more = roster_import_start(
            organization=org, actor=admin.user, filename="s.csv", content=roster_csv([*rows, *map(person, "XYZ")])
        )
    more.refresh_from_db()
    assert (more.status, more.created_count) == ("done", 3)
    assert last_analyze("accounts_employee") == analyzed


def test_the_function_analyzes_the_applications_tables_only(db):
    with (
        pytest.raises(DatabaseError, match="not a table of the application"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"SELECT {FUNCTION}(ARRAY['pg_catalog.pg_class']::regclass[])")


def test_a_rollup_and_a_large_group_change_analyze_what_they_changed(
    org, admin, statistics_say_empty, django_capture_on_commit_callbacks
):
    before = statistics_say_empty("analytics_programday", "identity_employeegroupmember")
    build(org, departments={"Sales": 6}, completed=0, at_risk=0, sessions=1, rollup=False)
    with django_capture_on_commit_callbacks(execute=True):
        rollup_organization(organization=org)  # one program, two departments, over 400 days: 800+ daily rows
    assert last_analyze("analytics_programday") > before["analytics_programday"]

    group = EmployeeGroup.objects.create(organization=org, display_name="Everyone", managed_by_scim=True)
    people = [employee.pk for employee in EmployeeFactory.create_batch(55, organization=org)]
    with django_capture_on_commit_callbacks(execute=True):
        group_members_set(organization=org, actor=admin.user, group_id=group.pk, employee_ids=people)
    assert last_analyze("identity_employeegroupmember") > before["identity_employeegroupmember"]
