"""The sign-in page and the "members must use SSO" policy: email first; a password is refused for an address
in a domain of an organization that requires SSO, except an admin's break-glass password with TOTP."""

from __future__ import annotations

import html

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from identity.models import ClaimedDomain, SsoConnection

from ..factories import TEST_PASSWORD, MembershipFactory
from ..helpers import page_text

pytestmark = pytest.mark.django_db

REQUIRED = "Alpha Ltd requires single sign-on"


@pytest.fixture
def alpha_requires_sso(org):
    ClaimedDomain.objects.create(organization=org, domain="alpha.test", verified_at=timezone.now())
    return SsoConnection.objects.create(
        organization=org,
        enabled=True,
        oidc_issuer="https://idp.alpha.test",
        oidc_client_id="mentorhub",
        require_sso=True,
    )


def _password_sign_in(email: str) -> tuple[Client, object]:
    client = Client()
    return client, client.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD})


def _signed_in(client: Client) -> bool:
    return client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_the_sign_in_page_asks_for_the_email_first(client, db):
    page = page_text(client.get(reverse("account_login") + "?next=/o/alpha/"))
    assert f'action="{reverse("sso-discover")}"' in page
    assert 'name="login"' in page and 'name="password"' not in page
    assert '<input type="hidden" name="next" value="/o/alpha/">' in page

    page = page_text(client.get(reverse("account_login") + "?email=ann%40example.com"))
    assert 'name="password"' in page and 'value="ann@example.com"' in page


def test_a_member_cannot_sign_in_with_a_password_when_sso_is_required(member, alpha_requires_sso):
    client, response = _password_sign_in(member.user.email)

    assert response.status_code == 200
    assert REQUIRED in html.unescape(page_text(response))
    assert not _signed_in(client)


def test_an_admin_without_two_factor_has_no_break_glass(admin, alpha_requires_sso):
    client, response = _password_sign_in(admin.user.email)

    assert REQUIRED in html.unescape(page_text(response))
    assert not _signed_in(client)


def test_an_admin_with_totp_keeps_a_break_glass_password(admin, alpha_requires_sso):
    TOTP.activate(admin.user, generate_totp_secret())

    _client, response = _password_sign_in(admin.user.email)

    # The password is accepted and allauth asks for the TOTP code next.
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")


def test_outside_the_policy_passwords_still_work(member, other_org, alpha_requires_sso):
    elsewhere = MembershipFactory(organization=other_org, user__email="someone@beta.test")
    assert _signed_in(_password_sign_in(elsewhere.user.email)[0])

    alpha_requires_sso.require_sso = False
    alpha_requires_sso.save()
    assert _signed_in(_password_sign_in(member.user.email)[0])
