"""Flash mentoring pages: browse and book, my bookings with cancel and rate, a mentor's office hours with
publish and cancel (with a confirmation page), times in the viewer's zone, and 404 for every route to a
member of another organization and to someone else's slot or booking."""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import FlashBooking, FlashSlot
from sessions.services.flash import booking_create
from tests.helpers import client_for

from .factories import person
from .flash_data import flash_program, shift_slot


@pytest.fixture
def flash(org):
    return flash_program(org, members=2)


def url(name, org, **kwargs):
    return reverse(name, kwargs={"org_slug": org.slug, **kwargs})


def routes(org, flash, slot, booking):
    """Every flash route with its object, and the methods it answers."""
    return [
        ("flash-browse", {"program_pk": flash.program.pk}, ("get",)),
        ("flash-office-hours", {"program_pk": flash.program.pk}, ("get", "post")),
        ("flash-book", {"slot_pk": slot.pk}, ("post",)),
        ("flash-slot-cancel", {"slot_pk": slot.pk}, ("get", "post")),
        ("flash-booking-cancel", {"booking_pk": booking.pk}, ("get", "post")),
        ("flash-booking-rate", {"booking_pk": booking.pk}, ("get", "post")),
        ("flash-booking-ics", {"booking_pk": booking.pk}, ("get",)),
    ]


def test_every_flash_route_is_404_to_a_member_of_another_organization(org, flash, outsider_client):
    slot = flash.slot(capacity=2)
    booking = booking_create(organization=org, actor=None, employee=flash.members[0].employee, slot_id=slot.pk)
    for name, kwargs, methods in routes(org, flash, slot, booking):
        for method in methods:
            response = getattr(outsider_client, method)(url(name, org, **kwargs))
            assert response.status_code == 404, (name, method, response.status_code)
    assert FlashBooking.objects.filter(slot=slot, status="booked").count() == 1
    assert FlashSlot.objects.get(pk=slot.pk).status == "open"


def test_someone_elses_booking_and_slot_are_404_inside_the_organization(org, flash):
    slot = flash.slot(capacity=2)
    booking = booking_create(organization=org, actor=None, employee=flash.members[0].employee, slot_id=slot.pk)
    other = client_for(flash.members[1])
    for name, kwargs in (
        ("flash-booking-cancel", {"booking_pk": booking.pk}),
        ("flash-booking-rate", {"booking_pk": booking.pk}),
        ("flash-booking-ics", {"booking_pk": booking.pk}),
        ("flash-slot-cancel", {"slot_pk": slot.pk}),  # a member, not its host
    ):
        assert other.get(url(name, org, **kwargs)).status_code == 404, name
    assert other.post(url("flash-booking-cancel", org, booking_pk=booking.pk)).status_code == 404
    assert FlashBooking.objects.get(pk=booking.pk).status == "booked"


def test_a_program_of_another_kind_has_no_flash_pages(org, admin):
    from tests.programs.factories import ProgramFactory

    program = ProgramFactory(organization=org, status="active")
    assert client_for(admin).get(url("flash-browse", org, program_pk=program.pk)).status_code == 404


def test_a_member_books_from_the_browse_page_and_sees_it_in_my_bookings(org, flash):
    starts = (timezone.now() + timedelta(days=30)).astimezone(UTC).replace(hour=14, minute=0, second=0, microsecond=0)
    slot = flash.slot(capacity=1, starts_at=starts, topics="Negotiation basics")
    local = starts.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M")
    client = client_for(flash.members[0])
    page = client.get(url("flash-browse", org, program_pk=flash.program.pk))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Negotiation basics" in text and "Hana Host" in text and "1 of 1" in text
    assert local in text and local != "14:00"  # 14:00 UTC in the viewer's zone (New York)
    response = client.post(url("flash-book", org, slot_pk=slot.pk), follow=True)
    assert response.status_code == 200
    assert "Booked: your session with Hana Host" in response.content.decode()
    assert FlashBooking.objects.filter(slot=slot, participant__employee=flash.members[0].employee).exists()
    # Full now: the other member sees no book button, and a forced post is refused with the reason.
    other = client_for(flash.members[1])
    assert "Full" in other.get(url("flash-browse", org, program_pk=flash.program.pk)).content.decode()
    refused = other.post(url("flash-book", org, slot_pk=slot.pk), follow=True).content.decode()
    assert "just filled up" in refused


