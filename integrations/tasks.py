"""The integrations' Celery tasks, one module per integration (Celery finds them through this module)."""

from .slack.tasks import deliver_notices  # noqa: F401
from .teams.tasks import teams_send_notices  # noqa: F401
