"""PostgreSQL row-level security: the second wall behind the ORM's organization scoping (mentorhub/db/).

Each test acts as the application role (SET LOCAL ROLE inside its transaction), the role the web and worker
processes use: neither owner nor superuser, no BYPASSRLS."""

from __future__ import annotations

import pytest
from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from mentorhub.accounts.models import AuditEvent, Employee
from mentorhub.celery import app as celery_app
from mentorhub.db.rls import POLICY_NAME, tenant_tables
from mentorhub.db.tenant_scope import no_organization, organization_scope, organization_task
from tests.database_roles import APPLICATION_ROLE
from tests.factories import EmployeeFactory, MembershipFactory, OrganizationFactory
from tests.helpers import client_for

pytestmark = pytest.mark.skipif(not settings.POSTGRESQL, reason="row-level security is PostgreSQL's")


@pytest.fixture
def as_application_role(db):
    with connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{APPLICATION_ROLE}"')
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == APPLICATION_ROLE


@pytest.fixture
def two_rosters(db):
    alpha, beta = OrganizationFactory(slug="alpha"), OrganizationFactory(slug="beta")
    for n in range(3):
        EmployeeFactory(organization=alpha, email=f"a{n}@alpha.test")
    for n in range(2):
        EmployeeFactory(organization=beta, email=f"b{n}@beta.test")
    return alpha, beta


def alpha_emails():
    return [f"a{n}@alpha.test" for n in range(3)]


@pytest.mark.urls("tests.rls.urls")
def test_an_unscoped_query_in_a_request_of_one_organization_sees_only_its_rows(two_rosters, as_application_role):
    alpha, _beta = two_rosters
    member = MembershipFactory(organization=alpha, user__email="reader@alpha.test")
    response = client_for(member).get("/o/alpha/unscoped-employees/")
    assert response.status_code == 200
    body = response.json()
    # The membership's own roster entry (made by the factory) is of alpha too.
    assert set(alpha_emails()) <= set(body["emails"])
    assert not [email for email in body["emails"] if email.endswith("@beta.test")]
    assert body["raw_count"] == len(body["emails"])  # raw SQL is under the same wall


@pytest.mark.urls("tests.rls.urls")
def test_the_same_page_without_the_wall_would_leak(db, two_rosters):
    """The control: as the owner (row-level security bypassed) the deliberately unscoped page shows the other
    organization's people, so the test above proves the wall, not the page."""
    alpha, _beta = two_rosters
    member = MembershipFactory(organization=alpha, user__email="reader@alpha.test")
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")  # the suite's login: a superuser, which row-level security lets through
    emails = client_for(member).get("/o/alpha/unscoped-employees/").json()["emails"]
    assert "b0@beta.test" in emails


@shared_task(name="tests.rls.unscoped_employee_emails")
@organization_task
def unscoped_employee_emails(*, organization_id: int) -> list[str]:
    return sorted(Employee.objects.all().values_list("email", flat=True))


def test_an_unscoped_query_in_a_task_sees_only_its_organizations_rows(two_rosters, as_application_role):
    alpha, beta = two_rosters
    # The test's own code sees every organization; the task's decorator narrows it to the one it was given.
    assert Employee.objects.count() == 5
    assert unscoped_employee_emails.apply(kwargs={"organization_id": alpha.pk}).get() == alpha_emails()
    assert unscoped_employee_emails.apply(kwargs={"organization_id": beta.pk}).get() == ["b0@beta.test", "b1@beta.test"]


def test_with_no_organization_set_tenant_tables_show_nothing_and_refuse_writes(two_rosters, as_application_role):
    alpha, _beta = two_rosters
    with no_organization():
        assert Employee.objects.count() == 0
        assert Employee.objects.filter(organization=alpha).update(name="X") == 0
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            Employee.objects.create(organization=alpha, employee_id="N1", email="n1@alpha.test", name="N")


def test_inside_one_organization_the_others_rows_can_be_neither_read_nor_written(two_rosters, as_application_role):
    alpha, beta = two_rosters
    with organization_scope(alpha.pk):
        assert sorted(Employee.objects.values_list("email", flat=True)) == alpha_emails()
        assert Employee.objects.filter(organization=beta).delete()[0] == 0
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            Employee.objects.create(organization=beta, employee_id="X1", email="x@beta.test", name="X")
    assert Employee.objects.filter(organization=beta).count() == 2


def test_every_tenant_table_is_under_row_level_security(db):
    tables = tenant_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_policies p ON p.tablename = c.relname "
            "WHERE c.relrowsecurity AND p.policyname = %s AND c.relname = ANY(%s)",
            [POLICY_NAME, tables],
        )
        protected = sorted(row[0] for row in cursor.fetchall())
    print(f"\nrow-level security: {len(protected)} tables under RLS / {len(tables)} tenant tables")
    assert protected == tables
    assert len(tables) >= 40


def test_the_application_role_neither_owns_the_tables_nor_bypasses_the_wall(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [APPLICATION_ROLE])
        assert cursor.fetchone() == (False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s", [APPLICATION_ROLE]
        )
        assert cursor.fetchone()[0] == 0


def test_the_audit_log_cannot_be_rewritten_by_the_application(org, as_application_role):
    event = AuditEvent.objects.create(organization=org, verb="member.invited", target_label="x")
    assert AuditEvent.objects.filter(pk=event.pk).exists()  # it may add and read
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(verb="rewritten")
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).verb == "member.invited"


def test_every_task_of_ours_says_how_it_is_scoped():
    celery_app.loader.import_default_modules()  # every app's tasks.py (autodiscovery)
    ours = {
        name: task
        for name, task in celery_app.tasks.items()
        if task.run.__module__.split(".")[0]
        in {"mentorhub", "identity", "programs", "matching", "sessions", "analytics"}
    }
    assert len(ours) >= 14
    unscoped = sorted(name for name, task in ours.items() if not hasattr(task.run, "tenant_scope"))
    assert unscoped == [], f"tasks without @organization_task or @cross_organization_task: {unscoped}"
