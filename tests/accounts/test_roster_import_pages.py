"""Roster import pages: upload form, errors table, progress page with htmx polling, re-run."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from mentorhub.accounts import roster_progress
from mentorhub.accounts.models import Employee, RosterImport
from mentorhub.accounts.roster_csv import parse
from tests.helpers import org_url

from .roster_helpers import person, roster_csv

pytestmark = pytest.mark.django_db


def upload(client, org, content: bytes, filename: str = "people.csv"):
    return client.post(org_url("roster-import-new", org), {"file": SimpleUploadedFile(filename, content, "text/csv")})


def test_upload_page_describes_columns_and_offers_the_template(admin_client, org):
    response = admin_client.get(org_url("roster-import-new", org))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<label for="roster-file">' in page and 'name="file"' in page
    assert "manager_employee_id" in page and "IANA time zone" in page
    assert org_url("roster-import-template", org) in page
    assert "not in the file are left unchanged" in page
    assert "No roster has been imported yet" in page
    assert "data-disable-on-submit" in page


def test_template_csv_downloads_and_is_itself_a_valid_roster(admin_client, org):
    response = admin_client.get(org_url("roster-import-template", org))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    parsed = parse(response.content, {})
    assert [row["employee_id"] for row in parsed.rows] == ["E1001", "E1002"]


def test_valid_upload_applies_and_shows_the_result(admin_client, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, org, roster_csv([person("E1", name="Grace Hopper"), person("E2")]))
    roster_import = RosterImport.objects.get(organization=org)
    assert response.status_code == 302
    assert response["Location"] == org_url("roster-import-detail", org, import_pk=roster_import.pk)
    assert Employee.objects.filter(organization=org, name="Grace Hopper").exists()

    page = admin_client.get(response["Location"]).content.decode()
    assert "people.csv" in page and "Done: 2 of 2 rows applied" in page
    assert org_url("people-list", org) in page
    assert "hx-trigger" not in page  # finished: no polling
    assert "left unchanged" in page


def test_upload_with_errors_lists_them_and_applies_nothing(admin_client, org):
    before = Employee.objects.filter(organization=org).count()
    response = upload(admin_client, org, roster_csv([person("E1"), person("E2", job_level="99")]))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was applied" in page
    assert "<td>3</td><td><code>job_level</code></td><td>99 is outside 1 to 20.</td>" in page
    assert Employee.objects.filter(organization=org).count() == before
    assert not RosterImport.objects.exists()


def test_upload_without_a_file(admin_client, org):
    response = admin_client.post(org_url("roster-import-new", org), {})
    assert response.status_code == 400
    assert "Choose a CSV file" in response.content.decode()


def test_progress_page_polls_while_running_and_stops_when_done(admin_client, org, admin):
    roster_import = RosterImport.objects.create(
        organization=org, created_by=admin.user, filename="big.csv", status="running", total_rows=50_000
    )
    cache.set(roster_progress.progress_key(organization_id=org.pk, import_id=roster_import.pk), 1_200)
    detail = org_url("roster-import-detail", org, import_pk=roster_import.pk)

    page = admin_client.get(detail).content.decode()
    assert f'hx-get="{detail}"' in page and 'hx-trigger="every 1s"' in page
    assert 'aria-live="polite"' in page
    assert '<progress max="50000" value="1200"' in page
    assert "1,200 of 50,000 rows" in page

    poll = admin_client.get(detail, headers={"HX-Request": "true"})
    assert poll.status_code == 200
    assert "1,200 of 50,000 rows" in poll.content.decode()
    assert "<html" not in poll.content.decode()

    RosterImport.objects.filter(pk=roster_import.pk).update(status="done", created_count=50_000)
    cache.delete(roster_progress.progress_key(organization_id=org.pk, import_id=roster_import.pk))
    done = admin_client.get(detail, headers={"HX-Request": "true"})
    assert done.status_code == 286  # htmx: swap this in and stop polling
    assert "50,000 of 50,000 rows applied" in done.content.decode()


def test_failed_import_shows_the_error_and_reruns(admin_client, org, admin, django_capture_on_commit_callbacks):
    roster_import = RosterImport.objects.create(
        organization=org,
        created_by=admin.user,
        filename="r.csv",
        status="failed",
        error="The database refused the import (boom). Nothing was applied.",
        rows=parse(roster_csv([person("E1")]), {}).rows,
        total_rows=1,
    )
    detail = org_url("roster-import-detail", org, import_pk=roster_import.pk)
    page = admin_client.get(detail).content.decode()
    assert "The database refused the import (boom)" in page
    assert f'action="{org_url("roster-import-rerun", org, import_pk=roster_import.pk)}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(org_url("roster-import-rerun", org, import_pk=roster_import.pk))
    assert response.status_code == 302 and response["Location"] == detail
    roster_import.refresh_from_db()
    assert roster_import.status == "done"
    assert Employee.objects.filter(organization=org, employee_id="E1").exists()

    # A second click (double submit) is harmless: nothing to re-run.
    again = admin_client.post(org_url("roster-import-rerun", org, import_pk=roster_import.pk), follow=True)
    assert "nothing to re-run" in again.content.decode()


def test_recent_imports_are_listed(admin_client, org, admin, other_org):
    RosterImport.objects.create(organization=org, created_by=admin.user, filename="mine.csv", status="done")
    RosterImport.objects.create(organization=other_org, filename="theirs.csv", status="done")
    page = admin_client.get(org_url("roster-import-new", org)).content.decode()
    assert "mine.csv" in page and "theirs.csv" not in page


@pytest.fixture
def routes(org, admin):
    roster_import = RosterImport.objects.create(organization=org, created_by=admin.user, status="failed")
    return [
        ("get", org_url("roster-import-new", org)),
        ("post", org_url("roster-import-new", org)),
        ("get", org_url("roster-import-template", org)),
        ("get", org_url("roster-import-detail", org, import_pk=roster_import.pk)),
        ("post", org_url("roster-import-rerun", org, import_pk=roster_import.pk)),
    ]


def test_outsider_gets_404_on_every_page(outsider_client, routes):
    for method, path in routes:
        assert getattr(outsider_client, method)(path).status_code == 404, path


def test_member_and_stakeholder_get_403(member_client, stakeholder_client, routes):
    for client in (member_client, stakeholder_client):
        for method, path in routes:
            assert getattr(client, method)(path).status_code == 403, path
    assert RosterImport.objects.get().status == "failed"


def test_import_of_another_organization_is_404_for_its_own_admin(outsider_client, outsider, other_org, org, admin):
    theirs = RosterImport.objects.create(organization=org, created_by=admin.user, status="failed")
    # The outsider asks under their own organization for an import of `org`.
    assert outsider_client.get(org_url("roster-import-detail", other_org, import_pk=theirs.pk)).status_code == 404
    assert outsider_client.post(org_url("roster-import-rerun", other_org, import_pk=theirs.pk)).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_upload_on_the_embedded_default_applies_in_process(org, admin):
    """Without a broker (make run) tasks run eagerly, as in tests: once the request's transaction commits."""
    from django.test import Client

    client = Client()
    client.force_login(admin.user)
    response = upload(client, org, roster_csv([person("E1"), person("E2", manager_employee_id="E1")]))
    assert response.status_code == 302
    roster_import = RosterImport.objects.get(organization=org)
    assert roster_import.status == "done", roster_import.error
    assert Employee.objects.get(organization=org, employee_id="E2").manager.employee_id == "E1"
