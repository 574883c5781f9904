"""When surveys are asked and until when they can be answered: the rules the planner, the pages, the API
and the reminders share (no reads, no writes here).

- Check-in round n of an active match is due at started_at + 30 n days (n = 1, 2, ...). It closes when the
  next round is due, 30 days later; and as soon as the match is no longer active (the closing survey asks
  about the whole match then).
- The closing survey (round 0) is due when the match ends, and closes 30 days after it was asked: when it
  was planned late (a match that ended 40 days ago), people still get a month to answer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db.models import Q

from matching.models import Match

CHECKIN_EVERY = timedelta(days=30)
OPEN_FOR = timedelta(days=30)
# Matches that ended longer ago than this are history: their people are not sent a closing survey.
CLOSING_LOOKBACK = timedelta(days=60)
CLOSING_SLOT = "closing"


def checkin_round_due(started_at: datetime | None, now: datetime) -> int:
    """The latest check-in round due by `now` for a match started at `started_at` (0: none yet)."""
    if started_at is None or started_at > now:
        return 0
    return (now - started_at) // CHECKIN_EVERY


def checkin_due_at(started_at: datetime, round_: int) -> datetime:
    # In UTC: 30 days are 30 x 24 real hours, whatever clock change lies between.
    return started_at.astimezone(UTC) + round_ * CHECKIN_EVERY


def checkin_slot(round_: int) -> str:
    """The slot of a round's reminder: "checkin#3", or "closing" for the closing survey (round 0)."""
    return f"checkin#{round_}" if round_ else CLOSING_SLOT


def round_of_slot(slot: str) -> int | None:
    """The round a CHECKIN_DUE reminder's slot names: "checkin#3" is 3, "closing" is 0; None otherwise."""
    if slot == CLOSING_SLOT:
        return 0
    prefix, _, number = slot.partition("#")
    if prefix == "checkin" and number.isascii() and number.isdigit() and int(number) > 0:
        return int(number)
    return None


def assignment_expires_at(assignment) -> datetime:
    """When a SurveyAssignment stops taking answers (by time; a check-in also closes with its match)."""
    if assignment.round:
        return assignment.due_at + OPEN_FOR
    asked = max(assignment.due_at, assignment.created_at or assignment.due_at)
    return asked + OPEN_FOR


def assignment_state(assignment, now: datetime) -> str:
    """ "open", "answered" or "expired": an open assignment past its time, or a check-in of a match that is
    no longer active, is expired even before the planner marks it so (its match must be loaded)."""
    if assignment.status != "open":
        return assignment.status
    if now >= assignment_expires_at(assignment):
        return "expired"
    if assignment.round and assignment.match.status != Match.Status.ACTIVE:
        return "expired"
    return "open"


def closed_q(now: datetime) -> Q:
    """SurveyAssignments that no longer take answers at `now`, whatever their stored status says: the same
    rule as assignment_expires_at, plus check-ins of matches that are no longer active."""
    cutoff = now - OPEN_FOR
    checkin_closed = Q(round__gt=0) & (Q(due_at__lte=cutoff) | ~Q(match__status=Match.Status.ACTIVE))
    closing_closed = Q(round=0, due_at__lte=cutoff, created_at__lte=cutoff)
    return checkin_closed | closing_closed
