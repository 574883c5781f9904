"""Single sign-on in real Chromium: from MentorHub's sign-in page through a real OpenID Connect provider on
loopback (oidc-provider-mock) and back, landing in the organization as the roster person."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from identity.models import SsoSignInAttempt
from mentorhub.accounts.models import Membership
from tests.factories import EmployeeFactory, OrganizationFactory
from tests.identity.oidc_peer import oidc_connection, oidc_provider  # noqa: F401

from .conftest import E2E, axe_check

pytestmark = E2E


def test_roster_person_signs_in_through_their_identity_provider(page, live_server, transactional_db, oidc_provider):  # noqa: F811
    org = OrganizationFactory(slug="acme", name="Acme Corporation")
    employee = EmployeeFactory(organization=org, email="ann@acme-sso.test", name="Ann Archer")
    oidc_connection(org, oidc_provider.issuer, domains=["acme-sso.test"])
    oidc_provider.set_user("ann-sub", {"email": "ann@acme-sso.test", "name": "Ann Archer"})

    # The provider's pages load a stylesheet from a CDN (no network here) and ask for a favicon it lacks:
    # answer both empty, so the browser reports no errors of the provider's own.
    page.route("https://cdn.jsdelivr.net/**", lambda route: route.fulfill(status=200, content_type="text/css", body=""))
    page.route(f"{oidc_provider.issuer}/favicon.ico", lambda route: route.fulfill(status=204, body=""))

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
    expect(page.get_by_label("Password", exact=True)).to_have_count(0)  # email first
    axe_check(page)
    page.get_by_label("Email", exact=True).fill("ann@acme-sso.test")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()

    # The organization's identity provider (another origin) asks who is signing in.
    expect(page).to_have_url(re.compile(rf"^{re.escape(oidc_provider.issuer)}/oauth2/authorize\?"))
    page.get_by_placeholder("sub").fill("ann-sub")
    with page.expect_navigation(url=re.compile(r"/o/acme/$")):
        page.get_by_role("button", name="Authorize", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corporation")
    account = page.get_by_role("navigation", name="Account")
    expect(account.get_by_role("link", name="ann@acme-sso.test")).to_be_visible()
    membership = Membership.objects.get(organization=org, user__email="ann@acme-sso.test")
    assert membership.employee == employee and membership.role == "member"
    assert SsoSignInAttempt.objects.get(organization=org).outcome == "signed_in"
