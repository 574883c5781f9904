"""The Django admin of the accounts app: read-mostly, filtered by organization first.

Operators create organizations and manage sign-ins (activate, deactivate, staff) here; everything else is
written by the app's services, which validate and audit (the People, members, invitations, API tokens and
roster pages), so the admin only shows it. Secrets (token and invitation hashes) are not shown."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from mentorhub.web.admin import ReadOnlyAdmin

from .models import (
    ApiToken,
    AuditEvent,
    Employee,
    EmploymentEvent,
    Invitation,
    Membership,
    Organization,
    OutboxEvent,
    RosterImport,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active"]
    list_filter = ["memberships__organization", "is_staff", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "name", "time_zone")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "min_group_size", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Employee)
class EmployeeAdmin(ReadOnlyAdmin):
    list_display = ["name", "employee_id", "organization", "department", "job_level", "left_on"]
    list_filter = ["organization", "department", "job_level"]
    search_fields = ["name", "email", "employee_id"]
    raw_id_fields = ["organization", "manager"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "organization", "role", "employee", "created_at"]
    list_filter = ["organization", "role"]
    list_select_related = ["organization", "user", "employee"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["organization", "user", "employee"]


@admin.register(EmploymentEvent)
class EmploymentEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_on", "organization", "employee", "kind", "old_value", "new_value"]
    list_filter = ["organization", "kind"]
    list_select_related = ["organization", "employee"]
    search_fields = ["employee__name", "employee__employee_id"]
    raw_id_fields = ["organization", "employee", "roster_import"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "prefix", "organization", "membership", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["organization"]
    list_select_related = ["organization", "membership__user"]
    search_fields = ["name", "prefix", "membership__user__email"]
    raw_id_fields = ["organization", "membership"]
    exclude = ["token_hash"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "organization", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["organization", "role"]
    search_fields = ["email"]
    raw_id_fields = ["organization", "invited_by", "accepted_by"]
    exclude = ["token_hash"]


@admin.register(RosterImport)
class RosterImportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "organization", "filename", "status", "total_rows", "processed_rows"]
    list_filter = ["organization", "status"]
    search_fields = ["filename"]
    raw_id_fields = ["organization", "created_by"]
    exclude = ["rows"]  # the uploaded file's contents: people's personal data, shown on the roster pages


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log is append-only."""

    list_display = ["created_at", "organization", "actor_email", "verb", "target_label"]
    list_filter = ["organization", "verb"]
    search_fields = ["actor_email", "verb", "target_label"]
    raw_id_fields = ["organization", "actor"]


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    """Domain events waiting for, or handed to, the webhook dispatcher (mentorhub/accounts/outbox.py)."""

    list_display = ["id", "created_at", "organization", "event_type", "dispatched_at"]
    list_filter = ["organization", "event_type"]
    raw_id_fields = ["organization"]
