"""The integrations' data: one module per integration, imported here so Django finds the models."""

from .teams.models import TeamsCard, TeamsInstallation, TeamsLink  # noqa: F401
