"""The job liveness rules and the sweeper, in this process (tasks eager): jobs of dead workers and jobs whose
message was lost are sent again, in every organization, once; a job that keeps killing its workers fails; a job
taken over while it worked writes nothing; the heartbeat thread beats on its own connection and stops when the
claim is gone (mentorhub/jobs/). The same with real processes: test_jobs_survive.py."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.models import RollupRun
from matching.models import Match, MatchRun
from matching.services import persist
from matching.services.runs import match_run_execute, match_run_start
from mentorhub.accounts.models import RosterImport
from mentorhub.accounts.services.roster_import import roster_import_can_rerun, roster_import_start
from mentorhub.jobs import liveness
from mentorhub.jobs.sweep import jobs_sweep, sweep_jobs
from tests.accounts.roster_helpers import person, roster_csv
from tests.factories import MembershipFactory
from tests.helpers import thread_like_the_test
from tests.matching.builders import standard_cohort

LONG_AGO = timedelta(hours=1)


def dead(model, pk: int, *, attempts: int = 1) -> None:
    """The job was claimed by a worker that died: running, its heartbeat long stopped."""
    model.objects.filter(pk=pk).update(
        status="running", claimed_by="gone:1:x", heartbeat_at=timezone.now() - LONG_AGO, attempts=attempts
    )


@pytest.fixture
def jobs(org, other_org, admin, django_capture_on_commit_callbacks):
    """A match run of `org`, a roster import of `other_org` and a roll-up of `org`, saved, their tasks not sent."""
    program = standard_cohort(org).program
    run = match_run_start(organization=org, actor=admin.user, program_id=program.pk, queue=False)
    outsider = MembershipFactory(organization=other_org, role="admin")
    with django_capture_on_commit_callbacks(execute=False):
        roster_import = roster_import_start(
            organization=other_org, actor=outsider.user, filename="r.csv", content=roster_csv([person("B1")])
        )
    rollup = RollupRun.objects.create(organization=org)
    return run, roster_import, rollup


def test_the_jobs_of_dead_workers_are_queued_again_and_done_once_in_every_organization(jobs):
    run, roster_import, rollup = jobs
    for model, job in ((MatchRun, run), (RosterImport, roster_import), (RollupRun, rollup)):
        dead(model, job.pk)

    report = sweep_jobs.delay().get()  # beat's tick; eager here: each job's task runs as it is sent

    assert report == {"requeued": 3, "failed": 0, "resent": 0}
    for model, job in ((MatchRun, run), (RosterImport, roster_import), (RollupRun, rollup)):
        job = model.objects.defer("rows").get(pk=job.pk) if model is RosterImport else model.objects.get(pk=job.pk)
        assert (job.status, job.attempts) == ("done", 2), (model.__name__, job.error)
    assert Match.objects.filter(run=run).count() == 4
    assert RosterImport.objects.get(pk=roster_import.pk).created_count == 1
    assert jobs_sweep().requeued == 0  # nothing left for the next tick


def test_a_job_that_kills_its_worker_every_time_fails_instead_of_going_round(jobs):
    run, _roster_import, _rollup = jobs
    dead(MatchRun, run.pk, attempts=liveness.MAX_ATTEMPTS)

    assert jobs_sweep().failed == 1
    run.refresh_from_db()
    assert run.status == "failed" and run.stage == "Failed" and "each of its 3 attempts" in run.error
    assert not Match.objects.filter(run=run).exists()


def test_a_queued_job_whose_message_was_lost_is_sent_again_and_a_fresh_one_is_not(jobs):
    run, roster_import, rollup = jobs
    MatchRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - LONG_AGO)  # sent an hour ago

    report = jobs_sweep()

    assert (report.resent, report.requeued) == (1, 0)
    assert MatchRun.objects.get(pk=run.pk).status == "done"
    # Queued a moment ago: its message may well be on its way.
    assert RosterImport.objects.get(pk=roster_import.pk).status == "queued"
    assert RollupRun.objects.get(pk=rollup.pk).status == "queued"


def test_a_live_job_is_left_alone_and_a_duplicate_delivery_finds_nothing_to_claim(jobs):
    run, _roster_import, _rollup = jobs
    MatchRun.objects.filter(pk=run.pk).update(status="running", claimed_by="alive:1:x", heartbeat_at=timezone.now())

    assert jobs_sweep().requeued == 0
    assert match_run_execute(organization_id=run.organization_id, run_id=run.pk) is None
    assert MatchRun.objects.get(pk=run.pk).claimed_by == "alive:1:x"


@pytest.mark.django_db(transaction=True)
def test_a_run_taken_over_while_it_worked_writes_nothing(jobs, monkeypatch):
    run, _roster_import, _rollup = jobs
    real_write = persist.write_proposals

    def take_over() -> None:
        MatchRun.objects.filter(pk=run.pk).update(claimed_by="other:2:y", heartbeat_at=timezone.now())

    def stalled_then_write(**kwargs):
        # Meanwhile this worker stalled past the limit: the sweeper queued the run and another worker claimed it
        # (on their own connection, committed).
        other = thread_like_the_test(take_over)
        other.start()
        other.join()
        return real_write(**kwargs)

    monkeypatch.setattr(persist, "write_proposals", stalled_then_write)
    match_run_execute(organization_id=run.organization_id, run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.claimed_by) == ("running", "other:2:y")  # the other claim stands, to finish
    assert not Match.objects.filter(program=run.program).exists()  # this worker's write was rolled back


def test_an_admin_may_re_run_an_import_only_once_its_worker_is_dead(jobs):
    _run, roster_import, _rollup = jobs
    RosterImport.objects.filter(pk=roster_import.pk).update(status="running", heartbeat_at=timezone.now())
    assert not roster_import_can_rerun(RosterImport.objects.defer("rows").get(pk=roster_import.pk))
    dead(RosterImport, roster_import.pk)
    assert roster_import_can_rerun(RosterImport.objects.defer("rows").get(pk=roster_import.pk))


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_beats_from_its_own_connection_until_the_claim_is_gone(org, admin, settings):
    settings.JOB_HEARTBEAT_SECONDS = 0.05
    run = match_run_start(organization=org, actor=admin.user, program_id=standard_cohort(org).program.pk, queue=False)
    claimed_at = timezone.now() - timedelta(seconds=1)
    MatchRun.objects.filter(pk=run.pk).update(status="running", claimed_by="me:1:x", heartbeat_at=claimed_at)

    with liveness.Heartbeat(MatchRun, pk=run.pk, organization_id=org.pk, token="me:1:x") as heartbeat:
        until(lambda: heartbeat.beats >= 2)
        assert MatchRun.objects.get(pk=run.pk).heartbeat_at > claimed_at
        MatchRun.objects.filter(pk=run.pk).update(claimed_by="someone-else:2:y")
        until(lambda: heartbeat.lost)
    assert not heartbeat._thread.is_alive()
    beaten = MatchRun.objects.get(pk=run.pk).heartbeat_at
    time.sleep(0.2)  # four intervals: no beat any more
    assert MatchRun.objects.get(pk=run.pk).heartbeat_at == beaten


def until(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)
