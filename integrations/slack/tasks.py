"""The Slack app's Celery task: thin, takes ids, calls the delivery service."""

from __future__ import annotations

from celery import shared_task

from mentorhub.accounts.models import Organization
from mentorhub.db.tenant_scope import organization_task

from .services.delivery import slack_notices_send


@shared_task(name="integrations.slack_deliver_notices", soft_time_limit=120, time_limit=150, ignore_result=True)
@organization_task
def deliver_notices(*, organization_id: int, notices: list[list]) -> None:
    """Send one organization's notices as Slack direct messages. Idempotent: each (kind, object, person) has
    one message row (a unique key), so a task delivered twice sends nothing twice."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return
    slack_notices_send(
        organization=organization,
        notices=[(int(employee_id), str(kind), int(object_id)) for employee_id, kind, object_id in notices],
    )
