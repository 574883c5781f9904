"""A NUL character (which PostgreSQL's text and jsonb refuse) in any text input answers 400 before a view
runs: query strings, URL paths, urlencoded and multipart form fields, JSON bodies (API and SCIM); a roster
CSV cell with one is a line-and-column error like any other. Nothing answers 500, no export is cut short."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from identity.models import ScimUser
from mentorhub.accounts.models import ApiToken, Employee, RosterImport
from mentorhub.accounts.roster_csv import RosterValidationError, parse
from mentorhub.web.nul_bytes import json_has_nul
from programs.models import Program
from tests.accounts.roster_helpers import error_positions, person, roster_csv
from tests.factories import EmployeeFactory
from tests.helpers import org_url, page_text
from tests.identity.scim_helpers import ERROR, ScimClient, scim_token
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "NUL character"


def _page_urls(org: Any, program: Any) -> list[str]:
    people, audit = org_url("people-list", org), org_url("audit-log", org)
    participants = org_url("program-participants", org, program_pk=program.pk)
    return [
        f"{people}?q=%00",
        f"{people}?department=%00",
        f"{people}?q=a&%00=b",  # a key counts too
        f"{org_url('people-export', org)}?q=a%00b",
        f"{audit}?target=%00",
        f"{org_url('audit-export', org)}?target=%00",
        f"{participants}?q=a%00b",
        f"{org_url('program-participants-export', org, program_pk=program.pk)}?q=%00",
        "/invite/a%00b/",  # a path parameter
    ]


def _api_urls(org: Any, program: Any) -> list[str]:
    employees = reverse("api-employee-list", kwargs={"org_slug": org.slug})
    participants = reverse("api-participant-list", kwargs={"org_slug": org.slug, "program_pk": program.pk})
    return [f"{employees}?search=a%00b", f"{participants}?search=%00"]


def test_a_nul_in_a_page_filter_or_export_answers_400_in_html(admin_client, org):
    EmployeeFactory.create_batch(3, organization=org)
    program = ProgramFactory(organization=org)
    for url in _page_urls(org, program):
        response = admin_client.get(url)
        assert response.status_code == 400, url
        assert response["Content-Type"].startswith("text/html"), url
        assert not getattr(response, "streaming", False), url  # no download started, so none is cut short
        text = page_text(response)
        assert NUL_MESSAGE in text and "<html" in text, url


def test_a_nul_in_an_api_filter_answers_400_in_json(admin_client, org):
    program = ProgramFactory(organization=org)
    for url in _api_urls(org, program):
        response = admin_client.get(url)
        assert response.status_code == 400, url
        assert response["Content-Type"] == "application/json", url
        assert NUL_MESSAGE in response.json()["detail"], url


def test_the_same_filters_without_a_nul_still_answer(admin_client, org):
    program = ProgramFactory(organization=org)
    for url in [*_page_urls(org, program)[:-1], *_api_urls(org, program)]:
        clean = url.replace("%00", "x")
        assert admin_client.get(clean).status_code == 200, clean


def test_a_nul_in_a_form_field_is_refused_multipart_or_urlencoded(admin_client, org):
    url = org_url("api-tokens", org)
    multipart = admin_client.post(url, {"name": "deploy\x00bot", "scopes": ["read"]})
    urlencoded = admin_client.post(
        url, "name=deploy%00bot&scopes=read", content_type="application/x-www-form-urlencoded"
    )
    for response in (multipart, urlencoded):
        assert response.status_code == 400
        assert NUL_MESSAGE in page_text(response)
    assert not ApiToken.objects.filter(organization=org).exists()


def test_a_nul_in_an_api_json_body_answers_400(admin_client, org):
    url = reverse("api-program-list", kwargs={"org_slug": org.slug})
    response = admin_client.post(url, {"name": "Grow\x00"}, content_type="application/json")
    assert response.status_code == 400
    assert NUL_MESSAGE in response.json()["detail"]
    assert not Program.objects.filter(organization=org).exists()


def test_a_nul_in_a_scim_body_answers_a_scim_400(org, admin):
    scim = ScimClient(org, scim_token(admin))
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "new\x00person@alpha.test",
        "emails": [{"value": "new.person@alpha.test", "type": "work"}],
    }
    response = scim.post("Users", body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/scim+json"
    error = response.json()
    assert error["schemas"] == [ERROR] and error["status"] == "400" and NUL_MESSAGE in error["detail"]
    assert not ScimUser.objects.filter(employee__organization=org).exists()
    filtered = scim.get("Users", filter='userName eq "a\x00"')
    assert filtered.status_code == 400 and filtered.json()["schemas"] == [ERROR]


@pytest.mark.parametrize(
    ("body", "has_nul"),
    [
        ('{"a": "x\\u0000y"}', True),
        ('{"a": "x\\U0000"}', False),  # JSON escapes are lower-case u only: invalid JSON, the parser's to refuse
        ('{"a": "x\\\\u0000"}', False),  # an escaped backslash, then the text "u0000"
        ('{"a": "x\\\\\\u0000"}', True),  # an escaped backslash, then a NUL
        ('{"\\u0000": 1}', True),
        ('{"a": "\\u00001"}', True),
        ('{"a": "\\u0001"}', False),
    ],
)
def test_json_has_nul_reads_escapes(body, has_nul):
    assert json_has_nul(body.encode()) is has_nul
    if "\\U" not in body:
        decoded = json.loads(body)
        assert any("\x00" in text for text in [*decoded, *map(str, decoded.values())]) is has_nul


# --- Roster CSV ------------------------------------------------------------------------------------


def test_a_nul_in_a_roster_cell_is_a_line_and_column_error():
    content = roster_csv([person("E1"), person("E2", name="Ada\x00Lovelace"), person("E3", title="\x00")])
    with pytest.raises(RosterValidationError) as refused:
        parse(content, {})
    assert error_positions(refused.value.errors) == {(3, "name"), (4, "title")}
    assert all(NUL_MESSAGE in error.message for error in refused.value.errors)
    assert not any("\x00" in error.message for error in refused.value.errors)


def test_a_nul_in_the_roster_header_is_an_error_on_line_1():
    content = roster_csv([person("E1")]).replace(b"location", b"loca\x00tion", 1)
    with pytest.raises(RosterValidationError) as refused:
        parse(content, {})
    assert (1, None) in error_positions(refused.value.errors)
    assert not any("\x00" in error.message for error in refused.value.errors)


def test_a_roster_upload_with_a_nul_cell_lists_it_and_applies_nothing(admin_client, org):
    content = roster_csv([person("E1"), person("E2", email="e2\x00@alpha.test"), person("E1")])
    response = admin_client.post(
        org_url("roster-import-new", org), {"file": SimpleUploadedFile("people.csv", content, "text/csv")}
    )
    assert response.status_code == 400  # the upload page answers a refused file with 400 and its errors
    text = page_text(response)
    assert NUL_MESSAGE in text and "\x00" not in text
    assert not Employee.objects.filter(organization=org, employee_id__in=["E1", "E2"]).exists()
    assert not RosterImport.objects.filter(organization=org, status="done").exists()


def test_a_roster_api_upload_with_a_nul_cell_answers_its_line_and_column(admin_client, org):
    content = roster_csv([person("E1", department="Eng\x00")])
    response = admin_client.post(
        f"/api/v1/o/{org.slug}/employees/import/", {"file": SimpleUploadedFile("r.csv", content, "text/csv")}
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert error_positions(errors) == {(2, "department")} and NUL_MESSAGE in errors[0]["message"]
    assert not Employee.objects.filter(organization=org, employee_id="E1").exists()