def test_an_empty_program_says_so(org, flash):
    text = client_for(flash.members[0]).get(url("flash-browse", org, program_pk=flash.program.pk)).content.decode()
    assert "No office hours are published yet" in text and "No bookings yet" in text


def test_a_non_participant_sees_the_page_but_cannot_book(org, flash):
    slot = flash.slot()
    stranger = client_for(person(org, "stranger@alpha.test"))
    text = stranger.get(url("flash-browse", org, program_pk=flash.program.pk)).content.decode()
    assert "Only approved participants" in text
    stranger.post(url("flash-book", org, slot_pk=slot.pk))
    assert not FlashBooking.objects.filter(slot=slot).exists()


def test_cancel_asks_first_then_cancels(org, flash):
    slot = flash.slot(starts_in=timedelta(days=2))
    booking = booking_create(organization=org, actor=None, employee=flash.members[0].employee, slot_id=slot.pk)
    client = client_for(flash.members[0])
    confirm = client.get(url("flash-booking-cancel", org, booking_pk=booking.pk))
    assert confirm.status_code == 200 and "Cancel my booking" in confirm.content.decode()
    assert FlashBooking.objects.get(pk=booking.pk).status == "booked"
    client.post(url("flash-booking-cancel", org, booking_pk=booking.pk))
    assert FlashBooking.objects.get(pk=booking.pk).status == "cancelled"


def test_rate_after_the_session(org, flash):
    slot = flash.slot()
    booking = booking_create(organization=org, actor=None, employee=flash.members[0].employee, slot_id=slot.pk)
    shift_slot(slot, timezone.now() - timedelta(hours=3))
    client = client_for(flash.members[0])
    assert "Rate this session" in client.get(url("flash-browse", org, program_pk=flash.program.pk)).content.decode()
    invalid = client.post(url("flash-booking-rate", org, booking_pk=booking.pk), {})
    assert invalid.status_code == 400
    client.post(url("flash-booking-rate", org, booking_pk=booking.pk), {"rating": "5", "comment": "Clear advice"})
    assert FlashBooking.objects.get(pk=booking.pk).rating == 5


def test_a_mentor_publishes_weekly_office_hours_and_cancels_one(org, flash):
    client = client_for(flash.host)
    page = client.get(url("flash-office-hours", org, program_pk=flash.program.pk))
    assert page.status_code == 200 and "Publish an office hour" in page.content.decode()
    starts = (timezone.now() + timedelta(days=2)).astimezone(UTC).strftime("%Y-%m-%dT10:00")
    data = {"starts_at": starts, "duration_minutes": 30, "capacity": 2, "topics": "Leading hybrid teams",
            "location": "", "repeat_weeks": 3}  # fmt: skip
    response = client.post(url("flash-office-hours", org, program_pk=flash.program.pk), data)
    assert response.status_code == 302
    slots = list(FlashSlot.objects.filter(program=flash.program).order_by("starts_at"))
    assert len(slots) == 3
    assert slots[0].starts_at.astimezone(timezone.get_default_timezone()).tzinfo is not None
    missing = client.post(url("flash-office-hours", org, program_pk=flash.program.pk), {**data, "topics": ""})
    assert missing.status_code == 400 and "Say what you can talk about" in missing.content.decode()
    confirm = client.get(url("flash-slot-cancel", org, slot_pk=slots[0].pk))
    assert confirm.status_code == 200 and "This cannot be undone" in confirm.content.decode()
    client.post(url("flash-slot-cancel", org, slot_pk=slots[0].pk))
    assert FlashSlot.objects.get(pk=slots[0].pk).status == "cancelled"


def test_a_member_who_is_not_a_mentor_cannot_publish(org, flash):
    client = client_for(flash.members[0])
    text = client.get(url("flash-office-hours", org, program_pk=flash.program.pk)).content.decode()
    assert "Only approved mentors" in text and "Publish an office hour" not in text


def test_stakeholders_do_not_take_part(org, flash):
    from tests.factories import MembershipFactory

    stakeholder = MembershipFactory(organization=org, role="stakeholder", user__email="exec@alpha.test")
    assert client_for(stakeholder).get(url("flash-browse", org, program_pk=flash.program.pk)).status_code == 403
