"""The data-rights pages (docs/privacy.md): "Your data" and its downloads, an admin's download for a person
(audited), the erasure confirmation, the retention setting. Outsiders get 404 on every route, members and
stakeholders 403 on the admins' ones."""

from __future__ import annotations

import json

import pytest

from mentorhub.accounts.models import AuditEvent, Employee, Organization
from tests.factories import MembershipFactory
from tests.helpers import client_for, org_url, page_text

from .privacy_data import EMAIL, MARK, MENTOR_NOTE, NAME, traces

pytestmark = pytest.mark.django_db

ADMIN_ROUTES = [
    ("people-data-json", "get"),
    ("people-data-html", "get"),
    ("people-erase", "get"),
    ("people-erase", "post"),
    ("retention-settings", "get"),
    ("retention-settings", "post"),
]
OWN_ROUTES = ["my-data", "my-data-json", "my-data-html"]


def url(name, org, employee):
    return org_url(name, org, employee_pk=employee.pk) if name.startswith("people-") else org_url(name, org)


def sections(response) -> dict[str, list[dict]]:
    export = json.loads(response.content)
    assert export["format"] == "mentorhub-personal-data/1"
    return {section["model"]: section["rows"] for section in export["sections"]}


def test_outsiders_get_404_on_every_route(org, employee, outsider_client):
    for name, method in ADMIN_ROUTES:
        assert getattr(outsider_client, method)(url(name, org, employee)).status_code == 404, name
    for name in OWN_ROUTES:
        assert outsider_client.get(org_url(name, org)).status_code == 404, name


def test_members_and_stakeholders_get_403_on_the_admins_routes(org, employee, member_client, stakeholder_client):
    for client in (member_client, stakeholder_client):
        for name, method in ADMIN_ROUTES:
            assert getattr(client, method)(url(name, org, employee), {"email": employee.email}).status_code == 403
    assert Employee.objects.get(pk=employee.pk).erased_at is None
    assert not AuditEvent.objects.filter(verb="employee.data_export").exists()


def test_another_organization_s_person_is_404_to_an_admin(org, admin_client, other_employee):
    for name, method in ADMIN_ROUTES[:4]:
        assert getattr(admin_client, method)(url(name, org, other_employee)).status_code == 404, name


def test_a_person_downloads_their_data_without_anyone_else_s_private_text(org):
    t = traces(org)
    page = t.browser.get(org_url("my-data", org))
    assert page.status_code == 200
    assert org_url("my-data-json", org) in page_text(page)

    response = t.browser.get(org_url("my-data-json", org))

    assert response["Content-Disposition"].startswith('attachment; filename="alpha-my-data-')
    assert response["Cache-Control"] == "no-store"
    data = sections(response)
    assert data["accounts.employee"][0]["name"] == NAME
    assert data["accounts.user"][0]["email"] == EMAIL and "password" not in data["accounts.user"][0]
    reflections = [row.get("reflection") for row in data["mentoring_sessions.sessionfeedback"]]
    assert reflections == [f"My private worry {MARK}"]  # theirs only: never the mentor's, on the same session
    assert MENTOR_NOTE not in response.content.decode()
    assert data["mentoring_sessions.mentoringsession"][0]["shared_notes"] == f"{NAME} will draft the promotion case"
    assert any(f"Fine {MARK}" in json.dumps(row) for row in data["analytics.surveyresponse"])
    assert data["analytics.selfidentification"][0]["value"] == "Woman"
    assert [row["type"] for row in data["mfa.authenticator"]] == ["totp"]
    assert MARK not in json.dumps(data["mfa.authenticator"])  # a second factor's secret is never exported

    html = t.browser.get(org_url("my-data-html", org))
    text = page_text(html)
    assert html["Content-Type"].startswith("text/html")
    assert f"Data MentorHub holds about {NAME}" in text and "Your feedback on sessions" in text
    assert MENTOR_NOTE not in text and "<script" not in text


def test_an_admin_downloads_a_person_s_data_for_them_and_it_is_audited(org, admin_client):
    t = traces(org)
    me = t.mentee.employee

    response = admin_client.get(org_url("people-data-json", org, employee_pk=me.pk))

    data = sections(response)
    # Their private texts are for their author only: an admin's export leaves them out (and says so), and
    # nobody else's private text is in either.
    assert response.json()["private_texts_left_out"] is True
    assert [row.get("reflection") for row in data["mentoring_sessions.sessionfeedback"]] == [None]
    assert "My private worry" not in response.content.decode() and MENTOR_NOTE not in response.content.decode()
    assert data["accounts.user"][0]["email"] == EMAIL
    entry = AuditEvent.objects.get(organization=org, verb="employee.data_export")
    assert entry.target_id == str(me.pk) and entry.changes["rows"][1] > 10


def test_a_member_not_on_the_roster_downloads_their_sign_in_only(org):
    membership = MembershipFactory(organization=org, employee=None, user__email="nobody@alpha.test")
    client = client_for(membership)
    assert "not linked to an entry" in page_text(client.get(org_url("my-data", org)))
    data = sections(client.get(org_url("my-data-json", org)))
    assert set(data) == {"accounts.user", "account.emailaddress"}


def test_the_erasure_page_names_the_consequences_and_wants_the_address_typed(org, admin_client):
    t = traces(org)
    me = t.mentee.employee
    erase_url = org_url("people-erase", org, employee_pk=me.pk)
    detail = page_text(admin_client.get(org_url("people-detail", org, employee_pk=me.pk)))
    assert erase_url in detail

    page = page_text(admin_client.get(erase_url))
    for said in ("cannot be undone", "What is removed", "What stays", "They can no longer sign in", EMAIL):
        assert said in page, said

    wrong = admin_client.post(erase_url, {"email": "someone.else@alpha.test"})
    assert wrong.status_code == 400
    assert f"That is not their address. Type {EMAIL} to confirm." in page_text(wrong)
    assert Employee.objects.get(pk=me.pk).erased_at is None

    done = admin_client.post(erase_url, {"email": f"  {EMAIL.upper()} "}, follow=True)

    assert Employee.objects.get(pk=me.pk).erased_at is not None
    text = page_text(done)
    assert "Erased. Their personal data is gone" in text and NAME not in text
    assert erase_url not in text  # no second erasure offered
    assert "already" in page_text(admin_client.get(erase_url))


def test_an_admin_cannot_erase_themselves(org, admin, admin_client):
    erase_url = org_url("people-erase", org, employee_pk=admin.employee_id)
    assert "You cannot erase yourself" in page_text(admin_client.get(erase_url))
    response = admin_client.post(erase_url, {"email": admin.employee.email})
    assert response.status_code == 400 and "You cannot erase yourself" in page_text(response)
    assert Employee.objects.get(pk=admin.employee_id).erased_at is None


def test_the_retention_setting_is_validated_and_audited(org, admin_client):
    settings_url = org_url("retention-settings", org)
    assert 'value="24"' in page_text(admin_client.get(settings_url))
    for bad, message in (("-1", "Enter 0 or more months"), ("121", "at most 120 months"), ("x", "whole number")):
        response = admin_client.post(settings_url, {"retention_months": bad})
        assert response.status_code == 400 and message in page_text(response), bad
    assert Organization.objects.get(pk=org.pk).retention_months == 24

    response = admin_client.post(settings_url, {"retention_months": "0"}, follow=True)

    assert "no longer erased automatically" in page_text(response)
    assert Organization.objects.get(pk=org.pk).retention_months == 0
    entry = AuditEvent.objects.get(organization=org, verb="organization.retention_update")
    assert entry.changes == {"retention_months": [24, 0]}
