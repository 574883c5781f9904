"""OpenID Connect sign-in against real providers on loopback (tests/identity/oidc_peer.py): who is signed in,
who is refused and why, what is recorded, and that one organization's IdP never signs anyone into another."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from identity.models import SsoSignInAttempt
from mentorhub.accounts.models import AuditEvent, Membership, User

from ..factories import EmployeeFactory
from ..helpers import page_text
from .oidc_peer import bad_oidc_provider, idp_round_trip, oidc_connection, oidc_provider  # noqa: F401

pytestmark = pytest.mark.django_db

ANN = "ann@alpha-corp.test"


@pytest.fixture
def alpha_sso(org, oidc_provider):  # noqa: F811
    return oidc_connection(org, oidc_provider.issuer, domains=["alpha-corp.test"])


@pytest.fixture
def ann(org):
    return EmployeeFactory(organization=org, email=ANN, name="Ann Archer", employee_id="A-100")


def _read(response) -> str:
    return html.unescape(page_text(response))


def _signed_in_as(client) -> User | None:
    response = client.get(reverse("home"))
    user = response.wsgi_request.user
    return user if user.is_authenticated else None


def test_roster_person_gets_a_sign_in_and_lands_in_the_organization(client, org, alpha_sso, ann, oidc_provider):  # noqa: F811
    oidc_provider.set_user("ann-sub", {"email": "Ann@Alpha-Corp.test", "name": "Ann Archer"})

    response = idp_round_trip(client, ANN, "ann-sub")

    assert response.status_code == 302
    assert response["Location"] == reverse("org-home", kwargs={"org_slug": org.slug})
    user = User.objects.get(email__iexact=ANN)
    assert _signed_in_as(client) == user
    membership = Membership.objects.get(organization=org, user=user)
    assert (membership.role, membership.employee) == ("member", ann)
    assert not user.has_usable_password()
    assert SocialAccount.objects.get(user=user).provider == "org-alpha"
    attempt = SsoSignInAttempt.objects.get(organization=org)
    assert (attempt.outcome, attempt.email, attempt.user) == ("signed_in", ANN, user)
    assert AuditEvent.objects.filter(organization=org, verb="sso.sign_in", actor=user).count() == 1
    assert AuditEvent.objects.filter(organization=org, verb="membership.create").count() == 1
    assert client.get(response["Location"]).status_code == 200

    # A second sign-in (another browser) is the same person: nothing new is created.
    again = idp_round_trip(Client(), ANN, "ann-sub")
    assert again.status_code == 302
    assert User.objects.filter(email__iexact=ANN).count() == 1
    assert SsoSignInAttempt.objects.filter(organization=org, outcome="signed_in").count() == 2


def test_existing_member_is_matched_by_employee_id_and_signed_in_as_themselves(client, org, alpha_sso, oidc_provider):  # noqa: F811
    from ..factories import MembershipFactory

    member = MembershipFactory(organization=org, user__email="bo@alpha-corp.test", employee__employee_id="B-7")
    # The IdP sends another address of the claimed domain; the employee id finds the roster entry.
    oidc_provider.set_user("bo-sub", {"email": "bo.brown@alpha-corp.test", "employee_id": "B-7"})

    response = idp_round_trip(client, "bo@alpha-corp.test", "bo-sub")

    assert response.status_code == 302
    assert _signed_in_as(client) == member.user
    assert User.objects.filter(email__iexact="bo.brown@alpha-corp.test").count() == 0


@pytest.mark.parametrize(
    ("client_id", "reason"),
    [
        ("wrong-issuer", "issued by another issuer"),
        ("wrong-audience", "wrong audience"),
        ("expired", "The ID token has expired."),
    ],
)
def test_an_invalid_id_token_is_refused_with_a_clear_page(client, org, ann, bad_oidc_provider, client_id, reason):  # noqa: F811
    oidc_connection(org, bad_oidc_provider.issuer, client_id=client_id, domains=["alpha-corp.test"])
    bad_oidc_provider.claims = {"sub": "ann-sub", "email": ANN, "name": "Ann Archer"}

    response = idp_round_trip(client, ANN, "ann-sub")

    assert response.status_code == 403
    assert "We could not sign you in" in _read(response)
    assert reason in _read(response)
    assert _signed_in_as(client) is None
    assert not User.objects.filter(email__iexact=ANN).exists()
    attempt = SsoSignInAttempt.objects.get(organization=org)
    assert attempt.outcome == "refused" and reason in attempt.reason
    assert AuditEvent.objects.filter(organization=org, verb="sso.sign_in_refused").count() == 1


def test_the_bad_provider_signs_in_when_its_token_is_right(client, org, ann, bad_oidc_provider):  # noqa: F811
    """The negative cases above fail for their one reason: the same provider with a sound token signs in."""
    oidc_connection(org, bad_oidc_provider.issuer, client_id="sound", domains=["alpha-corp.test"])
    bad_oidc_provider.claims = {"sub": "ann-sub", "email": ANN, "name": "Ann Archer"}

    assert idp_round_trip(client, ANN, "ann-sub").status_code == 302
    assert _signed_in_as(client).email == ANN


def test_person_outside_the_roster_is_refused_and_nothing_is_created(client, org, alpha_sso, oidc_provider):  # noqa: F811
    oidc_provider.set_user("zed-sub", {"email": "zed@alpha-corp.test", "employee_id": "NOPE"})
    users, memberships = User.objects.count(), Membership.objects.count()

    response = idp_round_trip(client, "zed@alpha-corp.test", "zed-sub")

    assert response.status_code == 403
    assert "zed@alpha-corp.test is not on Alpha Ltd's roster" in _read(response)
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert not SocialAccount.objects.exists()
    assert _signed_in_as(client) is None
    attempt = SsoSignInAttempt.objects.get(organization=org)
    assert (attempt.outcome, attempt.email) == ("refused", "zed@alpha-corp.test")


def test_leaver_is_refused(client, org, alpha_sso, ann, oidc_provider):  # noqa: F811
    ann.left_on = timezone.localdate() - timedelta(days=1)
    ann.save()
    oidc_provider.set_user("ann-sub", {"email": ANN})

    response = idp_round_trip(client, ANN, "ann-sub")

    assert response.status_code == 403
    assert "Ann Archer left on" in _read(response)
    assert not User.objects.filter(email__iexact=ANN).exists()


def test_without_account_creation_a_new_person_is_asked_to_get_an_invitation(client, org, ann, oidc_provider):  # noqa: F811
    oidc_connection(org, oidc_provider.issuer, domains=["alpha-corp.test"], create_on_first_sign_in=False)
    oidc_provider.set_user("ann-sub", {"email": ANN})

    response = idp_round_trip(client, ANN, "ann-sub")

    assert response.status_code == 403
    assert "ask your admin for an invitation" in _read(response)
    assert not User.objects.filter(email__iexact=ANN).exists()


def test_one_organizations_idp_never_signs_anyone_into_another(client, org, other_org, ann, oidc_provider):  # noqa: F811
    """Beta's IdP asserts Alpha's person (even one Beta also has on its roster): refused, as the domain is
    Alpha's; and a Beta sign-in with the same IdP subject is not Alpha's social account."""
    oidc_connection(org, oidc_provider.issuer, client_id="alpha-app", domains=["alpha-corp.test"])
    oidc_connection(other_org, oidc_provider.issuer, client_id="beta-app", domains=["beta-corp.test"])
    EmployeeFactory(organization=other_org, email=ANN)
    oidc_provider.set_user("ann-sub", {"email": ANN})
    assert idp_round_trip(Client(), ANN, "ann-sub").status_code == 302  # Ann through Alpha: fine
    ann_user = User.objects.get(email__iexact=ANN)

    # Beta's sign-in starts with a Beta address, and its IdP answers with Alpha's person.
    response = idp_round_trip(client, "someone@beta-corp.test", "ann-sub")

    assert response.status_code == 403
    assert "alpha-corp.test is not a verified domain of Beta plc" in _read(response)
    assert _signed_in_as(client) is None
    assert not Membership.objects.filter(organization=other_org, user=ann_user).exists()
    assert SocialAccount.objects.filter(provider="org-beta").count() == 0
    refused = SsoSignInAttempt.objects.get(organization=other_org)
    assert refused.outcome == "refused"
    assert not SsoSignInAttempt.objects.filter(organization=org, outcome="refused").exists()


def test_unclaimed_domain_and_sso_off_get_the_password_form(client, org, alpha_sso):
    response = client.post(reverse("sso-discover"), {"login": "someone@elsewhere.test", "next": "/o/alpha/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?email=someone%40elsewhere.test&next=%2Fo%2Falpha%2F"
    page = _read(client.get(response["Location"]))
    assert 'value="someone@elsewhere.test"' in page and 'name="password"' in page

    alpha_sso.enabled = False
    alpha_sso.save()
    response = client.post(reverse("sso-discover"), {"login": ANN})
    assert response["Location"].startswith("/accounts/login/?email=")


def test_claimed_domain_goes_straight_to_its_identity_provider(client, org, alpha_sso, oidc_provider):  # noqa: F811
    response = client.post(reverse("sso-discover"), {"login": ANN, "next": "https://evil.example/"})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{oidc_provider.issuer}/oauth2/authorize?")
    assert "code_challenge=" in location and "login_hint=ann%40alpha-corp.test" in location
    assert "redirect_uri=http%3A%2F%2Ftestserver%2Faccounts%2Foidc%2Forg-alpha%2Flogin%2Fcallback%2F" in location


def test_an_invalid_email_stays_on_the_first_step(client, db):
    response = client.post(reverse("sso-discover"), {"login": "not-an-address"})
    assert response.status_code == 400
    assert "Enter a valid email address." in _read(response)


def test_a_fullwidth_address_is_the_same_person_not_a_second_account(client, org, alpha_sso, ann, oidc_provider):  # noqa: F811
    """The domain rules read alpha-corp.test written in fullwidth letters as alpha-corp.test; the roster lookup and the
    stored address must read it the same way, or the IdP could mint a second account beside the roster person's."""
    fullwidth = "ann@" + "".join(chr(ord(c) + 0xFEE0) if c.isalpha() else c for c in "alpha-corp.test")
    oidc_provider.set_user("ann-sub", {"email": fullwidth, "name": "Ann Archer"})

    response = idp_round_trip(client, ANN, "ann-sub")

    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == ANN.lower()
    assert Membership.objects.get(organization=org, user=user).employee == ann
