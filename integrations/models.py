"""The integrations' data: one module per integration, imported here so Django finds the models."""

from .teams.models import TeamsCard, TeamsInstallation, TeamsLink
from .webhooks.models import WebhookDelivery, WebhookEndpoint

__all__ = ["TeamsCard", "TeamsInstallation", "TeamsLink", "WebhookDelivery", "WebhookEndpoint"]
