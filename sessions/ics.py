"""iCalendar (RFC 5545) for sessions, built with the `icalendar` library: the invitation attached to emails
(METHOD:REQUEST, or METHOD:CANCEL when a session is called off) and each person's subscription feed.

One session is one VEVENT whose UID never changes; SEQUENCE goes up with every change, so calendars that
already hold the event update it in place; a cancelled session stays in the feed with STATUS:CANCELLED so
that subscribed calendars remove it. Start and end carry the time zone the session was scheduled in, with
its VTIMEZONE, so a client shows the right local time on either side of a daylight-saving change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Employee

from .models import MentoringSession
from .selectors.matches import match_members_of
from .timeslots import zone_or_utc

PRODID = "-//MentorHub//Mentoring sessions//EN"
STATUS: dict[str, icalendar.STATUS] = {
    MentoringSession.Status.SCHEDULED: icalendar.STATUS.CONFIRMED,
    MentoringSession.Status.HELD: icalendar.STATUS.CONFIRMED,
    MentoringSession.Status.MISSED: icalendar.STATUS.CONFIRMED,
    MentoringSession.Status.CANCELLED: icalendar.STATUS.CANCELLED,
}
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def base_url() -> str:
    return (getattr(settings, "SITE_URL", "") or DEFAULT_BASE_URL).rstrip("/")


def site_domain() -> str:
    return urlsplit(base_url()).hostname or "mentorhub.example"


def session_uid(session: MentoringSession) -> str:
    return f"session-{session.organization_id}-{session.pk}@{site_domain()}"


def session_url(session: MentoringSession, organization_slug: str) -> str:
    return base_url() + reverse("session-detail", kwargs={"org_slug": organization_slug, "session_pk": session.pk})


def _sender_address() -> str:
    """The bare address of DEFAULT_FROM_EMAIL ("MentorHub <no-reply@...>" -> "no-reply@...")."""
    sender = settings.DEFAULT_FROM_EMAIL
    return sender.split("<", 1)[1].rstrip(">").strip() if "<" in sender else sender.strip()


def session_event(
    session: MentoringSession, people: list[Employee], organization_slug: str, *, stamp: datetime | None = None
) -> icalendar.Event:
    """The VEVENT of a session whose attendees are `people` (the match's members)."""
    zone = zone_or_utc(session.time_zone)
    names = ", ".join(p.name for p in people)
    if len(people) == 2:
        names = _("%(names)s and %(last)s") % {"names": people[0].name, "last": people[1].name}
    url = session_url(session, organization_slug)
    lines = [
        _("Mentoring session (%(format)s) in %(program)s.")
        % {"format": session.get_format_display().lower(), "program": session.program.name}
    ]
    if session.location:
        lines.append(_("Where: %(place)s") % {"place": session.location})
    if session.agenda:
        lines += ["", _("Agenda:"), session.agenda]
    if session.status == MentoringSession.Status.CANCELLED and session.cancel_reason:
        lines += ["", _("Cancelled: %(reason)s") % {"reason": session.cancel_reason}]
    lines += ["", _("Details, notes and feedback: %(url)s") % {"url": url}]
    event = icalendar.Event.new(
        uid=session_uid(session),
        stamp=stamp or timezone.now(),
        start=session.starts_at.astimezone(zone),
        end=session.ends_at.astimezone(zone),
        summary=_("Mentoring: %(names)s") % {"names": names} if names else _("Mentoring session"),
        description="\n".join(lines),
        location=session.location or session.get_format_display(),
        url=url,
        sequence=session.sequence,
        status=STATUS[session.status],
        organizer=icalendar.vCalAddress.new(_sender_address(), cn="MentorHub"),
        attendees=[icalendar.vCalAddress.new(p.email, cn=p.name, role="REQ-PARTICIPANT") for p in people if p.email],
        last_modified=session.updated_at,
    )
    return event


def _calendar(events: Iterable[icalendar.Event], *, method: str | None, name: str | None = None) -> bytes:
    calendar = icalendar.Calendar.new(prodid=PRODID, method=method, name=name)
    starts: list[date] = []
    for event in events:
        calendar.add_component(event)
        starts.append(event.start.date() if isinstance(event.start, datetime) else event.start)
    if starts:
        # VTIMEZONE rules only for the years the events span (the library's default is 1970-2038).
        calendar.add_missing_timezones(
            first_date=min(starts) - timedelta(days=366), last_date=max(starts) + timedelta(days=366)
        )
    return calendar.to_ical()


def invitation_ics(session: MentoringSession, people: list[Employee], organization_slug: str) -> bytes:
    """The .ics attached to an invitation email: REQUEST, or CANCEL for a cancelled session."""
    method = "CANCEL" if session.status == MentoringSession.Status.CANCELLED else "REQUEST"
    return _calendar([session_event(session, people, organization_slug)], method=method)


def feed_ics(
    sessions: Iterable[MentoringSession],
    organization_slug: str,
    *,
    name: str,
    extra: Iterable[icalendar.Event] = (),
) -> bytes:
    """A subscription calendar: every given session (with its match members prefetched) as one event, then
    the `extra` events (flash bookings, sessions/flash_ics.py)."""
    stamp = timezone.now()
    events = list(extra)
    for session in sessions:
        people = [m.participant.employee for m in match_members_of(session.match)]
        events.append(session_event(session, people, organization_slug, stamp=stamp))
    return _calendar(events, method="PUBLISH", name=name)
