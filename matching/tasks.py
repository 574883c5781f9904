"""Celery tasks of the matching app. Tasks take ids only; the service claims the run itself."""

from __future__ import annotations

from celery import shared_task

from mentorhub.db.tenant_scope import organization_task
from mentorhub.jobs.sweep import JobKind, register

from .models import MatchRun
from .services.runs import SOFT_TIME_LIMIT_SECONDS, TIME_LIMIT_SECONDS, match_run_execute


@shared_task(
    name="matching.execute_run",
    soft_time_limit=SOFT_TIME_LIMIT_SECONDS,
    time_limit=TIME_LIMIT_SECONDS,
    ignore_result=True,
)
@organization_task
def execute_run(*, organization_id: int, run_id: int) -> None:
    """Execute a queued matching run. Idempotent: the service claims the run with a conditional UPDATE
    (queued -> running, or running with a dead heartbeat), so a duplicate delivery does nothing."""
    match_run_execute(organization_id=organization_id, run_id=run_id)


# The sweeper (mentorhub/jobs/sweep.py) sends a run again when its worker died or its message was lost.
MATCH_RUNS = JobKind(
    model=MatchRun,
    task=execute_run,
    id_argument="run_id",
    requeue={"progress": 0, "stage": "Queued again: its worker stopped"},
    fail={"stage": "Failed"},
)
register(MATCH_RUNS)
