"""Teach drf-spectacular how the API's bearer tokens work, so the schema documents them."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "mentorhub.accounts.api.auth.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An organization-scoped API token (API tokens page): `Authorization: Bearer mh_…`.",
        }
