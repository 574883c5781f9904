"""The integrations' data: one module per integration, imported here so Django finds the models."""

from .slack.models import SlackInstallation, SlackMessage, SlackPerson  # noqa: F401
from .teams.models import TeamsCard, TeamsInstallation, TeamsLink  # noqa: F401
