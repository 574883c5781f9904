"""The end of a match as its members live it. The match itself changes in matching.services.lifecycle
(completing it when everyone agrees or the program ends, ending it early); that service runs what follows
here, registered in matching.extensions by this app's AppConfig.ready(): sessions still ahead are cancelled
(with calendar cancellations), planned reminders are dropped, and the members are told in the app."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from matching.extensions import MatchEnding, MatchEndingKind
from matching.models import Match
from mentorhub.accounts.languages import languages_of_employees, organization_language
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped

from ..models import MentoringSession, Notification
from .common import deliver_reminders_on_commit
from .notifications import notification_create
from .reminders import reminders_match_ended, reminders_session_cancelled

# Why the sessions still ahead were cancelled, as their calendar cancellations say it (stored with the sessions,
# in the organization's language).
CANCEL_REASONS = {
    MatchEndingKind.COMPLETED: _("The match was completed."),
    MatchEndingKind.PROGRAM_ENDED: _("The program ended."),
    MatchEndingKind.ENDED_EARLY: _("The match ended."),
    MatchEndingKind.MEMBER_LEFT: _("The match ended."),
}


def match_ending_wind_down(ending: MatchEnding) -> None:
    """The handler matching calls when a match ends (or a member asks to complete it): call off what was
    planned and tell the members. The reason of an early end is for admins; the others only hear that it
    ended."""
    organization, match, members = ending.organization, ending.match, ending.members
    program = match.program.name
    if ending.kind == MatchEndingKind.COMPLETION_ASKED:
        assert ending.by is not None, "a member asks to complete a match"
        title = _("%(name)s would like to complete your match in %(program)s")
        _tell(organization, match, members, title, {"name": ending.by.name, "program": program}, ending.by)
        return
    if ending.kind == MatchEndingKind.CIRCLE_MEMBER_LEFT:
        # The circle goes on: its sessions stay; the leaver's own reminders went with their departure.
        assert ending.by is not None, "a circle member left"
        title = _("%(name)s left the organization and your circle in %(program)s; the circle goes on")
        _tell(organization, match, members, title, {"name": ending.by.name, "program": program}, ending.by)
        return
    with translation.override(organization_language(organization)):
        reason = str(CANCEL_REASONS[ending.kind])
    _wind_down(organization, match, members, reason)
    if ending.kind == MatchEndingKind.COMPLETED:
        _tell(organization, match, members, _("Your match in %(program)s is completed"), {"program": program}, None)
    elif ending.kind == MatchEndingKind.PROGRAM_ENDED:
        title = _("Your match in %(program)s is completed: the program ended")
        _tell(organization, match, members, title, {"program": program}, None)
    elif ending.kind == MatchEndingKind.MEMBER_LEFT:
        # Only the fact that they left: never the reason or who recorded it (an admin, SCIM, a roster file).
        assert ending.by is not None, "a member left"
        title = _("Your match in %(program)s ended: %(name)s left the organization")
        _tell(organization, match, members, title, {"name": ending.by.name, "program": program}, ending.by)
    elif ending.by is not None:
        title = _("%(name)s ended your match in %(program)s")
        _tell(organization, match, members, title, {"name": ending.by.name, "program": program}, ending.by)
    else:
        _tell(organization, match, members, _("HR ended your match in %(program)s"), {"program": program}, None)


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


def _tell(
    organization: Organization,
    match: Match,
    members: list[Employee],
    title: Promise,
    values: dict[str, str],
    skip: Employee | None,
) -> None:
    """Tell the members (but `skip`) in the app, each in their own language: `title` % `values`."""
    url = reverse("mentoring-match", kwargs={"org_slug": organization.slug, "match_pk": match.pk})
    told = [person for person in members if skip is None or person.pk != skip.pk]
    languages = languages_of_employees(organization, [person.pk for person in told])
    for person in told:
        with translation.override(languages[person.pk]):
            text = str(title) % values
        notification_create(
            organization=organization, recipient=person, kind=Notification.MATCH_UPDATE, title=text, url=url
        )
