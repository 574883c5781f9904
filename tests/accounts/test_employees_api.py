"""The employee directory API: GET employees/ (paginated, searchable) and employees/<employee_pk>/."""

from __future__ import annotations

import pytest

from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def api(org, path: str = "") -> str:
    return f"/api/v1/o/{org.slug}/{path}"


@pytest.fixture
def roster(org, admin, member, stakeholder):
    boss = EmployeeFactory(organization=org, name="Zora Boss", employee_id="B-1", department="Leadership")
    people = [
        EmployeeFactory(
            organization=org, name=f"Person {i:02d}", manager=boss, department="Field Sales" if i % 2 else "R&D"
        )
        for i in range(30)
    ]
    EmployeeFactory(organization=org, name="Quinn Query", title="Data Scientist", location="Lagos")
    return boss, people


def test_list_is_paginated_and_ordered_by_name(admin_client, org, roster):
    body = admin_client.get(api(org, "employees/"), {"page_size": 10}).json()
    total = 30 + 2 + 3  # the roster plus the admin, member and stakeholder's own rows
    assert body["count"] == total
    assert len(body["results"]) == 10 and body["next"] and body["previous"] is None
    names = [row["name"] for row in body["results"]]
    assert names == sorted(names)
    last = admin_client.get(api(org, "employees/"), {"page_size": 10, "page": 4}).json()
    assert len(last["results"]) == total - 30 and last["next"] is None


def test_search_across_fields(admin_client, org, roster, other_org):
    EmployeeFactory(organization=other_org, name="Quinn Outsider", title="Data Scientist")

    def found(term: str) -> list[str]:
        return [row["name"] for row in admin_client.get(api(org, "employees/"), {"search": term}).json()["results"]]

    assert found("quinn") == ["Quinn Query"]
    assert found("data scientist") == ["Quinn Query"]
    assert found("lagos") == ["Quinn Query"]
    assert found("B-1") == ["Zora Boss"]
    assert found("leadership") == ["Zora Boss"]
    # (two words: a generated name of the admin's own row may hold "sales", as Rosales does)
    assert found("field sales") == [f"Person {i:02d}" for i in range(1, 30, 2)]
    assert found("nobody-matches-this") == []


def test_detail_with_manager(admin_client, org, roster):
    boss, people = roster
    body = admin_client.get(api(org, f"employees/{people[0].pk}/")).json()
    assert body["employee_id"] == people[0].employee_id and body["email"] == people[0].email
    assert body["manager"] == {"id": boss.pk, "employee_id": "B-1", "name": "Zora Boss"}
    assert body["is_current"] is True


def test_members_and_stakeholders_may_read_the_directory(member_client, stakeholder_client, org, roster):
    boss, _ = roster
    for client in (member_client, stakeholder_client):
        assert client.get(api(org, "employees/")).json()["count"] == 35
        assert client.get(api(org, f"employees/{boss.pk}/")).json()["name"] == "Zora Boss"


def test_outsider_gets_404(outsider_client, org, other_org, roster):
    boss, _ = roster
    assert outsider_client.get(api(org, "employees/")).status_code == 404
    assert outsider_client.get(api(org, f"employees/{boss.pk}/")).status_code == 404
    # Asking under their own organization for an employee of `org`: does not exist.
    assert outsider_client.get(api(other_org, f"employees/{boss.pk}/")).status_code == 404
    assert outsider_client.get(api(other_org, "employees/"), {"search": "Zora"}).json()["count"] == 0


def test_anonymous_is_refused(client, org, roster):
    assert client.get(api(org, "employees/")).status_code in (401, 403)


def test_list_query_count_does_not_grow_with_rows(admin_client, org, roster, django_assert_max_num_queries):
    # Session, user, membership (with organization, employee), count, page (manager joined): no per-row query.
    with django_assert_max_num_queries(8):
        body = admin_client.get(api(org, "employees/"), {"page_size": 100}).json()
    assert len(body["results"]) == 35
    assert sum(1 for row in body["results"] if row["manager"]) == 30


# --- HR fields are for admins only ----------------------------------------------------------------

HR_FIELDS = {"job_level", "hired_on", "left_on"}


def test_members_and_stakeholders_get_the_directory_without_hr_fields(member_client, stakeholder_client, org):
    from datetime import date

    leaver = EmployeeFactory(organization=org, name="Zed Future", job_level=11, left_on=date(2030, 1, 1))
    for client in (member_client, stakeholder_client):
        row = client.get(api(org, "employees/"), {"search": "Zed"}).json()["results"][0]
        assert row["name"] == "Zed Future" and row["is_current"] is True
        assert HR_FIELDS.isdisjoint(row), row
        detail = client.get(api(org, f"employees/{leaver.pk}/")).json()
        assert HR_FIELDS.isdisjoint(detail) and detail["department"] == leaver.department


def test_admins_get_the_hr_fields(admin_client, org):
    from datetime import date

    leaver = EmployeeFactory(organization=org, name="Zed Future", job_level=11, left_on=date(2030, 1, 1))
    row = admin_client.get(api(org, "employees/"), {"search": "Zed"}).json()["results"][0]
    assert row["job_level"] == 11 and row["left_on"] == "2030-01-01" and row["hired_on"]
    assert admin_client.get(api(org, f"employees/{leaver.pk}/")).json()["job_level"] == 11


def test_a_members_api_token_gets_the_directory_too(member, org):
    from django.test import Client

    from mentorhub.accounts.services.tokens import api_token_create

    EmployeeFactory(organization=org, name="Zed Token", job_level=11)
    _token, raw = api_token_create(organization=org, actor=member.user, membership=member, name="t")
    row = Client().get(api(org, "employees/"), {"search": "Zed"}, HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert HR_FIELDS.isdisjoint(row["results"][0])
