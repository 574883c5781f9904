"""The integrations' Django admin: each integration registers its models in its own admin module."""

from .slack import admin as slack_admin  # noqa: F401
from .teams import admin as teams_admin  # noqa: F401
from .webhooks import admin as webhooks_admin  # noqa: F401
