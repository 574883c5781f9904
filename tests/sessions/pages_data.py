"""Builders for the sessions page tests: sessions and goals made through the services (so the pages are
tested against data the app itself writes). Times are explicit: `FROZEN` is the "now" of tests that pin the
clock, so dates such as 2027-03-30 stay in the future whenever the suite runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from sessions.models import MentoringSession
from sessions.services.goals import goal_create
from sessions.services.sessions import session_log_past, session_schedule

from .factories import Pair

FROZEN = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    """Pin timezone.now() (which the views, services and selectors all ask) to FROZEN."""
    monkeypatch.setattr(timezone, "now", lambda: FROZEN)
    return FROZEN


def local(moment: datetime) -> str:
    """A moment as a datetime-local input value, in the active time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def schedule(pair: Pair, *, when: datetime | None = None, by=None, **fields) -> MentoringSession:
    """A session scheduled through the service by the mentor (or `by`), two days ahead unless told."""
    who = by or pair.mentor
    return session_schedule(
        organization=pair.match.organization,
        actor=who.user,
        employee=who.employee,
        match_id=pair.match.pk,
        starts_at=when or timezone.now() + timedelta(days=2),
        **fields,
    )


def held(pair: Pair, *, days_ago: int = 3, by=None, **fields) -> MentoringSession:
    """A session that took place `days_ago` days ago, logged in one step."""
    who = by or pair.mentor
    return session_log_past(
        organization=pair.match.organization,
        actor=who.user,
        employee=who.employee,
        match_id=pair.match.pk,
        starts_at=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


def past_scheduled(pair: Pair, *, hours_ago: int = 3) -> MentoringSession:
    """A scheduled session whose start has passed and that nobody logged yet (written directly: the service
    only schedules sessions ahead)."""
    starts = (timezone.now() - timedelta(hours=hours_ago)).replace(second=0, microsecond=0)
    return MentoringSession.objects.create(
        organization=pair.match.organization,
        program=pair.program,
        match=pair.match,
        starts_at=starts,
        duration_minutes=45,
        scheduled_by=pair.mentor.employee,
    )


def goal(pair: Pair, title: str = "Lead a team meeting", *, by=None, milestones=(), **fields):
    who = by or pair.mentee
    return goal_create(
        organization=pair.match.organization,
        employee=who.employee,
        match_id=pair.match.pk,
        title=title,
        milestones=[{"title": m} for m in milestones],
        **fields,
    )
