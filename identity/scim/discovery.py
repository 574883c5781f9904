"""The discovery endpoints (RFC 7644 §4): ServiceProviderConfig, ResourceTypes, Schemas; and the SCIM
404 for any other path under the base URL."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from scim2_models import Context, ListResponse, Meta

from .http import ScimContext, scim_error, scim_json, scim_view
from .resources import MODELS, resource_types, service_provider_config


def _listing(items: list[dict]) -> dict:
    return {
        "schemas": [str(ListResponse.__schema__)],
        "totalResults": len(items),
        "startIndex": 1,
        "itemsPerPage": len(items),
        "Resources": items,
    }


def _schemas(base_url: str) -> list[dict]:
    out = []
    for model in MODELS:
        schema = model.to_schema()
        schema.meta = Meta(resource_type="Schema", location=f"{base_url}Schemas/{schema.id}")
        out.append(schema.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    return out


def _resource_types(base_url: str) -> list[dict]:
    out = []
    for resource_type in resource_types():
        resource_type.meta = Meta(resource_type="ResourceType", location=f"{base_url}ResourceTypes/{resource_type.id}")
        out.append(resource_type.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    return out


@scim_view(("GET",))
def service_provider_config_view(request: HttpRequest, scim: ScimContext) -> HttpResponse:
    config = service_provider_config()
    config.meta = Meta(resource_type="ServiceProviderConfig", location=f"{scim.base_url}ServiceProviderConfig")
    return scim_json(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@scim_view(("GET",))
def schemas(request: HttpRequest, scim: ScimContext) -> HttpResponse:
    return scim_json(_listing(_schemas(scim.base_url)))


@scim_view(("GET",))
def schema_detail(request: HttpRequest, scim: ScimContext, schema_id: str) -> HttpResponse:
    for schema in _schemas(scim.base_url):
        if schema["id"] == schema_id:
            return scim_json(schema)
    return scim_error(404, f"No schema {schema_id}.")


@scim_view(("GET",))
def resource_types_view(request: HttpRequest, scim: ScimContext) -> HttpResponse:
    return scim_json(_listing(_resource_types(scim.base_url)))


@scim_view(("GET",))
def resource_type_detail(request: HttpRequest, scim: ScimContext, resource_type_id: str) -> HttpResponse:
    for resource_type in _resource_types(scim.base_url):
        if resource_type["id"] == resource_type_id:
            return scim_json(resource_type)
    return scim_error(404, f"No resource type {resource_type_id}.")


@scim_view(("GET", "POST", "PUT", "PATCH", "DELETE"))
def not_found(request: HttpRequest, scim: ScimContext, rest: str) -> HttpResponse:
    if rest.rstrip("/") == ".search" and request.method == "POST":
        return scim_error(501, "Searching several resource types at once is not supported.")
    return scim_error(404, "No such SCIM endpoint.")
