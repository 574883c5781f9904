"""A stand-in for Slack's Web API on 127.0.0.1 (settings.SLACK_API_BASE_URL points at it): a real HTTP server
in a thread that answers the methods the app calls and records every call, with its parsed arguments, so tests
assert the exact payloads sent. Also signs requests as Slack does, with the test signing secret."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from integrations.slack.signing import signature_of

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-bot-token"
TEAM = {"id": "T0ALPHA", "name": "Alpha Slack"}


@dataclass
class Call:
    method: str  # the Web API method, "chat.postMessage"
    args: dict[str, Any]  # JSON body, form fields or query parameters
    headers: dict[str, str]


@dataclass
class SlackPeer:
    users: dict[str, str] = field(default_factory=dict)  # email -> Slack user id
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "oauth.v2.access":
            if args.get("code") != "good-code":
                return {"ok": False, "error": "invalid_code"}
            return {
                "ok": True,
                "access_token": BOT_TOKEN,
                "token_type": "bot",
                "scope": "chat:write,im:write,users:read,users:read.email",
                "bot_user_id": "UBOT",
                "app_id": "A0MENTOR",
                "team": TEAM,
            }
        if method == "users.lookupByEmail":
            user_id = self.users.get(args.get("email", ""))
            if not user_id:
                return {"ok": False, "error": "users_not_found"}
            return {"ok": True, "user": {"id": user_id, "team_id": TEAM["id"], "deleted": False, "is_bot": False}}
        if method == "chat.postMessage":
            return {
                "ok": True,
                "channel": "D" + str(args.get("channel", ""))[1:],
                "ts": f"1700000000.{len(self.calls):06d}",
            }
        return {"ok": True}


@contextmanager
def slack_peer(users: dict[str, str] | None = None) -> Iterator[SlackPeer]:
    peer = SlackPeer(users=dict(users or {}))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            url = urlsplit(self.path)
            method = url.path.rsplit("/", 1)[-1]
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if "json" in (self.headers.get("Content-Type") or ""):
                args = json.loads(raw or b"{}")
            else:
                args = dict(parse_qsl(raw.decode())) if raw else dict(parse_qsl(url.query))
            headers = {name.lower(): value for name, value in self.headers.items()}
            with peer.lock:
                peer.calls.append(Call(method, args, headers))
                body = json.dumps(peer.answer(method, args)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _handle

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    peer.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield peer
    finally:
        server.shutdown()
        server.server_close()


def basic_auth(call: Call) -> tuple[str, str]:
    scheme, _, encoded = call.headers.get("authorization", "").partition(" ")
    assert scheme == "Basic"
    user, _, password = base64.b64decode(encoded).decode().partition(":")
    return user, password


def signed_headers(body: bytes, *, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """The headers Slack sends with a request to our interactivity or events URL."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": stamp,
        "HTTP_X_SLACK_SIGNATURE": signature_of(secret=secret, timestamp=stamp, body=body),
    }


def interaction_body(payload: dict[str, Any]) -> bytes:
    """An interaction as Slack posts it: form-encoded, the JSON in `payload`."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def block_action(*, user_id: str, action_id: str, value: str = "", trigger_id: str = "trig-1") -> dict[str, Any]:
    action: dict[str, Any] = {"action_id": action_id, "block_id": "mentorhub_actions", "type": "button"}
    if value:
        action["value"] = value
    return {
        "type": "block_actions",
        "team": {"id": TEAM["id"]},
        "user": {"id": user_id, "team_id": TEAM["id"]},
        "trigger_id": trigger_id,
        "actions": [action],
    }
