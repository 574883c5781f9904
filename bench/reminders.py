"""Reminder delivery benchmark: 100,000 due reminders sent by a real Celery worker (PostgreSQL + Redis).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorhub REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/reminders.py

It (re)creates its own database, `mentorhub_bench_reminders`, migrates and fills it (not timed): one
organization, 1,000 active pairs, 50,000 sessions that ended a few hours ago and wait to be logged, and one
"log your session" reminder per person and session: 100,000 rows, all due. Then it starts a real worker
(`celery worker --concurrency 2`, prefork, a queue of its own) whose mail server is the spool backend
(mentorhub/mail_backends.py: one file per message, like a local SMTP relay), sends ONE beat tick
(`sessions.dispatch_reminders`) and measures the time until no reminder is pending or claimed.

It prints the time, the rate, and the duplicates: messages handed to the mail server more than once
(counted by Message-ID over every spooled file; must be 0), and checks that each reminder has exactly one
in-app notification. As the reference, in the same run, the same kind of work done by one sender only
(REMINDER_SENDERS=1, 20,000 rows) gives the speed-up of the parallel senders.

Target (issue 5): all 100,000 sent in under 60 s on this machine, 0 duplicates.
"""

from __future__ import annotations

import os
import shutil
import signal
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

from _db import recreate_database  # noqa: E402 - beside this script

BENCH_DB = "mentorhub_bench_reminders"
REMINDERS = int(os.environ.get("BENCH_REMINDERS", "100000"))
REFERENCE = int(os.environ.get("BENCH_REFERENCE_REMINDERS", "20000"))
PAIRS = 1000
TARGET_SECONDS = 60


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


def seed_due_reminders(org, program, matches, employees, count: int, offset_minutes: int) -> int:
    """count / 2 sessions that ended hours ago, two "log your session" reminders each, all due now."""
    from django.utils import timezone

    from sessions.models import MentoringSession, Reminder
    from sessions.services.reminders import LOG_PROMPT_AFTER
    from sessions.timeslots import key_of, slot_of

    now = timezone.now().replace(second=0, microsecond=0)
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


def deliver(org, total: int, *, senders: int, label: str) -> float:
    """Start a worker, send one beat tick, wait until nothing is pending or claimed; return seconds."""
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
        open_rows = Reminder.objects.filter(status__in=[Reminder.Status.PENDING, Reminder.Status.CLAIMED])
        started = time.perf_counter()
        dispatch_reminders.delay()
        while open_rows.exists():
            if worker.process.poll() is not None:
                sys.exit("The worker died:\n" + Path(worker.log.name).read_text())
            if time.perf_counter() - started > 600:
                sys.exit(f"{label}: not done after 600 s; {open_rows.count()} rows left")
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        worker.stop()
    statuses = Counter(Reminder.objects.values_list("status", flat=True))
    delivered = Counter(spooled_message_ids(spool))
    duplicates = sum(n - 1 for n in delivered.values() if n > 1)
    notices = Notification.objects.filter(reminder__isnull=False).count()
    print(
        f"{label}: {total:,} reminders sent in {elapsed:.1f} s ({total / elapsed:,.0f}/s) by {senders} sender(s); "
        f"statuses {dict(statuses)}; {sum(delivered.values()):,} emails handed over for {len(delivered):,} "
        f"Message-IDs: {duplicates} duplicates; {notices:,} in-app notices"
    )
    if duplicates or notices != total or statuses.get(Reminder.Status.SENT, 0) != total:
        sys.exit(f"{label}: NOT exactly once")
    shutil.rmtree(spool)
    # Clear the table for the next measurement (sent history would only slow nothing down, but keeps the
    # checks above simple).
    Notification.objects.all().delete()
    Reminder.objects.all().delete()
    return elapsed


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server; the benchmark creates its own database there.")
    if not os.environ.get("REDIS_URL", "").startswith("redis"):
        sys.exit("Set REDIS_URL (e.g. redis://127.0.0.1:6379/9): the worker takes its tasks from Redis.")
    os.environ["DATABASE_URL"] = recreate_database(url, BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")
    os.environ["DJANGO_ENV"] = "development"
    os.environ["DJANGO_ENV_FILE"] = ""
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    version = connection.cursor().connection.server_version
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"MentorHub reminder delivery benchmark: PostgreSQL {version // 10000}.{version % 100}, {os.cpu_count()} "
        f"CPUs, load average at start {load}; worker: celery prefork, concurrency 2; mail: spool directory"
    )
    org, program, matches, employees = seed_organization()

    started = time.perf_counter()
    total = seed_due_reminders(org, program, matches, employees, REFERENCE, offset_minutes=0)
    print(f"reference: seeded {total:,} due reminders in {time.perf_counter() - started:.1f} s (not timed)")
    single = deliver(org, total, senders=1, label="reference, one sender")

    started = time.perf_counter()
    total = seed_due_reminders(org, program, matches, employees, REMINDERS, offset_minutes=1000)
    print(f"main: seeded {total:,} due reminders in {time.perf_counter() - started:.1f} s (not timed)")
    parallel = deliver(org, total, senders=2, label="main, one beat tick")
    per_row_single = single / REFERENCE
    per_row_parallel = parallel / total
    print(
        f"per reminder: {1000 * per_row_parallel:.2f} ms with two senders vs {1000 * per_row_single:.2f} ms with one "
        f"(speed-up x{per_row_single / per_row_parallel:.2f})"
    )
    verdict = "meets" if parallel < TARGET_SECONDS else "MISSES"
    print(f"{verdict} the target: {total:,} reminders in under {TARGET_SECONDS} s with 0 duplicates")


if __name__ == "__main__":
    main()
