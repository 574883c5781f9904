"""Roster import: a CSV is checked in full at upload, then applied in one transaction by a Celery task.

Flow: `roster_import_start` (request) -> task `accounts.apply_roster_import` -> `roster_import_apply`
(worker); `roster_import_rerun` puts a failed import back in the queue. Rows that are not in the file are
left alone: a departure is recorded by a `left_on` date, never by leaving someone out.

The worker claims the import and keeps a heartbeat on it while it works (mentorhub/jobs/liveness.py); the
import's rows and its "done" are committed together, only while the claim is still this worker's. A worker
killed mid-apply leaves nothing written and a heartbeat that stops: the sweeper queues the import again.

The apply itself (diff in memory, bulk writes; 50,000 rows in seconds) lives in services.roster_apply.
"""

from __future__ import annotations

import logging

from celery.exceptions import OperationalError, SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorhub.jobs import liveness
from mentorhub.jobs.sweep import send_on_commit
from mentorhub.tenancy import get_scoped_or_404, scoped

from .. import roster_csv, roster_progress
from ..models import Employee, Organization, RosterImport, User
from .audit import audit_record
from .roster_apply import RosterApplier, RosterChangedError, existing_for_validation, link_memberships

logger = logging.getLogger(__name__)

SOFT_TIME_LIMIT_SECONDS = 600
TIME_LIMIT_SECONDS = 660

# First key of the PostgreSQL advisory lock that serializes the imports of one organization (the second
# key is the organization id); a constant of this module only, so no other lock shares the pair.
ROSTER_IMPORT_LOCK = 0x526F7374  # "Rost"

Status = RosterImport.Status


# --- Start, re-run --------------------------------------------------------------------------------


def roster_import_start(*, organization: Organization, actor: User, filename: str, content: bytes) -> RosterImport:
    """Check `content` against the roster and queue it. Raises roster_csv.RosterValidationError with every
    problem found; then nothing is stored or applied."""
    parsed = roster_csv.parse(content, _validation_snapshot(organization.pk))
    with transaction.atomic():
        roster_import = RosterImport(
            organization=organization,
            created_by=actor,
            filename=(filename or "roster.csv")[:255],
            status=Status.QUEUED,
            rows=parsed.rows,
            total_rows=len(parsed.rows),
        )
        # The rows were just checked one by one; validating 50,000 of them again as JSON buys nothing.
        roster_import.full_clean(exclude=["rows"])
        roster_import.save()
        audit_record(
            organization=organization,
            actor=actor,
            verb="roster_import.upload",
            target=roster_import,
            changes={"filename": [None, roster_import.filename], "total_rows": [None, roster_import.total_rows]},
        )
        _enqueue(roster_import)
    return roster_import


@transaction.atomic
def roster_import_rerun(*, organization: Organization, actor: User, import_id: int) -> RosterImport:
    """Queue a failed import again (or one whose worker died mid-run). Raises ValidationError otherwise."""
    roster_import = get_scoped_or_404(RosterImport.objects.defer("rows"), organization, pk=import_id)
    before = roster_import.status
    requeued = (
        scoped(RosterImport, organization)
        .filter(pk=roster_import.pk)
        .filter(Q(status=Status.FAILED) | liveness.dead())
        .update(
            status=Status.QUEUED,
            error="",
            processed_rows=0,
            started_at=None,
            finished_at=None,
            claimed_by="",
            heartbeat_at=timezone.now(),
            attempts=0,
        )
    )
    if not requeued:
        raise ValidationError(_("Only a failed import can be run again."))
    audit_record(
        organization=organization,
        actor=actor,
        verb="roster_import.rerun",
        target=roster_import,
        changes={"status": [before, Status.QUEUED]},
    )
    _enqueue(roster_import)
    roster_import.refresh_from_db(fields=["status", "error", "processed_rows", "started_at", "finished_at"])
    return roster_import


def roster_import_can_rerun(roster_import: RosterImport) -> bool:
    return roster_import.status == Status.FAILED or liveness.is_dead(roster_import)


def _enqueue(roster_import: RosterImport) -> None:
    from ..tasks import ROSTER_IMPORTS  # the task module imports this one

    send_on_commit(ROSTER_IMPORTS, organization_id=roster_import.organization_id, pk=roster_import.pk)


def _validation_snapshot(organization_id: int) -> dict[str, roster_csv.ExistingEmployee]:
    rows = Employee.objects.filter(organization_id=organization_id).values_list(
        "id", "employee_id", "email", "manager_id"
    )
    return existing_for_validation(
        {pk: (employee_id, email, manager_id) for pk, employee_id, email, manager_id in rows}
    )


# --- Apply (the Celery task's body) ----------------------------------------------------------------


