"""The Django admin of the identity app: read-only, filtered by organization first.

Admins of each organization write these rows on their own pages (SSO settings, Groups) and SCIM clients
through the SCIM API; the services validate and audit. Secrets are not shown: the stored OIDC client secret
(encrypted) and the IdP metadata document (shown on the SSO settings page by its entity ID)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from mentorhub.web.admin import ReadOnlyAdmin

from .models import ClaimedDomain, EmployeeGroup, EmployeeGroupMember, ScimUser, SsoConnection, SsoSignInAttempt


@admin.register(SsoConnection)
class SsoConnectionAdmin(ReadOnlyAdmin):
    list_display = ["organization", "protocol", "enabled", "require_sso", "create_on_first_sign_in", "updated_at"]
    list_filter = ["organization", "protocol", "enabled", "require_sso"]
    raw_id_fields = ["organization"]
    exclude = ["oidc_client_secret_encrypted", "saml_metadata_xml"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ClaimedDomain)
class ClaimedDomainAdmin(ReadOnlyAdmin):
    list_display = ["domain", "organization", "created_at"]
    list_filter = ["organization"]
    search_fields = ["domain"]
    raw_id_fields = ["organization"]


@admin.register(SsoSignInAttempt)
class SsoSignInAttemptAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "organization", "protocol", "outcome", "email", "reason"]
    list_filter = ["organization", "outcome", "protocol"]
    search_fields = ["email", "reason"]
    raw_id_fields = ["organization", "user"]


@admin.register(ScimUser)
class ScimUserAdmin(ReadOnlyAdmin):
    list_display = ["user_name", "external_id", "organization", "employee", "updated_at"]
    list_filter = ["organization"]
    list_select_related = ["organization", "employee"]
    search_fields = ["user_name", "external_id", "employee__name"]
    raw_id_fields = ["organization", "employee"]


@admin.register(EmployeeGroup)
class EmployeeGroupAdmin(ReadOnlyAdmin):
    list_display = ["display_name", "organization", "managed_by_scim", "external_id", "updated_at"]
    list_filter = ["organization", "managed_by_scim"]
    search_fields = ["display_name", "external_id"]
    raw_id_fields = ["organization"]


@admin.register(EmployeeGroupMember)
class EmployeeGroupMemberAdmin(ReadOnlyAdmin):
    list_display = ["group", "employee", "organization", "created_at"]
    list_filter = ["organization"]
    list_select_related = ["organization", "group", "employee"]
    search_fields = ["group__display_name", "employee__name"]
    raw_id_fields = ["organization", "group", "employee"]
