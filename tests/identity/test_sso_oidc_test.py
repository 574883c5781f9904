"""Test the connection: an admin's sign-in round trip with the organization's IdP (real, on loopback) that
shows the claims received, signs nobody in, and is recorded as a test."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from identity.models import SsoSignInAttempt
from mentorhub.accounts.models import AuditEvent, User

from ..factories import EmployeeFactory
from ..helpers import org_url, page_text
from .oidc_peer import bad_oidc_provider, follow_callback, idp_answer, oidc_connection, oidc_provider  # noqa: F401

pytestmark = pytest.mark.django_db


def _run_test(client, org, sub: str):
    start = client.post(org_url("sso-test", org))
    assert start.status_code == 302, start.content[:300]
    return follow_callback(client, idp_answer(start["Location"], sub))


def test_admin_sees_the_claims_and_stays_signed_in_as_themselves(admin_client, admin, org, oidc_provider):  # noqa: F811
    oidc_connection(org, oidc_provider.issuer, domains=["alpha-corp.test"])
    EmployeeFactory(organization=org, email="ann@alpha-corp.test")
    oidc_provider.set_user("ann-sub", {"email": "ann@alpha-corp.test", "name": "Ann Archer", "employee_id": "A-1"})

    response = _run_test(admin_client, org, "ann-sub")

    assert response.status_code == 302
    assert response["Location"] == org_url("sso-test-result", org)
    page = html.unescape(page_text(admin_client.get(response["Location"])))
    assert "Test passed." in page
    assert "This person would be signed in as ann@alpha-corp.test." in page
    for claim in ("email", "name", "employee_id", "sub"):
        assert f"<code>{claim}</code>" in page
    assert "Ann Archer" in page
    assert admin_client.get(reverse("home")).wsgi_request.user == admin.user
    assert not User.objects.filter(email="ann@alpha-corp.test").exists()
    attempt = SsoSignInAttempt.objects.get(organization=org)
    assert attempt.outcome == "test_passed" and attempt.claims["email"] == "ann@alpha-corp.test"
    assert AuditEvent.objects.filter(organization=org, verb="sso.test", actor=admin.user).exists()


def test_a_failing_connection_shows_why(admin_client, org, bad_oidc_provider):  # noqa: F811
    oidc_connection(org, bad_oidc_provider.issuer, client_id="expired", domains=["alpha-corp.test"])
    bad_oidc_provider.claims = {"sub": "ann-sub", "email": "ann@alpha-corp.test"}

    response = _run_test(admin_client, org, "ann-sub")

    page = html.unescape(page_text(admin_client.get(response["Location"])))
    assert "Test failed.</strong> The ID token has expired." in page
    assert SsoSignInAttempt.objects.get(organization=org).outcome == "test_failed"


def test_without_a_usable_connection_the_admin_is_told_what_to_do(admin_client, org):
    response = admin_client.post(org_url("sso-test", org), follow=True)
    assert "complete its settings" in page_text(response)
    assert admin_client.get(org_url("sso-test-result", org)).status_code == 200  # the empty state


def test_members_cannot_run_a_test(member_client, org):
    assert member_client.post(org_url("sso-test", org)).status_code == 403
    assert member_client.get(org_url("sso-test-result", org)).status_code == 403
