"""The embedded default has no beat process: the web process runs the beat schedule in a thread. One tick
runs every entry that is due (a due reminder goes out), and nothing runs again before its time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone

from mentorhub import embedded_scheduler
from sessions.models import Reminder
from tests.sessions.reminder_helpers import due_log_prompts


@pytest.mark.django_db(transaction=True)
def test_a_tick_runs_the_due_entries_and_sends_due_reminders(org, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    due_log_prompts(org, 2, now=timezone.now() - timedelta(minutes=5))
    last_run: dict = {}

    ran = embedded_scheduler.tick(last_run)

    assert set(ran) == set(settings.CELERY_BEAT_SCHEDULE)  # never ran: all are due
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}
    assert sum("How did your session" in message.subject for message in mail.outbox) == 4
    # The pair has held no session in 60 days: the hourly entry nudged them in the same tick.
    assert Reminder.objects.filter(kind=Reminder.Kind.INACTIVITY_NUDGE).count() == 2
    assert embedded_scheduler.tick(last_run) == []  # a minute has not passed


def test_the_thread_starts_only_where_settings_ask_for_it(settings, monkeypatch):
    started = []
    monkeypatch.setattr(embedded_scheduler, "start", lambda: started.append(True))
    settings.EMBEDDED_SCHEDULER = False
    middleware = embedded_scheduler.EmbeddedSchedulerMiddleware(lambda request: "response")
    assert middleware(RequestFactory().get("/")) == "response" and started == []
    settings.EMBEDDED_SCHEDULER = True
    middleware = embedded_scheduler.EmbeddedSchedulerMiddleware(lambda request: "response")
    middleware(RequestFactory().get("/"))
    assert started == [True]
