"""SCIM conformance: scim2-tester runs every check against the live server (real HTTP on loopback).

The client describes the server with the server's own resource classes (identity/scim/resources.py), the
MentorHub extension given examples of valid values (jobLevel 1-20, an IANA time zone, a YYYY-MM-DD date),
which scim2-tester fills them from instead of random strings; the discovery endpoints are checked as
published all the same. The summary (checks run, passed, skipped with reasons) is printed (`pytest -s`, or
`-rP`) and every check's line written to the test's tmp dir, whose path the summary names.
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
    MAX_RESULTS,
    POLICY,
    EnterpriseUser,
    Group,
    MentorHubUser,
    User,
    resource_types,
    service_provider_config,
)
from mentorhub.accounts.models import Employee  # noqa: E402
from mentorhub.accounts.services.tokens import api_token_create  # noqa: E402
from tests.factories import EmployeeFactory  # noqa: E402

from .scim_helpers import ENTERPRISE, MENTORHUB, ScimClient, scim_token  # noqa: E402


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


@pytest.mark.django_db
def test_service_provider_config_advertises_exactly_what_works(org, admin):
    scim = ScimClient(org, scim_token(admin))
    response = scim.get("ServiceProviderConfig")
    assert response.status_code == 200
    config = response.json()
    assert config["patch"] == {"supported": True}
    assert config["filter"] == {"supported": True, "maxResults": MAX_RESULTS}
    assert config["etag"] == {"supported": True}
    assert config["bulk"]["supported"] is False
    assert config["sort"] == {"supported": False}
    assert config["changePassword"] == {"supported": False}
    assert [s["type"] for s in config["authenticationSchemes"]] == ["oauthbearertoken"]
    assert config["meta"]["location"] == "http://testserver/scim/v2/o/alpha/ServiceProviderConfig"

    # filter.maxResults: a larger count is cut to it.
    Employee.objects.bulk_create(
        EmployeeFactory.build(organization=org, employee_id=f"B{n:04d}", email=f"b{n}@alpha.test")
        for n in range(MAX_RESULTS + 5)
    )
    listing = scim.get("Users", count=MAX_RESULTS + 50).json()
    assert (listing["totalResults"], listing["itemsPerPage"]) == (MAX_RESULTS + 6, MAX_RESULTS)
    # bulk: no /Bulk endpoint; sort: sortBy is ignored, the order stays the stable one (by id).
    assert scim.post("Bulk", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]}).status_code == 404
    by_id = [r["id"] for r in scim.get("Users", count=5).json()["Resources"]]
    assert [
        r["id"] for r in scim.get("Users", count=5, sortBy="userName", sortOrder="descending").json()["Resources"]
    ] == by_id
    # The discovery endpoints publish the two resource types and the four schemas served.
    assert {r["id"] for r in scim.get("ResourceTypes").json()["Resources"]} == {"User", "Group"}
    assert {s["id"] for s in scim.get("Schemas").json()["Resources"]} == {
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:core:2.0:Group",
        ENTERPRISE,
        MENTORHUB,
    }


@pytest.mark.django_db(transaction=True)
def test_scim2_tester_every_applicable_check_passes(live_server, org, admin, tmp_path):
    _token, raw = api_token_create(organization=org, actor=admin.user, membership=admin, name="t", scopes=["scim"])
    http = httpx.Client(
        base_url=f"{live_server.url}/scim/v2/o/{org.slug}", headers={"Authorization": f"Bearer {raw}"}, timeout=30
    )
    models = (User, EnterpriseUser, ExampleMentorHubUser, Group)
    provider = ScimProvider(models, resource_types(), service_provider_config(), POLICY)
    client = LoopbackClient(http, provider=provider)
    # Closing the client ends its keep-alive connection, and with it the server thread and that thread's
    # database connection (left open, it keeps the test database from being dropped at the end of the run).
    with http:
        results = check_server(client)

    counts = Counter(result.status.name for result in results)
    lines = [f"scim2-tester: {len(results)} checks, " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))]
    lines += [
        f"  {r.status.name:<8} {r.resource_type or '-':<6} {r.title}"
        + (f": {r.reason}" if r.status != Status.SUCCESS else "")
        for r in results
    ]
    summary = tmp_path / "scim2-tester-summary.txt"
    summary.write_text("\n".join(lines) + "\n")
    print(f"\n{lines[0]} (every check: {summary})")
    for line in lines[1:]:
        if not line.lstrip().startswith("SUCCESS"):
            print(line)
    failures = [
        f"{r.resource_type} {r.title}: {r.reason}" for r in results if r.status in (Status.ERROR, Status.CRITICAL)
    ]
    assert not failures, "\n".join(failures)
    # Skipped: only what the server says it does not do (POST /.search across resource types).
    assert {r.title for r in results if r.status == Status.SKIPPED} <= {"search_with_attributes"}
    assert counts["SUCCESS"] >= 77
