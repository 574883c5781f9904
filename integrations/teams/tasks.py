"""Celery tasks of the Teams app: thin, ids only; the delivery service claims each card itself, so a task run
twice sends nothing twice."""

from __future__ import annotations

from celery import shared_task

from mentorhub.accounts.models import Organization
from mentorhub.db.tenant_scope import organization_task

from .services.delivery import teams_notices_send


@shared_task(name="integrations.teams_send_notices", soft_time_limit=120, time_limit=150, ignore_result=True)
@organization_task
def teams_send_notices(*, organization_id: int, notices: list[list]) -> int:
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return 0
    return teams_notices_send(organization=organization, notices=[(int(e), str(k), int(o)) for e, k, o in notices])
