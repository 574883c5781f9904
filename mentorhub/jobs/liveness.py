"""Who runs a job, and whether that worker still lives: the claim and the heartbeat.

A job row (MatchRun, RosterImport, RollupRun) has a status (queued, running, done, failed) and three fields for
this module: `claimed_by` (the claim's token: host, process id and a random part), `heartbeat_at` and
`attempts`. A worker takes a job with one conditional UPDATE (`claim`): queued, or running with a dead
heartbeat, becomes running with its token, so exactly one delivery of the task wins and the others find
nothing to do. While the task works, a daemon thread of its process (`Heartbeat`) refreshes `heartbeat_at`
every JOB_HEARTBEAT_SECONDS with a one-row UPDATE on a connection of its own. So "running, heartbeat older than
JOB_DEAD_AFTER_SECONDS" means the worker is gone (SIGKILL, the OOM killer, a lost host): its transaction died
with it, nothing of the job was written, and the job may be taken again (mentorhub.jobs.sweep sends it again).

`heartbeat_at` of a queued row is when its task was last sent: the sweeper sends it again when that is long
ago (the message was lost: the broker was down at commit, or restarted without persistence).

A job writes its result and flips its status to done in one transaction, through `finish`, which matches the
token: if the job was taken over meanwhile (a worker stalled past the dead limit), the flip matches no row and
the job's transaction is rolled back, so its work is written once, by whichever claim still holds.

The thread needs the GIL to beat. NumPy, SciPy, OR-Tools and the database driver mostly let it go while they
work: during bench/matching_run.py's runs (10,000 mentees x 2,000 mentors, on a loaded 2-core machine) beats came
at most 0.6 s late, and a bare 30,000 x 12,000 solve held the GIL for about 2 s at most; JOB_DEAD_AFTER_SECONDS
is 45 by default, and the run's progress points also count as beats.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db import Error as DjangoDatabaseError
from django.db.models import F, Model, Q, QuerySet
from django.utils import timezone

from mentorhub.db.tenant_scope import organization_scope

logger = logging.getLogger(__name__)

# The status values every job model shares (their Status choices use the same strings).
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
# A job whose worker died this many times is failed rather than sent again: it may be what kills them.
MAX_ATTEMPTS = 3


class TakenOver(RuntimeError):
    """The job's claim is no longer this worker's: another one took it after this one stalled."""


def dead_after() -> timedelta:
    return timedelta(seconds=settings.JOB_DEAD_AFTER_SECONDS)


def dead_before(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - dead_after()


def dead(now: datetime | None = None) -> Q:
    """Running rows whose worker is gone."""
    return Q(status=RUNNING, heartbeat_at__lt=dead_before(now))


def claimable(now: datetime | None = None) -> Q:
    # A redelivered message may take a dead job only while it has attempts left: past them the sweeper fails it
    # (a job that kills its worker every time, e.g. by memory, must not take the workers down one by one).
    return Q(status=QUEUED) | (dead(now) & Q(attempts__lt=MAX_ATTEMPTS))


def is_dead(job: Any, now: datetime | None = None) -> bool:
    return job.status == RUNNING and job.heartbeat_at is not None and job.heartbeat_at < dead_before(now)


def claim_token() -> str:
    """Names one claim: the host and process (for an operator reading the row) and a random part (two claims
    by one process differ)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(6)}"


def claim(job: QuerySet, /, *, token: str, now: datetime, **fields: Any) -> bool:
    """Take the job (`job`: a queryset naming its row) if it is queued or its worker is dead: one conditional
    UPDATE, so of two deliveries (or a delivery and the sweeper) exactly one wins. `fields` are set too."""
    return bool(
        job.filter(claimable(now)).update(
            status=RUNNING, claimed_by=token, heartbeat_at=now, attempts=F("attempts") + 1, **fields
        )
    )


def finish(job: QuerySet, /, *, token: str, **fields: Any) -> None:
    """Write the job's end (status and figures in `fields`) if the claim is still `token`'s; else raise
    TakenOver, so that the transaction around it, holding the job's work, is rolled back."""
    if not job.filter(status=RUNNING, claimed_by=token).update(**fields):
        raise TakenOver("This job was taken over by another worker.")


class Heartbeat:
    """While the block runs, a daemon thread refreshes the claimed row's `heartbeat_at` every
    JOB_HEARTBEAT_SECONDS, inside the job's organization (row-level security). It stops when the row is no
    longer running under this claim, and closes its own connection at the end."""

    def __init__(self, model: type[Model], *, pk: int, organization_id: int, token: str) -> None:
        self.model, self.pk, self.organization_id, self.token = model, pk, organization_id, token
        self.interval = float(settings.JOB_HEARTBEAT_SECONDS)
        self.beats = 0
        self.longest_gap = 0.0  # seconds between two beats, the first counted from the start
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{model.__name__}-{pk}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 10)
        logger.debug("%s %s: %s beats, longest gap %.2f s", self.model.__name__, self.pk, self.beats, self.longest_gap)

    def _run(self) -> None:
        last = time.monotonic()
        try:
            with organization_scope(self.organization_id):
                while not self._stop.wait(self.interval):
                    if not self._beat():
                        break
                    now = time.monotonic()
                    self.longest_gap, last = max(self.longest_gap, now - last), now
        finally:
            connections.close_all()  # this thread's connections only

    def _beat(self) -> bool:
        try:
            mine = self.model._default_manager.filter(pk=self.pk, status=RUNNING, claimed_by=self.token).update(
                heartbeat_at=timezone.now()
            )
        except DjangoDatabaseError as error:  # (InterfaceError too) the database away for a moment: reconnect next beat
            logger.warning("%s %s: heartbeat missed (%s)", self.model.__name__, self.pk, error)
            connections[DEFAULT_DB_ALIAS].close()
            return True
        except Exception:  # a thread that dies silently would let a healthy job be declared dead and taken over
            logger.exception("%s %s: heartbeat failed; trying again", self.model.__name__, self.pk)
            return True
        if not mine:
            self.lost = True
            # Finished a moment before the block ends, or taken over by another worker (then `finish` refuses).
            logger.debug("%s %s: no longer running under this claim; heartbeat stopped", self.model.__name__, self.pk)
            return False
        self.beats += 1
        return True
