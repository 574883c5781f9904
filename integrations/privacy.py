"""The integrations' part of the personal-data registry (docs/privacy.md): webhook endpoints hold no personal
data, and deliveries carry ids and statuses only (mentorhub/accounts/outbox.py)."""

from __future__ import annotations

from mentorhub.accounts.privacy.registry import register_not_personal

from .models import WebhookDelivery, WebhookEndpoint


def register() -> None:
    register_not_personal(
        WebhookEndpoint,
        description="what an admin wrote about their own system's endpoint",
        disabled_reason="why the endpoint was switched off: system text",
    )
    register_not_personal(WebhookDelivery, message_id="a random id of the message (the webhook-id header)")
