"""The roster import through a real Celery worker on Redis (not eager), on PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mentorhub.accounts.models import Employee, EmploymentEvent, RosterImport

from .roster_helpers import person, roster_csv

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("worker")]


def test_import_is_applied_by_a_real_worker(celery_worker_process, org, admin):
    client = Client()
    client.force_login(admin.user)
    rows = [person("W1", name="Worker One")] + [person(f"W{i}", manager_employee_id="W1") for i in range(2, 41)]
    response = client.post(
        f"/api/v1/o/{org.slug}/employees/import/",
        {"file": SimpleUploadedFile("roster.csv", roster_csv(rows), "text/csv")},
    )
    assert response.status_code == 202, response.content
    import_id = response.json()["id"]

    roster_import = celery_worker_process.wait_for(
        lambda: RosterImport.objects.filter(pk=import_id, status__in=["done", "failed"]).first(), timeout=60
    )
    assert roster_import.status == "done", roster_import.error
    assert roster_import.created_count == 40
    people = Employee.objects.filter(organization=org, employee_id__startswith="W")
    assert people.count() == 40
    assert people.filter(manager__employee_id="W1").count() == 39
    assert EmploymentEvent.objects.filter(organization=org, kind="hired", roster_import=roster_import).count() == 40
    # The worker ran it, not this process: its log names the task.
    assert "accounts.apply_roster_import" in celery_worker_process.log()

    status = client.get(f"/api/v1/o/{org.slug}/roster-imports/{import_id}/").json()
    assert status["status"] == "done" and status["progress_percent"] == 100
