"""CSRF: a browser-session write without the form's token is refused, on pages and on the API; a bearer
token (no cookie a third-party page could ride on) needs none."""

from __future__ import annotations

from django.test import Client

from mentorhub.accounts.models import Organization
from mentorhub.accounts.services.tokens import api_token_create
from tests.helpers import org_url


def csrf_checking_client(membership) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(membership.user)
    return client


def test_a_page_form_posted_without_the_token_is_refused_and_changes_nothing(org, admin):
    response = csrf_checking_client(admin).post(org_url("directory-settings", org), {"columns": []})
    assert response.status_code == 403
    assert Organization.objects.get(pk=org.pk).directory_columns == org.directory_columns


def test_the_same_form_with_its_token_is_accepted(org, admin):
    client = csrf_checking_client(admin)
    page = client.get(org_url("directory-settings", org))
    token = page.cookies["csrftoken"].value
    response = client.post(org_url("directory-settings", org), {"columns": [], "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_an_api_write_with_the_session_cookie_but_no_token_is_refused(org, admin):
    url = f"/api/v1/o/{org.slug}/employees/"
    response = csrf_checking_client(admin).post(
        url, {"employee_id": "C1", "email": "c1@alpha.test", "name": "C"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_an_api_write_with_a_bearer_token_needs_no_csrf_token(org, admin):
    _token, raw = api_token_create(organization=org, actor=admin.user, membership=admin, name="ci")
    response = Client(enforce_csrf_checks=True).post(
        f"/api/v1/o/{org.slug}/employees/",
        {"employee_id": "C1", "email": "c1@alpha.test", "name": "C"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code != 403, response.content
