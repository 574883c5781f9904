"""Celery tasks of the analytics app. Tasks take ids only; the services claim their own work.

Beat (settings.CELERY_BEAT_SCHEDULE): `nightly_rollups` nightly, `plan_surveys` every hour. A roll-up that
succeeds queues `build_report` for the dashboards' default views; pages queue it for other selections
(analytics/reports/builds.py)."""

from __future__ import annotations

from celery import shared_task

from mentorhub.accounts.models import Organization
from mentorhub.db.tenant_scope import cross_organization_task, organization_scope, organization_task
from mentorhub.jobs.sweep import JobKind, register

from .models import RollupRun
from .reports.builds import BUILD_SOFT_TIME_LIMIT, BUILD_TIME_LIMIT, Kind, report_build, reports_warm
from .services.rollups import rollup_run_execute, rollup_run_start
from .services.surveys import surveys_plan

# A very large organization's roll-up (bench/analytics.py: 1,000,000 sessions) takes well under a minute.
SOFT_TIME_LIMIT = 600
TIME_LIMIT = 660


@shared_task(
    name="analytics.recompute_rollups", soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT, ignore_result=True
)
@organization_task
def recompute_rollups(*, organization_id: int, run_id: int) -> None:
    run = rollup_run_execute(organization_id=organization_id, run_id=run_id)
    if run is not None and run.status == RollupRun.Status.DONE:
        # The views dashboards open first are built now, by workers, not in their first visitor's request.
        reports_warm(organization=Organization.objects.get(pk=organization_id))


# The sweeper (mentorhub/jobs/sweep.py) sends a roll-up again when its worker died or its message was lost.
ROLLUP_RUNS = JobKind(
    model=RollupRun,
    task=recompute_rollups,
    id_argument="run_id",
    requeue={"progress": 0, "stage": "Queued again: its worker stopped"},
)
register(ROLLUP_RUNS)


@shared_task(
    name="analytics.build_report",
    soft_time_limit=BUILD_SOFT_TIME_LIMIT,
    time_limit=BUILD_TIME_LIMIT,
    ignore_result=True,
)
@organization_task
def build_report(*, organization_id: int, kind: Kind, filters: dict, cache_key: str = "") -> bool:
    """Build one dashboard report (its filters as JSON) into the cache, where the page polling for it finds it."""
    return report_build(organization_id=organization_id, kind=kind, filters=filters, cache_key=cache_key)


@shared_task(name="analytics.nightly_rollups", soft_time_limit=60, time_limit=90, ignore_result=True)
@cross_organization_task
def nightly_rollups() -> int:
    """Nightly (beat): one roll-up run per organization (each its own task)."""
    started = 0
    for organization in Organization.objects.order_by("pk"):
        with organization_scope(organization.pk):
            _run, created = rollup_run_start(organization=organization, actor=None)
        started += created
    return started


@shared_task(name="analytics.plan_surveys", soft_time_limit=60, time_limit=90, ignore_result=True)
@cross_organization_task
def plan_surveys() -> int:
    """Hourly (beat): one task per organization asks for the check-ins and closing surveys that are due."""
    organization_ids = list(Organization.objects.values_list("pk", flat=True))
    for organization_id in organization_ids:
        plan_surveys_for.delay(organization_id=organization_id)
    return len(organization_ids)


@shared_task(name="analytics.plan_surveys_for", soft_time_limit=300, time_limit=360, ignore_result=True)
@organization_task
def plan_surveys_for(*, organization_id: int) -> int:
    """Plan one organization's surveys; returns how many assignments were asked for."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return 0
    report = surveys_plan(organization=organization)
    return report.checkins + report.closings
