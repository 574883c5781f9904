"""The OpenAPI schema documents every API route, validates, and the interactive docs render offline. Both are
for signed-in users and token holders (docs/api.md): anonymous visitors are refused."""

import io
import re
from typing import Any

import jsonschema
import pytest
from django.core.management import call_command
from django.test import Client

from mentorhub.accounts.services.tokens import api_token_create

from .factories import EmployeeFactory
from .test_outsider_sweep import _clean, tenant_routes

JSON = "application/vnd.oai.openapi+json"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.mark.django_db
def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out), stdout=io.StringIO())
    text = out.read_text()
    assert "/api/v1/o/{org_slug}/employees/" in text


def test_every_api_route_is_in_the_schema(member_client):
    schema = member_client.get("/api/schema/", HTTP_ACCEPT=JSON).json()
    documented = set(schema["paths"])
    missing = []
    for route in tenant_routes():
        text = _clean(route.route)
        if not text.startswith("api/v1/"):
            continue
        # Turn "api/v1/o/<slug:org_slug>/employees/(?P<employee_pk>[^/.]+)/$" into the schema's path form.
        path = "/" + re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path).rstrip("$")
        if path not in documented:
            missing.append(path)
    assert not missing, f"API routes missing from the schema: {missing}"


def test_docs_page_uses_bundled_assets(member_client):
    response = member_client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn.jsdelivr.net" not in page  # served from drf-spectacular-sidecar, works without internet


# --- Who may read them ------------------------------------------------------------------------------------


def test_anonymous_visitors_are_refused_the_schema_and_sent_to_sign_in_for_the_docs(db):
    anonymous = Client()
    schema = anonymous.get("/api/schema/", HTTP_ACCEPT=JSON)
    assert schema.status_code == 401 and schema["WWW-Authenticate"] == "Bearer"
    assert "paths" not in schema.content.decode()
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/?next=/api/docs/")


def test_a_token_or_a_session_opens_the_schema(org, member, member_client):
    assert "paths" in member_client.get("/api/schema/", HTTP_ACCEPT=JSON).json()
    _token, raw = api_token_create(organization=org, actor=member.user, membership=member, name="ci")
    with_token = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert "paths" in with_token.get("/api/schema/", HTTP_ACCEPT=JSON).json()
    assert with_token.get("/api/docs/").status_code == 200
    assert Client(HTTP_AUTHORIZATION="Bearer mh_wrong").get("/api/schema/").status_code == 401


# --- What it says ---------------------------------------------------------------------------------------


@pytest.fixture
def schema(member_client) -> dict[str, Any]:
    return member_client.get("/api/schema/", HTTP_ACCEPT=JSON).json()


def _operations(schema: dict[str, Any]):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield f"{method.upper()} {path}", operation


def test_every_operation_documents_the_refusals_with_one_error_shape(schema):
    error_ref = {"$ref": "#/components/schemas/Error"}
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    undocumented = []
    for name, operation in _operations(schema):
        for code in ("401", "403", "404", "429"):
            response = operation["responses"].get(code)
            if response is None or response["content"]["application/json"]["schema"] != error_ref:
                undocumented.append(f"{name} {code}")
        if "Retry-After" not in operation["responses"].get("429", {}).get("headers", {}):
            undocumented.append(f"{name} 429 Retry-After")
    assert len(list(_operations(schema))) > 50
    assert not undocumented, undocumented


def _json_schema(schema: dict[str, Any], node: Any) -> Any:
    """An OpenAPI 3.0 schema `node` as plain JSON Schema: every $ref replaced by the component it names (the
    schema has no recursive components) and `nullable: true` read as "or null"."""
    if isinstance(node, list):
        return [_json_schema(schema, value) for value in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _json_schema(schema, schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]])
    plain = {key: _json_schema(schema, value) for key, value in node.items() if key != "nullable"}
    return {"anyOf": [plain, {"type": "null"}]} if node.get("nullable") else plain


def _matching_branches(schema: dict[str, Any], component: str, payload: dict[str, Any]) -> list[int]:
    branches = _json_schema(schema, schema["components"]["schemas"][component])["oneOf"]
    return [i for i, branch in enumerate(branches) if jsonschema.Draft4Validator(branch).is_valid(payload)]


def test_employee_for_role_payloads_match_exactly_one_branch(schema, org, admin_client, member_client):
    manager = EmployeeFactory(organization=org)
    employee = EmployeeFactory(organization=org, manager=manager)
    url = f"/api/v1/o/{org.slug}/employees/{employee.pk}/"
    as_admin, as_member = admin_client.get(url).json(), member_client.get(url).json()
    assert "job_level" in as_admin and "job_level" not in as_member and as_member["manager"]
    assert _matching_branches(schema, "EmployeeForRole", as_admin) == [0]
    assert _matching_branches(schema, "EmployeeForRole", as_member) == [1]
    listed = member_client.get(f"/api/v1/o/{org.slug}/employees/").json()["results"]
    assert all(_matching_branches(schema, "EmployeeForRole", row) == [1] for row in listed)


def test_every_operation_documents_the_400_that_any_request_may_meet(schema):
    """A NUL character anywhere in a request is refused before any view (mentorhub/web/nul_bytes.py), and
    unreadable JSON by DRF's parser: the API fuzz test (tests/api_fuzz/) met both on operations that
    documented no 400. An operation's own 400 body (the roster import's errors) is kept, beside `Error`."""
    bad_request = {"$ref": "#/components/schemas/BadRequest"}
    error = {"$ref": "#/components/schemas/Error"}
    undocumented = []
    for name, operation in _operations(schema):
        body = operation["responses"].get("400", {}).get("content", {}).get("application/json", {}).get("schema")
        if body != bad_request and error not in (body or {}).get("anyOf", []):
            undocumented.append(name)
    assert not undocumented, undocumented
    assert schema["components"]["schemas"]["BadRequest"]["type"] == "object"
    roster = schema["paths"]["/api/v1/o/{org_slug}/employees/import/"]["post"]["responses"]["400"]
    assert roster["content"]["application/json"]["schema"]["anyOf"] == [
        {"$ref": "#/components/schemas/RosterErrors"},
        error,
    ]


def test_every_id_in_a_path_is_an_integer(schema):
    """Every `..._pk` is a database id and is routed as one (`lookup_value_converter = "int"`); employees,
    roster imports and invitations were strings with a pattern, or anything without a dot."""
    not_integers = [
        f"{name} {parameter['name']}: {parameter['schema']}"
        for name, operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path" and parameter["name"].endswith("_pk") and parameter["schema"]["type"] != "integer"
    ]
    assert not not_integers, not_integers
