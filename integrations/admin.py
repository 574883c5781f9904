"""The integrations' Django admin: one module per integration."""

from .slack import admin as slack_admin  # noqa: F401
