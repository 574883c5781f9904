"""Celery tasks of the sessions app. Tasks take ids only; the services claim their own work, so a task
delivered twice, or two ticks overlapping, do the work once.

Beat (settings.CELERY_BEAT_SCHEDULE): `dispatch_reminders` every minute, `plan_inactivity_nudges` every
hour, `complete_finished_matches` nightly, `refresh_busy_feeds` hourly (people's own calendars, one task per
feed).
"""

from __future__ import annotations

import math

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from matching.services.lifecycle import matches_complete_finished
from mentorhub.accounts.models import Organization
from mentorhub.db.tenant_scope import all_organizations, cross_organization_task, organization_scope, organization_task

from .models import Reminder
from .selectors.calendar_feeds import busy_feeds_due
from .services.busy_feeds import busy_feed_refresh
from .services.dispatch import BATCH_SIZE, reminders_deliver, reminders_recover
from .services.reminders import reminders_plan_inactivity

# One sender works at most this long before it hands over to a fresh task (which the next tick would
# start anyway): keeps each task well inside its time limits.
DELIVER_SECONDS = 45


@shared_task(name="sessions.dispatch_reminders", soft_time_limit=50, time_limit=60, ignore_result=True)
@cross_organization_task
def dispatch_reminders() -> int:
    """The beat tick: take back the claims of stopped senders, then start as many senders as the due rows
    need (at most REMINDER_SENDERS). Returns how many senders it started."""
    reminders_recover()
    with all_organizations():  # how much is due, across organizations: the senders then work per organization
        due = (
            Reminder.objects.filter(status=Reminder.Status.PENDING, due_at__lte=timezone.now())
            .values("pk")[: BATCH_SIZE * settings.REMINDER_SENDERS]
            .count()
        )
    senders = min(settings.REMINDER_SENDERS, math.ceil(due / BATCH_SIZE))
    for _ in range(senders):
        deliver_reminders.delay()
    return senders


@shared_task(
    name="sessions.deliver_reminders",
    soft_time_limit=DELIVER_SECONDS + 30,
    time_limit=DELIVER_SECONDS + 45,
    ignore_result=True,
)
@cross_organization_task
def deliver_reminders() -> int:
    """Send due reminders until none is left or time is up; then hand over to a new task if more are due."""
    report = reminders_deliver(max_seconds=DELIVER_SECONDS)
    if report.out_of_time:
        deliver_reminders.delay()
    return report.sent


@shared_task(name="sessions.plan_inactivity_nudges", soft_time_limit=300, time_limit=360, ignore_result=True)
@cross_organization_task
def plan_inactivity_nudges() -> None:
    """Hourly: one task per organization plans the nudges of its quiet matches."""
    for organization_id in Organization.objects.values_list("pk", flat=True):
        plan_inactivity_nudges_for.delay(organization_id=organization_id)


@shared_task(name="sessions.plan_inactivity_nudges_for", soft_time_limit=120, time_limit=150, ignore_result=True)
@organization_task
def plan_inactivity_nudges_for(*, organization_id: int) -> int:
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return 0
    planned = reminders_plan_inactivity(organization=organization)
    if planned:
        deliver_reminders.delay()
    return planned


@shared_task(name="sessions.complete_finished_matches", soft_time_limit=300, time_limit=360, ignore_result=True)
@cross_organization_task
def complete_finished_matches() -> int:
    """Nightly: matches of programs past their end date are completed."""
    total = 0
    for organization in Organization.objects.order_by("pk"):
        with organization_scope(organization.pk):
            total += matches_complete_finished(organization=organization)
    return total


@shared_task(name="sessions.refresh_busy_feeds", soft_time_limit=120, time_limit=150, ignore_result=True)
@cross_organization_task
def refresh_busy_feeds() -> int:
    """Hourly: one task per calendar feed not fetched for an hour (a slow calendar host delays only its own)."""
    with all_organizations():  # which feeds are due, across organizations: each task then works in its own
        due = busy_feeds_due(now=timezone.now())
    for organization_id, feed_id in due:
        refresh_busy_feed.delay(organization_id=organization_id, feed_id=feed_id)
    return len(due)


@shared_task(name="sessions.refresh_busy_feed", soft_time_limit=60, time_limit=75, ignore_result=True)
@organization_task
def refresh_busy_feed(*, organization_id: int, feed_id: int) -> str:
    """Fetch one person's calendar feed (sessions/services/busy_feeds.py); failures wait for the next hour."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return "skipped"
    return busy_feed_refresh(organization=organization, feed_id=feed_id)
