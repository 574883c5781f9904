"""The one-click nudge of the program-health page: an HR admin reminds everyone in an active match to meet.

The reminder itself is the sessions app's (sessions.services.reminders.reminders_nudge_now: the planner's message,
sent now, at most once a day per match because the day is in the reminder's key). This adds what an admin's
action needs around it: only an active match, a clear "already today" answer, and the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from matching.models import Match, MatchMember
from mentorhub.accounts.models import Organization, User
from mentorhub.accounts.services.audit import audit_record
from mentorhub.tenancy import scoped
from sessions.services.common import deliver_reminders_on_commit
from sessions.services.reminders import reminders_nudge_now

from ..selectors import nudged_today


@dataclass(frozen=True)
class NudgeResult:
    sent: bool  # False: the match was nudged today already, nothing was sent again
    people: list[str]

    @property
    def names(self) -> str:
        return " and ".join(self.people) or "the people of this match"


@transaction.atomic
def match_nudge(*, organization: Organization, actor: User, match_id: int) -> NudgeResult:
    """Nudge the people of an active match of this organization now, unless that was done today."""
    # Locked: two clicks at once queue here, and the second finds the first one's reminders.
    match = scoped(Match, organization).select_for_update().get(pk=match_id)
    people = list(
        scoped(MatchMember, organization)
        .filter(match=match, current=True)
        .order_by("role", "participant__employee__name")
        .values_list("participant__employee__name", flat=True)
    )
    if match.status != Match.Status.ACTIVE:
        raise ValidationError(_("This match is no longer active: there is nobody to nudge."))
    if nudged_today(organization=organization, match_ids=[match.pk]):
        return NudgeResult(sent=False, people=people)
    reminders_nudge_now(organization=organization, match=match)
    deliver_reminders_on_commit()
    audit_record(organization=organization, actor=actor, verb="match.nudge", target=match)
    return NudgeResult(sent=True, people=people)
