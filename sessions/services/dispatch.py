"""Sending due reminders: claim a batch, render it, make the in-app notices, email, mark each one sent.

How a message goes out at most once, and a crash loses none:

1. Claim. The sender takes a random claim id, holds the PostgreSQL advisory lock named by it (session
   level, so it outlives transactions and dies with the connection), then in one short transaction picks
   due pending rows with SELECT ... FOR UPDATE SKIP LOCKED and marks them claimed with its id. Two senders
   (two overlapping beat ticks, ten workers) never pick the same row.
2. In-app notices are inserted with ON CONFLICT DO NOTHING on (organization, reminder): a retried batch
   cannot show a notice twice.
3. Each email is handed to the mail backend and, right after, its row is marked sent in its own autocommit
   UPDATE (WHERE claim_id = ours). A row marked sent is never claimed again.
4. A sender that dies (SIGKILL, OOM, a lost host) drops its connection, and with it the advisory lock. The
   next tick finds claimed rows whose lock is free (pg_try_advisory_lock succeeds) and returns them to
   pending; they are sent by whoever claims them next. Rows already marked sent stay sent.

What remains is one message in flight: handed to the mail server, the process killed before its UPDATE.
That message goes out again after recovery, with the same Message-ID (reminder.<org>.<id>@site), which
mail systems use to recognise a repeat. Without advisory locks (SQLite, PgBouncer in transaction mode)
a claim is taken back only after STALE_CLAIM, longer than any sender runs.

The claim is the one query here that spans organizations (the dispatcher serves all of them); everything
a batch loads to render its messages is read per organization.

The per-email work is kept small, as a sender hands over thousands of messages a second: a batch's related
objects are loaded once (reminder_batch.py), its notices inserted in one statement, each email written
straight to its wire form (reminder_mail.py) and handed over on one mail connection per batch; what stays
per email is the "sent" mark, which exactly-once needs.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from django.core.cache import cache
from django.core.mail import BadHeaderError, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone, translation

from mentorhub.accounts.branding import branding_of
from mentorhub.accounts.extensions import PersonalNotice, notice_channels_deliver
from mentorhub.accounts.languages import languages_of_employees
from mentorhub.accounts.models import Organization
from mentorhub.db.tenant_scope import all_organizations, organization_scope
from mentorhub.jobs.claim_locks import advisory, uses_claim_locks

from .. import messages
from ..models import Reminder
from ..selectors.notifications import unread_cache_key
from .notifications import unsubscribe_url
from .reminder_batch import batch_context, claimed_rows, email_off, notices_create
from .reminder_mail import reminder_email

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_ATTEMPTS = 5
RETRY_AFTER = [timedelta(minutes=m) for m in (1, 5, 15, 60)]
STALE_CLAIM = timedelta(minutes=15)
CLAIM_LOCK_CLASS = 0x4D48  # first key of pg_advisory_lock(int, int) for reminder claims ("MH")
# Errors of the mail server or the network that may pass: the batch's unsent rows are retried later
# (unless the server's reply says the message itself is refused: _is_permanent).
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, OSError)
# The message itself is wrong (a header Django refuses): it fails alone, the others go on.
PERMANENT_MAIL_ERRORS = (BadHeaderError, UnicodeError, ValueError)
S = Reminder.Status


@dataclass
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    emailed: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0
    batches: int = 0
    out_of_time: bool = False

    def add(self, other: DeliveryReport) -> None:
        for name in ("claimed", "sent", "emailed", "skipped", "retried", "failed", "batches"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


# --- Claims ------------------------------------------------------------------------------------------------


def _claim(now: datetime, limit: int) -> tuple[int, list[int]]:
    """Claim up to `limit` due rows. The caller holds the claim's advisory lock (when used) until it is done
    with the rows, and releases it."""
    claim_id = secrets.randbelow(2**31 - 2) + 1
    if uses_claim_locks():
        advisory("pg_advisory_lock", CLAIM_LOCK_CLASS, claim_id)
    # The dispatcher serves every organization: its claim is named as the one cross-organization write
    # (row-level security, docs/architecture.md); each organization's batch is then sent in its own scope.
    with all_organizations(), transaction.atomic():
        ids = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(status=S.PENDING, due_at__lte=now)
            .order_by("due_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            Reminder.objects.filter(pk__in=ids, status=S.PENDING).update(
                status=S.CLAIMED, claim_id=claim_id, claimed_at=timezone.now(), attempts=F("attempts") + 1
            )
    return claim_id, ids


def reminders_recover(*, now: datetime | None = None) -> int:
    """Return to pending the rows of claims whose sender is gone; a row that has been tried MAX_ATTEMPTS
    times fails instead (it may be what kills its senders). Returns how many rows were taken back."""
    with all_organizations():  # bookkeeping of the claims, which span organizations
        return _recover(now or timezone.now())


def _recover(now: datetime) -> int:
    claims = list(Reminder.objects.filter(status=S.CLAIMED).values_list("claim_id", flat=True).distinct())
    orphaned = []
    for claim_id in claims:
        if claim_id is None:
            continue
        if uses_claim_locks():
            if advisory("pg_try_advisory_lock", CLAIM_LOCK_CLASS, claim_id):
                advisory("pg_advisory_unlock", CLAIM_LOCK_CLASS, claim_id)
                orphaned.append(claim_id)
        elif Reminder.objects.filter(claim_id=claim_id, status=S.CLAIMED, claimed_at__lt=now - STALE_CLAIM).exists():
            orphaned.append(claim_id)
    if not orphaned:
        return 0
    rows = Reminder.objects.filter(status=S.CLAIMED, claim_id__in=orphaned)
    failed = rows.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=S.FAILED, claim_id=None, note="Its sender stopped during every attempt."
    )
    taken_back = rows.update(status=S.PENDING, claim_id=None, note="Taken back from a sender that stopped.")
    logger.warning("Reminders: took back %s rows of %s stopped senders (%s failed)", taken_back, len(orphaned), failed)
    return taken_back


# --- Delivery ----------------------------------------------------------------------------------------------


def reminders_deliver(
    *,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
    max_seconds: float | None = None,
    max_batches: int | None = None,
) -> DeliveryReport:
    """Send due reminders batch by batch until none is due, `max_seconds` have passed (then `out_of_time`)
    or `max_batches` were done. `now` fixes the clock (tests); by default each batch reads it afresh."""
    report = DeliveryReport()
    started = time.monotonic()
    while max_batches is None or report.batches < max_batches:
        if max_seconds is not None and time.monotonic() - started > max_seconds:
            report.out_of_time = True
            break
        moment = now or timezone.now()
        claim_id, ids = _claim(moment, batch_size)
        try:
            if not ids:
                break
            report.claimed += len(ids)
            report.batches += 1
            deadline = started + max_seconds if max_seconds is not None else None
            _deliver_claimed(claim_id, ids, moment, report, deadline)
        finally:
            if uses_claim_locks():
                advisory("pg_advisory_unlock", CLAIM_LOCK_CLASS, claim_id)
        if report.out_of_time:
            break
    return report


def _deliver_claimed(
    claim_id: int, ids: list[int], now: datetime, report: DeliveryReport, deadline: float | None = None
) -> None:
    with all_organizations():
        reminders = claimed_rows(claim_id, ids)
    for organization_id, group in groupby(reminders, key=lambda r: r.organization_id):
        with organization_scope(organization_id):
            _deliver_group(list(group), claim_id, now, report, deadline)


def _deliver_group(
    rows: list[Reminder], claim_id: int, now: datetime, report: DeliveryReport, deadline: float | None
) -> None:
    """One organization's share of a claimed batch, sent inside that organization's scope."""
    if report.out_of_time:
        report.retried += _hand_back([row.pk for row in rows], claim_id)
        return
    try:
        _deliver_for_organization(rows[0].organization, rows, claim_id, now, report, deadline)
    except Exception as error:  # one organization's bug must not hold back the others' reminders: logged
        logger.exception("Reminders of organization %s could not be sent", rows[0].organization_id)
        report.retried += _retry_later([row.pk for row in rows], claim_id, now, f"{type(error).__name__}")


def _deliver_for_organization(
    organization: Organization,
    reminders: list[Reminder],
    claim_id: int,
    now: datetime,
    report: DeliveryReport,
    deadline: float | None,
) -> None:
    context = batch_context(organization, reminders, now)
    # Each message in its recipient's language (one query for the batch), the notice and the email alike.
    languages = languages_of_employees(organization, {reminder.recipient_id for reminder in reminders})
    skipped: dict[str, list[int]] = defaultdict(list)
    ready: list[tuple[Reminder, messages.Message]] = []
    by_language: dict[str, list[Reminder]] = defaultdict(list)
    for reminder in reminders:
        by_language[languages[reminder.recipient_id]].append(reminder)
    for language, group in by_language.items():
        with translation.override(language):
            for reminder in group:
                try:
                    result = messages.render(reminder, context)
                except Exception as error:  # a bug in one message must not hold back the others; it is logged
                    logger.exception("Reminder %s could not be rendered", reminder.pk)
                    _finish(reminder, claim_id, status=S.FAILED, note=f"Could not be written: {error}"[:300])
                    report.failed += 1
                    continue
                if isinstance(result, messages.Skip):
                    skipped[result.reason].append(reminder.pk)
                else:
                    ready.append((reminder, result))
    for reason, pks in skipped.items():
        Reminder.objects.filter(pk__in=pks, claim_id=claim_id).update(
            status=S.SKIPPED, note=reason[:300], claim_id=None
        )
        report.skipped += len(pks)
    if not ready:
        return
    notices_create(organization, ready)
    notice_channels_deliver(
        [PersonalNotice(organization.pk, reminder.recipient_id, reminder.kind, reminder.pk) for reminder, _ in ready]
    )
    cache.delete_many({unread_cache_key(organization.pk, reminder.recipient_id) for reminder, _ in ready})
    switched_off = email_off(organization, {reminder.recipient_id for reminder, _ in ready})
    to_email = []
    in_app_only = []
    for reminder, message in ready:
        category = messages.CATEGORY_OF_KIND.get(reminder.kind, "")
        if reminder.recipient.email and category not in switched_off.get(reminder.recipient_id, ()):
            to_email.append((reminder, message))
        else:
            in_app_only.append(reminder.pk)
    if in_app_only:
        Reminder.objects.filter(pk__in=in_app_only, claim_id=claim_id).update(
            status=S.SENT, sent_at=timezone.now(), emailed=False, claim_id=None
        )
        report.sent += len(in_app_only)
    _send_emails(organization, to_email, claim_id, now, report, deadline, languages)


def _send_emails(
    organization: Organization,
    ready: list[tuple[Reminder, messages.Message]],
    claim_id: int,
    now: datetime,
    report: DeliveryReport,
    deadline: float | None,
    languages: dict[int, str],
) -> None:
    """Hand each email to the mail backend and mark it sent right after. A message the server refuses for
    good (an unknown address, a malformed header) fails alone; a server that is down (or a sender out of
    time) hands the rest back, to be sent later."""
    if not ready:
        return
    # The same person's link serves all their reminders of the batch (one HMAC each).
    links: dict[tuple[int, str], str] = {}
    branding = branding_of(organization)
    mail = get_connection(fail_silently=False)
    try:
        mail.open()
        with _fast_commits(), connection.cursor() as cursor:
            for index, (reminder, message) in enumerate(ready):
                if deadline is not None and time.monotonic() > deadline:
                    report.out_of_time = True
                    report.retried += _hand_back([r.pk for r, _ in ready[index:]], claim_id)
                    return
                category = messages.CATEGORY_OF_KIND.get(reminder.kind, "")
                link = links.get((reminder.recipient_id, category))
                if link is None:
                    link = links[reminder.recipient_id, category] = unsubscribe_url(
                        organization.pk, reminder.recipient_id, category
                    )
                try:
                    email = reminder_email(
                        organization,
                        reminder,
                        message,
                        unsubscribe=link,
                        language=languages[reminder.recipient_id],
                        branding=branding,
                    )
                    mail.send_messages([email])
                except PERMANENT_MAIL_ERRORS as error:
                    logger.warning("Reminder %s refused for good: %s", reminder.pk, error)
                    _finish(reminder, claim_id, status=S.FAILED, note=f"Refused: {error}"[:300])
                    report.failed += 1
                    continue
                except TRANSIENT_MAIL_ERRORS as error:
                    if _is_permanent(error):
                        logger.warning("Reminder %s refused for good: %s", reminder.pk, error)
                        _finish(reminder, claim_id, status=S.FAILED, note=f"Refused: {error}"[:300])
                        report.failed += 1
                        continue
                    logger.warning(
                        "Reminders: mail server unavailable (%s); %s retried later", error, len(ready) - index
                    )
                    report.retried += _retry_later([reminder.pk], claim_id, now, str(error))
                    # The others were not tried: back to pending without using up an attempt.
                    report.retried += _hand_back([r.pk for r, _ in ready[index + 1 :]], claim_id)
                    return
                # Right after the hand-over, on its own: a crash from here on cannot make it go out twice.
                cursor.execute(MARK_EMAILED, [S.SENT, timezone.now(), reminder.pk, claim_id])
                report.sent += 1
                report.emailed += 1
    finally:
        mail.close()


def _is_permanent(error: Exception) -> bool:
    """SMTP 5xx replies (and refused recipients) will not change by trying again; 4xx and dropped
    connections may."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def _hand_back(pks: list[int], claim_id: int) -> int:
    """Rows claimed but never tried: pending again, their attempt not counted."""
    return Reminder.objects.filter(pk__in=pks, claim_id=claim_id, status=S.CLAIMED).update(
        status=S.PENDING, claim_id=None, attempts=Greatest(F("attempts") - 1, 0)
    )


