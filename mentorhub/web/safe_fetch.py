"""Fetching a URL a person gave us (a calendar's free/busy address; later, a webhook's target), from the server.

Such a URL may point anywhere the server can reach: the cloud's metadata service, the database, an admin page
on the private network (server-side request forgery). So `fetch_public_url`:

- allows http:// and https:// only, without a user name or password in the URL;
- resolves the host name itself (getaddrinfo) and refuses when ANY address it resolves to is loopback, private
  (RFC 1918, unique-local fc00::/7), link-local (169.254/16 with the metadata service 169.254.169.254,
  fe80::/10), shared/CGNAT (100.64/10), multicast, reserved or unspecified; an IPv4 address inside an IPv6
  one (::ffff:a.b.c.d, 6to4, NAT64 64:ff9b::/96) is judged as that IPv4 address;
- connects to an address it checked, never resolving the name again (a DNS answer cannot change between the
  check and the connection), keeping the name in the Host header, TLS SNI and certificate check;
- follows redirects by hand (at most 3), each hop checked the same way; no proxy from the environment;
- stops reading past `max_bytes` and past a total deadline (`timeout` seconds, connect and every read
  included: a server dripping one byte a second cannot hold the worker).

Errors are `FetchError`s whose message is for the person who gave the URL; they name the host, never the
path or query (which may carry the URL's secret).

`post_public_url` sends a POST under the same policy (webhook deliveries): it follows no redirect and returns
whatever status the host answers, with at most `max_bytes` of its body.

Tests only: `OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS` (empty by default; docs/configuration.md) lists loopback
ports a test's own server listens on; every other loopback address stays refused. Imports no app.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_BYTES = 1024 * 1024
MAX_REDIRECTS = 3
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # CGNAT: not global, and not "private" to ipaddress

# urllib3 logs each request's path at DEBUG, and a path given to us may be a secret (a calendar's private
# address): while this module fetches, those records are dropped, whatever the log level.
_fetching: ContextVar[bool] = ContextVar("safe_fetch_fetching", default=False)


def _not_while_fetching(record: logging.LogRecord) -> bool:
    return not _fetching.get()


logging.getLogger("urllib3.connectionpool").addFilter(_not_while_fetching)


class FetchError(Exception):
    """A fetch that did not give a body; `str(error)` is a message for people (no URL path or query)."""


class FetchRefused(FetchError):
    """The URL or an address it resolves to is not allowed: nothing was sent."""


class FetchTooLarge(FetchError):
    pass


class FetchTooSlow(FetchError):
    pass


class FetchFailed(FetchError):
    """The host did not resolve, refused the connection, answered an error status or redirected too often."""


@dataclass(frozen=True)
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    content_type: str
    body: bytes


def address_refusal(address: str, port: int) -> str | None:
    """Why this IP address may not be connected to (None: it may)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else ip.ipv4_mapped or ip.sixtofour
        ip = embedded or ip
    if ip.is_loopback:
        return None if port in _loopback_ports() else _("a loopback address")
    if ip.is_link_local:
        return _("a link-local address")
    if ip.is_multicast:
        return _("a multicast address")
    if ip.is_unspecified or ip.is_reserved:
        return _("a reserved address")
    if ip in _SHARED:
        return _("a shared (carrier-grade NAT) address")
    if ip.is_private or not ip.is_global:
        return _("a private address")
    return None


def _loopback_ports() -> frozenset[int]:
    return frozenset(int(port) for port in getattr(settings, "OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS", ()) or ())


