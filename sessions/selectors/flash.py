"""Reads of flash mentoring, each scoped to one organization in the query itself: a program's upcoming office
hours with the places left, a member's own bookings, a host's own slots with who booked them. Related rows
are joined or prefetched so the pages never query per row."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet

from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import get_scoped_or_404, scoped
from programs.models import Participant, Program

from ..models_flash import FlashBooking, FlashSlot

BOOKED = FlashBooking.Status.BOOKED
UPCOMING_LIMIT = 200
RECENT = timedelta(days=60)  # past bookings and slots stay on the pages this long (ratings are given then)


def flash_program_get(*, organization: Organization, program_id: int) -> Program:
    """A flash program its people can see (not a draft): 404 otherwise, as for another organization's."""
    return get_scoped_or_404(
        Program.objects.filter(kind=Program.Kind.FLASH).exclude(status=Program.Status.DRAFT),
        organization,
        pk=program_id,
    )


def flash_roles(*, organization: Organization, program: Program, employee: Employee) -> dict[str, Participant]:
    """The person's approved enrollments in the program, by role."""
    return {
        p.role: p
        for p in scoped(Participant, organization).filter(
            program=program,
            employee=employee,
            status__in=[Participant.Status.APPROVED, Participant.Status.MATCHED],
        )
    }


def _with_places(query: QuerySet[FlashSlot]) -> QuerySet[FlashSlot]:
    return query.annotate(booked=Count("bookings", filter=Q(bookings__status=BOOKED)))


def upcoming_slots(*, organization: Organization, program: Program, now: datetime) -> list[FlashSlot]:
    """Open office hours that have not started, soonest first, each with `booked` and `places_left`."""
    slots = list(
        _with_places(scoped(FlashSlot, organization))
        .filter(program=program, status=FlashSlot.Status.OPEN, starts_at__gt=now)
        .select_related("host__employee")
        .order_by("starts_at", "id")[:UPCOMING_LIMIT]
    )
    for slot in slots:
        slot.places_left = max(0, slot.capacity - slot.booked)  # type: ignore[attr-defined]
    return slots


def my_bookings(
    *, organization: Organization, program: Program, employee: Employee, now: datetime
) -> list[FlashBooking]:
    """The person's bookings in the program: upcoming ones first (soonest first), then those of the last weeks
    (most recent first, to rate them)."""
    bookings = list(
        scoped(FlashBooking, organization)
        .filter(program=program, participant__employee=employee, slot__starts_at__gte=now - RECENT)
        .select_related("slot__host__employee", "slot__program", "program")
        .order_by("slot__starts_at", "id")
    )
    ahead = [booking for booking in bookings if booking.slot.starts_at >= now]
    past = [booking for booking in bookings if booking.slot.starts_at < now]
    return ahead + past[::-1]


def my_slots(*, organization: Organization, program: Program, employee: Employee, now: datetime) -> list[FlashSlot]:
    """The host's office hours (upcoming and recent), each with its current bookers."""
    bookers = Prefetch(
        "bookings",
        queryset=scoped(FlashBooking, organization).filter(status=BOOKED).select_related("participant__employee"),
        to_attr="current_bookings",
    )
    return list(
        scoped(FlashSlot, organization)
        .filter(program=program, host__employee=employee, starts_at__gte=now - RECENT)
        .prefetch_related(bookers)
        .order_by("starts_at", "id")
    )


def slot_of_host(*, organization: Organization, employee: Employee, slot_id: int) -> FlashSlot:
    """The host's own slot (404 for anyone else's)."""
    return get_scoped_or_404(
        FlashSlot.objects.select_related("program", "host__employee"), organization, pk=slot_id, host__employee=employee
    )


def booking_of_booker(*, organization: Organization, employee: Employee, booking_id: int) -> FlashBooking:
    """The booker's own booking (404 for anyone else's)."""
    return get_scoped_or_404(
        FlashBooking.objects.select_related(
            "program", "slot__program", "slot__host__employee", "participant__employee"
        ),
        organization,
        pk=booking_id,
        participant__employee=employee,
    )


def slot_for_booking(*, organization: Organization, slot_id: int) -> FlashSlot:
    """A slot of a flash program of the organization (404 otherwise)."""
    return get_scoped_or_404(
        FlashSlot.objects.select_related("program").filter(program__kind=Program.Kind.FLASH), organization, pk=slot_id
    )


def feed_bookings(*, organization: Organization, employee: Employee, since: datetime) -> list[FlashBooking]:
    """Bookings the person takes part in, as booker or host, for their calendar feed (cancelled ones too:
    subscribed calendars remove them)."""
    return list(
        scoped(FlashBooking, organization)
        .filter(Q(participant__employee=employee) | Q(slot__host__employee=employee), slot__starts_at__gte=since)
        .select_related("slot__program", "slot__host__employee", "participant__employee")
        .order_by("slot__starts_at", "id")
    )
