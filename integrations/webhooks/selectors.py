"""Reads of Settings -> Webhooks, scoped by organization in the query."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from mentorhub.accounts.models import Organization
from mentorhub.tenancy import get_scoped_or_404

from .models import WebhookDelivery, WebhookEndpoint


def webhook_endpoints(*, organization: Organization) -> QuerySet[WebhookEndpoint]:
    """The organization's endpoints with their delivery counts (one query)."""
    return WebhookEndpoint.objects.filter(organization=organization).annotate(
        delivered_count=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.DELIVERED)),
        failed_count=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.FAILED)),
        waiting_count=Count(
            "deliveries",
            filter=Q(deliveries__status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.CLAIMED]),
        ),
    )


def webhook_endpoint_get(*, organization: Organization, endpoint_id: int) -> WebhookEndpoint:
    return get_scoped_or_404(WebhookEndpoint, organization, pk=endpoint_id)


def webhook_deliveries(*, organization: Organization, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """One endpoint's delivery log, newest first."""
    return WebhookDelivery.objects.filter(organization=organization, endpoint=endpoint).order_by("-created_at", "-id")
