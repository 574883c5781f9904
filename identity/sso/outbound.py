"""Server-side fetches of URLs an organization admin gave (SAML metadata, the OIDC issuer's discovery document,
its token, userinfo and JWKS endpoints): the one address policy every such fetch follows.

- `address_refusal`: loopback, private, link-local (cloud metadata 169.254.169.254), multicast, reserved and
  unspecified addresses are refused; an IPv4 address inside an IPv6 one is judged as that address.
- `resolve_checked`: a host name is resolved once, every address it resolves to must be allowed, and the
  connection goes to one of those checked addresses (the Host header and TLS SNI / certificate check keep the
  host name), so a DNS answer cannot change between the check and the connection.
- `guarded_session`: a `requests.Session` (the one allauth's OIDC calls get, identity/sso/adapter.py) whose
  connections do exactly that at connect time, for every request and every redirect hop; no proxies from the
  environment, at most 3 redirects, connect/read timeouts, a 10 s deadline and a 1 MB cap per answer.
- `issuer_refusal`: why an OIDC issuer URL may not be used (None: it may), for the settings form and the start of
  a sign-in.

Test settings (all off by default): SSO_OUTBOUND_ALLOW_LOOPBACK (alias SSO_METADATA_ALLOW_LOOPBACK) allows
loopback addresses; SSO_OUTBOUND_ALLOW_HTTP (alias SSO_METADATA_ALLOW_HTTP, or DEBUG) allows plain http://;
SSO_OUTBOUND_CA_CERTS (alias SSO_METADATA_CA_CERTS) is a CA bundle to trust instead of the system's.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

OUTBOUND_TIMEOUT_SECONDS = 10
OUTBOUND_CONNECT_TIMEOUT_SECONDS = 5
OUTBOUND_MAX_BYTES = 1024 * 1024
OUTBOUND_MAX_REDIRECTS = 3


def _setting(name: str) -> Any:
    return getattr(settings, f"SSO_OUTBOUND_{name}", None) or getattr(settings, f"SSO_METADATA_{name}", None)


def loopback_allowed() -> bool:
    return bool(_setting("ALLOW_LOOPBACK"))


def http_allowed() -> bool:
    return bool(settings.DEBUG or _setting("ALLOW_HTTP"))


def ca_certs() -> str | None:
    """A CA bundle to trust (tests), or None: the system's trusted certificates."""
    return _setting("CA_CERTS") or None


class OutboundRefused(Exception):
    """A fetch the policy refuses. Not an OSError on purpose: urllib3 lets it through unwrapped and unretried."""

    def __init__(self, message: str, *, refusal: str = "", address: str = "") -> None:
        super().__init__(message)
        self.refusal = refusal  # "a loopback address", ...
        self.address = address


class OutboundTooLarge(Exception):
    pass


class OutboundTooSlow(Exception):
    pass


class AddressRefusedError(requests.exceptions.ConnectionError):
    """What a guarded `requests.Session` raises for a refused URL or address (allauth treats every
    `requests.RequestException` as a failed sign-in)."""


class ResponseTooLargeError(requests.exceptions.RequestException):
    pass


def address_refusal(address: str) -> str | None:
    """Why this IP address may not be fetched from (None: it may)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address inside an IPv6 one (::ffff:a.b.c.d, 6to4 2002:aabb:ccdd::) is judged as that address.
        ip = ip.ipv4_mapped or ip.sixtofour or ip
    if ip.is_loopback:
        return None if loopback_allowed() else "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified or ip.is_reserved:
        return "a reserved address"
    if ip.is_private or not ip.is_global:
        return "a private address"
    return None


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, in order. socket.gaierror when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except UnicodeError as exc:
        raise socket.gaierror(str(exc)) from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise socket.gaierror(f"{host} has no address")
    return addresses


def resolve_checked(host: str, port: int) -> list[str]:
    """The addresses to connect to; every address the name resolves to must be allowed (OutboundRefused).
    socket.gaierror when the name does not resolve."""
    addresses = resolve(host, port)
    for address in addresses:
        refusal = address_refusal(address)
        if refusal:
            raise OutboundRefused(
                f"{host} points to {refusal} ({address}), which is not allowed.", refusal=refusal, address=address
            )
    return addresses


def url_refusal(url: str) -> str | None:
    """Why this URL may not be fetched, judged without resolving it (scheme, credentials, port)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"https", "http"} or not parts.hostname:
        return "The URL must be an https:// address."
    if scheme == "http" and not http_allowed():
        return "The URL must use https://."
    if parts.username or parts.password:
        return "The URL must not contain a user name or password."
    try:
        parts.port  # noqa: B018 -- raises on an invalid port
    except ValueError:
        return "The URL has an invalid port."
    return None


