"""Outgoing webhooks: an organization's endpoints and each event's delivery to each of them (docs/integrations.md).

An endpoint's secret is stored encrypted (identity/crypto.py's Fernet helper), in the Standard Webhooks form
`whsec_<base64 of 32 random bytes>`. Rotating it keeps the previous one for 24 hours, and deliveries are
signed with both meanwhile, so a receiver can switch over without losing a message.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from mentorhub.accounts.models import Organization


class WebhookEndpoint(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # Checked by the services (https, a public host: endpoint_url_refusal), and again at every delivery.
    url = models.CharField(max_length=500, verbose_name=_("Endpoint URL"))
    description = models.CharField(max_length=200, blank=True, verbose_name=_("Description"))
    event_types = models.JSONField(default=list, blank=True)
    secret_encrypted = models.TextField(editable=False)
    previous_secret_encrypted = models.TextField(blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    enabled = models.BooleanField(default=True)
    # Failed attempts since the last success; past DISABLE_AFTER_FAILURES the endpoint is switched off.
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    disabled_reason = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organization", "enabled"], name="webhook_endpoint_org")]

    def __str__(self) -> str:
        return self.url

    def subscribes_to(self, event_type: str) -> bool:
        return event_type in (self.event_types or [])


class WebhookDelivery(models.Model):
    """One event (an outbox row, or a test event) to one endpoint, with its attempts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        CLAIMED = "claimed", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The outbox row it came from (None for a test event); one delivery per event and endpoint.
    outbox_event_id = models.BigIntegerField(null=True, blank=True)
    # The webhook-id header: the same for every attempt (receivers drop repeats by it).
    message_id = models.CharField(max_length=60, unique=True, editable=False)
    event_type = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claim_id = models.BigIntegerField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # [{"at": ISO time, "status": HTTP status or null, "error": text}], newest last, at most MAX_LOG entries.
    log = models.JSONField(default=list, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "endpoint", "outbox_event_id"],
                condition=models.Q(outbox_event_id__isnull=False),
                name="webhook_delivery_once",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "endpoint", "-created_at"], name="webhook_delivery_log"),
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} -> {self.endpoint_id} ({self.status})"

    @property
    def attempts_log(self) -> list[dict]:
        """The log with its times as datetimes, for pages that show them in the reader's zone and language."""
        return [{**entry, "at": parse_datetime(str(entry.get("at", "")))} for entry in self.log or []]


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"
