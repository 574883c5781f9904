"""Roster import through the API: POST employees/import/, roster-imports/ status, re-run."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from mentorhub.accounts import roster_progress
from mentorhub.accounts.models import Employee, RosterImport
from mentorhub.accounts.roster_csv import parse
from mentorhub.accounts.services.tokens import api_token_create

from .roster_helpers import error_positions, person, roster_csv

pytestmark = pytest.mark.django_db


def api(org, path: str = "") -> str:
    return f"/api/v1/o/{org.slug}/{path}"


def post_file(client, org, content: bytes, **extra):
    return client.post(
        api(org, "employees/import/"), {"file": SimpleUploadedFile("r.csv", content, "text/csv")}, **extra
    )


def test_import_accepted_then_applied(admin_client, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(admin_client, org, roster_csv([person("E1"), person("E2", manager_employee_id="E1")]))
    assert response.status_code == 202
    body = response.json()
    roster_import = RosterImport.objects.get(organization=org)
    status_url = f"http://testserver{api(org, f'roster-imports/{roster_import.pk}/')}"
    assert body["url"] == status_url and response["Location"] == status_url
    assert body["page_url"].endswith(f"/o/{org.slug}/people/import/{roster_import.pk}/")
    assert body["status"] == "queued" and body["total_rows"] == 2

    status = admin_client.get(body["url"]).json()
    assert status["status"] == "done" and status["progress_percent"] == 100
    assert (status["created_count"], status["updated_count"], status["event_count"]) == (2, 0, 2)
    assert Employee.objects.get(organization=org, employee_id="E2").manager.employee_id == "E1"


def test_import_errors_are_listed_with_line_and_column(admin_client, org):
    content = roster_csv([person("E1", email="nope"), person("E2", hired_on="yesterday"), person("E1")])
    response = post_file(admin_client, org, content)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert error_positions(errors) == {(2, "email"), (3, "hired_on"), (4, "employee_id")}
    assert all(set(error) == {"line", "column", "message"} for error in errors)
    assert not RosterImport.objects.exists()


def test_import_wrong_header_and_missing_file(admin_client, org):
    response = post_file(admin_client, org, b"id,mail\n1,a@b.c\n")
    assert response.status_code == 400
    assert (1, "id") in error_positions(response.json()["errors"])
    missing = admin_client.post(api(org, "employees/import/"), {})
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["column"] == "file"


def test_import_with_an_api_token(org, admin, client, django_capture_on_commit_callbacks):
    _token, raw = api_token_create(organization=org, actor=admin.user, membership=admin, name="hris")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(client, org, roster_csv([person("E1")]), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 202
    assert Employee.objects.filter(organization=org, employee_id="E1").exists()


def test_member_and_stakeholder_cannot_import(member_client, stakeholder_client, org):
    for client in (member_client, stakeholder_client):
        assert post_file(client, org, roster_csv([person("E1")])).status_code == 403
        assert client.get(api(org, "roster-imports/")).status_code == 403
    assert not RosterImport.objects.exists()


def test_list_and_live_progress(admin_client, org, admin, other_org):
    running = RosterImport.objects.create(organization=org, created_by=admin.user, status="running", total_rows=400)
    RosterImport.objects.create(organization=other_org, status="done", filename="theirs.csv")
    cache.set(roster_progress.progress_key(organization_id=org.pk, import_id=running.pk), 100)
    try:
        body = admin_client.get(api(org, "roster-imports/")).json()
        assert body["count"] == 1
        (item,) = body["results"]
        assert (item["id"], item["processed_rows"], item["progress_percent"]) == (running.pk, 100, 25)
        assert item["created_by"] == admin.user.email
        detail = admin_client.get(api(org, f"roster-imports/{running.pk}/")).json()
        assert detail["processed_rows"] == 100
    finally:
        cache.delete(roster_progress.progress_key(organization_id=org.pk, import_id=running.pk))


def test_rerun_failed_import(admin_client, org, admin, django_capture_on_commit_callbacks):
    failed = RosterImport.objects.create(
        organization=org,
        created_by=admin.user,
        status="failed",
        error="boom",
        rows=parse(roster_csv([person("E1")]), {}).rows,
        total_rows=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(api(org, f"roster-imports/{failed.pk}/rerun/"))
    assert response.status_code == 202 and response.json()["status"] == "queued"
    failed.refresh_from_db()
    assert failed.status == "done" and failed.created_count == 1

    again = admin_client.post(api(org, f"roster-imports/{failed.pk}/rerun/"))
    assert again.status_code == 409
    assert "Only a failed import" in again.json()["detail"]


def test_outsider_gets_404_on_every_route(outsider_client, org, admin, other_org):
    roster_import = RosterImport.objects.create(organization=org, created_by=admin.user, status="failed")
    assert post_file(outsider_client, org, roster_csv([person("E1")])).status_code == 404
    assert outsider_client.get(api(org, "roster-imports/")).status_code == 404
    assert outsider_client.get(api(org, f"roster-imports/{roster_import.pk}/")).status_code == 404
    assert outsider_client.post(api(org, f"roster-imports/{roster_import.pk}/rerun/")).status_code == 404
    # Under their own organization, the other organization's import does not exist either.
    assert outsider_client.get(api(other_org, f"roster-imports/{roster_import.pk}/")).status_code == 404
    assert outsider_client.post(api(other_org, f"roster-imports/{roster_import.pk}/rerun/")).status_code == 404
    roster_import.refresh_from_db()
    assert roster_import.status == "failed"
    assert not Employee.objects.filter(employee_id="E1").exists()
