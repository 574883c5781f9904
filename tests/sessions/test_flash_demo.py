"""seed_demo's flash mentoring (demo/flash.py): acme's flash program with office hours held and ahead,
bookings with ratings and repeat bookers, the demo member with a booking ahead; its health shows them."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from analytics.reports.health_flash import flash_health
from demo.flash import NAME
from programs.models import Program
from sessions.models import FlashBooking, FlashSlot, Reminder


@pytest.mark.django_db
def test_the_demo_has_a_flash_program_with_office_hours_bookings_and_ratings(mailoutbox):
    call_command("seed_demo", stdout=io.StringIO())
    counts = (FlashSlot.objects.count(), FlashBooking.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (FlashSlot.objects.count(), FlashBooking.objects.count()) == counts  # idempotent
    assert mailoutbox == []  # seeding emails nobody
    program = Program.objects.get(organization__slug="acme", name=NAME)
    assert (program.kind, program.status) == ("flash", "active")
    now = timezone.now()
    slots = FlashSlot.objects.filter(program=program)
    assert slots.filter(starts_at__lt=now).count() >= 20 and slots.filter(starts_at__gt=now).count() >= 15
    assert len({slot.host_id for slot in slots}) == 5
    held = FlashBooking.objects.filter(program=program, slot__starts_at__lt=now)
    assert held.filter(rating__isnull=False).count() >= 10
    per_booker = Counter(held.values_list("participant_id", flat=True))
    assert sum(1 for n in per_booker.values() if n > 1) >= 3  # repeat bookers
    maya = FlashBooking.objects.get(program=program, participant__employee__email="member@acme.example",
                                    slot__starts_at__gt=now)  # fmt: skip
    assert maya.slot.host.employee.email == "mentor@acme.example"
    assert Reminder.objects.filter(booking=maya, kind="session_24h", status="pending").exists()
    assert not Reminder.objects.filter(booking__program=program, status="pending", due_at__lte=now).exists()
    health = flash_health(organization=program.organization, program=program, now=now, k=5)
    assert health.bookers.shown and health.rating_average.shown and 3 <= health.rating_average.value <= 5
