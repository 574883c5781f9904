"""What follows when a match ends, without this app importing the apps above it (docs/architecture.md:
registries). The sessions app registers its part in its AppConfig.ready(): sessions still ahead are
cancelled (with calendar cancellations), planned reminders are dropped, and the match's members are told.

matching.services.lifecycle calls every registered handler inside its own transaction, after the match
changed, with the members the match had before the change (they are no longer current afterwards)."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from mentorhub.accounts.models import Employee, Organization

from .models import Match


class MatchEndingKind(enum.Enum):
    COMPLETION_ASKED = "completion_asked"  # a member asked to complete it; not everyone has yet
    COMPLETED = "completed"  # every member asked: completed
    PROGRAM_ENDED = "program_ended"  # completed because its program's end date passed
    ENDED_EARLY = "ended_early"  # ended before its time by a member or an HR admin
    MEMBER_LEFT = "member_left"  # ended before its time because a member (`by`) left the organization
    CIRCLE_MEMBER_LEFT = "circle_member_left"  # a circle member (`by`) left the organization; the circle goes on


@dataclass(frozen=True)
class MatchEnding:
    organization: Organization
    match: Match
    kind: MatchEndingKind
    members: list[Employee]  # the employees currently in the match before the change (by role, then id)
    # Who asked (the last to, when completed) or ended it, or who left the organization (MEMBER_LEFT,
    # CIRCLE_MEMBER_LEFT); None: HR, or the program's end.
    by: Employee | None


MatchEndingHandler = Callable[[MatchEnding], None]
_handlers: list[MatchEndingHandler] = []


def register_match_ending(handler: MatchEndingHandler) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def match_ending_follow(ending: MatchEnding) -> None:
    """Run every registered handler, in the order they were registered."""
    for handler in _handlers:
        handler(ending)
