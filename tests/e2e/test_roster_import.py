"""The issue's browser test: the demo admin uploads a roster CSV, watches the import finish, and finds the
new people in the list. With Redis configured the import runs on a real Celery worker (not eagerly), so
this also covers the whole path: upload -> queue -> worker -> htmx progress -> people list."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from mentorhub.accounts.models import Employee, RosterImport

from .conftest import E2E, axe_check, sign_in

pytestmark = E2E

HEADER = "employee_id,email,name,title,department,job_level,location,time_zone,manager_employee_id,hired_on,left_on"
NEW_PEOPLE = [
    "E2E-001,zora.quist@acme.example,Zora Quist,Head of Data,Engineering,7,Berlin,Europe/Berlin,,2024-03-01,",
    "E2E-002,ulrich.vantablack@acme.example,Ulrich Vantablack,Data Engineer,Engineering,4,London,Europe/London,"
    "E2E-001,2024-05-13,",
    "E2E-003,xiomara.eberhardt@acme.example,Xiomara Eberhardt,Data Analyst,Finance,3,Remote,UTC,E2E-001,2025-01-06,",
]


def _services_configured() -> bool:
    return bool(settings.REDIS_URL) and settings.POSTGRESQL


@pytest.fixture
def import_worker(request, page):
    """A real Celery worker (tests/celery_worker.py) when PostgreSQL and Redis are configured: it turns eager
    mode off while it runs. On the embedded default there is no broker, and the task runs in-process.
    Asks for `page` first so that the worker shares the cache key prefix `page` gave this test."""
    if not _services_configured():
        return None
    return request.getfixturevalue("celery_worker_process")


def test_admin_imports_a_roster_and_finds_the_new_people(page, live_server, demo_data, import_worker, tmp_path):
    roster = tmp_path / "new-hires.csv"
    roster.write_text("\n".join([HEADER, *NEW_PEOPLE]) + "\n", encoding="utf-8")
    before = Employee.objects.filter(organization__slug="acme").count()

    sign_in(page, live_server, "admin@acme.example")
    expect(page).to_have_url(f"{live_server.url}/o/acme/")

    # People -> Import roster
    page.get_by_role("navigation", name="Acme Corporation").get_by_role("link", name="People").click()
    expect(page).to_have_url(re.compile(r"/o/acme/people/$"))
    page.get_by_role("link", name="Import roster").click()
    expect(page).to_have_url(re.compile(r"/o/acme/people/import/$"))
    axe_check(page)

    page.get_by_label("Roster CSV file").set_input_files(str(roster))
    with page.expect_navigation():
        page.get_by_role("button", name="Check and import").click()
    expect(page).to_have_url(re.compile(r"/o/acme/people/import/\d+/$"))

    # The detail page polls with htmx until the worker has applied the file.
    status = page.locator("#import-status")
    try:
        expect(status).to_contain_text("Done: 3 of 3 rows applied", timeout=60_000)
    except AssertionError as exc:
        raise AssertionError(_why_not_done(import_worker)) from exc
    expect(status.locator("dl.stats > div", has_text="Added").locator("dd")).to_have_text("3")
    axe_check(page)

    if import_worker is not None:
        # The worker process applied it, not this one: its log names the task.
        assert "accounts.apply_roster_import" in import_worker.log()
    acme = Employee.objects.filter(organization__slug="acme")
    assert acme.count() == before + 3
    ulrich = acme.select_related("manager").get(employee_id="E2E-002")
    assert ulrich.manager.employee_id == "E2E-001"
    assert ulrich.job_level == 4
    assert not Employee.objects.filter(organization__slug="globex", employee_id__startswith="E2E-").exists()

    # The people list finds them.
    page.get_by_role("link", name="See the people list").click()
    expect(page).to_have_url(re.compile(r"/o/acme/people/$"))
    page.get_by_label("Search", exact=True).fill("Vantablack")
    results = page.locator("#people-results")
    expect(results).to_contain_text("Ulrich Vantablack")
    expect(results).to_contain_text("Data Engineer")
    expect(results).not_to_contain_text("Zora Quist")

    page.get_by_label("Search", exact=True).fill("Zora Quist")
    expect(results).to_contain_text("Zora Quist")
    expect(results).to_contain_text("Head of Data")
    axe_check(page)


def _why_not_done(import_worker) -> str:
    state = list(RosterImport.objects.values("id", "status", "processed_rows", "total_rows", "error"))
    log = import_worker.log() if import_worker is not None else "(no worker: eager mode)"
    return f"The import did not finish in the browser. Imports in the database: {state}\nWorker log:\n{log}"
