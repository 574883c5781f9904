"""SAML 2.0 sign-in against a test IdP whose responses are built and signed with xmlsec in the test: a valid
signed assertion signs the roster person in; unsigned, wrongly signed, altered, replayed, expired,
wrong-audience and unsolicited responses are refused before anyone is signed in, and each refusal of a sign-in
this browser started is recorded (attempt + audit event) with a reason a person reads; a failed connection
test shows its reason to the admin who ran it."""

from __future__ import annotations

import base64
import datetime as dt
import html
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from identity.models import ClaimedDomain, SsoConnection, SsoSignInAttempt
from identity.sso.saml import (
    REPLAY_REASON,
    UNREQUESTED_REASON,
    UNSOLICITED_REASON,
    saml_app_settings,
    saml_sp_urls,
)
from mentorhub.accounts.models import AuditEvent, Membership, User
from tests.factories import EmployeeFactory
from tests.helpers import org_url, page_text

from .saml_idp import TestIdp, authn_request_id, key_pair

SP = "http://testserver"
EMAIL = "ada.lovelace@alpha.test"


@pytest.fixture
def idp() -> TestIdp:
    return TestIdp()


@pytest.fixture
def connection(org, idp) -> SsoConnection:
    ClaimedDomain.objects.create(organization=org, domain="alpha.test", verified_at=timezone.now())
    return SsoConnection.objects.create(
        organization=org,
        protocol=SsoConnection.Protocol.SAML,
        enabled=True,
        saml_metadata_xml=idp.metadata_xml(),
        saml_idp_entity_id=idp.entity_id,
        attribute_email="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        attribute_name="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
        attribute_employee_id="employee_id",
    )


@pytest.fixture
def browser() -> Client:
    """A browser: it always sends a Host header (python3-saml builds the URLs it checks from it)."""
    return _browser()


def _browser() -> Client:
    return Client(HTTP_HOST="testserver")


@pytest.fixture
def ada(org):
    return EmployeeFactory(organization=org, email=EMAIL, name="Ada Lovelace", employee_id="E-1815")


def _acs(slug: str) -> str:
    return f"{SP}{reverse('saml_acs', args=[slug])}"


def _audience(slug: str) -> str:
    return f"{SP}{reverse('saml_metadata', args=[slug])}"


