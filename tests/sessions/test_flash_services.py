"""Flash mentoring services: publishing (once and weekly across a clock change), capacity, who may book,
the cancellation window, ratings once after the end, a host's cancellation, and the reminders and .ics a
booking gets (the same kinds as a session's)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from mentorhub.accounts.models import Employee
from programs.models import Participant
from sessions import messages
from sessions.flash_ics import booking_invitation_ics
from sessions.models import FlashBooking, FlashSlot, Reminder
from sessions.services.dispatch import reminders_deliver
from sessions.services.flash import (
    FILLED_UP,
    booking_cancel,
    booking_create,
    booking_rate,
    slot_cancel,
    slot_publish,
    weekly_starts,
)

from .factories import person
from .flash_data import enroll, flash_program, shift_slot

K = Reminder.Kind


@pytest.fixture
def flash(org):
    return flash_program(org, members=3)


def book(flash, member, slot, **kwargs) -> FlashBooking:
    return booking_create(
        organization=flash.program.organization, actor=member.user, employee=member.employee, slot_id=slot.pk, **kwargs
    )


def test_weekly_office_hours_keep_their_local_time_across_a_clock_change(flash):
    # 10:00 in London on 20 Oct 2027 (BST), weekly for three weeks: the clocks go back on 31 Oct.
    first = datetime(2027, 10, 20, 9, 0, tzinfo=UTC)
    starts = weekly_starts(first, 3, "Europe/London")
    assert [s.astimezone(UTC).hour for s in starts] == [9, 9, 10]  # 10:00 local every week
    slots = slot_publish(
        organization=flash.program.organization,
        actor=flash.host.user,
        employee=flash.host.employee,
        program_id=flash.program.pk,
        starts_at=first,
        topics="Career moves into data",
        repeat_weeks=3,
        time_zone="Europe/London",
        now=datetime(2027, 10, 1, tzinfo=UTC),
    )
    assert len(slots) == 3 and len({s.series for s in slots}) == 1 and slots[0].series
    assert FlashSlot.objects.filter(program=flash.program).count() == 3


def test_only_approved_mentors_publish_and_never_in_the_past(org, flash):
    with pytest.raises(ValidationError, match="Only approved mentors"):
        slot_publish(
            organization=org,
            actor=None,
            employee=flash.members[0].employee,
            program_id=flash.program.pk,
            starts_at=timezone.now() + timedelta(days=1),
            topics="x",
        )
    with pytest.raises(ValidationError, match="passed"):
        flash.slot(starts_at=timezone.now() - timedelta(hours=1))


def test_capacity_is_enforced_and_the_late_booker_is_told_it_filled_up(flash):
    slot = flash.slot(capacity=2)
    book(flash, flash.members[0], slot)
    book(flash, flash.members[1], slot)
    with pytest.raises(ValidationError, match="just filled up") as refused:
        book(flash, flash.members[2], slot)
    assert FILLED_UP in refused.value.messages
    assert FlashBooking.objects.filter(slot=slot, status="booked").count() == 2


def test_a_member_books_a_slot_once(flash):
    slot = flash.slot(capacity=3)
    book(flash, flash.members[0], slot)
    with pytest.raises(ValidationError, match="already booked"):
        book(flash, flash.members[0], slot)


def test_the_host_cannot_book_their_own_slot(flash):
    enroll(flash.program, flash.host)  # even when enrolled as a mentee too
    slot = flash.slot()
    with pytest.raises(ValidationError, match="your own office hour"):
        book(flash, flash.host, slot)


def test_a_member_not_enrolled_or_not_approved_or_no_longer_eligible_is_refused(org, flash):
    slot = flash.slot(capacity=5)
    stranger = person(org, "stranger@alpha.test")
    with pytest.raises(ValidationError, match="Only approved participants"):
        book(flash, stranger, slot)
    applicant = person(org, "applicant@alpha.test")
    enroll(flash.program, applicant).__class__.objects.filter(employee=applicant.employee).update(
        status=Participant.Status.APPLIED
    )
    with pytest.raises(ValidationError, match="Only approved participants"):
        book(flash, applicant, slot)
    leaver = flash.members[0]
    Employee.objects.filter(pk=leaver.employee.pk).update(left_on=timezone.localdate() - timedelta(days=1))
    leaver.employee.refresh_from_db()
    with pytest.raises(ValidationError, match="Only approved participants"):
        book(flash, leaver, slot)


def test_another_organizations_slot_is_not_found(org, other_org, flash):
    slot = flash.slot()
    outsider = person(other_org, "someone@beta.test")
    with pytest.raises(Http404):
        booking_create(organization=other_org, actor=None, employee=outsider.employee, slot_id=slot.pk)


def test_cancellation_is_allowed_until_the_programs_window_then_refused_with_the_rule(flash):
    slot = flash.slot(starts_in=timedelta(hours=30), capacity=2)
    member = flash.members[0]
    booking = book(flash, member, slot)
    # 13 hours before the start: still open (12 hours by default).
    booking_cancel(
        organization=flash.program.organization,
        actor=None,
        employee=member.employee,
        booking_id=booking.pk,
        now=slot.starts_at - timedelta(hours=13),
    )
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.cancelled_at is not None
    again = book(flash, member, slot)
    with pytest.raises(ValidationError, match="until 12 hours before the start"):
        booking_cancel(
            organization=flash.program.organization,
            actor=None,
            employee=member.employee,
            booking_id=again.pk,
            now=slot.starts_at - timedelta(hours=11),
        )


def test_the_window_is_a_program_setting(flash):
    flash.program.flash_cancel_hours = 48
    flash.program.save()
    slot = flash.slot(starts_in=timedelta(hours=40))
    booking = book(flash, flash.members[0], slot)
    with pytest.raises(ValidationError, match="until 48 hours"):
        booking_cancel(
            organization=flash.program.organization,
            actor=None,
            employee=flash.members[0].employee,
            booking_id=booking.pk,
        )


def test_someone_elses_booking_cannot_be_cancelled_or_rated(flash):
    slot = flash.slot(capacity=2)
    booking = book(flash, flash.members[0], slot)
    with pytest.raises(Http404):
        booking_cancel(
            organization=flash.program.organization,
            actor=None,
            employee=flash.members[1].employee,
            booking_id=booking.pk,
        )


def test_rating_only_after_the_end_and_only_once(flash):
    slot = flash.slot()
    member = flash.members[0]
    booking = book(flash, member, slot)
    org = flash.program.organization
    with pytest.raises(ValidationError, match="once it has ended"):
        booking_rate(organization=org, actor=None, employee=member.employee, booking_id=booking.pk, rating=5)
    shift_slot(slot, timezone.now() - timedelta(hours=2))
    with pytest.raises(ValidationError, match="1 to 5"):
        booking_rate(organization=org, actor=None, employee=member.employee, booking_id=booking.pk, rating=6)
    booking_rate(
        organization=org, actor=None, employee=member.employee, booking_id=booking.pk, rating=4, comment="Helpful"
    )
    booking.refresh_from_db()
    assert (booking.rating, booking.comment) == (4, "Helpful") and booking.rated_at is not None
    with pytest.raises(ValidationError, match="already rated"):
        booking_rate(organization=org, actor=None, employee=member.employee, booking_id=booking.pk, rating=1)


def test_a_booking_gets_the_session_invitation_and_reminders_with_an_ics(flash, mailoutbox):
    slot = flash.slot(starts_in=timedelta(days=3))
    member = flash.members[0]
    booking = book(flash, member, slot)
    rows = Reminder.objects.filter(booking=booking)
    expected = {(kind, person) for kind in (K.SESSION_INVITE, K.SESSION_24H, K.SESSION_1H)
                for person in (member.employee.pk, flash.host.employee.pk)}  # fmt: skip
    assert {(r.kind, r.recipient_id) for r in rows} == expected
    day_before = rows.get(kind=K.SESSION_24H, recipient=member.employee)
    assert day_before.due_at == slot.starts_at - timedelta(hours=24)
    # The invitations are due now: the sender emails them with the .ics (REQUEST), to both people.
    reminders_deliver(now=timezone.now() + timedelta(seconds=1))
    invites = [m for m in mailoutbox if "Flash mentoring with" in m.subject]
    assert sorted(to for m in invites for to in m.to) == sorted([member.employee.email, flash.host.employee.email])
    calendar = icalendar.Calendar.from_ical(booking_invitation_ics(booking, flash.program.organization.slug))
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert event.start.astimezone(UTC) == slot.starts_at.astimezone(UTC)
    assert {str(a).removeprefix("mailto:") for a in event["ATTENDEE"]} == {
        member.employee.email,
        flash.host.employee.email,
    }


def test_the_24h_reminder_renders_in_the_recipients_zone(flash):
    slot = flash.slot(starts_in=timedelta(days=3))
    booking = book(flash, flash.members[0], slot)
    reminder = Reminder.objects.select_related("booking__slot__host__employee", "recipient").get(
        booking=booking, kind=K.SESSION_24H, recipient=flash.members[0].employee
    )
    context = messages.Context(now=timezone.now(), slugs={flash.program.organization_id: "alpha"})
    message = messages.render(reminder, context)
    assert isinstance(message, messages.Message)
    assert "tomorrow" in message.subject and "America/New_York" in message.body and "Hana Host" in message.body


def test_cancelling_a_booking_skips_its_reminders_and_sends_a_calendar_cancel(flash, mailoutbox):
    slot = flash.slot(starts_in=timedelta(days=3))
    member = flash.members[0]
    booking = book(flash, member, slot)
    booking_cancel(organization=flash.program.organization, actor=None, employee=member.employee, booking_id=booking.pk)
    assert not Reminder.objects.filter(booking=booking, kind=K.SESSION_24H, status="pending").exists()
    assert Reminder.objects.filter(booking=booking, kind=K.SESSION_CANCELLED).count() == 2
    reminders_deliver(now=timezone.now() + timedelta(seconds=1))
    cancelled = [m for m in mailoutbox if "Cancelled: flash mentoring" in m.subject]
    assert len(cancelled) == 2
    assert b"METHOD:CANCEL" in booking_invitation_ics(FlashBooking.objects.get(pk=booking.pk), "alpha")


def test_the_host_cancelling_a_slot_cancels_its_bookings_and_tells_the_bookers(flash):
    slot = flash.slot(capacity=3)
    bookings = [book(flash, m, slot) for m in flash.members[:2]]
    with pytest.raises(Http404):  # not their slot
        slot_cancel(
            organization=flash.program.organization, actor=None, employee=flash.members[0].employee, slot_id=slot.pk
        )
    slot_cancel(organization=flash.program.organization, actor=None, employee=flash.host.employee, slot_id=slot.pk)
    assert FlashSlot.objects.get(pk=slot.pk).status == "cancelled"
    assert set(FlashBooking.objects.filter(pk__in=[b.pk for b in bookings]).values_list("status", flat=True)) == {
        "cancelled"
    }
    told = set(
        Reminder.objects.filter(booking__slot=slot, kind=K.SESSION_CANCELLED).values_list("recipient", flat=True)
    )
    assert {m.employee.pk for m in flash.members[:2]} <= told
    with pytest.raises(ValidationError, match="cancelled by its host"):
        book(flash, flash.members[2], slot)


def test_the_calendar_feed_lists_bookings_for_booker_and_host(client, flash):
    from django.urls import reverse

    from sessions.services.notifications import calendar_feed_get_or_create, feed_token

    slot = flash.slot(topics="Feed topics")
    booking = book(flash, flash.members[0], slot)
    for someone in (flash.members[0], flash.host):
        feed = calendar_feed_get_or_create(organization=flash.program.organization, employee=someone.employee)
        body = client.get(reverse("calendar-feed", kwargs={"token": feed_token(feed)})).content
        events = icalendar.Calendar.from_ical(body).walk("VEVENT")
        assert [str(e["UID"]) for e in events if str(e["UID"]).startswith("flash-")] == [
            f"flash-{booking.organization_id}-{booking.pk}@{str(events[0]['UID']).split('@')[1]}"
        ]
    other = calendar_feed_get_or_create(organization=flash.program.organization, employee=flash.members[1].employee)
    body = client.get(reverse("calendar-feed", kwargs={"token": feed_token(other)})).content
    assert b"flash-" not in body


def test_my_bookings_list_the_ones_ahead_first_then_the_recent_past_latest_first(flash):
    from sessions.selectors.flash import my_bookings

    member = flash.members[0]
    later, soon, older, recent = (flash.slot(starts_in=timedelta(days=d)) for d in (9, 2, 5, 6))
    for slot in (later, soon, older, recent):
        book(flash, member, slot)
    now = timezone.now()
    shift_slot(older, now - timedelta(days=10))
    shift_slot(recent, now - timedelta(days=1))
    found = my_bookings(
        organization=flash.program.organization, program=flash.program, employee=member.employee, now=now
    )
    assert [b.slot_id for b in found] == [soon.pk, later.pk, recent.pk, older.pk]
