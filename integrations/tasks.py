"""Celery tasks of the integrations (found by Celery's autodiscovery here): one module per integration."""

from .webhooks.tasks import deliver_webhooks

__all__ = ["deliver_webhooks"]