def _start(client: Client, slug: str, idp: TestIdp) -> str:
    """Start an SP-initiated sign-in; the id of the AuthnRequest the browser carries to the IdP."""
    response = client.post(reverse("saml_login", args=[slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(idp.sso_url + "?SAMLRequest=")
    return authn_request_id(response["Location"])


def _respond(client: Client, slug: str, saml_response: str) -> Any:
    """The browser posts the IdP's response to the ACS URL and follows allauth to the finishing view."""
    response = client.post(reverse("saml_acs", args=[slug]), {"SAMLResponse": saml_response, "RelayState": ""})
    assert response.status_code == 302
    return client.get(response["Location"])


def _response(idp: TestIdp, slug: str, request_id: str | None, **overrides: Any) -> str:
    kwargs: dict[str, Any] = {
        "acs_url": _acs(slug),
        "audience": _audience(slug),
        "name_id": EMAIL,
        "in_response_to": request_id,
        "attributes": {
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": EMAIL,
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name": "Ada Lovelace",
            "employee_id": "E-1815",
        },
    }
    kwargs.update(overrides)
    return idp.response(**kwargs)


def _signed_in_email(client: Client) -> str | None:
    user_pk = client.session.get(SESSION_KEY)
    return User.objects.get(pk=user_pk).email if user_pk else None


def _refusal_page(response: Any) -> str:
    """The refusal page the person reads (it carries python3-saml's reason for the refusal)."""
    assert response.status_code == 403
    return html.unescape(page_text(response))


def _refusal_recorded(organization: Any, reason: str) -> SsoSignInAttempt:
    """The one refused attempt of the organization, its reason starting with `reason`, and its audit event."""
    attempt = SsoSignInAttempt.objects.get(organization=organization, outcome=SsoSignInAttempt.Outcome.REFUSED)
    assert attempt.protocol == SsoConnection.Protocol.SAML
    assert attempt.reason.startswith(reason), attempt.reason
    event = AuditEvent.objects.get(organization=organization, verb="sso.sign_in_refused")
    assert event.target_id == str(attempt.pk)
    assert event.changes["reason"] == [None, attempt.reason]
    return attempt


# --- settings for allauth and the values shown to the admin ----------------------------------------------


def test_app_settings_require_signed_assertions_and_map_the_attributes(connection, idp):
    settings = saml_app_settings(connection)
    assert settings["idp"] == {
        "entity_id": idp.entity_id,
        "sso_url": idp.sso_url,
        "slo_url": idp.slo_url,
        "x509cert": idp.keys.cert_b64,
    }
    assert settings["attribute_mapping"] == {
        "email": ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"],
        "name": ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"],
        "employee_id": ["employee_id"],
    }
    advanced = settings["advanced"]
    assert advanced["strict"] is True
    assert advanced["want_assertion_signed"] is True
    assert advanced["reject_idp_initiated_sso"] is True
    assert advanced["reject_deprecated_algorithm"] is True


def test_sp_urls_and_the_sp_metadata_page(connection, rf, browser):
    urls = saml_sp_urls(rf.get("/"), connection)
    assert urls == {
        "entity_id": f"{SP}/accounts/saml/alpha/metadata/",
        "acs_url": f"{SP}/accounts/saml/alpha/acs/",
        "metadata_url": f"{SP}/accounts/saml/alpha/metadata/",
        "login_url": f"{SP}/accounts/saml/alpha/login/",
    }
    metadata = browser.get(urls["metadata_url"])
    assert metadata.status_code == 200
    text = metadata.content.decode()
    assert f'entityID="{urls["entity_id"]}"' in text
    assert f'Location="{urls["acs_url"]}"' in text
    assert 'WantAssertionsSigned="true"' in text


def test_saml_pages_of_an_organization_without_saml_sign_in_are_not_found(connection, other_org, browser):
    for slug in ("beta", "no-such-org"):
        assert browser.get(reverse("saml_metadata", args=[slug])).status_code == 404
        assert browser.post(reverse("saml_login", args=[slug])).status_code == 404
    connection.enabled = False
    connection.save()
    assert browser.get(reverse("saml_metadata", args=["alpha"])).status_code == 404


# --- the sign-in round trip -------------------------------------------------------------------------------


def test_valid_signed_assertion_signs_the_roster_person_in(connection, idp, ada, browser):
    request_id = _start(browser, "alpha", idp)
    response = _respond(browser, "alpha", _response(idp, "alpha", request_id))
    assert response.status_code == 302, _refusal_page(response)
    assert _signed_in_email(browser) == EMAIL
    membership = Membership.objects.get(organization=connection.organization, user__email=EMAIL)
    assert membership.employee == ada


def test_a_response_signed_as_a_whole_is_accepted_too(connection, idp, ada, browser):
    request_id = _start(browser, "alpha", idp)
    _respond(browser, "alpha", _response(idp, "alpha", request_id, sign_response=True))
    assert _signed_in_email(browser) == EMAIL


NOT_SIGNED = "The assertion is not signed: MentorHub accepts only assertions signed by the identity provider."
BAD_SIGNATURE = "The response's signature did not verify against the identity provider's certificate"


@pytest.mark.parametrize(
    ("overrides", "plain", "detail"),
    [
        ({"sign_assertion": False}, NOT_SIGNED, "is not signed"),
        ({"sign_assertion": False, "sign_response": True}, NOT_SIGNED, "is not signed"),
        ({"signing_keys": key_pair("attacker")}, BAD_SIGNATURE, "Signature validation failed"),
        (
            {"issued_at": dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)},
            "The assertion expired before it reached MentorHub",
            "expired",
        ),
        (
            {"audience": "https://other-sp.example.com/saml/metadata/"},
            "The response was sent for another audience",
            "not a valid audience",
        ),
        (
            {"acs_url": f"{SP}/accounts/saml/beta/acs/"},
            "The response was sent to another address than this organization's ACS URL.",
            "instead of",
        ),
    ],
    ids=["unsigned", "only-message-signed", "wrong-key", "expired", "wrong-audience", "wrong-destination"],
)
def test_broken_responses_are_refused_and_recorded(connection, idp, ada, browser, overrides, plain, detail):
    request_id = _start(browser, "alpha", idp)
    response = _respond(browser, "alpha", _response(idp, "alpha", request_id, **overrides))
    page = _refusal_page(response)
    assert plain in page and detail in page
    assert _signed_in_email(browser) is None
    assert not Membership.objects.filter(user__email=EMAIL).exists()
    attempt = _refusal_recorded(connection.organization, plain)
    assert detail in attempt.reason


def test_an_assertion_altered_after_signing_is_refused(connection, idp, ada, browser):
    request_id = _start(browser, "alpha", idp)
    xml = _response_xml(idp, "alpha", request_id).replace(EMAIL, "grace.hopper@alpha.test")
    response = _respond(browser, "alpha", _b64(xml))
    assert "Signature validation failed" in _refusal_page(response)
    assert _signed_in_email(browser) is None
    _refusal_recorded(connection.organization, BAD_SIGNATURE)


def test_a_forged_assertion_next_to_a_signed_one_is_refused(connection, idp, ada, browser):
    """Signature wrapping: the signed assertion stays, a forged unsigned one (another person) rides along."""
    request_id = _start(browser, "alpha", idp)
    genuine = _response_xml(idp, "alpha", request_id)
    forged_xml = _response_xml(idp, "alpha", request_id).replace(EMAIL, "grace.hopper@alpha.test")
    forged = forged_xml[forged_xml.index("<saml:Assertion") : forged_xml.index("</saml:Assertion>") + 17]
    forged = forged.split("<ds:Signature", 1)[0] + forged.split("</ds:Signature>", 1)[1]
    wrapped = genuine.replace("<saml:Assertion", forged + "<saml:Assertion", 1)
    response = _respond(browser, "alpha", _b64(wrapped))
    assert "must contain 1 assertion" in _refusal_page(response)
    assert _signed_in_email(browser) is None
    _refusal_recorded(connection.organization, "The response must hold exactly one assertion")


def test_a_replayed_response_is_refused(connection, idp, ada, browser):
    request_id = _start(browser, "alpha", idp)
    saml_response = _response(idp, "alpha", request_id)
    _respond(browser, "alpha", saml_response)
    assert _signed_in_email(browser) == EMAIL

    # The same response, captured and posted again from another browser that started its own sign-in.
    thief = _browser()
    _start(thief, "alpha", idp)
    response = _respond(thief, "alpha", saml_response)
    assert REPLAY_REASON in _refusal_page(response)
    assert _signed_in_email(thief) is None
    _refusal_recorded(connection.organization, REPLAY_REASON)
    assert SsoSignInAttempt.objects.filter(organization=connection.organization).count() == 2  # + the sign-in


def test_an_unsolicited_response_is_refused_and_recorded_against_the_started_sign_in(connection, idp, ada, browser):
    """IdP-initiated sign-in (no InResponseTo) is refused: it cannot be bound to this browser."""
    _start(browser, "alpha", idp)
    response = _respond(browser, "alpha", _response(idp, "alpha", None))
    assert _signed_in_email(browser) is None
    assert UNSOLICITED_REASON in _refusal_page(response)
    _refusal_recorded(connection.organization, UNSOLICITED_REASON)


def test_responses_posted_without_a_started_sign_in_are_refused_and_not_recorded(connection, idp, ada, browser):
    """Anyone can POST to the ACS: without a sign-in this browser started for alpha nothing is written."""
    unsolicited = _respond(browser, "alpha", _response(idp, "alpha", None))
    assert UNSOLICITED_REASON in _refusal_page(unsolicited)
    for junk in ("not base64 at all!", _b64("<junk/>"), _response(idp, "alpha", "_never-asked")):
        assert _respond(browser, "alpha", junk).status_code == 403
    assert _signed_in_email(browser) is None
    assert not SsoSignInAttempt.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="sso.").exists()


def test_one_started_sign_in_is_recorded_once(connection, idp, ada, browser):
    _start(browser, "alpha", idp)
    first = _respond(browser, "alpha", "not base64 at all!")
    assert "The response could not be read." in _refusal_page(first)
    _respond(browser, "alpha", "not base64 at all!")
    _respond(browser, "alpha", _response(idp, "alpha", None))
    _refusal_recorded(connection.organization, "The response could not be read.")


def test_a_response_to_another_browsers_request_is_refused(connection, idp, ada, browser):
    request_id = _start(_browser(), "alpha", idp)
    _start(browser, "alpha", idp)
    response = _respond(browser, "alpha", _response(idp, "alpha", request_id))
    assert UNREQUESTED_REASON in _refusal_page(response)
    assert _signed_in_email(browser) is None
    _refusal_recorded(connection.organization, UNREQUESTED_REASON)


def test_another_organizations_idp_cannot_sign_in_here(connection, idp, ada, browser, other_org):
    """A second organization with its own IdP: its correctly signed response posted to alpha's ACS fails."""
    other_idp = TestIdp(entity_id="https://idp.beta.test/saml", sso_url="https://idp.beta.test/sso")
    other_idp.keys = key_pair("beta")
    SsoConnection.objects.create(
        organization=other_org,
        protocol=SsoConnection.Protocol.SAML,
        enabled=True,
        saml_metadata_xml=other_idp.metadata_xml(),
        saml_idp_entity_id=other_idp.entity_id,
    )
    request_id = _start(browser, "alpha", idp)
    response = _respond(browser, "alpha", _response(other_idp, "alpha", request_id))
    page = _refusal_page(response)
    assert "The response was issued by another identity provider than the one configured." in page
    assert f"expected {idp.entity_id}, got {other_idp.entity_id}" in page
    assert _signed_in_email(browser) is None
    _refusal_recorded(connection.organization, "The response was issued by another identity provider")
    assert not SsoSignInAttempt.objects.filter(organization=other_org).exists()
    assert not AuditEvent.objects.filter(organization=other_org).exists()


# --- test the connection ------------------------------------------------------------------------------------


def _start_test(client: Client, org: Any, idp: TestIdp) -> str:
    client.defaults["HTTP_HOST"] = "testserver"
    response = client.post(org_url("sso-test", org))
    assert response.status_code == 302
    assert response["Location"].startswith(idp.sso_url + "?SAMLRequest=")
    return authn_request_id(response["Location"])


def test_a_passing_connection_test_shows_the_attributes(connection, idp, ada, admin, admin_client):
    request_id = _start_test(admin_client, connection.organization, idp)
    response = _respond(admin_client, "alpha", _response(idp, "alpha", request_id))
    assert response["Location"] == org_url("sso-test-result", connection.organization)
    page = html.unescape(page_text(admin_client.get(response["Location"])))
    assert "Test passed." in page and "employee_id" in page and "E-1815" in page
    assert admin_client.get(reverse("home")).wsgi_request.user == admin.user
    assert SsoSignInAttempt.objects.get().outcome == SsoSignInAttempt.Outcome.TEST_PASSED


def test_a_failed_connection_test_shows_why_to_the_admin(connection, idp, ada, admin, admin_client):
    request_id = _start_test(admin_client, connection.organization, idp)
    broken = _response(idp, "alpha", request_id, signing_keys=key_pair("attacker"))
    response = _respond(admin_client, "alpha", broken)

    assert response.status_code == 302
    assert response["Location"] == org_url("sso-test-result", connection.organization)
    page = html.unescape(page_text(admin_client.get(response["Location"])))
    assert f"Test failed.</strong> {BAD_SIGNATURE}" in page
    assert admin_client.get(reverse("home")).wsgi_request.user == admin.user
    attempt = SsoSignInAttempt.objects.get(organization=connection.organization)
    assert attempt.outcome == SsoSignInAttempt.Outcome.TEST_FAILED
    assert attempt.reason.startswith(BAD_SIGNATURE)
    event = AuditEvent.objects.get(organization=connection.organization, verb="sso.test", actor=admin.user)
    assert event.changes["outcome"] == [None, SsoSignInAttempt.Outcome.TEST_FAILED]


def _response_xml(idp: TestIdp, slug: str, request_id: str | None) -> str:
    return base64.b64decode(_response(idp, slug, request_id)).decode()


def _b64(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()
