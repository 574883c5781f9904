"""The SSRF guard (mentorhub/web/safe_fetch.py) against real HTTP servers on loopback: what it refuses (before
sending anything), what it follows, and the caps on size and time."""

from __future__ import annotations

import logging
import time

import pytest

from mentorhub.web.safe_fetch import (
    FetchFailed,
    FetchRefused,
    FetchTooLarge,
    FetchTooSlow,
    address_refusal,
    fetch_public_url,
)
from tests.loopback_server import loopback_server, redirect, send

BIG = b"x" * 5000


def _big_undeclared(handler):
    # No Content-Length: the body ends when the connection closes; only the running count can stop it.
    handler.send_response(200)
    handler.send_header("Connection", "close")
    handler.end_headers()
    for _ in range(50):
        handler.wfile.write(BIG)


def _slow_start(handler):
    time.sleep(2)
    send(handler, 200, b"late")


def _drip(handler):
    handler.send_response(200)
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    for _ in range(1000):
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(0.1)


@pytest.fixture
def target():
    """A server nobody allowlists: a real answer would come back if the guard let a request through."""
    with loopback_server({"/ok": lambda h: send(h, 200, b"secret internal page")}) as server:
        yield server


@pytest.fixture
def allowed(settings, target):
    """A server the test allowlists (OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS), standing in for a public host."""
    routes = {
        "/ok": lambda h: send(h, 200, b"BEGIN:VCALENDAR", "text/calendar"),
        "/big": lambda h: send(h, 200, BIG),
        "/big-undeclared": _big_undeclared,
        "/slow": _slow_start,
        "/drip": _drip,
        "/hop1": redirect("/hop2"),
        "/hop2": redirect("/ok"),
        "/loop": redirect("/loop"),
        "/to-target": redirect(target.url("/ok")),
        "/to-localhost-name": redirect(target.url("/ok", host="localhost")),
        "/to-private": redirect("http://10.0.0.7/admin"),
        "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
        "/to-file": redirect("file:///etc/passwd"),
        "/missing-location": lambda h: send(h, 302, b""),
        "/error": lambda h: send(h, 500, b"boom"),
    }
    with loopback_server(routes) as server:
        settings.OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS = [server.port]
        yield server


class TestRefusedAddresses:
    @pytest.mark.parametrize(
        "host",
        [
            "127.0.0.1",
            "localhost",  # resolves (for real) to loopback
            "[::1]",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.254",
            "192.168.1.1",
            "169.254.169.254",  # cloud metadata
            "[fe80::1]",
            "0.0.0.0",  # noqa: S104 (the address under test)
            "100.64.0.1",  # CGNAT
            "[::ffff:127.0.0.1]",
            "[::ffff:10.0.0.1]",
            "[fc00::1]",
            "224.0.0.1",
            "240.0.0.1",
        ],
    )
    def test_refused_before_connecting(self, target, host):
        with pytest.raises(FetchRefused) as refused:
            fetch_public_url(f"http://{host}:{target.port}/ok?token=s3cr3t")
        assert "does not connect to" in str(refused.value)
        assert "s3cr3t" not in str(refused.value)  # the URL's secret never appears in a message
        assert target.requests == []

    def test_loopback_refused_by_default_even_for_a_listening_server(self, target):
        with pytest.raises(FetchRefused, match="loopback"):
            fetch_public_url(target.url("/ok"))
        assert target.requests == []

    def test_allowlisting_one_port_does_not_open_another(self, allowed, target):
        assert fetch_public_url(allowed.url("/ok")).body == b"BEGIN:VCALENDAR"
        with pytest.raises(FetchRefused):
            fetch_public_url(target.url("/ok"))
        assert target.requests == []

    @pytest.mark.parametrize(
        ("address", "reason"),
        [
            ("2002:a00:1::", "a private address"),  # 6to4 around 10.0.0.1
            ("64:ff9b::a9fe:a9fe", "a link-local address"),  # NAT64 around 169.254.169.254
            ("::ffff:192.168.0.1", "a private address"),
            ("100.127.255.255", "a shared (carrier-grade NAT) address"),
            ("93.184.216.34", None),
            ("2606:4700:4700::1111", None),
        ],
    )
    def test_embedded_ipv4_is_judged_as_itself(self, address, reason):
        assert address_refusal(address, 443) == reason

    @pytest.mark.parametrize(
        "url",
        [
            "file:///etc/passwd",
            "ftp://example.com/cal.ics",
            "gopher://example.com:70/_GET",
            "webcal://example.com/cal.ics",
            "javascript:alert(1)",
            "https://user:pw@example.com/cal.ics",
            "http://",
            "https://example.com:99999/",
        ],
    )
    def test_other_schemes_and_malformed_urls_refused(self, url):
        with pytest.raises(FetchRefused):
            fetch_public_url(url)


