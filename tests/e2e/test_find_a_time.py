"""Find a time in real Chromium: a mentee in New York and a mentor in London, both with working windows, open
Find a time from their match's page, see each proposal in both local times, book one with a click, and find the
session on the match page (with the organization's meeting link); every page axe clean."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from sessions.models import MentoringSession
from sessions.services.availability import WindowIn, availability_set
from tests.factories import OrganizationFactory
from tests.sessions.factories import active_pair, person

from .conftest import E2E, axe_check, signed_in

pytestmark = E2E

EVERY_DAY = range(7)  # so the test finds times whatever day it runs


def test_a_mentee_in_new_york_and_a_mentor_in_london_find_a_time(page, live_server, transactional_db):
    org = OrganizationFactory(
        slug="alpha", name="Alpha Ltd", video_link_template="https://meet.jit.si/alpha-{match}-{session}"
    )
    mentor = person(org, "lena@alpha.test", zone="Europe/London", name="Lena London", level=7)
    mentee = person(org, "nate@alpha.test", zone="America/New_York", name="Nate York", level=2)
    pair = active_pair(org, mentor=mentor, mentee=mentee, name="Across the Pond")
    # London afternoons and New York mornings: a few hours in common, whichever clocks have changed.
    for membership, start, end in ((mentor, time(12), time(18)), (mentee, time(8), time(13))):
        availability_set(
            organization=org,
            actor=None,
            employee=membership.employee,
            windows=[WindowIn(day, start, end) for day in EVERY_DAY],
            away=[],
        )

    signed_in(page.context, live_server, mentee.user)
    page.goto(f"/o/alpha/mentoring/matches/{pair.match.pk}/")
    page.get_by_role("link", name="Find a time", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a time with Lena London")
    slots = page.locator(".slot")
    expect(slots).to_have_count(5)
    first = slots.first
    # Each proposal in both people's own time, named.
    expect(first).to_contain_text("Nate York (you), America/New_York")
    expect(first).to_contain_text("Lena London, Europe/London")
    expect(first.locator("time").first).to_have_text(re.compile(r"^\w{3} \d{1,2} \w{3}, \d{2}:\d{2}$"))
    axe_check(page)

    value = first.locator("input[name=starts_at]").get_attribute("value")
    starts = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    new_york, london = starts.astimezone(ZoneInfo("America/New_York")), starts.astimezone(ZoneInfo("Europe/London"))
    expect(first).to_contain_text(f"{new_york:%H:%M}")
    expect(first).to_contain_text(f"{london:%H:%M}")
    assert time(8) <= new_york.time() and time(12) <= london.time()

    button = first.get_by_role("button", name=re.compile(r"^Book "))
    button.click()
    expect(page.get_by_text("Session booked.")).to_be_visible()
    session = MentoringSession.objects.get(match=pair.match)
    assert session.starts_at == starts and session.status == "scheduled"
    assert session.location == f"https://meet.jit.si/alpha-{pair.match.pk}-{session.pk}"

    page.goto(f"/o/alpha/mentoring/matches/{pair.match.pk}/")
    upcoming = page.locator(".session-item").first
    expect(upcoming).to_contain_text(f"{new_york:%a} {new_york.day} {new_york:%b %Y, %H:%M}")
    axe_check(page)

    page.goto("/o/alpha/mentoring/availability/")
    expect(page.get_by_label("Monday")).to_have_value("08:00-13:00")
    axe_check(page)
