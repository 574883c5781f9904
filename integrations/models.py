"""The integrations' data: one module per integration, imported here so Django finds the models."""

from .slack.models import SlackInstallation, SlackMessage, SlackPerson
from .teams.models import TeamsCard, TeamsInstallation, TeamsLink
from .webhooks.models import WebhookDelivery, WebhookEndpoint

__all__ = [
    "SlackInstallation",
    "SlackMessage",
    "SlackPerson",
    "TeamsCard",
    "TeamsInstallation",
    "TeamsLink",
    "WebhookDelivery",
    "WebhookEndpoint",
]
