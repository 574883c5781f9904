"""The Django admin of the integrations: read-only, filtered by organization first. A webhook endpoint's secrets
are never shown."""

from __future__ import annotations

from django.contrib import admin

from mentorhub.web.admin import ReadOnlyAdmin

from .models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["id", "url", "organization", "enabled", "consecutive_failures", "created_at"]
    list_filter = ["organization", "enabled"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization"]
    exclude = ["secret_encrypted", "previous_secret_encrypted"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "organization", "event_type", "status", "attempts", "last_status_code"]
    list_filter = ["organization", "status", "event_type"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization", "endpoint"]