# One statement per email, written out: this runs once per message sent (bench/reminders.py).
# The table name is the model's own; every value goes in as a parameter.
MARK_EMAILED = (
    f"UPDATE {Reminder._meta.db_table} SET status = %s, claim_id = NULL, emailed = true, note = '', "  # noqa: S608
    "sent_at = %s WHERE id = %s AND claim_id = %s"
)


@contextmanager
def _fast_commits():
    """On PostgreSQL, the per-email "sent" commits do not wait for the disk (synchronous_commit off, this
    connection only, until the batch is done). A crash of the sender loses nothing by it; only a crash of
    the database server itself could forget the last fraction of a second of "sent" marks, and those few
    messages would go out again, with the same Message-ID."""
    # Not behind PgBouncer in transaction mode: a session-level SET would leak to other clients there.
    if not uses_claim_locks() or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _finish(reminder: Reminder, claim_id: int, *, status: str, emailed: bool = False, note: str = "") -> None:
    fields: dict[str, object] = {"status": status, "claim_id": None, "emailed": emailed, "note": note}
    if status == S.SENT:
        fields["sent_at"] = timezone.now()
    Reminder.objects.filter(pk=reminder.pk, claim_id=claim_id).update(**fields)


def _retry_later(pks: list[int], claim_id: int, now: datetime, error: str) -> int:
    """Back to pending, due again after a wait that grows with the attempts (counted from the batch's
    clock); rows tried MAX_ATTEMPTS times fail."""
    rows = Reminder.objects.filter(pk__in=pks, claim_id=claim_id)
    rows.filter(attempts__gte=MAX_ATTEMPTS).update(status=S.FAILED, claim_id=None, note=f"Gave up: {error}"[:300])
    retried = 0
    for attempts in range(1, MAX_ATTEMPTS):
        wait = RETRY_AFTER[min(attempts, len(RETRY_AFTER)) - 1]
        retried += rows.filter(attempts=attempts).update(
            status=S.PENDING, claim_id=None, due_at=now + wait, note=f"Retrying: {error}"[:300]
        )
    return retried
