"""The Django admin of the Teams app: read-only, filtered by organization first. Written by the app's
services only (the settings page, the bot's endpoint, the card sender)."""

from __future__ import annotations

from django.contrib import admin

from mentorhub.web.admin import ReadOnlyAdmin

from .models import TeamsCard, TeamsInstallation, TeamsLink


@admin.register(TeamsInstallation)
class TeamsInstallationAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "tenant_id", "enabled", "updated_at"]
    list_filter = ["organization", "enabled"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization"]


@admin.register(TeamsLink)
class TeamsLinkAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "employee", "linked_at"]
    list_filter = ["organization"]
    list_select_related = ["organization", "employee"]
    raw_id_fields = ["organization", "employee"]


@admin.register(TeamsCard)
class TeamsCardAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "employee_id", "kind", "object_id", "status", "sent_at", "acted_at"]
    list_filter = ["organization", "status", "kind"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization", "employee"]
    exclude = ["title", "outcome"]  # what the notice said: the person's
