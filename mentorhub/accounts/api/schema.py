"""Teach drf-spectacular how the API's bearer tokens work, and what tells the two roster views apart, so the
schema documents them."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "mentorhub.accounts.api.auth.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An organization-scoped API token (API tokens page): `Authorization: Bearer mh_…`.",
        }


class EmployeeDirectoryScheme(OpenApiSerializerExtension):
    """The directory row (members, stakeholders) has exactly its fields: an admin's row, which adds the HR
    fields the admin variant requires, does not match it. So `EmployeeForRole`'s `oneOf` matches one variant."""

    target_class = "mentorhub.accounts.api.serializers.EmployeeDirectorySerializer"

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["additionalProperties"] = False
        return schema
