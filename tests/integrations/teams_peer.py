"""The Microsoft side of the Teams tests, for real on loopback: the Bot Framework's OpenID metadata and JWKS
(a test RSA key signs the activities' tokens), the token endpoint the bot gets its own token from, and a Bot
Connector that records every call (new messages, updated messages) and answers the conversation member call
with the person Teams would give."""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from integrations.teams.auth import forget_keys
from integrations.teams.connector import forget_token
from integrations.teams.models import TeamsInstallation, TeamsLink

APP_ID = "5b0b3a55-0c4e-4f5a-9d3a-1b2c3d4e5f60"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
ISSUER = "https://api.botframework.com"
KID = "test-key-1"
BOT_TOKEN = "bot-token-from-the-token-endpoint"


@dataclass
class Call:
    method: str
    path: str
    authorization: str
    body: Any


@dataclass
class BotPeer:
    base: str = ""
    calls: list[Call] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)  # Teams user id -> member
    jwk: dict[str, Any] = field(default_factory=dict)
    fail_posts: int = 0  # the next N message posts answer 503

    def url(self, path: str = "/") -> str:
        return self.base + path

    @property
    def service_url(self) -> str:
        return self.url("/")

    def sent(self) -> list[Call]:
        return [c for c in self.calls if c.method == "POST" and c.path.endswith("/activities")]

    def updated(self) -> list[Call]:
        return [c for c in self.calls if c.method == "PUT"]


_ids = itertools.count(1)


def _serve(peer: BotPeer) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _record(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            content_type = self.headers.get("Content-Type", "")
            body: Any = raw.decode()
            if "json" in content_type and raw:
                body = json.loads(raw)
            peer.calls.append(Call(self.command, self.path, self.headers.get("Authorization", ""), body))
            return body

        def do_GET(self) -> None:
            self._record()
            if self.path == "/openid":
                self._answer(200, {"issuer": ISSUER, "jwks_uri": peer.url("/keys")})
            elif self.path == "/keys":
                self._answer(200, {"keys": [peer.jwk]})
            elif "/members/" in self.path:
                user_id = self.path.rsplit("/members/", 1)[1].replace("%3A", ":")
                member = peer.members.get(user_id)
                self._answer(200 if member else 404, member or {"error": "not found"})
            else:
                self._answer(404, {})

        def do_POST(self) -> None:
            self._record()
            if self.path == "/token":
                self._answer(200, {"token_type": "Bearer", "expires_in": 3600, "access_token": BOT_TOKEN})
            elif self.path.endswith("/activities"):
                if peer.fail_posts:
                    peer.fail_posts -= 1
                    self._answer(503, {"error": "busy"})
                else:
                    self._answer(201, {"id": f"activity-{next(_ids)}"})
            else:
                self._answer(404, {})

        def do_PUT(self) -> None:
            self._record()
            self._answer(200, {"id": self.path.rsplit("/", 1)[1]})

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    return server


@pytest.fixture(scope="session")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def bot_peer(settings, signing_key, fresh_cache) -> Iterator[BotPeer]:
    peer = BotPeer()
    peer.jwk = jwt.algorithms.RSAAlgorithm.to_jwk(signing_key.public_key(), as_dict=True) | {
        "kid": KID,
        "use": "sig",
        "endorsements": ["msteams"],
    }
    server = _serve(peer)
    peer.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.TEAMS_APP_ID = APP_ID
    settings.TEAMS_APP_PASSWORD = "client-secret"
    settings.TEAMS_OPENID_METADATA_URL = peer.url("/openid")
    settings.TEAMS_TOKEN_URL = peer.url("/token")
    settings.SITE_URL = "https://mentorhub.example"
    forget_keys()
    forget_token()
    try:
        yield peer
    finally:
        forget_keys()
        with contextlib.suppress(Exception):
            server.shutdown()
            server.server_close()


def token(
    key: rsa.RSAPrivateKey,
    service_url: str,
    *,
    audience: str = APP_ID,
    issuer: str = ISSUER,
    expires_in: int = 3600,
    kid: str = KID,
) -> str:
    now = int(time.time())
    claims = {"iss": issuer, "aud": audience, "nbf": now - 10, "exp": now + expires_in, "serviceurl": service_url}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def activity(peer: BotPeer, kind: str = "message", *, user_id: str = "29:ellis", tenant: str = TENANT, **extra):
    return {
        "type": kind,
        "id": f"incoming-{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": peer.service_url,
        "from": {"id": user_id, "aadObjectId": "00000000-0000-0000-0000-0000000000aa"},
        "recipient": {"id": f"28:{APP_ID}"},
        "conversation": {"id": f"a:conversation-of-{user_id}", "conversationType": "personal", "tenantId": tenant},
        "channelData": {"tenant": {"id": tenant}},
        **extra,
    }


def post_activity(client, body: dict, bearer: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {bearer}"} if bearer is not None else {}
    return client.post("/integrations/teams/messages", json.dumps(body), content_type="application/json", **headers)


def install(org, tenant: str = TENANT) -> TeamsInstallation:
    return TeamsInstallation.objects.create(organization=org, tenant_id=tenant, enabled=True)


def link(org, employee, peer: BotPeer, user_id: str) -> TeamsLink:
    return TeamsLink.objects.create(
        organization=org,
        employee=employee,
        teams_user_id=user_id,
        service_url=peer.service_url,
        conversation_id=f"a:conversation-of-{user_id}",
    )
