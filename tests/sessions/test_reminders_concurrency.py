"""Exactly once under concurrency, on PostgreSQL: two senders running at the same time (two beat ticks that
overlap) each claim different rows; a claim whose sender died is taken back, a live one is left alone."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections
from django.utils import timezone

from mentorhub.jobs.claim_locks import advisory
from mentorhub.mail_backends import spooled_message_ids
from sessions.models import Notification, Reminder
from sessions.services.dispatch import CLAIM_LOCK_CLASS, DeliveryReport, _claim, reminders_deliver, reminders_recover
from tests.helpers import thread_like_the_test

from .reminder_helpers import due_log_prompts, expected_message_ids

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row and advisory locks need PostgreSQL"),
]
S = Reminder.Status


def _in_thread(target, results, name):
    def run():
        try:
            results[name] = target()
        except BaseException as error:  # surfaced by the test below
            results[name] = error
        finally:
            connections.close_all()  # this thread's own connection

    return thread_like_the_test(run, name=name)


def test_two_overlapping_ticks_send_every_reminder_exactly_once(transactional_db, org, settings, tmp_path):
    settings.EMAIL_BACKEND = "mentorhub.mail_backends.SpoolBackend"
    settings.EMAIL_SPOOL_DIR = str(tmp_path)
    settings.EMAIL_SPOOL_DELAY_SECONDS = 0.005  # a slowish mail server: the two senders overlap for sure
    _pair, reminders = due_log_prompts(org, 40)
    assert len(reminders) == 80

    results: dict[str, object] = {}
    ticks = [_in_thread(lambda: reminders_deliver(batch_size=7), results, f"tick-{n}") for n in (1, 2)]
    for tick in ticks:
        tick.start()
    for tick in ticks:
        tick.join(timeout=120)

    reports = [results[f"tick-{n}"] for n in (1, 2)]
    assert all(isinstance(report, DeliveryReport) for report in reports), reports
    assert all(report.sent > 0 for report in reports), reports  # both really worked, side by side
    assert sum(report.sent for report in reports) == 80
    delivered = Counter(spooled_message_ids(tmp_path))
    assert set(delivered) == expected_message_ids(reminders)
    assert max(delivered.values()) == 1, [mid for mid, n in delivered.items() if n > 1]
    assert set(Reminder.objects.values_list("status", flat=True)) == {S.SENT}
    assert Notification.objects.filter(reminder__isnull=False).count() == 80


def test_a_claim_is_taken_back_only_once_its_sender_is_gone(transactional_db, org, settings, tmp_path):
    settings.EMAIL_BACKEND = "mentorhub.mail_backends.SpoolBackend"
    settings.EMAIL_SPOOL_DIR = str(tmp_path)
    due_log_prompts(org, 5)
    claimed = threading.Event()
    release = threading.Event()
    results: dict[str, object] = {}

    def sender_that_dies():
        claim_id, ids = _claim(timezone.now(), 100)  # holds the claim's advisory lock on its connection
        claimed.set()
        release.wait(timeout=30)
        # No unlock, no "sent": the connection just goes away, as with a SIGKILL.
        return claim_id, ids

    sender = _in_thread(sender_that_dies, results, "sender")
    sender.start()
    assert claimed.wait(timeout=30)
    assert Reminder.objects.filter(status=S.CLAIMED).count() == 10
    assert reminders_recover() == 0  # its sender is alive: hands off
    assert reminders_deliver().sent == 0  # and nobody else sends its rows

    release.set()
    sender.join(timeout=30)
    claim_id, _ids = results["sender"]
    # The server lets go of the lock once it has seen the connection close (a moment after the client did).
    deadline = time.monotonic() + 10
    while not advisory("pg_try_advisory_lock", CLAIM_LOCK_CLASS, claim_id):
        assert time.monotonic() < deadline, "the dead sender's lock was never released"
        time.sleep(0.05)
    advisory("pg_advisory_unlock", CLAIM_LOCK_CLASS, claim_id)

    assert reminders_recover() == 10
    assert reminders_deliver().sent == 10
    assert Counter(spooled_message_ids(tmp_path)).most_common(1)[0][1] == 1
    assert set(Reminder.objects.values_list("attempts", flat=True)) == {2}
