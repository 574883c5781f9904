from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import (
    ApiToken,
    AuditEvent,
    Employee,
    EmploymentEvent,
    Invitation,
    Membership,
    Organization,
    RosterImport,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "name", "time_zone")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "min_group_size", "created_at"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["name", "employee_id", "organization", "department", "job_level", "left_on"]
    list_filter = ["organization"]
    search_fields = ["name", "email", "employee_id"]
    raw_id_fields = ["manager"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["organization", "role"]
    raw_id_fields = ["user", "employee"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "organization", "actor_email", "verb", "target_label"]
    list_filter = ["organization"]

    def has_change_permission(self, request, obj=None) -> bool:  # the log is append-only
        return False


admin.site.register([EmploymentEvent, ApiToken, Invitation, RosterImport])
