"""Roster import (review findings): people who joined before their roster row existed are linked to it by
email at the end of the import; the import serializes on its own lock, not on the Organization row that
invitations lock."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, transaction
from django.urls import reverse

from mentorhub.accounts.models import AuditEvent, Membership, RosterImport
from mentorhub.accounts.services import roster_import as roster_import_module
from mentorhub.accounts.services.invitations import invitation_accept, invitation_create
from mentorhub.accounts.services.roster_apply import link_memberships
from mentorhub.accounts.services.roster_import import roster_import_apply, roster_import_start
from tests.factories import EmployeeFactory, MembershipFactory, OrganizationFactory, UserFactory
from tests.helpers import thread_like_the_test

from .roster_helpers import person, roster_csv


@pytest.fixture
def start(org, admin, django_capture_on_commit_callbacks):
    def run(content: bytes) -> RosterImport:
        with django_capture_on_commit_callbacks(execute=True):
            roster_import = roster_import_start(organization=org, actor=admin.user, filename="r.csv", content=content)
        roster_import.refresh_from_db()
        return roster_import

    return run


# --- Linking memberships ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_who_joined_before_the_roster_row_is_linked_by_the_import(org, admin, start):
    user = UserFactory(email="late@alpha.test")
    _invitation, raw = invitation_create(organization=org, actor=admin.user, email=user.email, role="member")
    membership = invitation_accept(token=raw, user=user)
    assert membership.employee_id is None

    done = start(roster_csv([person("L1", email="Late@Alpha.test", name="Late Joiner")]))

    assert done.status == RosterImport.Status.DONE
    membership.refresh_from_db()
    assert membership.employee.employee_id == "L1" and membership.employee.organization == org
    audit = AuditEvent.objects.get(organization=org, verb="roster_import.apply")
    assert audit.changes["linked_memberships"] == [0, 1]
    # And they can enroll now: the page no longer says their account is not linked.
    from django.test import Client

    client = Client()
    client.force_login(user)
    page = client.get(reverse("my-programs", kwargs={"org_slug": org.slug})).content.decode()
    assert "not linked to a roster entry" not in page


@pytest.mark.django_db
def test_linking_stays_in_the_organization_and_keeps_existing_links(org, other_org, django_assert_num_queries):
    shared = UserFactory(email="both@example.test")
    here = MembershipFactory(organization=org, user=shared, employee=None)
    there = MembershipFactory(organization=other_org, user=shared, employee=None)
    linked = MembershipFactory(organization=org, user__email="linked@alpha.test")
    original_row = linked.employee
    EmployeeFactory(organization=other_org, email="nobody@alpha.test")
    row_here = EmployeeFactory(organization=org, email="BOTH@example.test")
    for _ in range(5):  # more unlinked members without a row: still two queries
        MembershipFactory(organization=org, employee=None)

    with django_assert_num_queries(2):
        assert link_memberships(org.pk) == 1

    here.refresh_from_db()
    there.refresh_from_db()
    linked.refresh_from_db()
    assert here.employee == row_here
    assert there.employee is None  # beta has no row for them
    assert linked.employee == original_row
    assert Membership.objects.filter(organization=org, employee__isnull=True).count() == 5


# --- The roster import's own lock ------------------------------------------------------------------

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row and advisory locks need PostgreSQL (SQLite has one writer)"
)


def _set_lock_timeout(milliseconds: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = {int(milliseconds)}")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_invitations_do_not_wait_for_a_running_import(monkeypatch):
    org = OrganizationFactory(slug="lockorg")
    admin = MembershipFactory(organization=org, role="admin")
    monkeypatch.setattr(roster_import_module, "_enqueue", lambda roster_import: None)  # applied below instead
    with transaction.atomic():
        roster_import = roster_import_start(
            organization=org, actor=admin.user, filename="r.csv", content=roster_csv([person("K1")])
        )
    applying, release = threading.Event(), threading.Event()

    class SlowApplier(roster_import_module.RosterApplier):
        def run(self):  # holds the import's locks, as a 50,000-row file does for a while
            applying.set()
            release.wait(timeout=20)
            return super().run()

    monkeypatch.setattr(roster_import_module, "RosterApplier", SlowApplier)

    def apply() -> None:
        try:
            roster_import_apply(organization_id=org.pk, import_id=roster_import.pk)
        finally:
            connection.close()

    worker = thread_like_the_test(apply)
    worker.start()
    try:
        assert applying.wait(timeout=20)
        _set_lock_timeout(2000)  # waiting behind the import would fail here instead of hanging
        invitation, _raw = invitation_create(organization=org, actor=admin.user, email="n@x.test", role="member")
        assert invitation.pk and not release.is_set()
    finally:
        _set_lock_timeout(0)
        release.set()
        worker.join(timeout=30)
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.DONE


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_organization_still_take_turns():
    org = OrganizationFactory(slug="lockorg2")
    other = OrganizationFactory(slug="lockorg3")
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                roster_import_module.roster_import_lock(org.pk)
                holding.set()
                release.wait(timeout=20)
        finally:
            connection.close()

    holder = thread_like_the_test(hold)
    holder.start()
    try:
        assert holding.wait(timeout=20)
        _set_lock_timeout(300)
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            roster_import_module.roster_import_lock(org.pk)
        with transaction.atomic():
            roster_import_module.roster_import_lock(other.pk)  # another organization is not held up
    finally:
        _set_lock_timeout(0)
        release.set()
        holder.join(timeout=30)
