"""The integrations' data: one module per integration, imported here so Django finds the models."""

from .webhooks.models import WebhookDelivery, WebhookEndpoint

__all__ = ["WebhookDelivery", "WebhookEndpoint"]
