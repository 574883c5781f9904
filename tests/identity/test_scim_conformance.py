"""SCIM conformance: scim2-tester runs every check against the live server (real HTTP on loopback).

The client describes the server with the server's own resource classes (identity/scim/resources.py), the
MentorHub extension given examples of valid values (jobLevel 1-20, an IANA time zone, a YYYY-MM-DD date),
which scim2-tester fills them from instead of random strings; the discovery endpoints are checked as
published all the same. The summary is printed (pytest -s shows it).
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Annotated

import httpx
import pytest

# scim2-client's network engine imports `httpx2`; the venv has httpx (the same API), so it stands in.
sys.modules.setdefault("httpx2", httpx)
from pydantic import Field  # noqa: E402
from scim2_client.engines.httpx2 import SyncSCIMClient  # noqa: E402
from scim2_models import Required, ScimProvider  # noqa: E402
from scim2_tester import Status, check_server  # noqa: E402

from identity.scim.resources import (  # noqa: E402
    POLICY,
    EnterpriseUser,
    Group,
    MentorHubUser,
    User,
    resource_types,
    service_provider_config,
)
from mentorhub.accounts.services.tokens import api_token_create  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)


class ExampleMentorHubUser(MentorHubUser):
    job_level: Annotated[int | None, Required.true] = Field(None, examples=list(range(1, 21)))
    time_zone: Annotated[str | None, Required.true] = Field(None, examples=["UTC", "Europe/Berlin", "Asia/Tokyo"])
    hire_date: Annotated[str | None, Required.true] = Field(None, examples=["2019-03-01", "2024-01-08"])


class LoopbackClient(SyncSCIMClient):
    def _stays_under_base_url(self, endpoint: str) -> bool:  # httpx's URL has no .origin (httpx2's has)
        base, url = self.client.base_url, self.client.build_request("GET", endpoint).url
        return (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port) and url.raw_path.startswith(
            base.raw_path
        )


def test_scim2_tester_every_applicable_check_passes(live_server, org, admin):
    _token, raw = api_token_create(organization=org, actor=admin.user, membership=admin, name="t", scopes=["scim"])
    http = httpx.Client(
        base_url=f"{live_server.url}/scim/v2/o/{org.slug}", headers={"Authorization": f"Bearer {raw}"}, timeout=30
    )
    models = (User, EnterpriseUser, ExampleMentorHubUser, Group)
    provider = ScimProvider(models, resource_types(), service_provider_config(), POLICY)
    client = LoopbackClient(http, provider=provider)
    results = check_server(client)

    counts = Counter(result.status.name for result in results)
    print(f"\nscim2-tester: {len(results)} checks, " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    for result in results:
        if result.status == Status.SKIPPED:
            print(f"  skipped {result.resource_type or ''} {result.title}: {result.reason}")
    failures = [
        f"{r.resource_type} {r.title}: {r.reason}" for r in results if r.status in (Status.ERROR, Status.CRITICAL)
    ]
    assert not failures, "\n".join(failures)
    assert counts["SUCCESS"] > 50
