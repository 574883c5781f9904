"""Regression tests for a cross-organization takeover through SSO (issue 11 review). Organization Alpha (`org`,
the attacker "M") runs its own IdP; Beta (`other_org`, the victim "X") has a member ceo@victim.test.

- Alpha's IdP never signs in an account that is also an active member of another organization, even when
  Alpha verified the domain, whatever it asserts and whether or not the IdP account was linked before;
- a claim that was not verified in DNS counts for nothing: no sign-in rule, no home-realm discovery, no
  "members must use SSO" lock-out;
- "members must use SSO" concerns the requiring organization's own members only.
"""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from identity.models import ClaimedDomain, SsoSignInAttempt
from identity.services.sso import domain_claim
from mentorhub.accounts.models import Membership, User

from ..factories import TEST_PASSWORD, EmployeeFactory, MembershipFactory
from ..helpers import page_text
from .oidc_peer import follow_callback, idp_answer, idp_round_trip, oidc_connection, oidc_provider  # noqa: F401

pytestmark = pytest.mark.django_db

CEO = "ceo@victim.test"
ELSEWHERE = "This MentorHub account belongs to another organization too"


@pytest.fixture
def victim_ceo(other_org):
    """Beta's member, signing in with a password."""
    return MembershipFactory(organization=other_org, user__email=CEO)


def _read(response) -> str:
    return html.unescape(page_text(response))


def _signed_in_as(client: Client) -> User | None:
    user = client.get(reverse("home")).wsgi_request.user
    return user if user.is_authenticated else None


def _start_at_idp(client: Client, provider_id: str, sub: str):
    """A sign-in started at the organization's IdP directly (not through home-realm discovery)."""
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": provider_id}), {"process": "login"})
    assert start.status_code == 302, start.content[:500]
    return follow_callback(client, idp_answer(start["Location"], sub))


def _password_sign_in(email: str) -> tuple[Client, object]:
    client = Client()
    return client, client.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD})


def test_an_idp_cannot_sign_in_another_organizations_member_even_on_its_verified_domain(
    client,
    org,
    other_org,
    victim_ceo,
    oidc_provider,  # noqa: F811
):
    # Alpha verified victim.test (say it really owns it), put the CEO on its roster, creates accounts.
    oidc_connection(org, oidc_provider.issuer, domains=["victim.test"], create_on_first_sign_in=True)
    EmployeeFactory(organization=org, email=CEO, name="The CEO")
    oidc_provider.set_user("ceo-sub", {"email": CEO, "name": "The CEO"})

    response = idp_round_trip(client, CEO, "ceo-sub")

    assert response.status_code == 403
    assert ELSEWHERE in _read(response) and "sign in with your password instead" in _read(response)
    assert other_org.name not in _read(response)
    assert _signed_in_as(client) is None
    assert not Membership.objects.filter(organization=org, user=victim_ceo.user).exists()
    attempt = SsoSignInAttempt.objects.get(organization=org)
    assert attempt.outcome == "refused" and ELSEWHERE in attempt.reason and attempt.email == CEO


def test_a_linked_idp_account_is_refused_once_its_account_joins_another_organization(
    client,
    org,
    other_org,
    oidc_provider,  # noqa: F811
):
    oidc_connection(org, oidc_provider.issuer, domains=["alpha-corp.test"])
    EmployeeFactory(organization=org, email="ann@alpha-corp.test")
    oidc_provider.set_user("ann-sub", {"email": "ann@alpha-corp.test"})
    assert idp_round_trip(client, "ann@alpha-corp.test", "ann-sub").status_code == 302
    ann = User.objects.get(email="ann@alpha-corp.test")
    Membership.objects.create(organization=other_org, user=ann, role="member")

    again = idp_round_trip(Client(), "ann@alpha-corp.test", "ann-sub")

    assert again.status_code == 403 and ELSEWHERE in _read(again)
    assert SsoSignInAttempt.objects.filter(organization=org, outcome="refused").count() == 1


def test_a_pending_claim_lets_the_idp_sign_in_nobody(client, org, oidc_provider):  # noqa: F811
    oidc_connection(org, oidc_provider.issuer, create_on_first_sign_in=True)
    domain_claim(organization=org, actor=None, domain="victim.test")  # never proved in DNS
    EmployeeFactory(organization=org, email="new.hire@victim.test")
    oidc_provider.set_user("hire-sub", {"email": "new.hire@victim.test"})

    response = _start_at_idp(client, f"org-{org.slug}", "hire-sub")

    assert response.status_code == 403
    assert "victim.test is not a verified domain of Alpha Ltd" in _read(response)
    assert not User.objects.filter(email="new.hire@victim.test").exists()


def test_a_pending_claim_sends_nobody_to_the_idp(client, org, victim_ceo, oidc_provider):  # noqa: F811
    oidc_connection(org, oidc_provider.issuer)
    domain_claim(organization=org, actor=None, domain="victim.test")

    response = client.post(reverse("sso-discover"), {"login": CEO})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?email=")  # the password form


def test_a_pending_claim_locks_nobody_out_of_their_password(org, victim_ceo, oidc_provider):  # noqa: F811
    oidc_connection(org, oidc_provider.issuer, require_sso=True)
    domain_claim(organization=org, actor=None, domain="victim.test")

    client, _response = _password_sign_in(CEO)

    assert _signed_in_as(client) == victim_ceo.user


def test_requiring_sso_concerns_only_the_organizations_own_members(org, other_org, victim_ceo, oidc_provider):  # noqa: F811
    # Even with the domain verified by Alpha, Beta's member keeps the password; Alpha's own members do not,
    # except one who is also a member of Beta (Alpha's IdP could not sign that account in).
    oidc_connection(org, oidc_provider.issuer, domains=["victim.test"], require_sso=True)
    assert ClaimedDomain.objects.get(domain="victim.test").verified_at <= timezone.now()
    own = MembershipFactory(organization=org, user__email="staffer@victim.test")
    both = MembershipFactory(organization=org, user__email="consultant@victim.test")
    MembershipFactory(organization=other_org, user=both.user)

    assert _signed_in_as(_password_sign_in(CEO)[0]) == victim_ceo.user
    assert _signed_in_as(_password_sign_in(both.user.email)[0]) == both.user
    client, response = _password_sign_in(own.user.email)
    assert _signed_in_as(client) is None
    assert "Alpha Ltd requires single sign-on" in _read(response)