def roster_import_apply(*, organization_id: int, import_id: int) -> RosterImport | None:
    """Apply a queued import, all of it or nothing. Returns None when another run has it already.

    Failures are recorded on the import (status failed, a readable error) rather than raised: the file,
    not the infrastructure, is usually at fault, so retrying would fail the same way.
    """
    started = timezone.now()
    token = liveness.claim_token()
    rows = RosterImport.objects.filter(pk=import_id, organization_id=organization_id)
    fields = {"started_at": started, "finished_at": None, "processed_rows": 0, "error": ""}
    if not liveness.claim(rows, token=token, now=started, **fields):
        logger.info("Roster import %s of organization %s: not queued, skipped.", import_id, organization_id)
        return None
    roster_progress.publish(organization_id=organization_id, import_id=import_id, processed_rows=0)
    heartbeat = liveness.Heartbeat(RosterImport, pk=import_id, organization_id=organization_id, token=token)
    try:
        with heartbeat, transaction.atomic():
            # One import per organization at a time: a second waits here instead of racing on the roster.
            roster_import_lock(organization_id)
            roster_import = RosterImport.objects.select_related("organization", "created_by").get(
                pk=import_id, organization_id=organization_id
            )

            def progress(processed_rows: int) -> None:
                roster_progress.publish(
                    organization_id=organization_id, import_id=import_id, processed_rows=processed_rows
                )

            counts = RosterApplier(roster_import, started, on_progress=progress).run()
            # People who joined before their roster row existed can take part from now on.
            linked = link_memberships(organization_id)
            # Only while the claim is ours: an import taken over by another worker meanwhile raises here, and
            # everything above is rolled back, so the file is applied once.
            liveness.finish(
                rows,
                token=token,
                status=Status.DONE,
                processed_rows=roster_import.total_rows,
                finished_at=timezone.now(),
                rows=[],  # only a failed import needs its rows again
                **counts,
            )
            audit_record(
                organization=roster_import.organization,
                actor=roster_import.created_by,
                verb="roster_import.apply",
                target=roster_import,
                changes={
                    "status": [Status.RUNNING, Status.DONE],
                    **{name: [0, value] for name, value in counts.items()},
                    "linked_memberships": [0, linked],
                },
            )
        # The commit itself takes a while for a large file (deferred foreign-key checks): count it in.
        rows.filter(status=Status.DONE).update(finished_at=timezone.now())
        _departures_follow(organization_id, roster_import.created_by_id)
    except liveness.TakenOver:  # another worker took the import after this one stalled: it applies the file
        logger.warning("Roster import %s of organization %s: taken over by another worker.", import_id, organization_id)
    except Exception as exc:  # recorded for the admin to read; not retried (see the docstring)
        logger.exception("Roster import %s of organization %s failed.", import_id, organization_id)
        rows.filter(status=Status.RUNNING, claimed_by=token).update(
            status=Status.FAILED, error=_describe(exc), finished_at=timezone.now()
        )
    finally:
        roster_progress.clear(organization_id=organization_id, import_id=import_id)
    return RosterImport.objects.defer("rows").get(pk=import_id, organization_id=organization_id)


def _departures_follow(organization_id: int, actor_id: int | None) -> None:
    """Leaving dates the import recorded take effect (access closed, matches ended: services.departures),
    in a task of their own: the import is committed and done whatever happens there. A broker that is down
    loses nothing: the hourly beat task completes every departure due."""
    from ..tasks import complete_departures  # the task module imports this one

    try:
        complete_departures.delay(organization_id=organization_id, actor_id=actor_id)
    except OperationalError:  # the broker unreachable (after kombu's own retries): the hourly run catches up
        logger.warning("Roster import of organization %s: departures left to the hourly run", organization_id)


def roster_import_lock(organization_id: int) -> None:
    """Wait for, then hold until the end of the current transaction, the organization's roster import lock.

    Its own lock, not the Organization row: an import holds it for the whole apply (seconds to minutes), and
    invitations lock that row for a moment. On PostgreSQL a transaction-level advisory lock keyed on
    (ROSTER_IMPORT_LOCK, organization id). Elsewhere the Organization row, locked for update: portable, and
    SQLite (the embedded setup) lets one transaction write at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Both keys are int4; ids beyond 2**31 share a lock with another organization, which only
            # means their imports wait for each other.
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ROSTER_IMPORT_LOCK, organization_id % 2**31])
        return
    list(Organization.objects.select_for_update().filter(pk=organization_id).values_list("pk"))


def _describe(exc: Exception) -> str:
    if isinstance(exc, RosterChangedError):
        shown = "; ".join(
            f"line {error.line}, {error.column}: {error.message}" for error in exc.errors[:10] if error.line
        )
        more = f" (and {len(exc.errors) - 10} more)" if len(exc.errors) > 10 else ""
        return (
            "The roster changed after this file was checked, and the file no longer fits it: "
            f"{shown}{more}. Nothing was applied; upload a corrected file."
        )
    if isinstance(exc, SoftTimeLimitExceeded):
        return (
            f"The import took longer than {SOFT_TIME_LIMIT_SECONDS} seconds and was stopped. "
            "Nothing was applied; re-run it, or split the file."
        )
    if isinstance(exc, DatabaseError):
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"The database refused the import ({first_line}). Nothing was applied."
    return f"Unexpected error ({type(exc).__name__}: {exc}). Nothing was applied."
