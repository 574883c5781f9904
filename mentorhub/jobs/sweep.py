"""The sweeper: beat sends `jobs.sweep` every JOB_SWEEP_SECONDS (settings.CELERY_BEAT_SCHEDULE), and it sends
the task again for every job row that would otherwise wait forever:

- running with a dead heartbeat (mentorhub.jobs.liveness): its worker is gone. The row goes back to queued
  (a conditional UPDATE naming the dead claim, so two sweepers, or a sweeper and a redelivered message, never
  both win), then its task is sent. After MAX_ATTEMPTS claims it is failed instead: a job that kills its worker
  every time (memory) must not take the workers down one after the other.
- queued, its task last sent JOB_RESEND_AFTER_SECONDS ago: the message was lost (the broker was down when the
  transaction committed, or restarted without persistence), with a backoff (at most once per half of its time
  in the queue). A job only waiting its turn behind others gets a duplicate message now and then; the claim lets
  one delivery through and the others find nothing.
- running past its task's hard time limit (Celery killed it): failed, since another attempt would end the same.

Each app registers its job kinds from its tasks module (the model and the task that runs one job), so this
module imports no app. Finding the rows is the one query that spans organizations (named with
`all_organizations()`); each row is then handled inside its own organization.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from celery import shared_task
from celery.exceptions import OperationalError
from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from mentorhub.db.tenant_scope import all_organizations, cross_organization_task, organization_scope

from .liveness import FAILED, MAX_ATTEMPTS, QUEUED, dead

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobKind:
    """One kind of job row, and the task that runs one: `task.delay(organization_id=..., <id_argument>=pk)`."""

    model: type[Model]
    task: Any
    id_argument: str
    # Fields reset when a dead job goes back to the queue, and set when it fails for good (besides status,
    # claim, error and finished_at, which every job row has).
    requeue: Mapping[str, Any] = field(default_factory=dict)
    fail: Mapping[str, Any] = field(default_factory=dict)


_kinds: dict[str, JobKind] = {}


def register(kind: JobKind) -> None:
    _kinds[kind.model._meta.label] = kind


def registered() -> list[JobKind]:
    # Every app's tasks module registers its kinds when imported: a worker imports them all at start, a web
    # process (the embedded scheduler) may not have yet. Django's own discovery, not Celery's loader: that one
    # runs django.setup() again, which in a worker re-plumbs logging into Celery's redirected stderr (lost).
    autodiscover_modules("tasks")
    return list(_kinds.values())


def send(kind: JobKind, *, organization_id: int, pk: int) -> bool:
    """Send the job's task. A broker that is down is logged, not raised: the row stays queued, and the sweeper
    sends it again once the broker is back (callers use this after their transaction committed)."""
    try:
        kind.task.delay(organization_id=organization_id, **{kind.id_argument: pk})
    except OperationalError as error:  # the broker unreachable (after kombu's own retries); the row keeps the job
        name = kind.model.__name__
        logger.warning("%s %s: its task could not be sent (%s); the sweeper will send it again", name, pk, error)
        return False
    return True


def send_on_commit(kind: JobKind, *, organization_id: int, pk: int) -> None:
    """Send the job's task once the current transaction commits (never for a job that was rolled back), without
    turning a broker outage into an error for the request that saved the job."""
    transaction.on_commit(lambda: send(kind, organization_id=organization_id, pk=pk))


@dataclass
class SweepReport:
    requeued: int = 0  # running jobs of dead workers, queued and sent again
    failed: int = 0  # ... that had used up their attempts
    resent: int = 0  # queued jobs whose message was lost, sent again


def jobs_sweep(*, now: datetime | None = None) -> SweepReport:
    now = now or timezone.now()
    resend_before = now - timedelta(seconds=settings.JOB_RESEND_AFTER_SECONDS)
    report = SweepReport()
    for kind in registered():
        rows = kind.model._default_manager
        with all_organizations():  # the sweeper serves every organization: one query per kind finds the work
            dead_jobs = list(
                rows.filter(dead(now)).values_list(
                    "pk", "organization_id", "claimed_by", "attempts", "started_at", "heartbeat_at"
                )
            )
            lost_jobs = list(
                rows.filter(status=QUEUED, heartbeat_at__lt=resend_before).values_list(
                    "pk", "organization_id", "created_at", "heartbeat_at"
                )
            )
        for pk, organization_id, token, attempts, started_at, heartbeat_at in dead_jobs:
            with organization_scope(organization_id):
                job = rows.filter(dead(now), pk=pk, claimed_by=token)
                error = _final_error(kind, attempts=attempts, started_at=started_at, heartbeat_at=heartbeat_at)
                if error:
                    if job.update(status=FAILED, error=error, finished_at=now, **kind.fail):
                        report.failed += 1
                        logger.warning("%s %s: %s", kind.model.__name__, pk, error)
                    continue
                if job.update(status=QUEUED, claimed_by="", heartbeat_at=now, **kind.requeue):
                    report.requeued += 1
                    logger.warning("%s %s: its worker stopped (no heartbeat); queued again", kind.model.__name__, pk)
                    _send_logged(kind, organization_id=organization_id, pk=pk)
        for pk, organization_id, created_at, last_sent in lost_jobs:
            # Backoff: a job only waiting its turn behind long ones (nightly roll-ups, a 15-minute match run) is
            # sent again at most once per half of its time in the queue, so duplicates do not pile up.
            if last_sent > now - (now - created_at) / 2:
                continue
            with organization_scope(organization_id):
                if rows.filter(pk=pk, status=QUEUED, heartbeat_at__lt=resend_before).update(heartbeat_at=now):
                    report.resent += 1
                    logger.info("%s %s: still queued; its task sent again", kind.model.__name__, pk)
                    _send_logged(kind, organization_id=organization_id, pk=pk)
    return report


def _final_error(kind: JobKind, *, attempts: int, started_at: Any, heartbeat_at: Any) -> str:
    """Why a dead job is failed instead of queued again ("" when it gets another attempt)."""
    time_limit = getattr(kind.task, "time_limit", None)
    if time_limit and started_at and heartbeat_at and (heartbeat_at - started_at).total_seconds() >= time_limit:
        # Celery's hard time limit killed it: another attempt would be killed the same way.
        return f"It ran into its time limit ({time_limit} s) and was stopped; it was not tried again."
    if attempts >= MAX_ATTEMPTS:
        return f"Its worker stopped during each of its {attempts} attempts; it was not tried again."
    return ""


def _send_logged(kind: JobKind, *, organization_id: int, pk: int) -> None:
    """Send, and never let one job's failure (tasks run in-process on the embedded default) stop the sweep."""
    try:
        send(kind, organization_id=organization_id, pk=pk)
    except Exception:
        logger.exception("%s %s: sending its task failed; the next sweep tries again", kind.model.__name__, pk)


@shared_task(name="jobs.sweep", soft_time_limit=60, time_limit=90, ignore_result=True)
@cross_organization_task
def sweep_jobs() -> dict[str, int]:
    """Beat, every JOB_SWEEP_SECONDS: jobs of dead workers and jobs whose message was lost are sent again."""
    return asdict(jobs_sweep())
