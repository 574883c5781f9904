"""Many due reminders at once, for the concurrency and crash tests: sessions that ended in the last hours and
wait to be logged, each with a "log your session" reminder per member, due now."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from sessions.models import MentoringSession, Reminder
from sessions.services.reminders import LOG_PROMPT_AFTER, reminders_insert
from sessions.timeslots import key_of, slot_of

from .factories import Pair, active_pair


def due_log_prompts(org, sessions: int, *, now: datetime | None = None) -> tuple[Pair, list[Reminder]]:
    """One pair, `sessions` past sessions still to log, and their 2 x `sessions` reminders, all due."""
    now = now or timezone.now()
    pair = active_pair(org, started_at=now - timedelta(days=60))
    people = [pair.mentor.employee, pair.mentee.employee]
    rows = []
    for index in range(sessions):
        starts = (now - timedelta(hours=3, minutes=index)).replace(second=0, microsecond=0)
        session = MentoringSession.objects.create(
            organization=org, program=pair.program, match=pair.match, starts_at=starts, duration_minutes=30
        )
        slot = slot_of(starts)
        for employee in people:
            rows.append(
                Reminder(
                    organization=org,
                    kind=Reminder.Kind.LOG_SESSION,
                    recipient=employee,
                    session=session,
                    slot=slot,
                    key=key_of(Reminder.Kind.LOG_SESSION, f"s{session.pk}", employee.pk, slot),
                    due_at=session.ends_at + LOG_PROMPT_AFTER,
                )
            )
    reminders_insert(rows)
    return pair, list(Reminder.objects.filter(organization=org).order_by("pk"))


def expected_message_ids(reminders: list[Reminder]) -> set[str]:
    return {f"<reminder.{r.organization_id}.{r.pk}@127.0.0.1>" for r in reminders}
