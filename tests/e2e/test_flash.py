"""The issue's browser test for flash mentoring, on the README's demo data: the demo member (Maya, New York)
opens acme's flash program from "Join a program", books an office hour of another mentor, sees it under
"My bookings" with its time in her zone, and opens the cancellation page (asked first, nothing cancelled).
The demo mentor (Marco, London) sees the booking on "My office hours". Every page passes axe."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from django.utils import timezone
from playwright.sync_api import expect

from demo.flash import NAME
from sessions.models import FlashBooking, FlashSlot
from sessions.selectors.flash import upcoming_slots

from .conftest import E2E, axe_check, reads_english, sign_in

pytestmark = E2E

MEMBER = "member@acme.example"
MENTOR = "mentor@acme.example"


def test_a_member_books_a_flash_session_and_sees_it_in_my_bookings(page, live_server, demo_data):
    program_slot = FlashSlot.objects.filter(program__name=NAME).first()
    assert program_slot is not None
    program = program_slot.program
    # An office hour with a place left, of a mentor other than Maya's own booking's host.
    slot = next(
        s
        for s in upcoming_slots(organization=program.organization, program=program, now=timezone.now())
        if s.places_left and s.host.employee.email != MENTOR  # type: ignore[attr-defined]
    )
    host = slot.host.employee.name
    local = slot.starts_at.astimezone(ZoneInfo("America/New_York"))

    sign_in(page, live_server, MEMBER)
    page.get_by_role("link", name="Join a program").click()
    page.get_by_role("link", name=re.compile("Book a flash session")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Flash mentoring: {NAME}")
    expect(page.get_by_role("main")).to_contain_text("Times in America/New_York")
    axe_check(page)

    row = (
        page.get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name=re.compile(host)))
        .filter(has_text=local.strftime("%H:%M"))
    )
    with page.expect_navigation():
        row.first.get_by_role("button", name=re.compile("^Book")).click()
    expect(page.get_by_role("main")).to_contain_text(f"Booked: your session with {host}")
    bookings = page.get_by_role("region", name="My bookings")
    when = f"{local:%a} {local.day} {local:%b %Y, %H:%M}"  # the page's "Wed 9 Dec 2026, 10:00 EST"
    mine = bookings.get_by_role("listitem").filter(has_text=host).filter(has_text=when)
    expect(mine.first).to_contain_text("Booked")
    axe_check(page)
    assert FlashBooking.objects.filter(slot=slot, participant__employee__email=MEMBER, status="booked").exists()

    # Cancelling asks first; keeping it changes nothing.
    mine.first.get_by_role("link", name=re.compile("Cancel my booking")).click()
    expect(page.get_by_role("button", name="Cancel my booking")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Keep it").click()
    assert FlashBooking.objects.get(slot=slot, participant__employee__email=MEMBER).status == "booked"


def test_the_demo_mentor_sees_bookings_on_my_office_hours(page, live_server, demo_data):
    program = FlashSlot.objects.filter(program__name=NAME).first().program
    reads_english(MENTOR)
    sign_in(page, live_server, MENTOR)
    page.goto(f"{live_server.url}/o/acme/mentoring/flash/{program.pk}/office-hours/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("My office hours")
    expect(page.get_by_role("table")).to_contain_text("Maya Member")
    expect(page.get_by_role("heading", name="Publish an office hour")).to_be_visible()
    axe_check(page)
