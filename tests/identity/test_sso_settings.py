"""Settings -> Single sign-on: admins configure OpenID Connect or SAML 2.0 and the policy; the client secret is
stored encrypted and never shown or audited; IdP metadata comes by upload or from a real server on loopback;
the page lists the latest sign-in attempts in the viewer's time zone."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from identity.crypto import secret_decrypt
from identity.models import ClaimedDomain, SsoConnection, SsoSignInAttempt
from identity.services.sso import sso_connection_update
from mentorhub.accounts.models import AuditEvent
from tests.helpers import org_url, page_text

from .saml_idp import TestIdp

pytestmark = pytest.mark.django_db

SECRET = "s3cret-Value-from-the-IdP"
OIDC = {
    "enabled": "on",
    "protocol": "oidc",
    "oidc_issuer": "https://login.example.test/tenant/v2.0",
    "oidc_client_id": "mentorhub-app",
    "client_secret": SECRET,
    "oidc_scopes": "openid email profile",
    "attribute_email": "email",
    "attribute_name": "name",
    "attribute_employee_id": "employee_id",
    "create_on_first_sign_in": "on",
}


def _save(client, org, data, **files):
    return client.post(org_url("sso-settings", org), {**data, **files})


def test_the_page_shows_what_to_copy_into_the_identity_provider(admin_client, org):
    response = admin_client.get(org_url("sso-settings", org))
    assert response.status_code == 200
    text = page_text(response)
    assert '<a href="/o/alpha/settings/sso/" aria-current="page">Single sign-on</a>' in text
    assert 'value="http://testserver/accounts/oidc/org-alpha/login/callback/"' in text
    assert "PKCE" in text and "always on" in text
    assert 'value="http://testserver/accounts/saml/alpha/acs/"' in text
    assert 'value="http://testserver/accounts/saml/alpha/metadata/"' in text  # the SP entity id
    assert "MentorHub requires signed assertions" in text
    assert "No secret is stored yet." in text
    assert "Save your identity provider's settings first" in text  # no test before anything is saved
    assert "No SSO sign-ins yet." in text and "No domains claimed yet." in text


def test_members_and_stakeholders_neither_see_nor_open_it(member_client, stakeholder_client, org):
    for client in (member_client, stakeholder_client):
        assert client.get(org_url("sso-settings", org)).status_code == 403
        assert client.post(org_url("sso-settings", org), OIDC).status_code == 403
        assert "Single sign-on" not in page_text(client.get(org_url("people-list", org)))
    assert not SsoConnection.objects.exists()


def test_saving_oidc_stores_the_secret_encrypted_and_never_shows_or_audits_it(admin_client, org, admin):
    response = _save(admin_client, org, OIDC)
    assert response.status_code == 302
    connection = SsoConnection.objects.get(organization=org)
    assert connection.enabled and connection.protocol == "oidc" and connection.provider_id == "org-alpha"
    assert connection.oidc_issuer == OIDC["oidc_issuer"] and connection.oidc_client_id == "mentorhub-app"
    assert SECRET not in connection.oidc_client_secret_encrypted
    assert secret_decrypt(connection.oidc_client_secret_encrypted) == SECRET

    event = AuditEvent.objects.get(organization=org, verb="sso.connection_create")
    assert event.actor == admin.user
    assert event.changes["client_secret"] == "client secret changed"
    assert event.changes["enabled"] == [False, True]
    assert SECRET not in str(list(AuditEvent.objects.values_list("changes", "target_label")))

    page = page_text(admin_client.get(org_url("sso-settings", org)))
    assert "Single sign-on settings saved. SSO is on." in page
    assert "A secret is stored" in page and SECRET not in page
    assert 'name="client_secret"' in page and 'name="client_secret" value' not in page  # blank field
    assert 'action="/o/alpha/settings/sso/test/"' in page  # the test button posts to the test view


def test_a_blank_secret_keeps_the_stored_one_and_a_new_one_replaces_it(admin_client, org):
    sso_connection_update(organization=org, actor=None, **{**OIDC, "enabled": True, "create_on_first_sign_in": True})
    stored = SsoConnection.objects.get(organization=org).oidc_client_secret_encrypted
    assert _save(admin_client, org, {**OIDC, "client_secret": "", "oidc_client_id": "renamed"}).status_code == 302
    connection = SsoConnection.objects.get(organization=org)
    assert connection.oidc_client_id == "renamed" and connection.oidc_client_secret_encrypted == stored
    update = AuditEvent.objects.filter(organization=org, verb="sso.connection_update").latest("id")
    assert update.changes == {"oidc_client_id": ["mentorhub-app", "renamed"]}

    assert (
        _save(admin_client, org, {**OIDC, "client_secret": "rotated-secret", "oidc_client_id": "renamed"}).status_code
        == 302
    )
    connection.refresh_from_db()
    assert secret_decrypt(connection.oidc_client_secret_encrypted) == "rotated-secret"
    latest = AuditEvent.objects.filter(organization=org, verb="sso.connection_update").latest("id")
    assert latest.changes == {"client_secret": "client secret changed"}


def test_turning_sso_on_needs_the_chosen_protocols_settings(admin_client, org):
    response = _save(
        admin_client,
        org,
        {
            "enabled": "on",
            "protocol": "oidc",
            "oidc_scopes": "email profile",
            "require_sso": "on",
            "attribute_email": "email",
            "attribute_name": "name",
        },
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Nothing was saved." in text
    for message in (
        "Enter your identity provider&#x27;s issuer URL to turn on OpenID Connect sign-in.",
        "Enter the client ID your identity provider gave MentorHub.",
        "Enter the client secret your identity provider gave MentorHub.",
        "The scopes must include openid",
    ):
        assert message in text
    saml = _save(
        admin_client,
        org,
        {
            "enabled": "on",
            "protocol": "saml",
            "oidc_scopes": "openid",
            "attribute_email": "email",
            "attribute_name": "name",
        },
    )
    assert saml.status_code == 400
    assert "Give your identity provider&#x27;s metadata URL or upload its metadata XML" in page_text(saml)
    # Requiring SSO while it is off would lock members out.
    off = _save(
        admin_client,
        org,
        {
            "protocol": "oidc",
            "oidc_scopes": "openid",
            "require_sso": "on",
            "attribute_email": "email",
            "attribute_name": "name",
        },
    )
    assert "Turn single sign-on on before requiring it" in page_text(off)
    insecure = _save(admin_client, org, {**OIDC, "oidc_issuer": "http://login.example.test/"})
    assert "The issuer URL must use https://." in page_text(insecure)
    assert not SsoConnection.objects.exists() and not AuditEvent.objects.filter(verb__startswith="sso.").exists()


def test_blank_scopes_are_the_default_and_unknown_settings_are_refused(org):
    connection = sso_connection_update(organization=org, actor=None, oidc_scopes="  ", protocol="oidc")
    assert connection.oidc_scopes == "openid email profile"
    connection = sso_connection_update(organization=org, actor=None, oidc_scopes="openid  email openid groups")
    assert connection.oidc_scopes == "openid email groups"
    with pytest.raises(TypeError):
        sso_connection_update(organization=org, actor=None, oidc_client_secret_encrypted="forged")


def test_saml_metadata_uploaded_is_validated_and_stored(admin_client, org):
    idp = TestIdp()
    data = {
        "enabled": "on",
        "protocol": "saml",
        "oidc_scopes": "openid",
        "attribute_email": "mail",
        "attribute_name": "displayName",
        "attribute_employee_id": "employeeNumber",
    }
    bad = _save(admin_client, org, data, saml_metadata_file=SimpleUploadedFile("idp.xml", b"<html>nope</html>"))
    assert bad.status_code == 400
    assert "This is not SAML identity-provider metadata" in page_text(bad)
    upload = SimpleUploadedFile("idp.xml", idp.metadata_xml().encode(), content_type="application/xml")
    assert _save(admin_client, org, data, saml_metadata_file=upload).status_code == 302
    connection = SsoConnection.objects.get(organization=org)
    assert connection.protocol == "saml" and connection.provider_id == "alpha"
    assert connection.saml_idp_entity_id == idp.entity_id and connection.saml_metadata_xml == idp.metadata_xml()
    assert (connection.attribute_email, connection.attribute_employee_id) == ("mail", "employeeNumber")
    event = AuditEvent.objects.get(organization=org, verb="sso.connection_create")
    assert event.changes["saml_metadata"] == "IdP metadata uploaded"
    assert event.changes["saml_idp_entity_id"] == ["", idp.entity_id]
    page = page_text(admin_client.get(org_url("sso-settings", org)))
    assert f"for the identity provider <code>{idp.entity_id}</code>, uploaded" in page


class _MetadataHandler(http.server.BaseHTTPRequestHandler):
    body = b""
    requests: list[str] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/samlmetadata+xml")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def idp_server(settings) -> Iterator[type[_MetadataHandler]]:
    """A real HTTP server on loopback serving IdP metadata (loopback and http allowed for tests only)."""
    settings.SSO_METADATA_ALLOW_LOOPBACK = True
    settings.SSO_METADATA_ALLOW_HTTP = True
    handler = type("Handler", (_MetadataHandler,), {"body": TestIdp().metadata_xml().encode(), "requests": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}/federationmetadata.xml"  # type: ignore[attr-defined]
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


def test_saml_metadata_is_fetched_from_its_url_when_it_changes_or_is_asked_for(admin_client, org, idp_server):
    data = {
        "enabled": "on",
        "protocol": "saml",
        "oidc_scopes": "openid",
        "attribute_email": "email",
        "attribute_name": "name",
        "saml_metadata_url": idp_server.url,
    }
    assert _save(admin_client, org, data).status_code == 302
    connection = SsoConnection.objects.get(organization=org)
    assert connection.saml_idp_entity_id == TestIdp().entity_id and connection.saml_metadata_url == idp_server.url
    assert idp_server.requests == ["/federationmetadata.xml"]
    # Saving other settings does not fetch again; the refresh box does.
    assert _save(admin_client, org, {**data, "require_sso": "on"}).status_code == 302
    assert len(idp_server.requests) == 1
    assert "Fetch the metadata from the URL again" in page_text(admin_client.get(org_url("sso-settings", org)))
    assert _save(admin_client, org, {**data, "saml_metadata_refresh": "on"}).status_code == 302
    assert len(idp_server.requests) == 2
    # The IdP now serves something else: the error is next to the URL, the stored metadata stays.
    idp_server.body = b"<html>Maintenance</html>"
    broken = _save(admin_client, org, {**data, "saml_metadata_refresh": "on"})
    assert broken.status_code == 400
    assert "This is not SAML identity-provider metadata" in page_text(broken)
    connection.refresh_from_db()
    assert connection.saml_idp_entity_id == TestIdp().entity_id and "Maintenance" not in connection.saml_metadata_xml


def test_fetching_metadata_from_a_private_address_is_refused_by_default(admin_client, org, settings):
    settings.SSO_METADATA_ALLOW_HTTP = True
    data = {
        "protocol": "saml",
        "oidc_scopes": "openid",
        "attribute_email": "email",
        "attribute_name": "name",
        "saml_metadata_url": "http://169.254.169.254/latest/meta-data/",
    }
    response = _save(admin_client, org, data)
    assert response.status_code == 400
    assert "link-local address" in page_text(response)
    assert not SsoConnection.objects.exists()


@pytest.mark.parametrize(
    ("issuer", "why"),
    [
        ("https://127.0.0.1/realms/acme", "loopback"),
        ("https://10.1.2.3/", "private"),
        ("https://169.254.169.254/", "link-local"),
        ("http://idp.example.com/", "https://"),
    ],
)
def test_an_issuer_on_a_private_address_or_without_https_is_refused_at_save_time(org, issuer, why):
    with pytest.raises(ValidationError) as refused:
        sso_connection_update(organization=org, actor=None, protocol="oidc", oidc_issuer=issuer)
    assert why in " ".join(refused.value.message_dict["oidc_issuer"])
    assert not SsoConnection.objects.filter(organization=org).exists()


def test_the_last_twenty_attempts_are_listed_in_the_viewers_time_zone(admin_client, org, other_org, admin):
    admin.employee.time_zone = "Asia/Tokyo"
    admin.employee.save()
    for n in range(25):
        SsoSignInAttempt.objects.create(
            organization=org, protocol="oidc", outcome="refused", reason=f"Reason number {n}.", email=f"p{n}@alpha.test"
        )
    newest = SsoSignInAttempt.objects.create(
        organization=org, protocol="saml", outcome="signed_in", email="newest@alpha.test"
    )
    SsoSignInAttempt.objects.filter(pk=newest.pk).update(created_at=dt.datetime(2031, 1, 15, 12, 0, tzinfo=dt.UTC))
    SsoSignInAttempt.objects.create(organization=other_org, protocol="oidc", outcome="refused", email="x@beta.test")

    text = page_text(admin_client.get(org_url("sso-settings", org)))
    section = text[text.index('id="attempts"') :]
    assert section.count("<tr>") == 21  # the header and 20 rows
    assert "newest@alpha.test" in section and "Signed in" in section
    assert "Jan 15, 2031 21:00 JST" in section  # 12:00 UTC in Tokyo
    assert "Reason number 24." in section and "Reason number 6." in section
    assert "Reason number 5." not in section  # the oldest six are not listed
    assert "x@beta.test" not in text


def test_the_page_reads_a_fixed_number_of_queries(admin_client, org, django_assert_max_num_queries):
    """No query per claimed domain or sign-in attempt."""
    sso_connection_update(organization=org, actor=None, **{k: v for k, v in OIDC.items() if k != "enabled"})
    for n in range(20):
        ClaimedDomain.objects.create(organization=org, domain=f"d{n}.alpha.test")
        SsoSignInAttempt.objects.create(organization=org, protocol="oidc", outcome="refused", email=f"p{n}@alpha.test")
    with django_assert_max_num_queries(11):
        text = page_text(admin_client.get(org_url("sso-settings", org)))
    assert "d19.alpha.test" in text and "p19@alpha.test" in text
