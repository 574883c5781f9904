"""The SSO settings page in Chromium: an admin configures OpenID Connect through its labelled fields, the
secret is never shown back, a domain is claimed with the keyboard, verified through its DNS TXT record (a real
DNS server on loopback) and released after a confirmation."""

from __future__ import annotations

import re

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from identity.crypto import secret_decrypt
from identity.models import ClaimedDomain, SsoConnection
from mentorhub.accounts.models import Role
from tests.factories import MembershipFactory, OrganizationFactory
from tests.identity.dns_peer import loopback_dns

from .conftest import E2E, RESULTS_DIR, axe_check

pytestmark = E2E
SECRET = "browser-typed-secret"


def test_an_admin_sets_up_oidc_and_claims_a_domain(page, live_server, transactional_db):
    org = OrganizationFactory(slug="alpha", name="Alpha Ltd")
    admin = MembershipFactory(organization=org, role=Role.ADMIN, user__email="admin@alpha.test")
    client = Client()  # a signed-in session (the sign-in form itself is tested in test_sign_in.py)
    client.force_login(admin.user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])

    page.goto(f"{live_server.url}/o/alpha/")
    page.get_by_role("navigation", name="Alpha Ltd").get_by_role("link", name="Single sign-on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Single sign-on")
    expect(page.get_by_label("Redirect URI")).to_have_value(
        f"{live_server.url}/accounts/oidc/org-alpha/login/callback/"
    )
    axe_check(page)

    page.get_by_label("Turn on single sign-on").check()
    page.get_by_label("OpenID Connect", exact=True).check()
    page.get_by_label("Issuer URL").fill("https://login.example.test/v2.0")
    page.get_by_label("Client ID").fill("mentorhub")
    page.get_by_label("Client secret").fill(SECRET)
    page.get_by_role("button", name="Save SSO settings").click()

    expect(page.get_by_text("Single sign-on settings saved. SSO is on.")).to_be_visible()
    expect(page.get_by_text("A secret is stored", exact=True)).to_be_visible()
    expect(page.get_by_label("Client secret")).to_have_value("")
    assert SECRET not in page.content()
    connection = SsoConnection.objects.get(organization=org)
    assert secret_decrypt(connection.oidc_client_secret_encrypted) == SECRET

    domain = page.get_by_role("textbox", name="Email domain")
    domain.fill("Alpha.Example")
    domain.press("Enter")
    expect(page.get_by_text("alpha.example is claimed. Publish its TXT record in your DNS")).to_be_visible()
    claim = ClaimedDomain.objects.get(organization=org, domain="alpha.example")
    assert claim.verified_at is None
    with loopback_dns() as dns:  # the live server runs in this process: it asks this DNS server
        dns.publish_claim(claim)  # what the admin does at their DNS host
        page.get_by_role("button", name="Verify alpha.example").click()
        expect(page.get_by_text("alpha.example is verified")).to_be_visible()
    claim.refresh_from_db()
    assert claim.verified_at is not None
    axe_check(page)
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / "sso-settings.png"), full_page=True)

    page.get_by_role("link", name="Release alpha.example").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Release the domain alpha.example?")
    page.get_by_role("button", name="Release alpha.example").click()
    expect(page).to_have_url(re.compile(r"/o/alpha/settings/sso/#domains$"))
    expect(page.get_by_text("No domains claimed yet.")).to_be_visible()
    assert not ClaimedDomain.objects.exists()
