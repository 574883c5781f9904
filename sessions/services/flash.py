"""Flash mentoring: mentors publish office-hour slots (one, or weekly for some weeks), enrolled members book a
place, cancel it within the program's window, and rate it once after it ended. A mentor cancelling a slot
cancels its bookings and tells the bookers.

Who may do what comes from enrollment: hosts are approved mentors of the flash program, bookers approved
participants of it who are still eligible (programs/eligibility.py). Capacity holds under concurrency: a
booking locks its slot's row (SELECT ... FOR UPDATE) before counting the places taken, so of two people
booking the last place at once one waits, then sees it gone.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.accounts.services.audit import audit_record
from mentorhub.tenancy import get_scoped_or_404, scoped
from programs.eligibility import employee_is_eligible
from programs.models import Participant, Program

from ..models_flash import FlashBooking, FlashSlot
from ..timeslots import zone_or_utc
from .common import deliver_reminders_on_commit
from .flash_reminders import reminders_booking_cancelled, reminders_plan_booking

# Approved people take part; "matched" never happens in a flash program but is as good as approved.
TAKING_PART = (Participant.Status.APPROVED, Participant.Status.MATCHED)
# Slots are published and booked while the program is open to its people (not a draft, not closed).
OPEN_PROGRAM = (Program.Status.ENROLLING, Program.Status.MATCHING, Program.Status.ACTIVE)
MAX_WEEKS = 12
MAX_AHEAD = timedelta(days=180)
FILLED_UP = "This slot just filled up: every place is taken. Choose another slot."


def flash_program(organization: Organization, program_id: int, *, lock: bool = False) -> Program:
    """The flash program (404 for another kind, or another organization's), open to its people."""
    query = Program.objects.filter(kind=Program.Kind.FLASH)
    program = get_scoped_or_404(query.select_for_update() if lock else query, organization, pk=program_id)
    if program.status not in OPEN_PROGRAM:
        raise ValidationError(
            _("This program is %(status)s: nothing can be booked.") % {"status": program.get_status_display().lower()}
        )
    return program


def host_enrollment(organization: Organization, program: Program, employee: Employee) -> Participant:
    host = (
        scoped(Participant, organization)
        .filter(program=program, employee=employee, role=Participant.Role.MENTOR, status__in=TAKING_PART)
        .first()
    )
    if host is None:
        raise ValidationError(_("Only approved mentors of this program can publish office hours."))
    return host


def booker_enrollment(organization: Organization, program: Program, employee: Employee) -> Participant:
    """The enrollment a booking belongs to: the member's approved mentee enrollment, else their mentor one
    (a mentor may book a colleague's office hour too)."""
    enrollments = {
        p.role: p
        for p in scoped(Participant, organization).filter(program=program, employee=employee, status__in=TAKING_PART)
    }
    booker = enrollments.get(Participant.Role.MENTEE) or enrollments.get(Participant.Role.MENTOR)
    if booker is None or not employee_is_eligible(program=program, employee=employee):
        raise ValidationError(_("Only approved participants of this program can book its office hours."))
    return booker


def _aware(value: datetime) -> datetime:
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise ValidationError({"starts_at": [_("Give a date and time with its time zone.")]})
    # Office hours start on the minute (the form's precision; calendars drop the rest).
    return value.astimezone(UTC).replace(second=0, microsecond=0)


def weekly_starts(starts_at: datetime, weeks: int, zone_name: str) -> list[datetime]:
    """The first start and the same local wall-clock time in each following week (10:00 stays 10:00 in the
    zone across a daylight-saving change), as UTC instants."""
    zone = zone_or_utc(zone_name)
    local = starts_at.astimezone(zone).replace(tzinfo=None)
    return [(local + timedelta(weeks=n)).replace(tzinfo=zone).astimezone(UTC) for n in range(weeks)]


@transaction.atomic
def slot_publish(
    *,
    organization: Organization,
    actor: User | None,
    employee: Employee,
    program_id: int,
    starts_at: datetime,
    duration_minutes: int = 30,
    capacity: int = 1,
    topics: str,
    location: str = "",
    repeat_weeks: int = 1,
    time_zone: str = "",
    now: datetime | None = None,
) -> list[FlashSlot]:
    """Publish an office hour, or the same hour weekly for `repeat_weeks` weeks (each its own slot)."""
    now = now or timezone.now()
    program = flash_program(organization, program_id)
    host = host_enrollment(organization, program, employee)
    starts_at = _aware(starts_at)
    if starts_at <= now:
        raise ValidationError({"starts_at": [_("That time has passed: choose a time ahead.")]})
    if not 1 <= repeat_weeks <= MAX_WEEKS:
        raise ValidationError({"repeat_weeks": [_("Repeat for 1 to %(count)s weeks.") % {"count": MAX_WEEKS}]})
    zone = time_zone or employee.time_zone or "UTC"
    starts = weekly_starts(starts_at, repeat_weeks, zone)
    if starts[-1] > now + MAX_AHEAD:
        raise ValidationError({"starts_at": [_("Publish office hours at most six months ahead.")]})
    series = secrets.token_hex(8) if repeat_weeks > 1 else ""
    slots = []
    for start in starts:
        slot = FlashSlot(
            organization=organization,
            program=program,
            host=host,
            starts_at=start,
            duration_minutes=duration_minutes,
            capacity=capacity,
            topics=(topics or "").strip(),
            location=(location or "").strip(),
            time_zone=zone,
            series=series,
        )
        slot.full_clean(validate_constraints=False)
        slots.append(slot)
    try:
        with transaction.atomic():
            FlashSlot.objects.bulk_create(slots)
    except IntegrityError:
        raise ValidationError(
            {"starts_at": [_("You already have an office hour starting at one of these times.")]}
        ) from None
    audit_record(
        organization=organization,
        actor=actor,
        verb="flash_slot.publish",
        target=slots[0],
        changes={"slots": [None, len(slots)], "capacity": [None, capacity]},
    )
    return slots


def _people(booking: FlashBooking) -> list[Employee]:
    return [booking.participant.employee, booking.slot.host.employee]


@transaction.atomic
def slot_cancel(
    *, organization: Organization, actor: User | None, employee: Employee, slot_id: int, now: datetime | None = None
) -> FlashSlot:
    """The host calls off a slot: its bookings are cancelled and both sides get the calendar's CANCEL."""
    now = now or timezone.now()
    # Only the host's own slot: another's is "does not exist", decided in the query itself.
    slot = get_scoped_or_404(
        FlashSlot.objects.select_for_update().select_related("program", "host__employee"),
        organization,
        pk=slot_id,
        host__employee=employee,
    )
    if slot.status == FlashSlot.Status.CANCELLED:
        raise ValidationError(_("This office hour is already cancelled."))
    if slot.starts_at <= now:
        raise ValidationError(_("This office hour has started: it can no longer be cancelled."))
    slot.status, slot.cancelled_at = FlashSlot.Status.CANCELLED, now
    slot.save(update_fields=["status", "cancelled_at", "updated_at"])
    bookings = list(
        scoped(FlashBooking, organization)
        .select_for_update()
        .filter(slot=slot, status=FlashBooking.Status.BOOKED)
        .select_related("participant__employee")
    )
    for booking in bookings:
        booking.slot = slot
        _cancel(organization, booking, now)
    audit_record(
        organization=organization,
        actor=actor,
        verb="flash_slot.cancel",
        target=slot,
        changes={"bookings_cancelled": [None, len(bookings)]},
    )
    deliver_reminders_on_commit()
    return slot


def _cancel(organization: Organization, booking: FlashBooking, now: datetime) -> None:
    booking.status, booking.cancelled_at, booking.sequence = FlashBooking.Status.CANCELLED, now, booking.sequence + 1
    booking.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
    reminders_booking_cancelled(organization=organization, booking=booking, recipients=_people(booking), now=now)


@transaction.atomic
def booking_create(
    *, organization: Organization, actor: User | None, employee: Employee, slot_id: int, now: datetime | None = None
) -> FlashBooking:
    """Book a place in a slot. The slot's row is locked first: the places taken are counted by whoever holds
    the lock, so two people booking the last place at once cannot both get it."""
    now = now or timezone.now()
    slot = get_scoped_or_404(
        FlashSlot.objects.select_for_update(of=("self",)).select_related("program", "host__employee"),
        organization,
        pk=slot_id,
    )
    program = slot.program
    if program.kind != Program.Kind.FLASH or program.status not in OPEN_PROGRAM:
        raise ValidationError(_("This program is not taking bookings."))
    booker = booker_enrollment(organization, program, employee)
    if slot.host.employee_id == employee.pk:
        raise ValidationError(_("This is your own office hour: you cannot book it."))
    if slot.status == FlashSlot.Status.CANCELLED:
        raise ValidationError(_("This office hour was cancelled by its host."))
    if slot.starts_at <= now:
        raise ValidationError(_("This office hour has started: it can no longer be booked."))
    taken = scoped(FlashBooking, organization).filter(slot=slot, status=FlashBooking.Status.BOOKED)
    if taken.filter(participant__employee=employee).exists():
        raise ValidationError(_("You have already booked this office hour."))
    if taken.count() >= slot.capacity:
        raise ValidationError(FILLED_UP)
    booking = FlashBooking(organization=organization, program=program, slot=slot, participant=booker)
    booking.full_clean(validate_constraints=False)
    booking.save()
    audit_record(organization=organization, actor=actor, verb="flash_booking.create", target=booking)
    reminders_plan_booking(organization=organization, booking=booking, recipients=_people(booking), now=now)
    deliver_reminders_on_commit()
    return booking


def _own_booking(organization: Organization, employee: Employee, booking_id: int) -> FlashBooking:
    """The booker's own booking, locked (404 for anyone else's)."""
    return get_scoped_or_404(
        FlashBooking.objects.select_for_update(of=("self",)).select_related(
            "program", "slot__host__employee", "slot__program", "participant__employee"
        ),
        organization,
        pk=booking_id,
        participant__employee=employee,
    )


def cancel_deadline(booking: FlashBooking) -> datetime:
    return booking.slot.starts_at - timedelta(hours=booking.program.flash_cancel_hours)


@transaction.atomic
def booking_cancel(
    *, organization: Organization, actor: User | None, employee: Employee, booking_id: int, now: datetime | None = None
) -> FlashBooking:
    """The booker gives their place back, until the program's window before the start closes."""
    now = now or timezone.now()
    booking = _own_booking(organization, employee, booking_id)
    if booking.status != FlashBooking.Status.BOOKED:
        raise ValidationError(_("This booking is already cancelled."))
    hours = booking.program.flash_cancel_hours
    if now > cancel_deadline(booking):
        raise ValidationError(
            ngettext(
                "Bookings can be cancelled until %(hours)s hour before the start; that time has passed. Please tell "
                "your host directly if you cannot come.",
                "Bookings can be cancelled until %(hours)s hours before the start; that time has passed. Please tell "
                "your host directly if you cannot come.",
                hours,
            )
            % {"hours": hours}
        )
    _cancel(organization, booking, now)
    audit_record(organization=organization, actor=actor, verb="flash_booking.cancel", target=booking)
    deliver_reminders_on_commit()
    return booking


@transaction.atomic
def booking_rate(
    *,
    organization: Organization,
    actor: User | None,
    employee: Employee,
    booking_id: int,
    rating: int,
    comment: str = "",
    now: datetime | None = None,
) -> FlashBooking:
    """The booker's rating (1-5, an optional comment), once, after the session ended."""
    now = now or timezone.now()
    booking = _own_booking(organization, employee, booking_id)
    if booking.status != FlashBooking.Status.BOOKED or booking.slot.status != FlashSlot.Status.OPEN:
        raise ValidationError(_("Only a session that took place can be rated."))
    if booking.slot.ends_at > now:
        raise ValidationError(_("You can rate this session once it has ended."))
    if booking.rating is not None:
        raise ValidationError(_("You have already rated this session."))
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Choose a rating from 1 to 5.")]})
    booking.rating, booking.comment, booking.rated_at = rating, (comment or "").strip(), now
    booking.full_clean(validate_constraints=False)
    booking.save(update_fields=["rating", "comment", "rated_at", "updated_at"])
    audit_record(organization=organization, actor=actor, verb="flash_booking.rate", target=booking)
    return booking
