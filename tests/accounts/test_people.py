"""People (roster) pages: directory with search, profile, CSV export; and the navigation shell."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from django.urls import reverse

from mentorhub.accounts.models import Employee, EmploymentEvent
from mentorhub.accounts.roster_csv import COLUMNS
from tests.factories import EmployeeFactory
from tests.helpers import org_url


def people_url(org, **params):
    return org_url("people-list", org, query=params)


def detail_url(org, employee):
    return org_url("people-detail", org, employee_pk=employee.pk)


def export_url(org, **params):
    return org_url("people-export", org, query=params)


def csv_rows(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


# --- Navigation -----------------------------------------------------------------------------


def test_nav_for_admin_has_admin_sections_and_marks_the_current_one(admin_client, org):
    page = admin_client.get(people_url(org)).content.decode()
    for name in ("members", "audit-log", "api-tokens"):
        assert f'href="{reverse(name, kwargs={"org_slug": org.slug})}"' in page
    assert f'<a href="{people_url(org)}" aria-current="page">People</a>' in page
    assert page.count('aria-current="page"') == 1


def test_nav_for_member_has_no_admin_sections(member_client, org):
    page = member_client.get(reverse("org-home", kwargs={"org_slug": org.slug})).content.decode()
    assert f'href="{people_url(org)}"' in page
    assert "Audit log" not in page and "API tokens" not in page
    assert f'href="{reverse("members", kwargs={"org_slug": org.slug})}"' not in page
    assert 'aria-current="page">Home</a>' in page


# --- People list ----------------------------------------------------------------------------


def test_directory_shows_the_columns_to_every_role(member_client, stakeholder_client, org):
    EmployeeFactory(
        organization=org,
        name="Zora Quill",
        title="Staff Engineer",
        department="Platform",
        job_level=7,
        location="Tokyo",
        time_zone="Asia/Tokyo",
    )
    for client in (member_client, stakeholder_client):
        page = client.get(people_url(org)).content.decode()
        for text in ("Zora Quill", "Staff Engineer", "Platform", "Tokyo", "Asia/Tokyo"):
            assert text in page
        # The job level is HR data: admins only (as in the API).
        assert ">Level<" not in page and ">7<" not in page
        assert "Export" not in page  # the CSV export is for admins only


def test_directory_shows_the_level_to_admins(admin_client, member_client, org):
    EmployeeFactory(organization=org, name="Zora Quill", job_level=7)
    page = admin_client.get(people_url(org)).content.decode()
    assert '<th scope="col">Level</th>' in page and "<td>7</td>" in page
    fragment = member_client.get(people_url(org, q="zora"), HTTP_HX_REQUEST="true").content.decode()
    assert "Zora Quill" in fragment and "Level" not in fragment and "<td>7</td>" not in fragment


def test_local_time_is_shown_in_each_persons_zone(admin_client, admin, org):
    admin.employee.time_zone = "America/New_York"  # the viewer's zone must not leak into the column
    admin.employee.save()
    EmployeeFactory(organization=org, name="Tokyo Person", time_zone="Asia/Tokyo")
    EmployeeFactory(organization=org, name="Kolkata Person", time_zone="Asia/Kolkata")
    page = admin_client.get(people_url(org)).content.decode()
    assert page.count('+09:00">') == 1 and page.count('+05:30">') == 1


def test_people_who_left_are_hidden_unless_an_admin_asks_for_them(admin_client, member_client, org):
    EmployeeFactory(organization=org, name="Current Person")
    EmployeeFactory(organization=org, name="Gone Person", left_on=date.today() - timedelta(days=3))
    for client in (admin_client, member_client):
        page = client.get(people_url(org)).content.decode()
        assert "Current Person" in page and "Gone Person" not in page
    page = admin_client.get(people_url(org, include_left="1")).content.decode()
    assert "Current Person" in page and "Gone Person" in page
    # Members see current colleagues only (tests/accounts/test_people_directory.py): the filter is ignored.
    page = member_client.get(people_url(org, include_left="1")).content.decode()
    assert "Current Person" in page and "Gone Person" not in page


def test_search_and_department_filter(member_client, org, other_org):
    EmployeeFactory(organization=org, name="Priya Raman", department="Finance", title="Controller")
    EmployeeFactory(organization=org, name="Priya Jones", department="Sales")
    EmployeeFactory(organization=org, name="Tom Baker", department="Finance")
    EmployeeFactory(organization=other_org, name="Priya Outsider", department="Finance")

    page = member_client.get(people_url(org, q="priya")).content.decode()
    assert "Priya Raman" in page and "Priya Jones" in page
    assert "Tom Baker" not in page and "Priya Outsider" not in page

    page = member_client.get(people_url(org, q="priya", department="Finance")).content.decode()
    assert "Priya Raman" in page and "Priya Jones" not in page

    page = member_client.get(people_url(org, q="controller")).content.decode()
    assert "Priya Raman" in page and "Tom Baker" not in page


def test_live_search_answers_htmx_with_the_results_fragment(member_client, org):
    EmployeeFactory(organization=org, name="Ada Lovelace")
    EmployeeFactory(organization=org, name="Alan Turing")
    response = member_client.get(people_url(org, q="lovelace"), HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in fragment and '<nav class="sidenav"' not in fragment
    assert "Ada Lovelace" in fragment and "Alan Turing" not in fragment
    assert 'id="people-status" hx-swap-oob="innerHTML"' in fragment and "1 person found" in fragment
    assert "HX-Request" in response["Vary"]
    # A history restore gets the whole page; so does a plain GET form submission without JS.
    restore = member_client.get(
        people_url(org, q="lovelace"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restore.content.decode()
    full = member_client.get(people_url(org, q="lovelace")).content.decode()
    assert "<html" in full and 'hx-trigger="input changed delay:300ms, search"' in full
    assert 'hx-push-url="true"' in full and 'hx-target="#people-results"' in full
    assert 'method="get"' in full and 'name="q" value="lovelace"' in full


def test_pagination_50_per_page_keeps_the_search(member_client, org):
    for i in range(55):
        EmployeeFactory(organization=org, name=f"Person {i:03d}", department="Ops")
    page1 = member_client.get(people_url(org, department="Ops")).content.decode()
    assert page1.count('<th scope="row">') == 50
    assert "Person 000" in page1 and "Person 050" not in page1
    assert "Page 1 of 2" in page1 and "?department=Ops&amp;page=2" in page1
    page2 = member_client.get(people_url(org, department="Ops", page=2)).content.decode()
    assert page2.count('<th scope="row">') == 5 and "Person 054" in page2


def test_empty_states(member_client, org):
    Employee.objects.filter(organization=org).delete()  # the fixtures' members have roster rows
    page = member_client.get(people_url(org)).content.decode()
    assert "No one is on the roster yet" in page
    EmployeeFactory(organization=org, name="Only One")
    page = member_client.get(people_url(org, q="nobody-like-this")).content.decode()
    assert "No one matches “nobody-like-this”" in page and "clear the search" in page


def test_roster_import_button_for_admins_only(admin_client, member_client, org):
    import_url = reverse("roster-import-new", kwargs={"org_slug": org.slug})
    assert f'href="{import_url}"' in admin_client.get(people_url(org)).content.decode()
    assert f'href="{import_url}"' not in member_client.get(people_url(org)).content.decode()


def test_people_list_query_count_does_not_grow_with_the_page(member_client, org, django_assert_max_num_queries):
    manager = EmployeeFactory(organization=org)
    for _ in range(60):
        EmployeeFactory(organization=org, manager=manager)
    with django_assert_max_num_queries(12):
        response = member_client.get(people_url(org))
    assert response.content.decode().count('<th scope="row">') == 50
    with django_assert_max_num_queries(10):
        member_client.get(people_url(org, q="e"), HTTP_HX_REQUEST="true")


# --- Detail -----------------------------------------------------------------------------------


def test_detail_shows_profile_manager_reports_and_history_to_admins(admin_client, member_client, org):
    boss = EmployeeFactory(organization=org, name="Boss Person")
    person = EmployeeFactory(organization=org, name="Mid Person", manager=boss, email="mid@alpha.test")
    EmployeeFactory(organization=org, name="Report One", manager=person)
    EmployeeFactory(organization=org, name="Report Two", manager=person)
    EmploymentEvent.objects.create(
        organization=org,
        employee=person,
        kind="level_change",
        occurred_on=date(2024, 3, 1),
        old_value="3",
        new_value="4",
    )
    page = admin_client.get(detail_url(org, person)).content.decode()
    assert "Mid Person" in page and "mid@alpha.test" in page
    assert f'href="{detail_url(org, boss)}">Boss Person' in page
    assert "Report One" in page and "Report Two" in page
    assert "Employment history" in page and "Promotion" in page and "3 → 4" in page

    page = member_client.get(detail_url(org, person)).content.decode()
    assert "Boss Person" in page and "Report One" in page
    assert "Employment history" not in page and "Promotion" not in page


def test_detail_shows_level_and_dates_to_admins_only(admin_client, member_client, stakeholder_client, org):
    person = EmployeeFactory(
        organization=org, name="Lev Person", job_level=9, hired_on=date(2019, 2, 11), left_on=date(2024, 6, 30)
    )
    page = admin_client.get(detail_url(org, person)).content.decode()
    assert "<dt>Job level</dt><dd>9</dd>" in page and "Feb 11, 2019" in page and "Left Jun 30, 2024" in page
    leaving = EmployeeFactory(organization=org, name="Soon Person", job_level=9, left_on=date(2099, 6, 30))
    for client in (member_client, stakeholder_client):
        # A leaver is not a colleague any more: "not found" to members (test_people_directory.py).
        assert client.get(detail_url(org, person)).status_code == 404
        page = client.get(detail_url(org, leaving)).content.decode()
        assert "Soon Person" in page and "Left" not in page  # a future leaving date is not announced
        assert "Job level" not in page and "Jun 30, 2099" not in page


def test_detail_of_another_organizations_employee_is_404(admin_client, org, other_employee, outsider_client, employee):
    assert admin_client.get(detail_url(org, other_employee)).status_code == 404
    assert outsider_client.get(detail_url(org, employee)).status_code == 404
    # Naming alpha's employee under the outsider's own organization is still "not found".
    assert outsider_client.get(detail_url(other_employee.organization, employee)).status_code == 404


# --- Export -----------------------------------------------------------------------------------


def test_export_is_the_import_format_and_honours_the_search(admin_client, org, other_org):
    boss = EmployeeFactory(organization=org, employee_id="B1", name="Boss Finance", department="Finance")
    EmployeeFactory(
        organization=org,
        employee_id="E7",
        email="ana@alpha.test",
        name="Ana Finance",
        title="Analyst",
        department="Finance",
        job_level=4,
        location="Lisbon",
        time_zone="Europe/Lisbon",
        manager=boss,
        hired_on=date(2021, 5, 3),
    )
    EmployeeFactory(organization=org, name="Sam Sales", department="Sales")
    EmployeeFactory(organization=org, name="Left Finance", department="Finance", left_on=date(2020, 1, 1))
    EmployeeFactory(organization=other_org, name="Other Finance", department="Finance")

    response = admin_client.get(export_url(org, department="Finance"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="alpha-people-' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [r["name"] for r in rows] == ["Ana Finance", "Boss Finance"]
    assert rows[0] == {
        "employee_id": "E7",
        "email": "ana@alpha.test",
        "name": "Ana Finance",
        "title": "Analyst",
        "department": "Finance",
        "job_level": "4",
        "location": "Lisbon",
        "time_zone": "Europe/Lisbon",
        "manager_employee_id": "B1",
        "hired_on": "2021-05-03",
        "left_on": "",
    }

    rows = csv_rows(admin_client.get(export_url(org, q="finance", include_left="1")))
    assert {r["name"] for r in rows} == {"Ana Finance", "Boss Finance", "Left Finance"}
    assert next(r for r in rows if r["name"] == "Left Finance")["left_on"] == "2020-01-01"


def test_export_header_matches_the_roster_import_columns(admin_client, org):
    body = b"".join(admin_client.get(export_url(org)).streaming_content).decode()
    header = body.splitlines()[0]
    assert header == ",".join(COLUMNS)
    assert tuple(next(csv.reader([header]))) == tuple(COLUMNS)


def test_export_is_for_admins_only(member_client, stakeholder_client, outsider_client, org):
    assert member_client.get(export_url(org)).status_code == 403
    assert stakeholder_client.get(export_url(org)).status_code == 403
    assert outsider_client.get(export_url(org)).status_code == 404


def test_outsider_gets_404_on_people_pages(outsider_client, org, employee):
    for url in (people_url(org), detail_url(org, employee), export_url(org)):
        assert outsider_client.get(url).status_code == 404, url
