"""IdP metadata: parsing what an admin uploads, and fetching a metadata URL without reaching internal hosts."""

from __future__ import annotations

import datetime as dt
import http.server
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.core.exceptions import ValidationError

from identity.sso import metadata as metadata_module
from identity.sso.metadata import METADATA_MAX_BYTES, fetch_idp_metadata, parse_idp_metadata

from .saml_idp import TestIdp, key_pair


def _error(excinfo: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(excinfo.value.messages)


# --- parsing -----------------------------------------------------------------------------------------


def test_parse_reads_entity_id_urls_and_signing_certificate():
    idp = TestIdp()
    metadata = parse_idp_metadata(idp.metadata_xml())
    assert metadata.entity_id == "https://idp.example.test/saml"
    assert metadata.sso_url == "https://idp.example.test/saml/sso"
    assert metadata.slo_url == "https://idp.example.test/saml/slo"
    assert metadata.x509_certs == [idp.keys.cert_b64]


def test_parse_keeps_every_signing_certificate_during_a_rollover():
    idp = TestIdp()
    next_cert = key_pair("next").cert_b64
    metadata = parse_idp_metadata(idp.metadata_xml(extra_certs=(next_cert,)))
    assert metadata.x509_certs == [idp.keys.cert_b64, next_cert]


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("", "empty"),
        ("<md:EntityDescriptor", "not well-formed"),
        ("<html><body>Sign in</body></html>", "not SAML identity-provider metadata"),
        (
            '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp.test">'
            '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/>'
            "</md:EntityDescriptor>",
            "not SAML identity-provider metadata",
        ),
    ],
    ids=["empty", "malformed", "html", "sp-metadata"],
)
def test_parse_refuses_what_is_not_idp_metadata(xml, message):
    with pytest.raises(ValidationError) as excinfo:
        parse_idp_metadata(xml)
    assert message in _error(excinfo)


def test_parse_refuses_metadata_without_a_signing_certificate():
    with pytest.raises(ValidationError) as excinfo:
        parse_idp_metadata(TestIdp().metadata_xml(with_cert=False))
    assert "no signing certificate" in _error(excinfo)


def test_parse_refuses_metadata_without_a_redirect_sign_in_url():
    xml = TestIdp().metadata_xml().replace("SingleSignOnService", "ArtifactResolutionService")
    with pytest.raises(ValidationError) as excinfo:
        parse_idp_metadata(xml)
    assert "no single sign-on URL" in _error(excinfo)


@pytest.mark.parametrize(
    "prologue",
    [
        '<!DOCTYPE md:EntityDescriptor [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>',
        "<!DOCTYPE md:EntityDescriptor>",
    ],
    ids=["external-entity", "entity-expansion", "bare-dtd"],
)
def test_parse_refuses_dtds_and_entities(prologue):
    xml = TestIdp().metadata_xml().replace('<?xml version="1.0" encoding="UTF-8"?>', prologue)
    with pytest.raises(ValidationError) as excinfo:
        parse_idp_metadata(xml)
    assert "DTD or entity declarations" in _error(excinfo)


# --- fetching: what the default refuses before connecting -----------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/metadata.xml", "loopback address"),
        ("https://localhost/metadata.xml", "loopback address"),
        ("https://[::1]/metadata.xml", "loopback address"),
        ("https://[::ffff:127.0.0.1]/metadata.xml", "loopback address"),
        ("https://10.1.2.3/metadata.xml", "private address"),
        ("https://192.168.0.10/metadata.xml", "private address"),
        ("https://169.254.169.254/latest/meta-data/", "link-local address"),
        ("https://[fe80::1]/metadata.xml", "link-local address"),
        ("https://224.0.0.1/metadata.xml", "multicast address"),
        ("https://0.0.0.0/metadata.xml", "reserved address"),
        ("https://[2002:7f00:1::1]/metadata.xml", "loopback address"),  # 6to4 of 127.0.0.1
        ("https://[2002:a9fe:a9fe::1]/latest/meta-data/", "link-local address"),  # 6to4 of 169.254.169.254
    ],
)
def test_fetch_refuses_internal_addresses_by_default(settings, url, reason):
    settings.SSO_METADATA_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError) as excinfo:
        fetch_idp_metadata(url)
    assert reason in _error(excinfo)


