"""Reminders through a REAL Celery worker (Redis broker, PostgreSQL): the worker is SIGKILLed in the middle
of a batch, restarted, and every reminder ends up sent exactly once: the ones it had sent are not sent
again, the ones it had claimed but not sent are taken back and sent by the new worker.

The mail server is the spool backend with a delay (mentorhub/mail_backends.py): each message takes 0.3 s,
so the kill lands while the worker waits on "the mail server" for the next message, as it would with a slow
SMTP server. (Between the server accepting a message and the row being marked sent lies well under a
millisecond; sessions/services/dispatch.py says what happens to a message caught exactly there.)
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from mentorhub.mail_backends import spooled_message_ids
from sessions.models import Notification, Reminder
from sessions.tasks import deliver_reminders, dispatch_reminders

from .reminder_helpers import due_log_prompts, expected_message_ids

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("worker")]
DELAY = 0.3
S = Reminder.Status


@pytest.fixture
def spool(tmp_path, monkeypatch):
    """The worker's mail server: a spool directory, 0.3 s a message (set before the worker starts)."""
    monkeypatch.setenv("TEST_EMAIL_BACKEND", "mentorhub.mail_backends.SpoolBackend")
    monkeypatch.setenv("EMAIL_SPOOL_DIR", str(tmp_path))
    monkeypatch.setenv("EMAIL_SPOOL_DELAY_SECONDS", str(DELAY))
    return tmp_path


def test_a_worker_killed_mid_batch_and_restarted_sends_each_reminder_exactly_once(
    transactional_db, spool, request, org
):
    _pair, reminders = due_log_prompts(org, 15)
    worker = request.getfixturevalue("celery_worker_process")  # started after the spool settings
    deliver_reminders.delay()

    # Wait until the worker is well into its batch, then kill it while it waits on the next message.
    worker.wait_for(lambda: len(spooled_message_ids(spool)) >= 8, timeout=60, interval=0.02)
    time.sleep(DELAY / 2)
    worker.kill()

    sent_before = Counter(spooled_message_ids(spool))
    assert 8 <= sum(sent_before.values()) < 30
    statuses = Counter(Reminder.objects.values_list("status", flat=True))
    assert statuses[S.SENT] == sum(sent_before.values())  # each message handed over was marked sent
    assert statuses[S.CLAIMED] == 30 - statuses[S.SENT]  # the rest of its batch: claimed by a dead worker

    worker.restart()
    dispatch_reminders.delay()  # the next beat tick: takes the dead worker's claim back and sends the rest
    worker.wait_for(lambda: Reminder.objects.filter(status=S.SENT).count() == 30, timeout=90)

    delivered = Counter(spooled_message_ids(spool))
    assert set(delivered) == expected_message_ids(reminders)
    assert max(delivered.values()) == 1, [mid for mid, n in delivered.items() if n > 1]
    assert Notification.objects.filter(reminder__isnull=False).count() == 30
    assert "took back 0" not in worker.log() and "Reminders: took back" in worker.log()
