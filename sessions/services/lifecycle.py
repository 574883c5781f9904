"""The end of a match as its members live it. The match itself changes in matching.services.lifecycle
(completing it when everyone agrees or the program ends, ending it early); that service runs what follows
here, registered in matching.extensions by this app's AppConfig.ready(): sessions still ahead are cancelled
(with calendar cancellations), planned reminders are dropped, and the members are told in the app."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from matching.extensions import MatchEnding, MatchEndingKind
from matching.models import Match
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped

from ..models import MentoringSession, Notification
from .common import deliver_reminders_on_commit
from .notifications import notification_create
from .reminders import reminders_match_ended, reminders_session_cancelled

# Why the sessions still ahead were cancelled, as their calendar cancellations say it.
CANCEL_REASONS = {
    MatchEndingKind.COMPLETED: "The match was completed.",
    MatchEndingKind.PROGRAM_ENDED: "The program ended.",
    MatchEndingKind.ENDED_EARLY: "The match ended.",
    MatchEndingKind.MEMBER_LEFT: "The match ended.",
}


def match_ending_wind_down(ending: MatchEnding) -> None:
    """The handler matching calls when a match ends (or a member asks to complete it): call off what was
    planned and tell the members. The reason of an early end is for admins; the others only hear that it
    ended."""
    organization, match, members = ending.organization, ending.match, ending.members
    program = match.program.name
    if ending.kind == MatchEndingKind.COMPLETION_ASKED:
        assert ending.by is not None, "a member asks to complete a match"
        title = f"{ending.by.name} would like to complete your match in {program}"
        _tell(organization, match, members, title, ending.by)
        return
    if ending.kind == MatchEndingKind.CIRCLE_MEMBER_LEFT:
        # The circle goes on: its sessions stay; the leaver's own reminders went with their departure.
        assert ending.by is not None, "a circle member left"
        title = f"{ending.by.name} left the organization and your circle in {program}; the circle goes on"
        _tell(organization, match, members, title, ending.by)
        return
    _wind_down(organization, match, members, CANCEL_REASONS[ending.kind])
    if ending.kind == MatchEndingKind.COMPLETED:
        _tell(organization, match, members, f"Your match in {program} is completed", None)
    elif ending.kind == MatchEndingKind.PROGRAM_ENDED:
        _tell(organization, match, members, f"Your match in {program} is completed: the program ended", None)
    elif ending.kind == MatchEndingKind.MEMBER_LEFT:
        # Only the fact that they left: never the reason or who recorded it (an admin, SCIM, a roster file).
        assert ending.by is not None, "a member left"
        title = f"Your match in {program} ended: {ending.by.name} left the organization"
        _tell(organization, match, members, title, ending.by)
    else:
        who = ending.by.name if ending.by is not None else "HR"
        _tell(organization, match, members, f"{who} ended your match in {program}", ending.by)


def _wind_down(organization: Organization, match: Match, members: list[Employee], reason: str) -> int:
    """Cancel the match's sessions still ahead (everyone's calendar drops them) and every reminder planned
    for the match. Returns how many sessions were cancelled."""
    ahead = list(
        scoped(MentoringSession, organization)
        .select_for_update()
        .filter(match=match, status=MentoringSession.Status.SCHEDULED, starts_at__gt=timezone.now())
    )
    for session in ahead:
        session.status = MentoringSession.Status.CANCELLED
        session.cancel_reason = reason[:500]
        session.sequence += 1
        session.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
    reminders_match_ended(organization=organization, match=match)
    for session in ahead:
        reminders_session_cancelled(organization=organization, session=session, recipients=members)
    if ahead:
        deliver_reminders_on_commit()
    return len(ahead)


def _tell(organization: Organization, match: Match, members: list[Employee], title: str, skip: Employee | None) -> None:
    url = reverse("mentoring-match", kwargs={"org_slug": organization.slug, "match_pk": match.pk})
    for person in members:
        if skip is None or person.pk != skip.pk:
            notification_create(
                organization=organization, recipient=person, kind=Notification.MATCH_UPDATE, title=title, url=url
            )
