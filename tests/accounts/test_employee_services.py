"""services.employees: one roster row created or changed (SCIM provisioning's way in) is checked like a CSV
row and records the same employment events as the roster import."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from mentorhub.accounts.models import AuditEvent, Employee, EmploymentEvent
from mentorhub.accounts.services.employees import employee_create, employee_update
from mentorhub.accounts.services.roster_import import roster_import_start
from tests.factories import EmployeeFactory, MembershipFactory

from .roster_helpers import person, roster_csv

pytestmark = pytest.mark.django_db

ROW_KEYS = (
    "employee_id",
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


def values(row: dict[str, str]) -> dict[str, str]:
    return {key: row[key] for key in ROW_KEYS}


def event_rows(organization) -> set[tuple]:
    return set(
        EmploymentEvent.objects.filter(organization=organization).values_list(
            "employee__employee_id", "kind", "occurred_on", "old_value", "new_value"
        )
    )


def test_the_same_changes_record_the_same_events_as_the_csv_import(
    org, other_org, admin, django_capture_on_commit_callbacks
):
    first = [person("E1", job_level="5"), person("E2"), person("E3"), person("E4", left_on="2024-01-31")]
    second = [
        person("E1", job_level="6"),  # promotion
        person("E2", department="Sales"),  # department change
        person("E3", left_on="2024-05-31"),  # departure
        person("E4", left_on="", hired_on="2024-09-02"),  # came back
        person("E5", hired_on="2024-06-01"),  # new hire
    ]
    for rows in (first, second):
        with django_capture_on_commit_callbacks(execute=True):
            roster_import_start(organization=org, actor=admin.user, filename="r.csv", content=roster_csv(rows))

    for row in first:
        employee_create(organization=other_org, actor=None, values=values(row), source="test")
    by_id = {e.employee_id: e.pk for e in Employee.objects.filter(organization=other_org)}
    for row in second:
        if row["employee_id"] in by_id:
            employee_update(
                organization=other_org,
                actor=None,
                employee_id=by_id[row["employee_id"]],
                values=values(row),
                source="test",
            )
        else:
            employee_create(organization=other_org, actor=None, values=values(row), source="test")

    assert event_rows(other_org) == event_rows(org)
    kinds = {(employee_id, kind) for employee_id, kind, *_rest in event_rows(other_org)}
    assert {("E1", "level_change"), ("E2", "department_change"), ("E3", "left"), ("E4", "left")} <= kinds
    assert len([k for k in kinds if k[0] == "E4"]) == 2  # left, then hired again (one `hired` key in the set)


def test_create_checks_the_row_like_a_csv_row(org):
    good = values(person("E1"))
    for field, bad, message in (
        ("email", "not-an-email", "email"),
        ("job_level", "21", "job_level"),
        ("time_zone", "Mars/Olympus", "time_zone"),
        ("hired_on", "31/12/2024", "hired_on"),
        ("name", "", "name"),
    ):
        with pytest.raises(ValidationError) as caught:
            employee_create(organization=org, actor=None, values={**good, field: bad}, source="test")
        assert message in caught.value.message_dict, (field, caught.value.message_dict)
    assert not Employee.objects.filter(organization=org, employee_id="E1").exists()


def test_create_refuses_duplicates_foreign_managers_and_records_hired_and_audit(org, other_org, admin):
    boss = EmployeeFactory(organization=org, employee_id="B1", email="boss@alpha.test")
    theirs = EmployeeFactory(organization=other_org)
    with pytest.raises(ValidationError) as caught:
        employee_create(organization=org, actor=None, values=values(person("B1")), source="test")
    assert "employee_id" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        employee_create(
            organization=org, actor=None, values=values(person("E9", email="BOSS@alpha.test")), source="test"
        )
    assert "email" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        employee_create(organization=org, actor=None, values=values(person("E9")), manager_id=theirs.pk, source="test")
    assert "manager" in caught.value.message_dict

    employee = employee_create(
        organization=org,
        actor=admin.user,
        values=values(person("E9", job_level="4")),
        manager_id=boss.pk,
        source="scim",
    )
    assert (employee.manager_id, employee.job_level, employee.hired_on) == (boss.pk, 4, date(2021, 4, 1))
    assert list(EmploymentEvent.objects.filter(employee=employee).values_list("kind", "occurred_on")) == [
        ("hired", date(2021, 4, 1))
    ]
    audit = AuditEvent.objects.get(organization=org, verb="employee.create", target_id=str(employee.pk))
    assert audit.actor == admin.user and audit.changes["source"] == [None, "scim"]
    assert audit.changes["job_level"] == [None, 4]


def test_update_changes_only_what_is_given_and_refuses_cycles_and_other_organizations(org, other_org, admin):
    top = employee_create(organization=org, actor=None, values=values(person("T1")), source="test")
    mid = employee_create(organization=org, actor=None, values=values(person("M1")), manager_id=top.pk, source="test")
    with pytest.raises(ValidationError) as caught:
        employee_update(organization=org, actor=None, employee_id=top.pk, values={}, manager_id=mid.pk, source="test")
    assert caught.value.message_dict["manager"] == ["This manager would make a management cycle."]
    with pytest.raises(ValidationError):
        employee_update(organization=org, actor=None, employee_id=top.pk, values={}, manager_id=top.pk, source="test")

    audits = AuditEvent.objects.filter(organization=org, verb="employee.update")
    same = employee_update(organization=org, actor=admin.user, employee_id=mid.pk, values={"job_level": 3}, source="t")
    assert same.job_level == 3 and not audits.exists()  # nothing changed, nothing recorded

    employee_update(
        organization=org, actor=admin.user, employee_id=mid.pk, values={"title": "Lead"}, manager_id=None, source="scim"
    )
    mid.refresh_from_db()
    assert (mid.title, mid.manager_id, mid.department) == ("Lead", None, "Engineering")
    audit = audits.get()
    assert audit.changes["title"] == ["Engineer", "Lead"] and audit.changes["manager"] == [top.pk, None]
    assert not EmploymentEvent.objects.filter(employee=mid).exclude(kind="hired").exists()  # a title is no event

    with pytest.raises(Http404):
        employee_update(organization=other_org, actor=None, employee_id=mid.pk, values={"title": "X"}, source="t")
    with pytest.raises(ValueError, match="Not roster fields"):
        employee_update(organization=org, actor=None, employee_id=mid.pk, values={"salary": "1"}, source="t")


def test_a_member_who_signed_in_before_their_row_existed_is_linked_to_it(org, other_org):
    invited = MembershipFactory(organization=org, employee=None, user__email="early@alpha.test")
    elsewhere = MembershipFactory(organization=other_org, employee=None, user=invited.user)
    employee = employee_create(
        organization=org, actor=None, values=values(person("E9", email="Early@alpha.test")), source="test"
    )
    invited.refresh_from_db()
    elsewhere.refresh_from_db()
    assert invited.employee_id == employee.pk
    assert elsewhere.employee_id is None  # another organization's membership is never linked to this roster
