"""What the SCIM server tests share: a client that speaks SCIM JSON with a bearer token to one organization's
base URL (/scim/v2/o/<slug>/), and tokens made through the real service."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from mentorhub.accounts.models import Membership, Organization
from mentorhub.accounts.services.tokens import api_token_create

CONTENT_TYPE = "application/scim+json"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MENTORHUB = "urn:mentorhub:params:scim:schemas:extension:mentorhub:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def scim_token(membership: Membership, scopes: tuple[str, ...] = ("scim",)) -> str:
    _token, raw = api_token_create(
        organization=membership.organization,
        actor=membership.user,
        membership=membership,
        name="identity provider",
        scopes=scopes,
    )
    return raw


class ScimClient:
    """Requests to one organization's SCIM base URL; `token=None` sends no Authorization header."""

    def __init__(self, organization: Organization | str, token: str | None):
        slug = organization if isinstance(organization, str) else organization.slug
        self.base = f"/scim/v2/o/{slug}/"
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None, **query: Any):
        kwargs: dict[str, Any] = {"headers": {**self.headers, **(headers or {})}}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type=CONTENT_TYPE)
        elif query:
            kwargs["data"] = query
        return getattr(self.client, method)(self.base + path, **kwargs)

    def get(self, path: str, **query: Any):
        return self._call("get", path, **query)

    def post(self, path: str, body: Any, **headers: str):
        return self._call("post", path, body, headers)

    def put(self, path: str, body: Any, **headers: str):
        return self._call("put", path, body, headers)

    def patch(self, path: str, body: Any, **headers: str):
        return self._call("patch", path, body, headers)

    def delete(self, path: str, **headers: str):
        return self._call("delete", path, None, headers)


def patch_op(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH_OP], "Operations": list(operations)}
