"""Webhook endpoints and deliveries for the tests (through the services, as an admin would make them)."""

from __future__ import annotations

from django.utils import timezone

from integrations.webhooks.models import WebhookDelivery, WebhookEndpoint, new_message_id
from integrations.webhooks.services import endpoint_create
from mentorhub.accounts.models import Organization, User


def endpoint_for(
    organization: Organization, actor: User, url: str = "https://hooks.example.com/mentorhub", events=None
) -> tuple[WebhookEndpoint, str]:
    return endpoint_create(
        organization=organization,
        actor=actor,
        url=url,
        event_types=events or ["employee.created", "employee.updated", "match.approved"],
        description="HR data lake",
    )


def webhook_with_delivery(organization: Organization, actor: User) -> tuple[WebhookEndpoint, WebhookDelivery]:
    """An endpoint (never fetched: a name under example.com) with one delivered event."""
    endpoint, _secret = endpoint_for(organization, actor)
    delivery = WebhookDelivery.objects.create(
        organization=organization,
        endpoint=endpoint,
        message_id=new_message_id(),
        event_type="employee.created",
        payload={"type": "employee.created", "data": {"employee_id": 1}},
        status=WebhookDelivery.Status.DELIVERED,
        attempts=1,
        last_status_code=204,
        delivered_at=timezone.now(),
        log=[{"at": timezone.now().isoformat(), "status": 204, "error": ""}],
    )
    return endpoint, delivery
