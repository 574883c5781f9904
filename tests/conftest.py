"""Shared fixtures: always two organizations. `org` has an admin and a member; `other_org` has an admin,
who is the outsider for everything of `org`."""

from __future__ import annotations

import pytest
from django.test import Client
from django.test.testcases import QuietWSGIRequestHandler

from mentorhub.accounts.models import Role, User

from .factories import EmployeeFactory, MembershipFactory, OrganizationFactory
from .helpers import client_for

# `celery_worker_process`: a real Celery worker for tests that must not run tasks eagerly.
pytest_plugins = ["tests.celery_worker"]

# The live server (browser, SCIM and SSO tests) answers with TCP_NODELAY. Its handler (wsgiref) writes a
# response's headers and body in separate small sends; with Nagle's algorithm on, the body waits for the
# client's delayed ACK, about 40 ms a request (scim2-tester's ~690 requests: 42 s before, 11 s after).
QuietWSGIRequestHandler.disable_nagle_algorithm = True


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """The application role exists before the test database is migrated (`migrate` grants it its rights)."""
    from tests.database_roles import create_application_role

    create_application_role()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Once the test database is migrated (as the owner), every connection of the suite (the tests', the
    live server's, the Celery worker's) acts as the application role: row-level security holds in the
    whole suite as it does in production."""
    from tests.database_roles import act_as_application_role, act_as_owner

    act_as_application_role()
    yield
    act_as_owner()  # pytest-django drops the test database next, as the owner


@pytest.fixture(scope="session", autouse=True)
def test_code_sees_all_organizations():
    """Test code (factories, module and session fixtures, assertions) reads and writes every organization's
    rows; each request through a client or the live server and each task starts from no organization, like in
    production (mentorhub/db/tenant_scope.py). Threads a test starts: tests.helpers.thread_like_the_test."""
    from mentorhub.db.tenant_scope import ALL, set_scope

    set_scope(ALL)


@pytest.fixture(autouse=True)
def each_test_starts_seeing_all_organizations(test_code_sees_all_organizations):
    from mentorhub.db.tenant_scope import ALL, set_scope

    set_scope(ALL)


@pytest.fixture
def org(db):
    return OrganizationFactory(slug="alpha", name="Alpha Ltd")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(slug="beta", name="Beta plc")


@pytest.fixture
def admin(org):
    return MembershipFactory(organization=org, role=Role.ADMIN, user__email="admin@alpha.test")


@pytest.fixture
def member(org):
    return MembershipFactory(organization=org, role=Role.MEMBER, user__email="member@alpha.test")


@pytest.fixture
def stakeholder(org):
    return MembershipFactory(organization=org, role=Role.STAKEHOLDER, user__email="stakeholder@alpha.test")


@pytest.fixture
def outsider(other_org):
    """An admin of the other organization: must never see anything of `org`."""
    return MembershipFactory(organization=other_org, role=Role.ADMIN, user__email="admin@beta.test")


@pytest.fixture
def superuser_client(db) -> Client:
    """A signed-in superuser: the Django admin's operator (not a role of any organization)."""
    user = User.objects.create_superuser(email="operator@example.com", password="correct-horse-battery-staple")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(admin) -> Client:  # shadows pytest-django's superuser admin_client on purpose
    return client_for(admin)


@pytest.fixture
def member_client(member) -> Client:
    return client_for(member)


@pytest.fixture
def stakeholder_client(stakeholder) -> Client:
    return client_for(stakeholder)


@pytest.fixture
def outsider_client(outsider) -> Client:
    return client_for(outsider)


@pytest.fixture
def employee(org):
    return EmployeeFactory(organization=org)


@pytest.fixture
def other_employee(other_org):
    return EmployeeFactory(organization=other_org)


@pytest.fixture
def fresh_cache(settings):
    """An empty cache for this test: allauth keeps rate-limit counters and used TOTP codes there.
    A fresh key prefix instead of cache.clear(), which on Redis would flush the keys of every other test
    process sharing that database."""
    import uuid

    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"{config.get('KEY_PREFIX', '')}-t{uuid.uuid4().hex[:12]}"}
        for alias, config in settings.CACHES.items()
    }
