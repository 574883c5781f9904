"""Reminder delivery benchmark: 100,000 due reminders sent by a real Celery worker (PostgreSQL + Redis).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mh_bench_reminders REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/reminders.py

It (re)creates the database DATABASE_URL names (default `mh_bench_reminders`; bench/_db.py drops only a
database a benchmark created), migrates it and fills it (not timed): one organization, 1,000 active pairs,
and per measurement sessions that ended a few hours ago and wait to be logged, with one "log your session"
reminder per person and session, all due. Each measurement starts a real worker (`celery worker
--concurrency 2`: two prefork processes, a queue of its own) that connects as the application role under
row-level security, as production's workers do, and whose mail server is the spool backend
(mentorhub/mail_backends.py: one file per message, like a local SMTP relay); it sends ONE beat tick
(`sessions.dispatch_reminders`) and measures the time until no reminder is pending or claimed.

Each run measures one sender alone (REMINDER_SENDERS=1, 20,000 rows), then the two senders a tick starts
(100,000 rows); it prints the time, the rate, the speed-up of two senders over one in that run (per row),
and the duplicates: messages handed to the mail server more than once (counted by Message-ID over every
spooled file; must be 0); it checks that each reminder has exactly one in-app notification. BENCH_RUNS runs
(default 3), then the medians.

Target (issue 13): all 100,000 sent in under 45 s with 2 worker processes, 0 duplicates.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _cpu import CpuMeter  # noqa: E402 - beside this script
from _db import database_name, database_url, ensure_role, recreate_database  # noqa: E402 - beside this script

BENCH_DB = "mh_bench_reminders"  # unless DATABASE_URL names a database
APP_ROLE = "mentorhub_app"  # the worker's role: row-level security applies, as in production
REMINDERS = int(os.environ.get("BENCH_REMINDERS", "100000"))
REFERENCE = int(os.environ.get("BENCH_REFERENCE_REMINDERS", "20000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PAIRS = 1000
TARGET_SECONDS = 45


def seed_organization():
    """1,000 active pairs of a one-to-one program (bulk inserts)."""
    from django.utils import timezone

    from matching.models import Match, MatchMember
    from mentorhub.accounts.models import Employee, Organization
    from programs.models import Participant, Program

    org = Organization.objects.create(name="Bench Corp", slug="bench")
    program = Program.objects.create(organization=org, name="Bench Mentoring", status=Program.Status.ACTIVE)
    zones = ["Europe/London", "America/New_York", "Asia/Kolkata", "Europe/Berlin", "Asia/Tokyo"]
    employees = Employee.objects.bulk_create(
        [
            Employee(
                organization=org,
                employee_id=f"E{i:06d}",
                email=f"person.{i}@bench.example",
                name=f"Person {i}",
                department="Engineering",
                job_level=7 if i % 2 == 0 else 2,
                time_zone=zones[i % len(zones)],
                hired_on=date(2020, 1, 1),
            )
            for i in range(2 * PAIRS)
        ],
        batch_size=5000,
    )
    participants = Participant.objects.bulk_create(
        [
            Participant(
                organization=org,
                program=program,
                employee=employee,
                role="mentor" if i % 2 == 0 else "mentee",
                status=Participant.Status.MATCHED,
            )
            for i, employee in enumerate(employees)
        ],
        batch_size=5000,
    )
    started = timezone.now() - timedelta(days=120)
    matches = Match.objects.bulk_create(
        [
            Match(organization=org, program=program, status=Match.Status.ACTIVE, started_at=started, score=0.7)
            for _ in range(PAIRS)
        ]
    )
    MatchMember.objects.bulk_create(
        [
            MatchMember(
                organization=org,
                program=program,
                match=match,
                participant=participants[2 * n + k],
                role="mentor" if k == 0 else "mentee",
                response=MatchMember.Response.ACCEPTED,
            )
            for n, match in enumerate(matches)
            for k in (0, 1)
        ],
        batch_size=5000,
    )
    return org, program, matches, employees


def seed_due_reminders(org, program, matches, employees, count: int, offset_minutes: int, anchor) -> int:
    """count / 2 sessions that ended hours before `anchor`, two "log your session" reminders each, all due."""
    from sessions.models import MentoringSession, Reminder
    from sessions.services.reminders import LOG_PROMPT_AFTER
    from sessions.timeslots import key_of, slot_of

    now = anchor.replace(second=0, microsecond=0)
    sessions = []
    for n in range(count // 2):
        pair = n % PAIRS
        # Distinct start per match: minutes back from three hours ago.
        starts = now - timedelta(hours=3, minutes=offset_minutes + n // PAIRS)
        sessions.append(
            MentoringSession(
                organization=org, program=program, match=matches[pair], starts_at=starts, duration_minutes=30
            )
        )
    sessions = MentoringSession.objects.bulk_create(sessions, batch_size=5000)
    rows = []
    for n, session in enumerate(sessions):
        pair = n % PAIRS
        slot = slot_of(session.starts_at)
        for person in (employees[2 * pair], employees[2 * pair + 1]):
            rows.append(
                Reminder(
                    organization=org,
                    kind=Reminder.Kind.LOG_SESSION,
                    recipient=person,
                    session=session,
                    slot=slot,
                    key=key_of(Reminder.Kind.LOG_SESSION, f"s{session.pk}", person.pk, slot),
                    due_at=session.ends_at + LOG_PROMPT_AFTER,
                )
            )
    Reminder.objects.bulk_create(rows, batch_size=5000)
    # What autovacuum would have done by the time rows come due in production (the previous measurement's rows
    # and notices are deleted; their space is free again), so that it neither starts at a random moment of the
    # measurement nor is missing on a server that runs without it.
    from django.db import connection

    from sessions.models import Notification

    with connection.cursor() as cursor:
        for model in (Reminder, MentoringSession, Notification):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    return len(rows)


class Worker:
    """`celery worker` in its own process group, on a queue of its own, mailing into a spool directory."""

    def __init__(self, queue: str, spool: Path, concurrency: int, senders: int) -> None:
        env = {
            **os.environ,
            "DJANGO_ENV": "development",
            "DJANGO_ENV_FILE": "",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "EMAIL_BACKEND": "mentorhub.mail_backends.SpoolBackend",
            "EMAIL_SPOOL_DIR": str(spool),
            "REMINDER_SENDERS": str(senders),
            "DATABASE_ASSUME_ROLE": APP_ROLE,  # under row-level security, as production's workers
            "LOG_LEVEL": "WARNING",
        }
        celery = Path(sys.executable).with_name("celery")
        self.log = tempfile.NamedTemporaryFile(prefix="bench-worker-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(celery), "-A", "mentorhub", "worker", "-Q", queue, "-n", f"{queue}@bench",
             f"--concurrency={concurrency}", "--loglevel=WARNING", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.queue = queue

    def wait_ready(self, app) -> None:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[f"{self.queue}@bench"], timeout=0.5):
            if self.process.poll() is not None or time.monotonic() > deadline:
                sys.exit("The worker did not start:\n" + Path(self.log.name).read_text())

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        os.unlink(self.log.name)


def deliver(org, total: int, *, senders: int, label: str) -> tuple[float, dict[str, float]]:
    """Start a worker, send one beat tick, wait until nothing is pending or claimed; return the seconds and the
    CPU seconds the worker and its database backends used."""
    from mentorhub.celery import app
    from mentorhub.mail_backends import spooled_message_ids
    from sessions.models import Notification, Reminder
    from sessions.tasks import dispatch_reminders

    # In memory when the machine has /dev/shm: the mail relay's disk is not what this measures.
    shm = Path("/dev/shm")  # noqa: S108 - mkdtemp makes a private directory inside it
    spool = Path(tempfile.mkdtemp(prefix="bench-spool-", dir=shm if shm.is_dir() else None))
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    worker = Worker(queue, spool, concurrency=2, senders=senders)
    try:
        worker.wait_ready(app)
        # One probe per status, each answered by its partial index: a status IN (...) test scans the whole
        # table, and 20 times a second that is CPU taken from the senders being measured.
        pending = Reminder.objects.filter(status=Reminder.Status.PENDING)
        claimed = Reminder.objects.filter(status=Reminder.Status.CLAIMED)

        def open_rows() -> bool:
            return pending.exists() or claimed.exists()

        meter, polls = CpuMeter(worker.process.pid), 0
        started = time.perf_counter()
        dispatch_reminders.delay()
        while open_rows():
            if worker.process.poll() is not None:
                sys.exit("The worker died:\n" + Path(worker.log.name).read_text())
            if time.perf_counter() - started > 600:
                sys.exit(f"{label}: not done after 600 s; {pending.count() + claimed.count()} rows left")
            time.sleep(0.05)
            polls += 1
            if polls % 5 == 0:
                meter.tick()
        elapsed = time.perf_counter() - started
        cpu = meter.used()
    finally:
        worker.stop()
    statuses = Counter(Reminder.objects.values_list("status", flat=True))
    delivered = Counter(spooled_message_ids(spool))
    duplicates = sum(n - 1 for n in delivered.values() if n > 1)
    notices = Notification.objects.filter(reminder__isnull=False).count()
    print(
        f"{label}: {total:,} reminders sent in {elapsed:.1f} s ({total / elapsed:,.0f}/s) by {senders} sender(s); "
        f"statuses {dict(statuses)}; {sum(delivered.values()):,} emails handed over for {len(delivered):,} "
        f"Message-IDs: {duplicates} duplicates; {notices:,} in-app notices; CPU per reminder: worker "
        f"{1000 * cpu['worker'] / total:.2f} ms, PostgreSQL {1000 * cpu['postgresql'] / total:.2f} ms"
    )
    if duplicates or notices != total or statuses.get(Reminder.Status.SENT, 0) != total:
        sys.exit(f"{label}: NOT exactly once")
    shutil.rmtree(spool)
    # Clear the table for the next measurement (sent history would only slow nothing down, but keeps the
    # checks above simple).
    Notification.objects.all().delete()
    Reminder.objects.all().delete()
    return elapsed, cpu


def main() -> None:
    if not os.environ.get("REDIS_URL", "").startswith("redis"):
        sys.exit("Set REDIS_URL (e.g. redis://127.0.0.1:6379/9): the worker takes its tasks from Redis.")
    os.environ["DATABASE_URL"] = recreate_database(database_url(BENCH_DB))
    ensure_role(os.environ["DATABASE_URL"], APP_ROLE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")
    os.environ["DJANGO_ENV"] = "development"
    os.environ["DJANGO_ENV_FILE"] = ""
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["DATABASE_APP_ROLE"] = APP_ROLE  # migrate grants it the application's rights

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    version = connection.cursor().connection.server_version
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"MentorHub reminder delivery benchmark: PostgreSQL {version // 10000}.{version % 100}, database "
        f"{database_name(os.environ['DATABASE_URL'])}, {os.cpu_count()} CPUs, load average at start {load}; "
        f"worker: celery prefork, concurrency 2, role {APP_ROLE} (row-level security); mail: spool directory"
    )
    org, program, matches, employees = seed_organization()
    times, speedups, cpu_ms = [], [], []
    # Each seeding's sessions start at minutes of their own before one fixed moment (one session per match
    # and start).
    anchor, minutes = timezone.now(), 0

    def seed(count: int, run: int) -> int:
        nonlocal minutes
        started = time.perf_counter()
        total = seed_due_reminders(org, program, matches, employees, count, offset_minutes=minutes, anchor=anchor)
        minutes += count // (2 * PAIRS) + 1
        print(f"run {run}: seeded {total:,} due reminders in {time.perf_counter() - started:.1f} s (not timed)")
        return total

    for run in range(1, RUNS + 1):
        single, _cpu = deliver(org, seed(REFERENCE, run), senders=1, label=f"run {run}, reference, one sender")
        total = seed(REMINDERS, run)
        parallel, cpu = deliver(org, total, senders=2, label=f"run {run}, main, one beat tick")
        cpu_ms.append(1000 * (cpu["worker"] + cpu["postgresql"]) / total)
        per_row_single, per_row_parallel = single / REFERENCE, parallel / total
        speedups.append(per_row_single / per_row_parallel)
        times.append(parallel)
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(
            f"run {run}: {total:,} in {parallel:.1f} s, {total / parallel:,.0f} emails/s; per reminder "
            f"{1000 * per_row_parallel:.2f} ms with two senders vs {1000 * per_row_single:.2f} ms with one "
            f"(speed-up x{speedups[-1]:.2f}); load average {load}"
        )
    median = statistics.median(times)
    print(
        f"median of {RUNS} runs: {REMINDERS:,} reminders in {median:.1f} s ({REMINDERS / median:,.0f} emails/s), "
        f"speed-up of two senders x{statistics.median(speedups):.2f}; runs: "
        + ", ".join(f"{value:.1f} s" for value in times)
    )
    # What two free cores would do at the CPU each reminder took (this machine is shared: the wall time of a
    # run depends on what else runs).
    per_reminder = statistics.median(cpu_ms)
    print(
        f"CPU per reminder (worker + its PostgreSQL backends), median: {per_reminder:.2f} ms, i.e. "
        f"{2000 / per_reminder:,.0f} reminders/s on 2 free cores"
    )
    # The target is a rate (100,000 in 45 s), so that a smaller BENCH_REMINDERS is judged by it too.
    target_rate = 100_000 / TARGET_SECONDS
    verdict = "meets" if REMINDERS / median > target_rate else "MISSES"
    print(
        f"{verdict} the target: 100,000 reminders in under {TARGET_SECONDS} s ({target_rate:,.0f}/s; median "
        f"{REMINDERS / median:,.0f}/s) with 0 duplicates"
    )


if __name__ == "__main__":
    main()
