"""Celery tasks of the accounts app. Tasks take ids only and load through the services."""

from __future__ import annotations

from celery import shared_task

from .services.roster_import import SOFT_TIME_LIMIT_SECONDS, TIME_LIMIT_SECONDS, roster_import_apply


@shared_task(
    name="accounts.apply_roster_import",
    soft_time_limit=SOFT_TIME_LIMIT_SECONDS,
    time_limit=TIME_LIMIT_SECONDS,
    ignore_result=True,
)
def apply_roster_import(*, organization_id: int, import_id: int) -> None:
    """Apply a validated roster import. Idempotent: the service claims the import with a conditional
    UPDATE (queued -> running), so a duplicate delivery finds nothing to do."""
    roster_import_apply(organization_id=organization_id, import_id=import_id)
