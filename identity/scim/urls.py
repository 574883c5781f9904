"""The SCIM 2.0 server (RFC 7643/7644), mounted at /scim/v2/o/<org_slug>/: bearer tokens with the `scim`
scope only (identity/scim/http.py)."""

from django.urls import path, re_path

from . import discovery, groups, users

urlpatterns = [
    path("ServiceProviderConfig", discovery.service_provider_config_view, name="scim-service-provider-config"),
    path("ResourceTypes", discovery.resource_types_view, name="scim-resource-types"),
    path("ResourceTypes/<str:resource_type_id>", discovery.resource_type_detail, name="scim-resource-type"),
    path("Schemas", discovery.schemas, name="scim-schemas"),
    path("Schemas/<str:schema_id>", discovery.schema_detail, name="scim-schema"),
    path("Users", users.users, name="scim-users"),
    path("Users/<str:user_id>", users.user_detail, name="scim-user"),
    path("Groups", groups.groups, name="scim-groups"),
    path("Groups/<str:group_id>", groups.group_detail, name="scim-group"),
    re_path(r"^(?P<rest>.*)$", discovery.not_found, name="scim-not-found"),
]
