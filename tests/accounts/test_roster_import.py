"""Roster import: checking a file, applying it atomically, re-importing with changes, re-running."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone

from mentorhub.accounts import roster_progress, selectors
from mentorhub.accounts.models import AuditEvent, Employee, EmploymentEvent, RosterImport
from mentorhub.accounts.roster_csv import RosterValidationError
from mentorhub.accounts.services import roster_apply
from mentorhub.accounts.services.roster_import import (
    roster_import_apply,
    roster_import_rerun,
    roster_import_start,
)
from tests.factories import EmployeeFactory

from .roster_helpers import error_positions, person, roster_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def start(org, admin, django_capture_on_commit_callbacks):
    """Upload `content` as the admin of `org` and run the queued task (eagerly) as a commit would."""

    def run(content: bytes, filename: str = "roster.csv") -> RosterImport:
        with django_capture_on_commit_callbacks(execute=True):
            roster_import = roster_import_start(organization=org, actor=admin.user, filename=filename, content=content)
        roster_import.refresh_from_db()
        return roster_import

    return run


def refused(org, admin, content: bytes) -> list:
    with pytest.raises(RosterValidationError) as caught:
        roster_import_start(organization=org, actor=admin.user, filename="bad.csv", content=content)
    return caught.value.errors


def test_valid_file_creates_employees_managers_and_hired_events(start, org, other_org):
    before = Employee.objects.filter(organization=org).count()
    rows = [
        # The manager comes after the report: references are resolved across the whole file.
        person("E2", name="Alan Turing", manager_employee_id="E1", job_level="7"),
        person("E1", name="Grace Hopper", title="VP", job_level="12", time_zone="America/New_York"),
        person("E3", name="Edsger Dijkstra", manager_employee_id="E2", hired_on="2023-02-01"),
    ]
    roster_import = start(roster_csv(rows))

    assert roster_import.status == RosterImport.Status.DONE
    assert (roster_import.total_rows, roster_import.processed_rows) == (3, 3)
    assert (roster_import.created_count, roster_import.updated_count, roster_import.unchanged_count) == (3, 0, 0)
    assert roster_import.event_count == 3
    assert roster_import.rows == []  # kept only while a re-run may need them
    people = {e.employee_id: e for e in Employee.objects.filter(organization=org, employee_id__startswith="E")}
    assert Employee.objects.filter(organization=org).count() == before + 3
    assert people["E1"].name == "Grace Hopper" and people["E1"].manager is None
    assert people["E1"].time_zone == "America/New_York" and people["E1"].job_level == 12
    assert people["E2"].manager == people["E1"]
    assert people["E3"].manager == people["E2"]
    hired = EmploymentEvent.objects.filter(organization=org, kind="hired").order_by("employee__employee_id")
    assert [(e.employee.employee_id, e.occurred_on) for e in hired] == [
        ("E1", date(2021, 4, 1)),
        ("E2", date(2021, 4, 1)),
        ("E3", date(2023, 2, 1)),
    ]
    assert all(e.roster_import_id == roster_import.pk for e in hired)
    audit = AuditEvent.objects.get(organization=org, verb="roster_import.apply")
    assert audit.changes["created_count"] == [0, 3] and audit.changes["status"] == ["running", "done"]
    assert not Employee.objects.filter(organization=other_org).exists()


def test_reimport_records_promotion_department_change_and_departure(start, org):
    first = [
        person("E1", job_level="5"),
        person("E2", department="Engineering"),
        person("E3"),
        person("E4", title="Analyst"),
    ]
    start(roster_csv(first))
    untouched = EmployeeFactory(organization=org, employee_id="X9")  # not in either file

    second = [
        person("E1", job_level="6"),  # promotion
        person("E2", department="Sales"),
        person("E3", left_on="2024-05-31"),  # departure
        person("E4", title="Analyst"),  # unchanged
        person("E5", hired_on="2024-06-01"),  # new hire
    ]
    roster_import = start(roster_csv(second))

    assert roster_import.status == "done"
    assert (roster_import.created_count, roster_import.updated_count, roster_import.unchanged_count) == (1, 3, 1)
    events = {
        (e.employee.employee_id, e.kind): e
        for e in EmploymentEvent.objects.filter(roster_import=roster_import).select_related("employee")
    }
    assert set(events) == {("E1", "level_change"), ("E2", "department_change"), ("E3", "left"), ("E5", "hired")}
    promotion = events[("E1", "level_change")]
    assert (promotion.old_value, promotion.new_value, promotion.is_promotion) == ("5", "6", True)
    assert promotion.occurred_on == timezone.localdate()
    move = events[("E2", "department_change")]
    assert (move.old_value, move.new_value) == ("Engineering", "Sales")
    departure = events[("E3", "left")]
    assert (departure.occurred_on, departure.new_value) == (date(2024, 5, 31), "2024-05-31")
    assert events[("E5", "hired")].occurred_on == date(2024, 6, 1)
    assert roster_import.event_count == 4
    assert Employee.objects.get(organization=org, employee_id="E1").job_level == 6
    assert Employee.objects.get(organization=org, employee_id="E3").left_on == date(2024, 5, 31)
    untouched.refresh_from_db()
    assert untouched.left_on is None  # left out of the file is not a departure

    # The same file again changes nothing and records nothing.
    again = start(roster_csv(second))
    assert (again.created_count, again.updated_count, again.unchanged_count, again.event_count) == (0, 0, 5, 0)


def test_demotion_is_a_level_change_but_not_a_promotion(start, org):
    start(roster_csv([person("E1", job_level="8")]))
    roster_import = start(roster_csv([person("E1", job_level="7")]))
    event = EmploymentEvent.objects.get(roster_import=roster_import)
    assert (event.kind, event.old_value, event.new_value, event.is_promotion) == ("level_change", "8", "7", False)


def test_file_with_bad_rows_applies_nothing_and_reports_line_and_column(org, admin):
    EmployeeFactory(organization=org, employee_id="OLD1", email="taken@alpha.test")
    roster_before = list(Employee.objects.filter(organization=org).order_by("pk").values())
    rows = [
        person("E1"),  # line 2: fine
        person("E2", email="not-an-email"),  # line 3
        person("E3", job_level="senior"),  # line 4
        person("E4", job_level="25"),  # line 5
        person("E5", time_zone="Mars/Olympus_Mons"),  # line 6
        person("E6", hired_on="2021-13-01"),  # line 7
        person("E7", hired_on="2022-01-10", left_on="2021-01-01"),  # line 8
        person("E8", name=""),  # line 9
        person("E9", manager_employee_id="NOBODY"),  # line 10
        person("E10", manager_employee_id="E10"),  # line 11
        person("E11", email="TAKEN@alpha.test"),  # line 12: someone not in the file has it
        person("", email="anon@alpha.test"),  # line 13
        person("E12", hired_on="01/02/2020"),  # line 14
    ]
    errors = refused(org, admin, roster_csv(rows))

    assert error_positions(errors) == {
        (3, "email"),
        (4, "job_level"),
        (5, "job_level"),
        (6, "time_zone"),
        (7, "hired_on"),
        (8, "left_on"),
        (9, "name"),
        (10, "manager_employee_id"),
        (11, "manager_employee_id"),
        (12, "email"),
        (13, "employee_id"),
        (14, "hired_on"),
    }
    messages = {(e.line, e.column): e.message for e in errors}
    assert "not a valid email" in messages[(3, "email")]
    assert "outside 1 to 20" in messages[(5, "job_level")]
    assert "NOBODY" in messages[(10, "manager_employee_id")]
    assert "own manager" in messages[(11, "manager_employee_id")]
    assert "OLD1" in messages[(12, "email")]
    assert list(Employee.objects.filter(organization=org).order_by("pk").values()) == roster_before
    assert not RosterImport.objects.filter(organization=org).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (roster_csv([]), "no employee rows"),
    ],
)
def test_empty_or_header_only_file_is_refused(org, admin, content, message):
    (error,) = refused(org, admin, content)
    assert message in error.message
    assert not RosterImport.objects.exists()


def test_wrong_header_names_unknown_and_missing_columns(org, admin):
    columns = ["employee_id", "name", "salary", "department", "job_level", "time_zone", "hired_on"]
    errors = refused(org, admin, roster_csv([person("E1")], columns=columns))
    assert error_positions(errors) == {(1, "salary"), (1, "email")}
    messages = " ".join(e.message for e in errors)
    assert "Unknown column “salary”" in messages and "Required column “email” is missing" in messages


def test_duplicate_ids_and_emails_point_at_the_first_occurrence(org, admin):
    rows = [person("E1"), person("E2"), person("E1", email="other@alpha.test"), person("E3", email="E2@alpha.test")]
    errors = refused(org, admin, roster_csv(rows))
    assert error_positions(errors) == {(4, "employee_id"), (5, "email")}
    assert "first on line 2" in errors[0].message
    assert "first on line 3" in errors[1].message


def test_manager_cycle_in_the_file_is_refused(org, admin):
    rows = [
        person("A", manager_employee_id="C"),
        person("B", manager_employee_id="A"),
        person("C", manager_employee_id="B"),
        person("D", manager_employee_id="A"),  # reports into the cycle but is not part of it
    ]
    errors = refused(org, admin, roster_csv(rows))
    assert error_positions(errors) == {
        (2, "manager_employee_id"),
        (3, "manager_employee_id"),
        (4, "manager_employee_id"),
    }
    assert "Management cycle" in errors[0].message


def test_manager_cycle_through_someone_not_in_the_file_is_refused(org, admin):
    boss = EmployeeFactory(organization=org, employee_id="BOSS")
    EmployeeFactory(organization=org, employee_id="MID", manager=boss)
    # BOSS now reports to MID, who (on the roster) reports to BOSS.
    errors = refused(org, admin, roster_csv([person("BOSS", email=boss.email, manager_employee_id="MID")]))
    assert error_positions(errors) == {(2, "manager_employee_id")}


def test_manager_already_on_the_roster_is_accepted(start, org):
    boss = EmployeeFactory(organization=org, employee_id="BOSS")
    start(roster_csv([person("E1", manager_employee_id="BOSS")]))
    assert Employee.objects.get(organization=org, employee_id="E1").manager == boss


def test_file_that_is_not_utf8_is_reported_clearly(org, admin):
    content = roster_csv([person("E1"), person("E2", name="Zoë")]).decode().encode("latin-1")
    (error,) = refused(org, admin, content)
    assert error.line == 3 and "not UTF-8" in error.message


def test_byte_order_mark_and_line_numbers_with_multiline_values(start, org, admin):
    text = roster_csv([person("E1"), person("E2", title="Engineer,\nplatform team")]).decode()
    start(("\ufeff" + text).encode())
    assert Employee.objects.get(organization=org, employee_id="E2").title == "Engineer,\nplatform team"

    # A quoted value spanning two lines and a blank line shift the physical line numbers of later rows:
    # header 1, E1 on 2-3, E2 on 4, blank 5, E3 on 6.
    head = roster_csv([person("E1", email="m1@alpha.test", title="two\nlines"), person("E2", email="m2@alpha.test")])
    tail = roster_csv([person("E3", job_level="x")]).split(b"\n", 1)[1]
    errors = refused(org, admin, head + b"\n" + tail)
    assert error_positions(errors) == {(6, "job_level")}


def test_row_with_wrong_number_of_values(org, admin):
    content = roster_csv([person("E1")]) + b"E2,e2@alpha.test,Too Short\n"
    (error,) = refused(org, admin, content)
    assert (error.line, error.column) == (3, None) and "3 values" in error.message


def test_file_over_the_size_limit_is_refused(org, admin, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 100
    (error,) = refused(org, admin, roster_csv([person("E1"), person("E2")]))
    assert "limit" in error.message


def test_optional_columns_left_out_keep_existing_values(start, org):
    start(roster_csv([person("E1", title="Lead", location="Paris", manager_employee_id="")]))
    boss = EmployeeFactory(organization=org, employee_id="BOSS")
    Employee.objects.filter(organization=org, employee_id="E1").update(manager=boss)
    required = ["employee_id", "email", "name", "department", "job_level", "time_zone", "hired_on"]
    roster_import = start(roster_csv([person("E1", name="Renamed")], columns=required))
    e1 = Employee.objects.get(organization=org, employee_id="E1")
    assert (e1.name, e1.title, e1.location, e1.manager) == ("Renamed", "Lead", "Paris", boss)
    assert roster_import.updated_count == 1


def test_emails_can_be_swapped_between_two_people(start, org):
    start(roster_csv([person("E1", email="one@alpha.test"), person("E2", email="two@alpha.test")]))
    start(roster_csv([person("E1", email="two@alpha.test"), person("E2", email="one@alpha.test")]))
    emails = dict(
        Employee.objects.filter(organization=org, employee_id__in=["E1", "E2"]).values_list("employee_id", "email")
    )
    assert emails == {"E1": "two@alpha.test", "E2": "one@alpha.test"}


def test_same_email_in_another_organization_is_fine(start, org, other_org):
    EmployeeFactory(organization=other_org, email="shared@alpha.test")
    start(roster_csv([person("E1", email="shared@alpha.test")]))
    assert Employee.objects.get(organization=org, employee_id="E1").email == "shared@alpha.test"


def test_failed_apply_leaves_nothing_and_can_be_rerun(org, admin, django_capture_on_commit_callbacks):
    # Checked at upload, but before the task runs someone else takes an email of the file.
    roster_import = roster_import_start(
        organization=org, actor=admin.user, filename="r.csv", content=roster_csv([person("E1"), person("E2")])
    )
    squatter = EmployeeFactory(organization=org, employee_id="SQ", email="e2@alpha.test")
    roster_import_apply(organization_id=org.pk, import_id=roster_import.pk)
    roster_import.refresh_from_db()
    assert roster_import.status == "failed"
    assert "line 3, email" in roster_import.error and "Nothing was applied" in roster_import.error
    assert not Employee.objects.filter(organization=org, employee_id__in=["E1", "E2"]).exists()
    assert roster_import.rows  # kept for the re-run

    squatter.delete()
    with django_capture_on_commit_callbacks(execute=True):
        rerun = roster_import_rerun(organization=org, actor=admin.user, import_id=roster_import.pk)
    assert rerun.status == "queued"
    roster_import.refresh_from_db()
    assert roster_import.status == "done" and roster_import.created_count == 2 and roster_import.error == ""
    assert AuditEvent.objects.filter(organization=org, verb="roster_import.rerun").count() == 1

    with pytest.raises(ValidationError):
        roster_import_rerun(organization=org, actor=admin.user, import_id=roster_import.pk)


def test_database_error_mid_apply_rolls_everything_back(org, admin, monkeypatch):
    roster_import = roster_import_start(
        organization=org, actor=admin.user, filename="r.csv", content=roster_csv([person("E1"), person("E2")])
    )

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    # Employees are written before the events; failing on the events proves the rollback.
    monkeypatch.setattr(roster_apply.RosterApplier, "_insert_events", broken)
    roster_import_apply(organization_id=org.pk, import_id=roster_import.pk)
    roster_import.refresh_from_db()
    assert roster_import.status == "failed"
    assert roster_import.error == "The database refused the import (disk full). Nothing was applied."
    assert not Employee.objects.filter(organization=org, employee_id__in=["E1", "E2"]).exists()
    assert not AuditEvent.objects.filter(verb="roster_import.apply").exists()


def test_apply_claims_once(org, admin):
    roster_import = roster_import_start(
        organization=org, actor=admin.user, filename="r.csv", content=roster_csv([person("E1")])
    )
    assert roster_import_apply(organization_id=org.pk, import_id=roster_import.pk).status == "done"
    assert roster_import_apply(organization_id=org.pk, import_id=roster_import.pk) is None  # duplicate delivery
    assert Employee.objects.filter(organization=org, employee_id="E1").count() == 1


def test_apply_with_the_wrong_organization_does_nothing(org, other_org, admin):
    roster_import = roster_import_start(
        organization=org, actor=admin.user, filename="r.csv", content=roster_csv([person("E1")])
    )
    assert roster_import_apply(organization_id=other_org.pk, import_id=roster_import.pk) is None
    roster_import.refresh_from_db()
    assert roster_import.status == "queued"


def test_progress_is_published_per_chunk_and_read_while_running(org, admin, monkeypatch):
    monkeypatch.setattr(roster_apply, "CHUNK_SIZE", 2)
    published: list[int] = []
    real_publish = roster_progress.publish

    def spy(**kwargs):
        published.append(kwargs["processed_rows"])
        real_publish(**kwargs)

    monkeypatch.setattr(roster_progress, "publish", spy)
    roster_import = roster_import_start(
        organization=org, actor=admin.user, filename="r.csv", content=roster_csv([person(f"E{i}") for i in range(5)])
    )
    roster_import_apply(organization_id=org.pk, import_id=roster_import.pk)
    assert published == [0, 0, 2, 4, 5]
    key = roster_progress.progress_key(organization_id=org.pk, import_id=roster_import.pk)
    assert cache.get(key) is None  # cleared when finished

    # While an import runs, status reads take the figure from the cache, not the (stale) row.
    RosterImport.objects.filter(pk=roster_import.pk).update(status="running", processed_rows=0)
    cache.set(key, 3)
    (live,) = selectors.roster_imports_with_progress(selectors.roster_imports(organization=org))
    assert live.processed_rows == 3
    cache.delete(key)


def test_new_person_may_take_an_address_someone_in_the_file_gives_up(start, org):
    start(roster_csv([person("E1", email="team@alpha.test")]))
    start(roster_csv([person("E1", email="e1@alpha.test"), person("E2", email="team@alpha.test")]))
    emails = dict(
        Employee.objects.filter(organization=org, employee_id__in=["E1", "E2"]).values_list("employee_id", "email")
    )
    assert emails == {"E1": "e1@alpha.test", "E2": "team@alpha.test"}


def test_coming_back_records_a_new_hiring(start, org):
    start(roster_csv([person("E1", hired_on="2019-01-07", left_on="2021-03-31")]))
    roster_import = start(roster_csv([person("E1", hired_on="2024-02-01", left_on="")]))
    event = EmploymentEvent.objects.get(roster_import=roster_import)
    assert (event.kind, event.occurred_on, event.old_value, event.new_value) == (
        "hired",
        date(2024, 2, 1),
        "2019-01-07",
        "2024-02-01",
    )
    assert Employee.objects.get(organization=org, employee_id="E1").left_on is None
