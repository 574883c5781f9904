"""Matching runs through a REAL Celery worker (Redis broker, PostgreSQL), not eagerly in the test process:
a run started by the service is executed by the worker with its progress visible; a run stuck "running"
after its worker was killed is re-run and completes once, even when the task is delivered twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from matching.models import Match, MatchMember, MatchRun
from matching.services.runs import match_run_rerun, match_run_start
from matching.tasks import execute_run
from mentorhub.jobs.liveness import dead_after

from .builders import standard_cohort

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("worker")]


def _done(run_id: int):
    def check():
        run = MatchRun.objects.get(pk=run_id)
        return run if run.is_finished else None

    return check


def test_a_run_goes_through_the_worker(celery_worker_process, org, admin):
    cohort = standard_cohort(org)
    with transaction.atomic():  # the task is sent on commit, like in a request
        run = match_run_start(organization=org, actor=admin.user, program_id=cohort.program.pk)

    finished = celery_worker_process.wait_for(_done(run.pk), timeout=90)

    assert finished.status == MatchRun.Status.DONE, finished.error
    assert finished.progress == 100 and finished.figures["matched"] == 4
    assert Match.objects.filter(run=finished, status=Match.Status.PROPOSED).count() == 4
    assert "matching.execute_run[" in celery_worker_process.log()  # the worker, not this process, ran it


def test_an_interrupted_run_is_re_run_and_completes_once(celery_worker_process, org, admin):
    cohort = standard_cohort(org)
    run = match_run_start(organization=org, actor=admin.user, program_id=cohort.program.pk, queue=False)
    # Its worker was killed mid-run: "running", nothing written, no heartbeat for longer than the limit.
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.RUNNING, heartbeat_at=timezone.now() - dead_after() - timedelta(seconds=1), progress=55
    )

    with transaction.atomic():
        match_run_rerun(organization=org, actor=admin.user, run_id=run.pk)
        # The broker redelivers the old message too: the second delivery must find nothing to do.
        transaction.on_commit(lambda: execute_run.delay(organization_id=org.pk, run_id=run.pk))

    finished = celery_worker_process.wait_for(_done(run.pk), timeout=90)
    assert finished.status == MatchRun.Status.DONE, finished.error
    celery_worker_process.wait_for(lambda: celery_worker_process.log().count("succeeded in") >= 2, timeout=60)
    assert "nothing to claim" in celery_worker_process.log()
    assert Match.objects.filter(program=cohort.program).count() == 4
    assert MatchMember.objects.filter(program=cohort.program, current=True).count() == 8
