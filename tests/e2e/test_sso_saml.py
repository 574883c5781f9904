"""SAML 2.0 sign-in in real Chromium: MentorHub's sign-in page sends the person to a SAML IdP on loopback (on
another site: 127.0.0.1, while MentorHub is on localhost), whose page posts a signed assertion back to the ACS
URL across sites (so the session cookie is not sent with that POST: allauth's ACS hand-over must carry it),
and the person lands in the organization."""

from __future__ import annotations

import html
import http.server
import re
import threading
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from identity.models import ClaimedDomain, SsoConnection, SsoSignInAttempt
from mentorhub.accounts.models import Membership, Organization
from tests.factories import EmployeeFactory
from tests.identity.saml_idp import TestIdp, authn_request_id

from .conftest import E2E

pytestmark = E2E

EMAIL = "ann@acme-saml.test"


class _IdpHandler(http.server.BaseHTTPRequestHandler):
    """The IdP's single sign-on page: "signed in" as `EMAIL`, it offers a form that posts the response."""

    idp: TestIdp
    acs_url: str
    audience: str

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != "/sso":
            self.send_response(204)
            self.end_headers()
            return
        query = parse_qs(parts.query)
        saml_response = self.idp.response(
            acs_url=self.acs_url,
            audience=self.audience,
            name_id=EMAIL,
            in_response_to=authn_request_id(self.path),
            attributes={"email": EMAIL, "name": "Ann Archer"},
        )
        relay_state = query.get("RelayState", [""])[0]
        body = (
            '<!doctype html><html lang="en"><head><title>Test IdP</title></head><body><main>'
            f"<h1>Test IdP</h1><p>Signed in as {html.escape(EMAIL)}</p>"
            f'<form method="post" action="{html.escape(self.acs_url)}">'
            f'<input type="hidden" name="SAMLResponse" value="{html.escape(saml_response)}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">'
            '<button type="submit">Continue to MentorHub</button></form></main></body></html>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def saml_idp_server(live_server) -> Iterator[TestIdp]:
    class Handler(_IdpHandler):
        pass

    handler = Handler
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    idp = TestIdp(entity_id=f"{base}/metadata", sso_url=f"{base}/sso", slo_url=f"{base}/slo")
    handler.idp = idp
    handler.acs_url = f"{live_server.url}/accounts/saml/acme/acs/"
    handler.audience = f"{live_server.url}/accounts/saml/acme/metadata/"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield idp
    finally:
        server.shutdown()
        server.server_close()


def test_roster_person_signs_in_through_a_saml_identity_provider(page, live_server, transactional_db, saml_idp_server):
    org = Organization.objects.create(slug="acme", name="Acme Corporation")
    employee = EmployeeFactory(organization=org, email=EMAIL, name="Ann Archer")
    ClaimedDomain.objects.create(organization=org, domain="acme-saml.test", verified_at=timezone.now())
    SsoConnection.objects.create(
        organization=org,
        protocol=SsoConnection.Protocol.SAML,
        enabled=True,
        saml_metadata_xml=saml_idp_server.metadata_xml(),
        saml_idp_entity_id=saml_idp_server.entity_id,
        attribute_email="email",
        attribute_name="name",
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email", exact=True).fill(EMAIL)
    with page.expect_navigation(url=re.compile(rf"^{re.escape(saml_idp_server.sso_url)}\?SAMLRequest=")):
        page.get_by_role("button", name="Continue", exact=True).click()

    expect(page.get_by_text(f"Signed in as {EMAIL}")).to_be_visible()
    with page.expect_navigation(url=re.compile(r"/o/acme/$")):
        page.get_by_role("button", name="Continue to MentorHub").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corporation")
    account = page.get_by_role("navigation", name="Account")
    expect(account.get_by_role("link", name=EMAIL)).to_be_visible()
    membership = Membership.objects.get(organization=org, user__email=EMAIL)
    assert membership.employee == employee and membership.role == "member"
    assert SsoSignInAttempt.objects.get(organization=org).outcome == "signed_in"
