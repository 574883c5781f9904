"""A member connects their own calendar in real Chromium: the empty state, pasting the address (read at once
from a real calendar host on loopback), the page showing only the address's host and how many busy times are
ahead, and removing it after a confirmation. Every page axe-clean."""

from __future__ import annotations

import re

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from mentorhub.accounts.models import Role
from sessions.models import BusyFeed, BusyInterval
from tests.factories import MembershipFactory, OrganizationFactory
from tests.loopback_server import loopback_server, send

from .conftest import E2E, axe_check

pytestmark = E2E

DAILY = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:daily@example.com\r\n"
    b"DTSTAMP:20200101T000000Z\r\nDTSTART:20200101T100000Z\r\nDTEND:20200101T110000Z\r\n"
    b"RRULE:FREQ=DAILY\r\nSUMMARY:Secret project stand-up\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_connect_and_remove_own_calendar(page, live_server, transactional_db):
    org = OrganizationFactory(slug="alpha", name="Alpha Ltd")
    member = MembershipFactory(organization=org, role=Role.MEMBER, user__email="member@alpha.test")
    client = Client()
    client.force_login(member.user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])

    with loopback_server({"/private-abc123/basic.ics": lambda h: send(h, 200, DAILY, "text/calendar")}) as host:
        settings.OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS = [host.port]
        try:
            page.goto("/o/alpha/mentoring/calendar-feed/")
            expect(page.get_by_role("heading", level=1)).to_have_text("Your calendar's busy times")
            expect(page.get_by_role("heading", name="Connect your calendar")).to_be_visible()
            axe_check(page)

            page.expected_errors.append(r"status of 400 .*/calendar-feed/")  # the refused address's answer
            page.get_by_label("Your calendar's address").fill("ftp://files.example.com/cal.ics")
            page.get_by_role("button", name="Save the address").click()
            expect(page.get_by_role("alert").filter(has_text="must start with https://")).to_be_visible()
            axe_check(page)

            page.get_by_label("Your calendar's address").fill(host.url("/private-abc123/basic.ics"))
            page.get_by_role("button", name="Save the address").press("Enter")
            expect(page.get_by_text("Calendar address saved.")).to_be_visible()
            # Tasks run in-process in tests: read right after the commit, before the redirect's page.
            expect(page.get_by_role("status").filter(has_text=re.compile(r"1[45] busy times ahead"))).to_be_visible()
            expect(page.get_by_text("Address on 127.0.0.1")).to_be_visible()
            assert "abc123" not in page.content()
            axe_check(page)
        finally:
            settings.OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS = []

    page.get_by_role("link", name="Remove this calendar…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove your calendar?")
    axe_check(page)
    page.get_by_role("button", name="Remove the calendar").click()
    expect(page.get_by_text("Calendar address removed")).to_be_visible()
    assert not BusyFeed.objects.exists() and not BusyInterval.objects.exists()
