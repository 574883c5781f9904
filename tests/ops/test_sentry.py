"""Error reporting (SENTRY_DSN), with a real peer: a loopback HTTP server stands in for Sentry, and a fresh
Django process (the SDK patches Django and Celery process-wide, so never this test process) fails a request
that carries personal data in its query string, body, cookie, headers, client address and local variables.
With a DSN the event arrives there, holding the exception and the request id and none of that data; without
one the SDK is never initialised and nothing is sent."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings

from .servers import app_database_env

pytestmark = pytest.mark.django_db

PERSONAL = ("pii.test", "cookie-secret-0123", "header-secret-4567", "203.0.113.7", "Ada Lovelace")
FAIL = """
import threading, urllib.error, urllib.parse, urllib.request
import django, sentry_sdk
django.setup()
from django.conf import settings
settings.ROOT_URLCONF = "tests.ops.sentry_urls"
from django.core.wsgi import get_wsgi_application
from wsgiref.simple_server import WSGIRequestHandler, make_server
class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass
server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
threading.Thread(target=server.serve_forever, daemon=True).start()
print("initialised:", sentry_sdk.is_initialized())
request = urllib.request.Request(
    f"http://127.0.0.1:{server.server_address[1]}/ops-test/fail/?email=query-string@pii.test",
    data=urllib.parse.urlencode({"note": "form-body@pii.test", "name": "Ada Lovelace"}).encode(),
    headers={
        "Cookie": "sessionid=cookie-secret-0123",
        "Authorization": "Bearer header-secret-4567",
        "X-Forwarded-For": "203.0.113.7",
        "X-Request-ID": "sentry-test-00001",
    },
)
try:
    urllib.request.urlopen(request, timeout=60)
except urllib.error.HTTPError as error:
    print("status:", error.code)
sentry_sdk.flush(timeout=10)
"""


class Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":  # the SDK compresses with brotli only where that package is installed
            import brotli

            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def sentry_peer():
    Collector.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def fail_a_request(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "SENTRY_"))}
    result = subprocess.run(
        [sys.executable, "-c", FAIL],
        cwd=settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "mentorhub.settings", "DJANGO_ENV": "test", "DJANGO_ENV_FILE": "",
             **app_database_env(), **env},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "status: 500" in result.stdout, result.stdout + result.stderr
    return result.stdout


def events(received: list[bytes]) -> list[dict]:
    """The error events of Sentry envelopes: a header line, then (item header, payload) pairs."""
    found = []
    for envelope in received:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def test_without_a_dsn_nothing_is_initialised():
    check = "import sys, django, sentry_sdk; django.setup(); "
    check += "print(sentry_sdk.is_initialized(), 'sentry_sdk.integrations.django' in sys.modules)"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SENTRY_"))}
    env = {**base, "DJANGO_SETTINGS_MODULE": "mentorhub.settings", "DJANGO_ENV": "production", "DJANGO_ENV_FILE": ""}
    env.update({"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "mentorhub.example.com"})
    env.update({"DATABASE_URL": "postgres://nobody@db.invalid/x", "REDIS_URL": "redis://r.invalid/0"})
    env.update({"EMAIL_URL": "dummymail://", "SENTRY_DSN": ""})
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )  # fmt: skip
    assert result.stdout.split() == ["False", "False"], result.stderr


def test_an_error_reaches_the_dsn_without_personal_data(sentry_peer):
    dsn = f"http://publickey@127.0.0.1:{sentry_peer.server_address[1]}/1"
    output = fail_a_request(SENTRY_DSN=dsn, SENTRY_ENVIRONMENT="ops-test", SENTRY_RELEASE="mentorhub@test")
    assert "initialised: True" in output
    (event,) = events(Collector.received)
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "RuntimeError" and exception["value"] == "the report failed (18)"
    assert event["environment"] == "ops-test" and event["release"] == "mentorhub@test"
    assert event["tags"]["request_id"] == "sentry-test-00001"
    assert event["request"]["url"].endswith("/ops-test/fail/") and event["request"]["method"] == "POST"
    assert "user" not in event
    frames = exception["stacktrace"]["frames"]
    assert frames and not any("vars" in frame for frame in frames)
    everything = b"".join(Collector.received).decode(errors="replace")
    leaked = [value for value in PERSONAL if value in everything]
    assert not leaked, f"sent to the error reporter: {leaked}"


def test_a_link_s_secret_in_the_path_never_reaches_the_report():
    from mentorhub.ops.sentry import scrub_event

    secret = "rec_" + "A1b2C3d4" * 5
    event = scrub_event({"request": {"url": f"https://mentorhub.example/record/{secret}/?x=1"}}, {})
    assert secret not in event["request"]["url"]
    assert event["request"]["url"].startswith("https://mentorhub.example/record/[")
