"""Background jobs survive a killed worker and a Redis restart, proved with real processes (tests/faults/job_rig.py:
PostgreSQL, a private redis-server, a Celery worker, a beat process with the sweeper every second).

Each kill lands at a known point: a match run waiting in its one write transaction (for a program lock this test
holds), a roster import waiting mid-apply (for a lock on one employee's row, its new hires already inserted),
a reminders batch between two messages (the worker stopped, the spool and the rows compared, then killed). The
worker is restarted; the sweeper finds the job's heartbeat dead, queues it again, and the new worker does it:
once, everything in it, nothing twice. The Redis test restarts the broker (no persistence) mid-batch, with an
import's message waiting in it and a run started while it is down: both messages are lost, the sweeper sends
them again, the batch goes on. Each test prints its outcome (FAULT ...): run with -s to read them.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from matching.models import Match, MatchMember, MatchRun
from matching.services.runs import match_run_start
from mentorhub.accounts import roster_progress
from mentorhub.accounts.models import AuditEvent, Employee, EmploymentEvent, RosterImport
from mentorhub.mail_backends import spooled_message_ids
from programs.models import Program
from sessions.models import Notification, Reminder
from tests.accounts.roster_helpers import person, roster_csv
from tests.factories import EmployeeFactory
from tests.matching.builders import standard_cohort
from tests.sessions.reminder_helpers import due_log_prompts, expected_message_ids

from .job_rig import Rig, RowLock, elapsed_since

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("worker")]
DEADLINE = 60  # seconds a job may take to complete after the worker's restart (issue 13)


def finished(model, pk: int):
    def check():
        job = model.objects.get(pk=pk)
        return job if job.status in ("done", "failed") else None

    return check


def audits(verb: str, pk: int) -> int:
    return AuditEvent.objects.filter(verb=verb, target_id=str(pk)).count()


def test_a_matching_run_whose_worker_is_killed_mid_write_completes_once(rig: Rig, org, admin):
    log_start = len(rig.worker.log())  # the log is the module's: only this test's lines count
    program = standard_cohort(org).program
    with RowLock() as lock:
        with transaction.atomic():
            # Right after the commit, before the task goes out (on_commit callbacks run in order): the program's
            # lock, which the run takes for its one write transaction. The worker stops there, mid-run.
            transaction.on_commit(lambda: lock.lock_row(Program, program.pk))
            run = match_run_start(organization=org, actor=admin.user, program_id=program.pk)
        rig.worker.wait_for(lock.waiting, timeout=DEADLINE, interval=0.05)
        claimed = MatchRun.objects.get(pk=run.pk)
        assert (claimed.status, claimed.progress, claimed.attempts) == ("running", 85, 1)
        # It waits, and its heartbeat goes on (a thread of the worker's).
        rig.worker.wait_for(lambda: MatchRun.objects.get(pk=run.pk).heartbeat_at > claimed.heartbeat_at, timeout=30)
        rig.worker.kill()
    killed = time.monotonic()
    rig.worker.restart()  # returns once the new worker answers a ping
    back = elapsed_since(killed)

    done = rig.worker.wait_for(finished(MatchRun, run.pk), timeout=DEADLINE)
    took = elapsed_since(killed)
    assert done.status == "done" and done.attempts == 2, done.error
    assert Match.objects.filter(program=program).count() == 4
    assert MatchMember.objects.filter(program=program, current=True).count() == 8
    assert audits("match_run.start", run.pk) == 1 and audits("match_run.execute", run.pk) == 1
    assert "its worker stopped (no heartbeat); queued again" in rig.worker.log()[log_start:]
    print(f"\nFAULT matching run: SIGKILL at 85% (scored, solved, in its write); new worker up {back} s later; "
          f"done {took} s after the kill, attempts {done.attempts}, 4 matches, 8 members, 1 execute audit")  # fmt: skip


def test_a_roster_import_whose_worker_is_killed_mid_apply_is_applied_once(rig: Rig, org, admin):
    moving = EmployeeFactory(
        organization=org, employee_id="R0", email="r0@alpha.test", name="Person R0", title="Engineer",
        hired_on="2021-04-01",
    )  # fmt: skip
    rows = [person("R0", department="Sales")] + [person(f"R{i}") for i in range(1, 41)]
    client = Client()
    client.force_login(admin.user)
    with RowLock() as lock:
        # The import's update of this row waits for us: its 40 new people are inserted by then (uncommitted).
        lock.lock_row(Employee, moving.pk, "NO KEY UPDATE")
        response = client.post(
            f"/api/v1/o/{org.slug}/employees/import/",
            {"file": SimpleUploadedFile("roster.csv", roster_csv(rows), "text/csv")},
        )
        assert response.status_code == 202, response.content
        import_id = response.json()["id"]
        rig.worker.wait_for(lock.waiting, timeout=DEADLINE, interval=0.05)
        claimed = RosterImport.objects.defer("rows").get(pk=import_id)
        assert (claimed.status, claimed.attempts) == ("running", 1)
        progress_key = roster_progress.progress_key(organization_id=org.pk, import_id=import_id)
        assert cache.get(progress_key) == 40  # published live: 40 of 41 rows applied
        rig.worker.kill()
    killed = time.monotonic()
    rig.worker.restart()
    back = elapsed_since(killed)

    done = rig.worker.wait_for(finished(RosterImport, import_id), timeout=DEADLINE)
    took = elapsed_since(killed)
    assert done.status == "done" and done.attempts == 2, done.error
    assert (done.created_count, done.updated_count, done.event_count) == (40, 1, 41)
    people = Employee.objects.filter(organization=org, employee_id__startswith="R")
    assert people.count() == 41 and people.get(employee_id="R0").department == "Sales"
    assert EmploymentEvent.objects.filter(organization=org).count() == 41  # 40 hired, 1 department change
    assert EmploymentEvent.objects.filter(organization=org, kind="hired").values("employee").distinct().count() == 40
    assert audits("roster_import.apply", import_id) == 1
    print(f"\nFAULT roster import: SIGKILL mid-apply (40 of 41 rows written, uncommitted); new worker up {back} s "
          f"later; done {took} s after the kill, attempts {done.attempts}, 41 people, 41 events, 1 audit")  # fmt: skip


def test_a_reminders_batch_whose_worker_is_killed_mid_send_sends_each_once(rig: Rig, org):
    _pair, reminders = due_log_prompts(org, 12)  # 24 due; beat's dispatch tick starts a sender
    sent = Reminder.objects.filter(status=Reminder.Status.SENT)
    rig.worker.wait_for(lambda: len(spooled_message_ids(rig.spool)) >= 6, timeout=DEADLINE, interval=0.02)

    # Killed between two messages: each message the mail server has is marked sent, none is half-way.
    rig.freeze_and_kill(lambda: sent.count() == len(spooled_message_ids(rig.spool)))
    before = len(spooled_message_ids(rig.spool))
    assert 6 <= before < 24
    assert Reminder.objects.filter(status=Reminder.Status.CLAIMED).count() == 24 - before  # held by the dead sender
    killed = time.monotonic()
    rig.worker.restart()
    back = elapsed_since(killed)

    rig.worker.wait_for(lambda: sent.count() == 24, timeout=DEADLINE)
    took = elapsed_since(killed)
    delivered = Counter(spooled_message_ids(rig.spool))
    assert set(delivered) == expected_message_ids(reminders)
    assert max(delivered.values()) == 1, [message for message, n in delivered.items() if n > 1]
    assert Notification.objects.filter(reminder__isnull=False).count() == 24
    print(
        f"\nFAULT reminders: SIGKILL after {before} of 24 emails; new worker up {back} s later; all 24 sent {took} s "
        "after the kill, each once (24 emails, 24 notices)"
    )


def test_a_redis_restart_mid_batch_loses_no_job_and_repeats_none(rig: Rig, org, admin):
    log_start = len(rig.worker.log())  # the log is the module's: only this test's lines count
    program = standard_cohort(org).program
    _pair, reminders = due_log_prompts(org, 20)  # 40 due: beat's dispatch tick starts a sender
    sent = Reminder.objects.filter(status=Reminder.Status.SENT)
    rig.worker.wait_for(lambda: len(spooled_message_ids(rig.spool)) >= 5, timeout=DEADLINE, interval=0.02)
    rig.freeze()  # mid-batch, as busy as a worker can be: what is queued now stays in Redis
    emailed = len(spooled_message_ids(rig.spool))
    assert emailed < 40
    client = Client()
    client.force_login(admin.user)
    response = client.post(
        f"/api/v1/o/{org.slug}/employees/import/",
        {"file": SimpleUploadedFile("roster.csv", roster_csv([person(f"Q{i}") for i in range(1, 21)]), "text/csv")},
    )
    assert response.status_code == 202, response.content
    import_id = response.json()["id"]
    waiting = rig.redis.client().lrange(rig.worker.queue, 0, -1)
    assert any(b"accounts.apply_roster_import" in message for message in waiting)  # its message, in Redis

    rig.redis.stop()
    with transaction.atomic():  # the broker is down when this commits: the run is saved, its message is not sent
        run = match_run_start(organization=org, actor=admin.user, program_id=program.pk)
    rig.redis.start()  # empty: no persistence
    restarted = time.monotonic()
    after = rig.redis.client().lrange(rig.worker.queue, 0, -1)
    assert not any(b"apply_roster_import" in message or b"execute_run" in message for message in after)
    rig.thaw()  # the worker goes on with its batch, on a broker that has forgotten everything

    rig.worker.wait_for(lambda: sent.count() == 40, timeout=DEADLINE)
    imported = rig.worker.wait_for(finished(RosterImport, import_id), timeout=DEADLINE)
    matched = rig.worker.wait_for(finished(MatchRun, run.pk), timeout=DEADLINE)
    took = elapsed_since(restarted)
    delivered = Counter(spooled_message_ids(rig.spool))
    assert set(delivered) == expected_message_ids(reminders) and max(delivered.values()) == 1
    assert imported.status == "done" and imported.attempts == 1 and imported.created_count == 20, imported.error
    assert EmploymentEvent.objects.filter(organization=org, employee__employee_id__startswith="Q").count() == 20
    assert matched.status == "done" and matched.attempts == 1, matched.error
    assert Match.objects.filter(program=program).count() == 4 and audits("match_run.execute", run.pk) == 1
    assert rig.worker.log()[log_start:].count("still queued; its task sent again") >= 2
    print(f"\nFAULT Redis restart: after {emailed} of 40 emails, an import's message lost with Redis and a run's "
          f"never sent; all done {took} s after Redis came back: 40 emails once, 20 people, 4 matches, each job "
          "claimed once")  # fmt: skip
