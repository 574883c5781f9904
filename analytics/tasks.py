"""Celery tasks of the analytics app. Tasks take ids only; the services claim their own work."""

from __future__ import annotations

from celery import shared_task

from mentorhub.accounts.models import Organization

from .services.rollups import rollup_run_execute, rollup_run_start

# A very large organization's roll-up (bench/analytics.py: 1,000,000 sessions) takes well under a minute.
SOFT_TIME_LIMIT = 600
TIME_LIMIT = 660


@shared_task(
    name="analytics.recompute_rollups", soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT, ignore_result=True
)
def recompute_rollups(*, organization_id: int, run_id: int) -> None:
    rollup_run_execute(organization_id=organization_id, run_id=run_id)


@shared_task(name="analytics.nightly_rollups", soft_time_limit=60, time_limit=90, ignore_result=True)
def nightly_rollups() -> int:
    """Nightly (beat): one roll-up run per organization (each its own task)."""
    started = 0
    for organization in Organization.objects.all():
        _run, created = rollup_run_start(organization=organization)
        started += created
    return started
