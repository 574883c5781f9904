"""The Django admin of the Slack app: read-only, filtered by organization first. The bot token is never shown."""

from __future__ import annotations

from django.contrib import admin

from mentorhub.web.admin import ReadOnlyAdmin

from .models import SlackInstallation, SlackMessage, SlackPerson


@admin.register(SlackInstallation)
class SlackInstallationAdmin(ReadOnlyAdmin):
    list_display = ["organization", "team_name", "team_id", "installed_at"]
    list_filter = ["organization"]
    raw_id_fields = ["organization", "installed_by"]
    exclude = ["bot_token_encrypted"]


@admin.register(SlackPerson)
class SlackPersonAdmin(ReadOnlyAdmin):
    list_display = ["employee", "organization", "slack_user_id", "dms_off", "looked_up_at"]
    list_filter = ["organization", "dms_off"]
    raw_id_fields = ["organization", "employee"]


@admin.register(SlackMessage)
class SlackMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "organization", "kind", "object_id", "employee", "status", "outcome"]
    list_filter = ["organization", "status", "kind"]
    raw_id_fields = ["organization", "employee"]
    exclude = ["text"]