@pytest.mark.parametrize("url", ["http://idp.example.com/metadata", "ftp://idp.example.com/m", "file:///etc/passwd"])
def test_fetch_requires_https_outside_development(settings, url):
    settings.DEBUG = False
    settings.SSO_METADATA_ALLOW_HTTP = False
    with pytest.raises(ValidationError) as excinfo:
        fetch_idp_metadata(url)
    assert "https://" in _error(excinfo)


def test_fetch_refuses_a_url_with_credentials():
    with pytest.raises(ValidationError) as excinfo:
        fetch_idp_metadata("https://user:secret@idp.example.com/metadata")
    assert "user name or password" in _error(excinfo)


# --- fetching from a real server on loopback (allowed for tests only) ------------------------------------


class _MetadataHandler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def do_GET(self) -> None:
        # Noted before answering: once the body is sent the client (and the test) may already be reading it.
        type(self).seen_hosts.append(self.headers.get("Host", ""))
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    seen_hosts: list[str] = []

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def metadata_server(settings) -> Iterator[tuple[str, type[_MetadataHandler]]]:
    settings.SSO_METADATA_ALLOW_LOOPBACK = True
    settings.SSO_METADATA_ALLOW_HTTP = True
    handler = type("Handler", (_MetadataHandler,), {"routes": {}, "seen_hosts": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def test_fetch_reads_metadata_from_a_server(metadata_server):
    base, handler = metadata_server
    xml = TestIdp().metadata_xml()
    handler.routes["/federationmetadata.xml?appid=1"] = (200, {"Content-Type": "application/xml"}, xml.encode())
    fetched = fetch_idp_metadata(f"{base}/federationmetadata.xml?appid=1")
    assert fetched == xml
    assert parse_idp_metadata(fetched).entity_id == "https://idp.example.test/saml"
    # Connected to the checked address, but the Host header keeps the name from the URL.
    assert handler.seen_hosts == [base.removeprefix("http://")]


def test_fetch_follows_a_redirect_to_an_allowed_address(metadata_server):
    base, handler = metadata_server
    handler.routes["/old"] = (302, {"Location": "/new"}, b"")
    handler.routes["/new"] = (200, {"Content-Type": "text/xml"}, b"<md:EntityDescriptor/>")
    assert fetch_idp_metadata(f"{base}/old") == "<md:EntityDescriptor/>"


def test_fetch_refuses_a_redirect_to_a_refused_address(metadata_server):
    base, handler = metadata_server
    handler.routes["/metadata"] = (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")
    with pytest.raises(ValidationError) as excinfo:
        fetch_idp_metadata(f"{base}/metadata")
    assert "link-local address (169.254.169.254)" in _error(excinfo)


def test_fetch_refuses_endless_redirects(metadata_server):
    base, handler = metadata_server
    handler.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    with pytest.raises(ValidationError) as excinfo:
        fetch_idp_metadata(f"{base}/loop")
    assert "redirected too many times" in _error(excinfo)


def test_fetch_refuses_metadata_over_one_megabyte(metadata_server):
    base, handler = metadata_server
    handler.routes["/big"] = (200, {}, b"<x>" + b"a" * METADATA_MAX_BYTES + b"</x>")
    with pytest.raises(ValidationError) as excinfo:
        fetch_idp_metadata(f"{base}/big")
    assert "larger than 1 MB" in _error(excinfo)


def test_fetch_reports_an_error_status(metadata_server):
    base, _handler = metadata_server
    with pytest.raises(ValidationError) as excinfo:
        fetch_idp_metadata(f"{base}/missing")
    assert "HTTP 404" in _error(excinfo)


def test_fetch_gives_up_at_its_deadline_on_a_server_that_drips_its_body(settings, monkeypatch):
    """A server that sends a byte now and then (never a full chunk) cannot hold the request past the deadline:
    the fetch stops there, well before the server would have finished or given up."""
    settings.SSO_METADATA_ALLOW_LOOPBACK = True
    settings.SSO_METADATA_ALLOW_HTTP = True
    monkeypatch.setattr(metadata_module, "METADATA_TIMEOUT_SECONDS", 1)
    listener = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()

    def drip() -> None:
        peer, _ = listener.accept()
        with peer:
            peer.recv(65536)
            peer.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n<")
            # Until the client gives up (a write fails) or 5 s passed: then the server closes, incomplete.
            for _ in range(25):
                if done.wait(0.2):
                    break
                try:
                    peer.sendall(b"x")
                except OSError:
                    break

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    try:
        with pytest.raises(ValidationError) as excinfo:
            fetch_idp_metadata(f"http://localhost:{listener.getsockname()[1]}/metadata")
    finally:
        done.set()
        thread.join()
        listener.close()
    # Before the deadline was kept, the fetch waited for the server to close and said "could not be fetched".
    assert "took longer than" in _error(excinfo)


# --- https: the connection goes to the checked address, TLS still checks the host name ----------------------


def _certificate(
    subject: str,
    key: rsa.RSAPrivateKey,
    issuer: tuple[str, rsa.RSAPrivateKey] | None = None,
    *,
    dns_name: str | None = None,
    ca: bool = False,
) -> x509.Certificate:
    issuer_name, issuer_key = issuer or (subject, key)
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if dns_name:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(path: Path, *objects: x509.Certificate | rsa.RSAPrivateKey) -> str:
    chunks = []
    for obj in objects:
        if isinstance(obj, x509.Certificate):
            chunks.append(obj.public_bytes(serialization.Encoding.PEM))
        else:
            chunks.append(
                obj.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            )
    path.write_bytes(b"".join(chunks))
    return str(path)


@pytest.fixture
def tls_server(settings, tmp_path) -> Iterator[Callable[[str], str]]:
    """Start an https server on loopback whose certificate (from a CA the fetch trusts) names `dns_name`."""
    settings.SSO_METADATA_ALLOW_LOOPBACK = True
    settings.SSO_METADATA_ALLOW_HTTP = False
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_cert = _certificate("Test CA", ca_key, ca=True)
    settings.SSO_METADATA_CA_CERTS = _pem(tmp_path / "ca.pem", ca_cert)
    servers: list[http.server.ThreadingHTTPServer] = []
    xml = TestIdp().metadata_xml().encode()

    def start(dns_name: str) -> str:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = _certificate(dns_name, key, ("Test CA", ca_key), dns_name=dns_name)
        handler = type("Handler", (_MetadataHandler,), {"routes": {"/m": (200, {}, xml)}, "seen_hosts": []})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        server.block_on_close = False
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(_pem(tmp_path / f"{dns_name}.pem", cert, key))
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return f"https://localhost:{server.server_address[1]}/m"

    try:
        yield start
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def test_fetch_over_https_checks_the_certificate_against_the_host_name(tls_server):
    assert "EntityDescriptor" in fetch_idp_metadata(tls_server("localhost"))


def test_fetch_over_https_refuses_a_certificate_for_another_host(tls_server):
    with pytest.raises(ValidationError) as excinfo:
        fetch_idp_metadata(tls_server("idp.example.com"))
    assert "TLS certificate not valid" in _error(excinfo)


def test_fetch_over_https_refuses_an_untrusted_certificate(tls_server, settings):
    url = tls_server("localhost")
    settings.SSO_METADATA_CA_CERTS = None  # the system's trusted CAs: the test CA is not among them
    with pytest.raises(ValidationError) as excinfo:
        fetch_idp_metadata(url)
    assert "TLS certificate not valid" in _error(excinfo)
