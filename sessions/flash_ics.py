"""iCalendar for flash bookings, built the way sessions/ics.py builds a session's: one VEVENT per booking
(booker and host as attendees) whose UID never changes, SEQUENCE up on cancellation, STATUS:CANCELLED once
either the booking or its slot is called off, start and end in the zone the slot was published in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import icalendar
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Employee

from .ics import _calendar, _sender_address, base_url, site_domain
from .models_flash import FlashBooking, FlashSlot
from .timeslots import zone_or_utc


def booking_is_off(booking: FlashBooking) -> bool:
    return booking.status == FlashBooking.Status.CANCELLED or booking.slot.status == FlashSlot.Status.CANCELLED


def booking_uid(booking: FlashBooking) -> str:
    return f"flash-{booking.organization_id}-{booking.pk}@{site_domain()}"


def booking_url(booking: FlashBooking, organization_slug: str) -> str:
    return base_url() + reverse(
        "flash-browse", kwargs={"org_slug": organization_slug, "program_pk": booking.program_id}
    )


def booking_people(booking: FlashBooking) -> list[Employee]:
    """The booker and the host (loaded with the booking: select_related)."""
    return [booking.participant.employee, booking.slot.host.employee]


def booking_event(booking: FlashBooking, organization_slug: str, *, stamp: datetime | None = None) -> icalendar.Event:
    slot = booking.slot
    booker, host = booking_people(booking)
    zone = zone_or_utc(slot.time_zone)
    url = booking_url(booking, organization_slug)
    lines = [
        _("Flash mentoring with %(host)s in %(program)s.") % {"host": host.name, "program": slot.program.name},
        "",
        _("Topics: %(topics)s") % {"topics": slot.topics},
    ]
    if slot.location:
        lines.append(_("Where: %(place)s") % {"place": slot.location})
    lines += ["", _("Details and cancellation: %(url)s") % {"url": url}]
    return icalendar.Event.new(
        uid=booking_uid(booking),
        stamp=stamp or timezone.now(),
        start=slot.starts_at.astimezone(zone),
        end=slot.ends_at.astimezone(zone),
        summary=_("Flash mentoring: %(booker)s and %(host)s") % {"booker": booker.name, "host": host.name},
        description="\n".join(lines),
        location=slot.location or _("Video call"),
        url=url,
        sequence=booking.sequence,
        status=icalendar.STATUS.CANCELLED if booking_is_off(booking) else icalendar.STATUS.CONFIRMED,
        organizer=icalendar.vCalAddress.new(_sender_address(), cn="MentorHub"),
        attendees=[
            icalendar.vCalAddress.new(p.email, cn=p.name, role="REQ-PARTICIPANT") for p in (booker, host) if p.email
        ],
        last_modified=booking.updated_at,
    )


def booking_invitation_ics(booking: FlashBooking, organization_slug: str) -> bytes:
    """The .ics of an invitation email: REQUEST, or CANCEL once the booking or its slot is off."""
    method = "CANCEL" if booking_is_off(booking) else "REQUEST"
    return _calendar([booking_event(booking, organization_slug)], method=method)


def booking_events(bookings: Iterable[FlashBooking], organization_slug: str) -> list[icalendar.Event]:
    """Events for a subscription feed (bookings loaded with slot, program, host and booker)."""
    stamp = timezone.now()
    return [booking_event(booking, organization_slug, stamp=stamp) for booking in bookings]
