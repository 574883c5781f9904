"""A form's redirect to another site (mentorhub/web/browser_policy.py): the policy's `form-action 'self'`
makes Chromium refuse the redirect that answers a form, so single sign-on's "Continue" (a form posted here,
answered with a redirect to the identity provider) becomes a page that goes on by itself. Against a real
OpenID Connect provider on loopback; the whole sign-in in Chromium is tests/e2e/test_sso_oidc.py."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from mentorhub.web.browser_policy import other_site
from tests.factories import EmployeeFactory
from tests.helpers import page_text
from tests.identity.oidc_peer import oidc_connection, oidc_provider  # noqa: F401

pytestmark = pytest.mark.django_db

ANN = "ann@alpha-corp.test"
NAVIGATION = {"HTTP_SEC_FETCH_MODE": "navigate", "HTTP_SEC_FETCH_DEST": "document"}


@pytest.fixture
def alpha_sso(org, oidc_provider):  # noqa: F811
    EmployeeFactory(organization=org, email=ANN, name="Ann Archer")
    return oidc_connection(org, oidc_provider.issuer, domains=["alpha-corp.test"])


def test_a_form_sent_to_the_identity_provider_gets_a_page_that_goes_on(alpha_sso, oidc_provider):  # noqa: F811
    client = Client()
    response = client.post(reverse("sso-discover"), {"login": ANN}, **NAVIGATION)

    assert response.status_code == 200
    page = page_text(response)
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', page)
    assert refresh is not None
    location = html.unescape(refresh.group(1))
    assert location.startswith(f"{oidc_provider.issuer}/oauth2/authorize?") and "code_challenge=" in location
    host = oidc_provider.issuer.split("//", 1)[1]
    assert f"<h1>Continuing to {host}</h1>" in page
    assert f'<a href="{refresh.group(1)}">Continue to {host}</a>' in page  # by hand, without the refresh
    assert "no-store" in response["Cache-Control"]  # the address carries the sign-in's one-time state
    # The sign-in's state went into the session with the redirect: its cookie is kept.
    assert response.cookies["sessionid"].value
    assert "form-action 'self'" in response["Content-Security-Policy"]


def test_the_same_post_without_a_browser_navigation_keeps_its_redirect(alpha_sso, oidc_provider):  # noqa: F811
    # htmx, fetch, the test client and API callers send no `Sec-Fetch-Mode: navigate`: their redirect stays one.
    response = Client().post(reverse("sso-discover"), {"login": ANN})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{oidc_provider.issuer}/oauth2/authorize?")


def test_a_form_redirected_within_this_site_stays_a_redirect(db):
    response = Client().post(reverse("sso-discover"), {"login": "someone@elsewhere.test"}, **NAVIGATION)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?email=someone%40elsewhere.test"


@pytest.mark.parametrize(
    ("location", "host"),
    [
        ("/accounts/login/", None),
        ("http://testserver/o/alpha/", None),  # this site, written in full
        ("https://idp.example/authorize?state=x", "idp.example"),
        ("//idp.example:8443/authorize", "idp.example:8443"),
        ("javascript://idp.example/%0aalert(1)", None),  # no web address: never put in a page
    ],
)
def test_only_a_web_address_of_another_site_is_handed_off(rf, location, host):
    assert other_site(rf.post("/sso/discover/"), location) == host
