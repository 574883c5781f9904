"""The webhook delivery task, sent by beat every WEBHOOK_DISPATCH_SECONDS (settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from mentorhub.db.tenant_scope import cross_organization_task

from .delivery import webhooks_deliver


@shared_task(name="integrations.deliver_webhooks", soft_time_limit=240, time_limit=300, ignore_result=True)
@cross_organization_task
def deliver_webhooks() -> int:
    """Take back lost claims, turn new outbox rows into deliveries, send what is due. Returns how many were
    delivered. Two ticks overlapping do the work once (claims with SKIP LOCKED)."""
    return webhooks_deliver().delivered