def url_refusal(url: str) -> str | None:
    """Why this URL may not be fetched, judged without resolving it (None: it may be, if its host is public)."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 -- raises on an invalid port
    except ValueError:
        return _("The address is not a valid URL.")
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return _("The address must start with https:// (or http://).")
    if parts.username or parts.password:
        return _("The address must not contain a user name or password.")
    return None


def _resolve_checked(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, each one allowed; FetchRefused or FetchFailed otherwise."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(_("The host %(host)s could not be found.") % {"host": host}) from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise FetchFailed(_("The host %(host)s could not be found.") % {"host": host})
    for address in addresses:
        refusal = address_refusal(address, port)
        if refusal:
            raise FetchRefused(
                _("The host %(host)s points to %(refusal)s, which MentorHub does not connect to.")
                % {"host": host, "refusal": refusal}
            )
    return addresses


def fetch_public_url(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    accept: str = "*/*",
) -> FetchResult:
    """GET `url` under the policy above; the answer of the last hop must be 200 (FetchFailed otherwise)."""
    token = _fetching.set(True)
    try:
        return _fetch(url, timeout=timeout, max_bytes=max_bytes, accept=accept)
    finally:
        _fetching.reset(token)


def _fetch(url: str, *, timeout: float, max_bytes: int, accept: str) -> FetchResult:
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        refusal = url_refusal(url)
        if refusal:
            raise FetchRefused(refusal)
        parts = urlsplit(url.strip())
        scheme, host = parts.scheme.lower(), parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        pool, response = _connect(
            scheme, host, port, path, _resolve_checked(host, port), deadline, {"Accept": accept}, "GET", None
        )
        try:
            if response.status in REDIRECT_STATUSES:
                location = response.headers.get("Location")
                if not location:
                    raise FetchFailed(_("%(host)s redirected without saying where to.") % {"host": host})
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchFailed(_("%(host)s answered HTTP %(status)s.") % {"host": host, "status": response.status})
            body = _read_capped(response, deadline, max_bytes, host)
            return FetchResult(
                url=url, status=response.status, content_type=response.headers.get("Content-Type", ""), body=body
            )
        finally:
            response.release_conn()
            pool.close()
    raise FetchFailed(_("The address redirected more than %(count)s times.") % {"count": MAX_REDIRECTS})


def post_public_url(
    url: str,
    *,
    body: bytes,
    headers: Mapping[str, str],
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    max_bytes: int = 64 * 1024,
) -> FetchResult:
    """POST `body` to `url` under the policy above, following no redirect. Any answer is returned (its status
    says how it went), with at most `max_bytes` of its body; FetchError when nothing was answered."""
    token = _fetching.set(True)
    try:
        refusal = url_refusal(url)
        if refusal:
            raise FetchRefused(refusal)
        deadline = time.monotonic() + timeout
        parts = urlsplit(url.strip())
        scheme, host = parts.scheme.lower(), parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        addresses = _resolve_checked(host, port)
        pool, response = _connect(scheme, host, port, path, addresses, deadline, dict(headers), "POST", body)
        try:
            try:
                answer = _read_capped(response, deadline, max_bytes, host)
            except FetchTooLarge:
                answer = b""  # the status is what counts; a long answer is not kept
            return FetchResult(
                url=url, status=response.status, content_type=response.headers.get("Content-Type", ""), body=answer
            )
        finally:
            response.release_conn()
            pool.close()
    finally:
        _fetching.reset(token)


def _connect(
    scheme: str,
    host: str,
    port: int,
    path: str,
    addresses: list[str],
    deadline: float,
    extra_headers: dict[str, str],
    method: str,
    body: bytes | None,
) -> tuple[urllib3.HTTPConnectionPool, urllib3.BaseHTTPResponse]:
    """Send the request to the first checked address that accepts a connection (the name is never resolved
    again)."""
    default_port = 443 if scheme == "https" else 80
    name = f"[{host}]" if ":" in host else host
    headers = {
        "Host": name if port == default_port else f"{name}:{port}",
        **extra_headers,
        "Accept-Encoding": "identity",  # no compressed answer: the size cap counts what is stored
        "User-Agent": "MentorHub",
    }
    for address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchTooSlow(_("%(host)s took too long to answer.") % {"host": host})
        pool = _pool(scheme, host, address, port, urllib3.Timeout(connect=remaining, read=remaining))
        try:
            response = pool.urlopen(
                method,
                path,
                body=body,
                headers=headers,
                redirect=False,
                preload_content=False,
                assert_same_host=False,
            )
        except urllib3.exceptions.NewConnectionError:
            pool.close()
            continue  # the next address of the name, if any
        except urllib3.exceptions.TimeoutError as exc:
            pool.close()
            raise FetchTooSlow(_("%(host)s took too long to answer.") % {"host": host}) from exc
        except urllib3.exceptions.SSLError as exc:
            pool.close()
            raise FetchFailed(_("%(host)s has no valid TLS certificate for its name.") % {"host": host}) from exc
        except urllib3.exceptions.HTTPError as exc:
            pool.close()
            raise FetchFailed(_("%(host)s could not be reached (the connection failed).") % {"host": host}) from exc
        return pool, response
    raise FetchFailed(_("%(host)s could not be reached (the connection was refused).") % {"host": host})


def _pool(scheme: str, host: str, address: str, port: int, timeout: urllib3.Timeout) -> urllib3.HTTPConnectionPool:
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=host,  # SNI and the certificate check use the name, not the address
            assert_hostname=host,
        )
    return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)


def _read_capped(response: urllib3.BaseHTTPResponse, deadline: float, max_bytes: int, host: str) -> bytes:
    """At most `max_bytes`, read by the deadline. Each read returns what has arrived and waits only until the
    deadline (the socket's timeout shrinks with it)."""
    too_large = FetchTooLarge(
        _("The answer of %(host)s is larger than %(size)s KB.") % {"host": host, "size": max_bytes // 1024}
    )
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchTooSlow(_("%(host)s took too long to answer.") % {"host": host})
            sock = getattr(getattr(response, "connection", None), "sock", None)
            if sock is not None:
                sock.settimeout(remaining)
            chunk = response.read1(64 * 1024)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise too_large
            chunks.append(chunk)
    except (urllib3.exceptions.TimeoutError, TimeoutError) as exc:
        raise FetchTooSlow(_("%(host)s took too long to answer.") % {"host": host}) from exc
    except urllib3.exceptions.HTTPError as exc:
        raise FetchFailed(_("The answer of %(host)s was cut off.") % {"host": host}) from exc
    return b"".join(chunks)
