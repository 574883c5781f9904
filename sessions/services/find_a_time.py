"""Find a time: book one of the proposed slots for a whole match through the ordinary scheduling service
(session_schedule: the same invitations with .ics, reminders and default meeting link). A second click on
the same slot (a double click, two tabs) books nothing more: it answers the session the first one made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.tenancy import scoped

from .. import slot_finder
from ..extensions import extra_busy_of
from ..models import MentoringSession
from ..selectors.availability import match_people_for
from .common import match_for_write
from .sessions import session_schedule

Interval = tuple[datetime, datetime]


@dataclass
class Booking:
    session: MentoringSession
    created: bool  # False: this slot was booked already (by this click's twin)


@transaction.atomic
def session_book_slot(
    *,
    organization: Organization,
    actor: User | None,
    employee: Employee,
    match_id: int,
    starts_at: datetime,
    duration_minutes: int = 45,
    time_zone: str = "",
    extra_busy: dict[int, list[Interval]] | None = None,
    now: datetime | None = None,
) -> Booking:
    """Book a session of the match at `starts_at` if it still suits everyone (their windows, away dates,
    sessions, `extra_busy`; when None, the registered busy sources are asked)."""
    now = now or timezone.now()
    # Locks the match: a twin request waits here, then finds the session this one made.
    found = match_for_write(organization, employee, match_id)
    if starts_at.tzinfo is None:
        raise ValidationError({"starts_at": [_("Give a time with its time zone.")]})
    starts_at = starts_at.astimezone(UTC)
    twin = (
        scoped(MentoringSession, organization)
        .filter(match=found.match, starts_at=starts_at, status=MentoringSession.Status.SCHEDULED)
        .first()
    )
    if twin is not None:
        return Booking(session=twin, created=False)
    if not now < starts_at <= now + slot_finder.HORIZON:
        raise ValidationError({"starts_at": [_("Pick one of the proposed times (within the next two weeks).")]})
    people = match_people_for(organization=organization, match=found.match, now=now, viewer=employee)
    # Every member's roster row, locked in one order: two matches that share a person (a mentor with two mentees)
    # book one after the other, and the second reads the people again below, the first's session included.
    member_ids = sorted(p.employee.pk for p in people)
    list(scoped(Employee, organization).select_for_update().filter(pk__in=member_ids).order_by("pk").only("pk"))
    people = match_people_for(organization=organization, match=found.match, now=now, viewer=employee)
    if extra_busy is None:
        extra_busy = extra_busy_of(organization, [p.employee.pk for p in people], now, now + slot_finder.HORIZON)
    duration = timedelta(minutes=duration_minutes)
    if not slot_finder.fits([p.person for p in people], starts_at=starts_at, duration=duration, extra_busy=extra_busy):
        raise ValidationError({"starts_at": [_("That time no longer suits everyone: pick another one.")]})
    session = session_schedule(
        organization=organization,
        actor=actor,
        employee=employee,
        match_id=found.match.pk,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        time_zone=time_zone,
        now=now,
    )
    return Booking(session=session, created=True)