class TestRedirects:
    def test_followed_by_hand_and_host_header_kept(self, allowed):
        result = fetch_public_url(allowed.url("/hop1", host="localhost"))
        assert result.body == b"BEGIN:VCALENDAR"
        assert result.url.endswith("/ok")
        assert allowed.requests == ["/hop1", "/hop2", "/ok"]
        assert set(allowed.hosts) == {f"localhost:{allowed.port}"}  # the name, though the address was dialled

    @pytest.mark.parametrize("path", ["/to-target", "/to-localhost-name", "/to-private", "/to-metadata", "/to-file"])
    def test_redirect_to_a_refused_address(self, allowed, target, path):
        with pytest.raises(FetchRefused):
            fetch_public_url(allowed.url(path))
        assert target.requests == []

    def test_no_path_in_any_log_record(self, allowed, caplog):
        # urllib3 logs each request line at DEBUG; a path given to us may be a secret.
        with caplog.at_level(logging.DEBUG):
            fetch_public_url(allowed.url("/hop1?token=s3cr3t"))
        assert "/hop1" in allowed.requests[0] and "s3cr3t" in allowed.requests[0]
        assert "s3cr3t" not in caplog.text and "/hop2" not in caplog.text

    def test_at_most_three(self, allowed):
        with pytest.raises(FetchFailed, match="redirected more than 3 times"):
            fetch_public_url(allowed.url("/loop"))
        assert allowed.requests == ["/loop"] * 4

    def test_without_location(self, allowed):
        with pytest.raises(FetchFailed, match="without saying where"):
            fetch_public_url(allowed.url("/missing-location"))


class TestCaps:
    def test_declared_oversize_body(self, allowed):
        with pytest.raises(FetchTooLarge, match="larger than"):
            fetch_public_url(allowed.url("/big"), max_bytes=1000)
        assert fetch_public_url(allowed.url("/big"), max_bytes=5000).body == BIG

    def test_undeclared_oversize_body_stops_reading(self, allowed):
        with pytest.raises(FetchTooLarge):
            fetch_public_url(allowed.url("/big-undeclared"), max_bytes=20_000)

    def test_slow_server(self, allowed):
        with pytest.raises(FetchTooSlow, match="took too long"):
            fetch_public_url(allowed.url("/slow"), timeout=0.5)

    def test_dripping_server_hits_the_total_deadline(self, allowed):
        started = time.monotonic()
        with pytest.raises(FetchTooSlow):
            fetch_public_url(allowed.url("/drip"), timeout=1.0)
        # Each read alone would be quick; the deadline covers them all (100 s of dripping otherwise).
        assert time.monotonic() - started < 5

    def test_error_status(self, allowed):
        with pytest.raises(FetchFailed, match="answered HTTP 500"):
            fetch_public_url(allowed.url("/error"))

    def test_unknown_host(self):
        with pytest.raises(FetchFailed, match="could not be found"):
            fetch_public_url("https://no-such-host.invalid/cal.ics")

    def test_closed_port(self, settings):
        with loopback_server({}) as server:
            port = server.port
        settings.OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS = [port]
        with pytest.raises(FetchFailed, match="could not be reached"):
            fetch_public_url(f"http://127.0.0.1:{port}/ok", timeout=2)
