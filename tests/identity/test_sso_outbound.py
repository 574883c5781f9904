"""The SSRF guard of every server-side OIDC fetch (identity/sso/outbound.py): an issuer, a redirect or an endpoint
on a loopback, private or link-local address is refused before anything is fetched, against real loopback
servers that record every request they get."""

from __future__ import annotations

import html
import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import jwt
import pytest
import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from django.urls import reverse

from identity.models import SsoSignInAttempt
from identity.sso.outbound import AddressRefusedError, ResponseTooLargeError, issuer_refusal

from ..helpers import page_text
from .oidc_peer import oidc_connection
from .test_sso_metadata import tls_server  # noqa: F401 -- an https server on loopback, its CA trusted

pytestmark = pytest.mark.django_db


@dataclass
class Recorder:
    base: str
    paths: list[str] = field(default_factory=list)
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)


def _serve(host: str, family: int) -> Iterator[Recorder]:
    recorder = Recorder(base="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            recorder.paths.append(self.path)
            status, headers, body = recorder.routes.get(self.path, (404, {}, b"not found"))
            self.send_response(status)
            for name, value in {"Content-Length": str(len(body)), **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        address_family = family

    server = Server((host, 0), Handler)
    name = f"[{host}]" if ":" in host else host
    recorder.base = f"http://{name}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield recorder
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    import socket

    yield from _serve("127.0.0.1", socket.AF_INET)


@pytest.fixture
def recorder6() -> Iterator[Recorder]:
    import socket

    yield from _serve("::1", socket.AF_INET6)


@pytest.fixture
def default_policy(settings):
    """The production policy, with plain http allowed so that the address is what is judged."""
    settings.SSO_OUTBOUND_ALLOW_LOOPBACK = False
    settings.SSO_METADATA_ALLOW_LOOPBACK = False
    settings.SSO_OUTBOUND_ALLOW_HTTP = True
    return settings


def _discovery(recorder: Recorder, **endpoints: str) -> None:
    issuer = recorder.base
    doc = {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwks",
        **endpoints,
    }
    recorder.routes["/.well-known/openid-configuration"] = (
        200,
        {"Content-Type": "application/json"},
        json.dumps(doc).encode(),
    )


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("127.0.0.1", "loopback address (127.0.0.1)"),
        ("localhost", "loopback address"),  # a host name is judged by what it resolves to
        ("::1", "loopback address (::1)"),
        ("10.1.2.3", "private address (10.1.2.3)"),
        ("169.254.169.254", "link-local address (169.254.169.254)"),
    ],
)
def test_a_sign_in_with_an_issuer_on_an_internal_address_is_refused_before_anything_is_fetched(
    client, org, default_policy, recorder, recorder6, where, reason
):
    served = recorder6 if where == "::1" else recorder
    _discovery(served)
    port = served.base.rsplit(":", 1)[1]
    issuer = {"::1": f"http://[::1]:{port}", "127.0.0.1": served.base, "localhost": f"http://localhost:{port}"}.get(
        where, f"http://{where}"
    )
    oidc_connection(org, issuer, domains=["alpha-corp.test"])

    response = client.post(reverse("sso-discover"), {"login": "ann@alpha-corp.test"})

    assert response.status_code == 403
    text = html.unescape(page_text(response))
    assert "We could not sign you in" in text
    assert reason in text
    assert served.paths == []  # nothing was fetched
    attempt = SsoSignInAttempt.objects.get(organization=org)
    assert attempt.outcome == "refused" and reason in attempt.reason


def test_the_connection_test_reports_the_refusal_to_the_admin(org, admin_client, default_policy, recorder):
    _discovery(recorder)
    oidc_connection(org, recorder.base, domains=["alpha-corp.test"])

    response = admin_client.post(reverse("sso-test", kwargs={"org_slug": org.slug}), follow=True)

    assert "loopback address (127.0.0.1)" in html.unescape(page_text(response))
    assert recorder.paths == []
    assert SsoSignInAttempt.objects.get(organization=org).outcome == "test_failed"


def test_allauths_requests_session_refuses_a_redirect_to_an_internal_address(settings, recorder):
    settings.SSO_OUTBOUND_ALLOW_LOOPBACK = True
    settings.SSO_OUTBOUND_ALLOW_HTTP = True
    recorder.routes["/.well-known/openid-configuration"] = (
        302,
        {"Location": "http://169.254.169.254/latest/meta-data/"},
        b"",
    )

    with get_adapter().get_requests_session() as session, pytest.raises(AddressRefusedError) as excinfo:
        session.get(f"{recorder.base}/.well-known/openid-configuration")

    assert "link-local address (169.254.169.254)" in str(excinfo.value)
    assert recorder.paths == ["/.well-known/openid-configuration"]


def test_the_jwks_fetch_goes_through_the_guard(default_policy, recorder):
    recorder.routes["/jwks"] = (200, {"Content-Type": "application/json"}, b'{"keys": []}')
    token = jwt.encode({"sub": "x"}, "secret-secret-secret-secret-secret", headers={"kid": "k"})

    with pytest.raises(AddressRefusedError) as excinfo:
        jwtkit.fetch_key(token, f"{recorder.base}/jwks", jwtkit.lookup_kid_jwk)

    assert "loopback address (127.0.0.1)" in str(excinfo.value)
    assert recorder.paths == []


def test_an_answer_over_one_megabyte_is_refused(settings, recorder):
    settings.SSO_OUTBOUND_ALLOW_LOOPBACK = True
    settings.SSO_OUTBOUND_ALLOW_HTTP = True
    recorder.routes["/big"] = (200, {"Content-Type": "application/json"}, b" " * (1024 * 1024 + 10))

    with get_adapter().get_requests_session() as session, pytest.raises(ResponseTooLargeError):
        session.get(f"{recorder.base}/big")


def test_plain_http_is_refused_outside_development(settings):
    settings.DEBUG = False
    settings.SSO_OUTBOUND_ALLOW_HTTP = False
    settings.SSO_METADATA_ALLOW_HTTP = False

    with get_adapter().get_requests_session() as session, pytest.raises(AddressRefusedError) as excinfo:
        session.get("http://idp.example.com/.well-known/openid-configuration")

    assert "https://" in str(excinfo.value)


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        ("https://127.0.0.1/tenant", "points to a loopback address (127.0.0.1)"),
        ("https://[::ffff:10.0.0.1]/", "points to a private address"),
        ("https://169.254.169.254/", "points to a link-local address"),
        ("https://user:pw@93.184.216.34/", "must not contain a user name or password"),
        ("ftp://93.184.216.34/", "must be an https:// address"),
        ("https://93.184.216.34/tenant/v2.0", None),  # a public address
    ],
)
def test_issuer_refusal_for_the_settings_form(default_policy, issuer, expected):
    refusal = issuer_refusal(issuer)
    if expected is None:
        assert refusal is None
    else:
        assert refusal is not None and expected in refusal


def test_https_connects_to_the_checked_address_and_still_checks_the_certificate(tls_server):  # noqa: F811
    with get_adapter().get_requests_session() as session:
        assert "EntityDescriptor" in session.get(tls_server("localhost")).text
        with pytest.raises(requests.exceptions.SSLError):
            session.get(tls_server("idp.example.com"))  # a certificate for another host name
