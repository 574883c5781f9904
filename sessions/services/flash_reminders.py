"""Reminder rows for flash bookings, planned exactly as a session's are (reminders.py): the invitation with
its .ics now, reminders 24 h and 1 h before the start, and on cancellation the calendar's CANCEL; the same
kinds, so a person's email preferences cover both. The target is the booking (there is no match)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone

from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped

from ..models import Reminder
from ..models_flash import FlashBooking
from ..timeslots import slot_of
from .reminders import SESSION_BEFORE, SESSION_KINDS, _row, _skip_pending, reminders_insert

K = Reminder.Kind


def reminders_plan_booking(
    *, organization: Organization, booking: FlashBooking, recipients: list[Employee], now: datetime | None = None
) -> None:
    now = now or timezone.now()
    starts_at = booking.slot.starts_at.astimezone(UTC)  # real hours before the start, whatever the zone
    start_slot = slot_of(starts_at)
    rows = []
    for person in recipients:
        rows.append(_row(organization, K.SESSION_INVITE, person, now, f"seq{booking.sequence}", booking=booking))
        for kind, before in SESSION_BEFORE.items():
            due = starts_at - before
            if due > now:
                rows.append(_row(organization, kind, person, due, start_slot, booking=booking))
    reminders_insert(rows)


def reminders_booking_cancelled(
    *, organization: Organization, booking: FlashBooking, recipients: list[Employee], now: datetime | None = None
) -> None:
    """Drop what was planned for the booking; tell both sides (with an .ics CANCEL)."""
    now = now or timezone.now()
    _skip_pending(scoped(Reminder, organization).filter(booking=booking, kind__in=SESSION_KINDS), "Cancelled.")
    reminders_insert(
        _row(organization, K.SESSION_CANCELLED, person, now, f"seq{booking.sequence}", booking=booking)
        for person in recipients
    )
