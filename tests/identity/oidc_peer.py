"""Real OpenID Connect providers on loopback, for the SSO tests (import the fixtures into a test module).

Both listen on loopback over http, which the server-side fetches refuse by default: the fixtures turn on the
test settings SSO_OUTBOUND_ALLOW_LOOPBACK / SSO_OUTBOUND_ALLOW_HTTP for the test that uses them.

- `oidc_provider`: oidc-provider-mock (authlib), a complete provider: discovery, authorization form, token
  endpoint with RS256-signed ID tokens, userinfo, JWKS. `oidc_provider.set_user(sub, claims)` says who the
  next sign-in as `sub` is.
- `bad_oidc_provider`: a tiny provider of our own (werkzeug + PyJWT, a test RSA key) whose ID tokens are
  really signed but wrong on purpose, chosen by the client id: `wrong-issuer`, `wrong-audience`, `expired`
  (oidc-provider-mock cannot issue such tokens). Its authorization endpoint answers at once (no form).

`idp_round_trip(client, email)` drives the Django test client through a whole sign-in: the email-first step,
the provider's authorization endpoint over real HTTP, and allauth's callback.
"""

from __future__ import annotations

import contextlib
import functools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from identity.crypto import secret_encrypt
from identity.models import ClaimedDomain, SsoConnection

CLIENT_SECRET = "loopback-client-secret"

_SERVERS = contextlib.ExitStack()  # the providers' servers, stopped when pytest ends (`_stop_at_the_end`)


@dataclass
class MockProvider:
    issuer: str

    def set_user(self, sub: str, claims: dict[str, Any]) -> None:
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        response.raise_for_status()


def allow_loopback_fetches(settings: Any) -> None:
    """These providers listen on loopback over plain http: allow both for the server-side fetches (the default
    refuses them, identity/sso/outbound.py)."""
    settings.SSO_OUTBOUND_ALLOW_LOOPBACK = True
    settings.SSO_OUTBOUND_ALLOW_HTTP = True


def _stop_at_the_end(request: pytest.FixtureRequest) -> None:
    """Stop the servers when pytest ends (before the interpreter waits for their threads)."""
    if not getattr(_SERVERS, "registered", False):
        request.config.add_cleanup(_SERVERS.close)
        _SERVERS.registered = True  # type: ignore[attr-defined]


@functools.cache
def _mock_provider_server() -> MockProvider:
    """Started once per test process (a session fixture could not change the per-test settings)."""
    from oidc_provider_mock import run_server_in_thread

    server = _SERVERS.enter_context(run_server_in_thread(port=0))
    return MockProvider(issuer=f"http://localhost:{server.server_port}")


@pytest.fixture
def oidc_provider(settings, request) -> MockProvider:
    allow_loopback_fetches(settings)
    _stop_at_the_end(request)
    return _mock_provider_server()


@dataclass
class BadProvider:
    """Signs ID tokens that are wrong in the way the client id names; `claims` are the person's."""

    issuer: str = ""
    claims: dict[str, Any] = field(default_factory=dict)
    key: Any = None
    codes: dict[str, str] = field(default_factory=dict)

    def id_token(self, client_id: str, nonce: str | None) -> str:
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "aud": client_id,
            "sub": self.claims.get("sub", "person-1"),
            "iat": now,
            "exp": now + 300,
            **{k: v for k, v in self.claims.items() if k != "sub"},
        }
        if nonce:
            payload["nonce"] = nonce
        if client_id == "wrong-issuer":
            payload["iss"] = "http://localhost:1/somebody-else"
        elif client_id == "wrong-audience":
            payload["aud"] = "another-application"
        elif client_id == "expired":
            payload["iat"], payload["exp"] = now - 7200, now - 3600
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": "test-key"})

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": "test-key", "alg": "RS256", "use": "sig"}]}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        path = request.path
        if path == "/.well-known/openid-configuration":
            body: Any = {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            }
        elif path == "/authorize":
            code = secrets.token_urlsafe(16)
            self.codes[code] = json.dumps(
                {"client_id": request.values["client_id"], "nonce": request.values.get("nonce")}
            )
            query = urlencode({"code": code, "state": request.values.get("state", "")})
            response = Response(status=302, headers={"Location": f"{request.values['redirect_uri']}?{query}"})
            return response(environ, start_response)
        elif path == "/token":
            grant = json.loads(self.codes.pop(request.form.get("code", ""), "{}") or "{}")
            if not grant:
                return Response(json.dumps({"error": "invalid_grant"}), status=400)(environ, start_response)
            body = {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.id_token(grant["client_id"], grant.get("nonce")),
            }
        elif path == "/userinfo":
            body = {"sub": self.claims.get("sub", "person-1"), **self.claims}
        elif path == "/jwks":
            body = self.jwks()
        else:
            return Response("not found", status=404)(environ, start_response)
        return Response(json.dumps(body), content_type="application/json")(environ, start_response)


@functools.cache
def _bad_provider_server() -> BadProvider:
    provider = BadProvider(key=rsa.generate_private_key(public_exponent=65537, key_size=2048))
    server = make_server("localhost", 0, provider, threaded=True)
    provider.issuer = f"http://localhost:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    _SERVERS.callback(thread.join, 5)
    _SERVERS.callback(server.shutdown)
    return provider


@pytest.fixture
def bad_oidc_provider(settings, request) -> BadProvider:
    allow_loopback_fetches(settings)
    _stop_at_the_end(request)
    return _bad_provider_server()


def oidc_connection(organization: Any, issuer: str, *, client_id: str = "mentorhub", domains=(), **fields: Any):
    """An enabled OpenID Connect connection of `organization` with its claimed `domains`."""
    connection = SsoConnection.objects.create(
        organization=organization,
        protocol=SsoConnection.Protocol.OIDC,
        enabled=True,
        oidc_issuer=issuer,
        oidc_client_id=client_id,
        oidc_client_secret_encrypted=secret_encrypt(CLIENT_SECRET),
        **fields,
    )
    for domain in domains:
        # A verified claim (verification itself: tests/identity/test_sso_domain_verification.py).
        ClaimedDomain.objects.create(organization=organization, domain=domain, verified_at=timezone.now())
    return connection


def idp_answer(authorize_url: str, sub: str) -> str:
    """Sign in at the provider as `sub` (real HTTP); the callback URL it sends the browser back to."""
    response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]


def follow_callback(client: Client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def idp_round_trip(client: Client, email: str, sub: str = "person-1", *, next_url: str = ""):
    """The whole sign-in from the email-first step; the callback's response."""
    data = {"login": email, **({"next": next_url} if next_url else {})}
    start = client.post(reverse("sso-discover"), data)
    assert start.status_code == 302, start.content[:500]
    return follow_callback(client, idp_answer(start["Location"], sub))
