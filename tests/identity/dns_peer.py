"""A real DNS server on loopback for the domain-verification tests (dnslib), and a verified claim for tests
that are not about verification.

- `dns_server`: a UDP DNS server on 127.0.0.1 answering TXT queries from `dns_server.records` (name -> list of
  values); other names in `records` answer "no such record type", unknown names NXDOMAIN. The fixture points
  the setting SSO_DNS_NAMESERVERS at it.
- `silent_dns_server`: a UDP socket on loopback that never answers (for the timeout), with a short timeout.
- `verified_claim(organization, domain)`: a claim as `domain_claim` makes it, then verified through
  `domain_verify` against a one-off loopback DNS server publishing its record.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import override_settings
from dnslib import QTYPE, RCODE, RR, TXT
from dnslib.server import BaseResolver, DNSLogger, DNSServer

from identity.models import ClaimedDomain
from identity.services.sso import domain_claim, domain_verify


@dataclass
class TxtResolver(BaseResolver):
    records: dict[str, list[str]] = field(default_factory=dict)
    queries: list[str] = field(default_factory=list)

    def publish(self, name: str, *values: str) -> None:
        self.records[name.rstrip(".").lower()] = list(values)

    def resolve(self, request: Any, handler: Any) -> Any:
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        self.queries.append(name)
        if name not in self.records:
            reply.header.rcode = RCODE.NXDOMAIN
        elif request.q.qtype == QTYPE.TXT:
            for value in self.records[name]:
                reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(value), ttl=60))
        return reply


@dataclass
class LoopbackDns:
    resolver: TxtResolver
    address: str

    @property
    def records(self) -> dict[str, list[str]]:
        return self.resolver.records

    def publish(self, name: str, *values: str) -> None:
        self.resolver.publish(name, *values)

    def publish_claim(self, claim: ClaimedDomain) -> None:
        self.resolver.publish(claim.challenge_name, claim.challenge_value)


@contextmanager
def loopback_dns() -> Iterator[LoopbackDns]:
    resolver = TxtResolver()
    server = DNSServer(resolver, address="127.0.0.1", port=0, logger=DNSLogger(logf=lambda *_: None))
    server.start_thread()
    host, port = server.server.server_address[:2]
    try:
        with override_settings(SSO_DNS_NAMESERVERS=[f"{host}:{port}"]):
            yield LoopbackDns(resolver=resolver, address=f"{host}:{port}")
    finally:
        server.stop()
        server.server.server_close()


@pytest.fixture
def dns_server() -> Iterator[LoopbackDns]:
    with loopback_dns() as dns:
        yield dns


@pytest.fixture
def silent_dns_server() -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    host, port = sock.getsockname()
    try:
        with override_settings(SSO_DNS_NAMESERVERS=[f"{host}:{port}"], SSO_DNS_TIMEOUT_SECONDS=0.3):
            yield f"{host}:{port}"
    finally:
        sock.close()


def verified_claim(organization: Any, domain: str) -> ClaimedDomain:
    """A verified claim of `domain` by `organization`, made through the services (claim, then verify against a
    loopback DNS server that publishes the claim's TXT record)."""
    claim = domain_claim(organization=organization, actor=None, domain=domain)
    with loopback_dns() as dns:
        dns.publish_claim(claim)
        return domain_verify(organization=organization, actor=None, domain_id=claim.pk)
