"""The member-facing people directory: current colleagues only, and the columns the organization chose."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mentorhub.accounts.models import DIRECTORY_COLUMN_KEYS, AuditEvent, Organization
from tests.factories import EmployeeFactory
from tests.helpers import org_url

pytestmark = pytest.mark.django_db

PAST = date.today() - timedelta(days=10)


def api(org, path: str = "") -> str:
    return f"/api/v1/o/{org.slug}/{path}"


@pytest.fixture
def people(org):
    boss = EmployeeFactory(organization=org, name="Gone Boss", left_on=PAST)
    stay = EmployeeFactory(
        organization=org,
        name="Stay Person",
        title="Staff Engineer",
        department="Platform",
        location="Tokyo",
        time_zone="Asia/Tokyo",
        email="stay@alpha.test",
        manager=boss,
        left_on=date.today() + timedelta(days=30),  # leaving next month: still a colleague
    )
    gone = EmployeeFactory(organization=org, name="Gone Person", left_on=PAST, manager=stay)
    return stay, gone, boss


def set_columns(org, columns):
    Organization.objects.filter(pk=org.pk).update(directory_columns=list(columns))


def test_members_do_not_see_leavers_admins_do(admin_client, member_client, stakeholder_client, org, people):
    stay, gone, _boss = people
    for client in (member_client, stakeholder_client):
        page = client.get(org_url("people-list", org, query={"include_left": "1"})).content.decode()
        assert "Stay Person" in page and "Gone Person" not in page and "Gone Boss" not in page
        assert "Include people who left" not in page
        assert client.get(org_url("people-detail", org, employee_pk=gone.pk)).status_code == 404
        detail = client.get(org_url("people-detail", org, employee_pk=stay.pk)).content.decode()
        # A leaver is neither the manager shown nor a direct report listed.
        assert "Stay Person" in detail and "Gone Boss" not in detail and "Gone Person" not in detail
        names = [row["name"] for row in client.get(api(org, "employees/"), {"page_size": 100}).json()["results"]]
        assert "Stay Person" in names and "Gone Person" not in names and "Gone Boss" not in names
        assert client.get(api(org, f"employees/{gone.pk}/")).status_code == 404
        assert client.get(api(org, f"employees/{stay.pk}/")).json()["manager"] is None
        assert client.get(org_url("people-export", org)).status_code == 403  # the export is admins only

    page = admin_client.get(org_url("people-list", org, query={"include_left": "1"})).content.decode()
    assert "Gone Person" in page and "Include people who left" in page
    detail = admin_client.get(org_url("people-detail", org, employee_pk=stay.pk)).content.decode()
    assert "Gone Boss" in detail and "Gone Person" in detail
    assert admin_client.get(org_url("people-detail", org, employee_pk=gone.pk)).status_code == 200
    assert admin_client.get(api(org, f"employees/{gone.pk}/")).json()["name"] == "Gone Person"
    names = [row["name"] for row in admin_client.get(api(org, "employees/"), {"page_size": 100}).json()["results"]]
    assert "Gone Person" in names
    body = b"".join(admin_client.get(org_url("people-export", org, query={"include_left": "1"})).streaming_content)
    assert b"Gone Person" in body


def test_default_keeps_every_column(member_client, org, people):
    assert Organization.objects.get(pk=org.pk).directory_columns == list(DIRECTORY_COLUMN_KEYS)
    row = member_client.get(api(org, "employees/"), {"search": "Stay"}).json()["results"][0]
    assert set(DIRECTORY_COLUMN_KEYS) <= set(row)
    page = member_client.get(org_url("people-list", org)).content.decode()
    assert all(text in page for text in ("Staff Engineer", "Platform", "Tokyo", "Asia/Tokyo"))


def test_a_column_turned_off_is_hidden_from_members_not_admins(admin_client, member_client, org, people):
    stay, _gone, _boss = people
    set_columns(org, ["title", "department"])
    page = member_client.get(org_url("people-list", org)).content.decode()
    assert "Staff Engineer" in page and "Platform" in page
    assert "Tokyo" not in page and "Local time" not in page and ">Location<" not in page
    detail = member_client.get(org_url("people-detail", org, employee_pk=stay.pk)).content.decode()
    assert "Staff Engineer" in detail
    assert "stay@alpha.test" not in detail and "Tokyo" not in detail and "Manager" not in detail
    assert "Direct reports" not in detail
    row = member_client.get(api(org, "employees/"), {"search": "Stay"}).json()["results"][0]
    assert set(row) == {"id", "name", "title", "department", "is_current"}
    detail_json = member_client.get(api(org, f"employees/{stay.pk}/")).json()
    assert "email" not in detail_json and "location" not in detail_json

    page = admin_client.get(org_url("people-list", org)).content.decode()
    assert "Tokyo" in page and "Local time" in page
    row = admin_client.get(api(org, "employees/"), {"search": "Stay"}).json()["results"][0]
    assert row["location"] == "Tokyo" and row["email"] == "stay@alpha.test" and "job_level" in row
    rows = b"".join(admin_client.get(org_url("people-export", org)).streaming_content).decode()
    assert "Tokyo" in rows and "stay@alpha.test" in rows


def test_admin_changes_the_columns_and_it_is_audited(admin_client, admin, org):
    url = org_url("directory-settings", org)
    page = admin_client.get(url).content.decode()
    assert "Columns members see in the people directory" in page and 'value="location" ' in page
    response = admin_client.post(url, {"columns": ["department", "title"]})
    assert response.status_code == 302
    assert Organization.objects.get(pk=org.pk).directory_columns == ["title", "department"]
    event = AuditEvent.objects.get(organization=org, verb="organization.directory_update")
    assert event.actor == admin.user
    assert event.changes == {"directory_columns": [list(DIRECTORY_COLUMN_KEYS), ["title", "department"]]}
    # Nothing chosen is allowed (the name is always shown); an unknown column is refused.
    assert admin_client.post(url, {}).status_code == 302
    assert Organization.objects.get(pk=org.pk).directory_columns == []
    assert admin_client.post(url, {"columns": ["job_level"]}).status_code == 400
    assert Organization.objects.get(pk=org.pk).directory_columns == []
    assert "Changed the columns members see" in admin_client.get(org_url("audit-log", org)).content.decode()


def test_only_admins_may_change_the_columns(member_client, stakeholder_client, outsider_client, org):
    url = org_url("directory-settings", org)
    for client in (member_client, stakeholder_client):
        assert client.get(url).status_code == 403
        assert client.post(url, {"columns": ["title"]}).status_code == 403
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {"columns": ["title"]}).status_code == 404
    assert Organization.objects.get(pk=org.pk).directory_columns == list(DIRECTORY_COLUMN_KEYS)
    assert not AuditEvent.objects.filter(verb="organization.directory_update").exists()
