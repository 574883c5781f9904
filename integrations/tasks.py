"""The integrations' Celery tasks (found by Celery's autodiscovery here), one module per integration."""

from .slack.tasks import deliver_notices
from .teams.tasks import teams_send_notices
from .webhooks.tasks import deliver_webhooks

__all__ = ["deliver_notices", "deliver_webhooks", "teams_send_notices"]
