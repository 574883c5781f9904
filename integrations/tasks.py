"""The integrations' Celery tasks, one module per integration (Celery finds them through this module)."""

from .teams.tasks import teams_send_notices  # noqa: F401