def issuer_refusal(url: str) -> str | None:
    """Why an OpenID Connect issuer URL may not be used (a message for the admin), or None. A host that does not
    resolve (now) is not refused here: the connection is checked again when it is made."""
    refusal = url_refusal(url)
    if refusal:
        return refusal.replace("The URL", "The issuer URL")
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        resolve_checked(host, parts.port or (443 if parts.scheme.lower() == "https" else 80))
    except socket.gaierror:
        return None
    except OutboundRefused as refused:
        return (
            f"The issuer's host {host} points to {refused.refusal} ({refused.address}); MentorHub only connects "
            "to identity providers on public addresses."
        )
    return None


def read_capped(response: urllib3.BaseHTTPResponse, deadline: float, max_bytes: int = OUTBOUND_MAX_BYTES) -> bytes:
    """The body, at most `max_bytes`, read by the deadline (OutboundTooLarge, OutboundTooSlow). Each read returns
    what arrived (`read1`) and may wait only until the deadline (the socket's timeout shrinks with it): a server
    dripping bytes cannot hold the request. urllib3 errors pass through."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise OutboundTooLarge()
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise OutboundTooSlow()
            sock = getattr(getattr(response, "connection", None), "sock", None)
            if sock is not None:
                sock.settimeout(remaining)
            chunk = response.read1(64 * 1024, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise OutboundTooLarge()
            chunks.append(chunk)
    except urllib3.exceptions.TimeoutError as exc:
        raise OutboundTooSlow() from exc
    return b"".join(chunks)


# --- the guarded transport for requests -----------------------------------------------------------------


class _CheckedConnect:
    """urllib3's connection, but the socket goes to an address checked by `resolve_checked`."""

    host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any
    _dns_host: str

    def _new_conn(self) -> socket.socket:
        try:
            addresses = resolve_checked(self._dns_host, self.port)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc  # type: ignore[arg-type]
        error: OSError | None = None
        for address in addresses:
            try:
                return urllib3.util.connection.create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as exc:
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from exc
            except OSError as exc:
                error = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}")  # type: ignore[arg-type]


class CheckedHTTPConnection(_CheckedConnect, HTTPConnection):
    pass


class CheckedHTTPSConnection(_CheckedConnect, HTTPSConnection):
    pass


class CheckedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = CheckedHTTPConnection


class CheckedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = CheckedHTTPSConnection


class CheckedHTTPAdapter(HTTPAdapter):
    """requests' adapter over the checked connections: a refused URL or address raises AddressRefusedError before
    any byte is sent; the answer is read by a deadline and capped."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": CheckedHTTPConnectionPool,
            "https": CheckedHTTPSConnectionPool,
        }

    def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
        raise AddressRefusedError("Server-side fetches of identity-provider URLs do not go through a proxy.")

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        refusal = url_refusal(request.url or "")
        if refusal:
            raise AddressRefusedError(f"{refusal} ({request.url})", request=request)
        deadline = time.monotonic() + OUTBOUND_TIMEOUT_SECONDS
        try:
            response = super().send(request, stream=True, timeout=timeout, verify=verify, cert=cert, proxies={})
        except OutboundRefused as refused:
            raise AddressRefusedError(f"{request.url}: {refused}", request=request) from refused
        if stream:
            return response
        try:
            response._content = read_capped(response.raw, deadline)
        except OutboundTooLarge as exc:
            raise ResponseTooLargeError(f"The answer of {request.url} is larger than 1 MB.", request=request) from exc
        except OutboundTooSlow as exc:
            message = f"{request.url} took longer than {OUTBOUND_TIMEOUT_SECONDS} seconds to answer."
            raise requests.exceptions.ReadTimeout(message, request=request) from exc
        except urllib3.exceptions.HTTPError as exc:
            raise requests.exceptions.ConnectionError(exc, request=request) from exc
        finally:
            response.close()
        response._content_consumed = True
        return response


def guarded_session() -> requests.Session:
    """A session for fetching URLs an admin gave: every connection checked (see the module's docstring)."""
    session = requests.Session()
    session.trust_env = False  # no proxies, .netrc credentials or CA bundle from the environment
    session.max_redirects = OUTBOUND_MAX_REDIRECTS
    adapter = CheckedHTTPAdapter(max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.verify = ca_certs() or True
    session.request = functools.partial(  # type: ignore[method-assign]
        session.request, timeout=(OUTBOUND_CONNECT_TIMEOUT_SECONDS, OUTBOUND_TIMEOUT_SECONDS)
    )
    return session
