"""The calendar feed: a secret address per person that calendar apps fetch without signing in. It parses as
RFC 5545 with the `icalendar` library, lists exactly that person's sessions (cancelled ones marked so that
calendars remove them, changes with a higher SEQUENCE), and answers 404 to a wrong or rotated secret."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import CalendarFeed
from sessions.services.notifications import calendar_feed_get_or_create, calendar_feed_rotate, feed_token
from sessions.services.sessions import session_cancel, session_schedule, session_update

from .factories import active_pair, person

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def _feed_url(org, employee) -> str:
    feed = calendar_feed_get_or_create(organization=org, employee=employee)
    return reverse("calendar-feed", kwargs={"token": feed_token(feed)})


def _events(response) -> dict[str, icalendar.Event]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def scene(org):
    """Bea (Berlin) mentors Nia (New York); Bea also mentors Omar in another pair of the same program."""
    bea = person(org, "bea@alpha.test", zone="Europe/Berlin", name="Bea Berlin", level=7)
    nia = person(org, "nia@alpha.test", zone="America/New_York", name="Nia York")
    omar = person(org, "omar@alpha.test", zone="Asia/Kolkata", name="Omar Pune")
    first = active_pair(org, mentor=bea, mentee=nia, started_at=NOW - timedelta(days=40))
    second = active_pair(org, mentor=bea, mentee=omar, program=first.program, started_at=NOW - timedelta(days=40))
    schedule = session_schedule
    kept = schedule(
        organization=org,
        actor=None,
        employee=nia.employee,
        match_id=first.match.pk,
        starts_at=datetime(2027, 3, 30, 10, 0, tzinfo=BERLIN),
        agenda="Feedback on my talk",
        location="https://meet.example/bea-nia",
        now=NOW,
    )
    moved = schedule(
        organization=org,
        actor=None,
        employee=bea.employee,
        match_id=first.match.pk,
        starts_at=datetime(2027, 3, 15, 9, 0, tzinfo=BERLIN),
        now=NOW,
    )
    session_update(
        organization=org,
        actor=None,
        employee=bea.employee,
        session_id=moved.pk,
        starts_at=datetime(2027, 3, 16, 9, 0, tzinfo=BERLIN),
        now=NOW,
    )
    dropped = schedule(
        organization=org,
        actor=None,
        employee=bea.employee,
        match_id=first.match.pk,
        starts_at=datetime(2027, 4, 6, 10, 0, tzinfo=BERLIN),
        now=NOW,
    )
    session_cancel(organization=org, actor=None, employee=bea.employee, session_id=dropped.pk, reason="Ill")
    other = schedule(
        organization=org,
        actor=None,
        employee=omar.employee,
        match_id=second.match.pk,
        starts_at=datetime(2027, 3, 20, 8, 0, tzinfo=BERLIN),
        now=NOW,
    )
    return {"bea": bea, "nia": nia, "omar": omar, "kept": kept, "moved": moved, "dropped": dropped, "other": other}


def _uid(org, session) -> str:
    return f"session-{org.pk}-{session.pk}@127.0.0.1"


def test_the_feed_lists_the_persons_sessions_with_their_state(org, scene):
    events = _events(Client().get(_feed_url(org, scene["nia"].employee)))  # no sign-in: calendar apps have none

    assert set(events) == {_uid(org, scene[k]) for k in ("kept", "moved", "dropped")}  # not Omar's session
    kept = events[_uid(org, scene["kept"])]
    assert kept.start == datetime(2027, 3, 30, 10, 0, tzinfo=BERLIN)
    assert kept["DTSTART"].params["TZID"] == "America/New_York"  # Nia scheduled it, in her zone
    assert kept.start.replace(tzinfo=None) == datetime(2027, 3, 30, 4, 0)  # 04:00 EDT is 10:00 in Berlin
    assert kept.end - kept.start == timedelta(minutes=45)
    assert str(kept["SUMMARY"]) == "Mentoring: Bea Berlin and Nia York"
    assert "Feedback on my talk" in str(kept["DESCRIPTION"])
    assert str(kept["LOCATION"]) == "https://meet.example/bea-nia"
    assert str(kept["STATUS"]) == "CONFIRMED" and int(kept["SEQUENCE"]) == 0
    attendees = sorted(str(a) for a in kept.get("ATTENDEE"))
    assert attendees == ["mailto:bea@alpha.test", "mailto:nia@alpha.test"]

    moved = events[_uid(org, scene["moved"])]
    assert moved.start == datetime(2027, 3, 16, 9, 0, tzinfo=BERLIN) and int(moved["SEQUENCE"]) == 1
    dropped = events[_uid(org, scene["dropped"])]
    assert str(dropped["STATUS"]) == "CANCELLED" and int(dropped["SEQUENCE"]) == 1
    # The zone's rules travel with the feed, so clients place the events right on both sides of the change.
    calendar = icalendar.Calendar.from_ical(Client().get(_feed_url(org, scene["nia"].employee)).content)
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {"Europe/Berlin", "America/New_York"}


def test_a_mentor_with_two_pairs_sees_both(org, scene):
    events = _events(Client().get(_feed_url(org, scene["bea"].employee)))
    assert _uid(org, scene["other"]) in events and _uid(org, scene["kept"]) in events
    omar_events = _events(Client().get(_feed_url(org, scene["omar"].employee)))
    assert set(omar_events) == {_uid(org, scene["other"])}


def test_a_wrong_or_rotated_secret_gets_404(org, scene, other_org):
    employee = scene["nia"].employee
    old_url = _feed_url(org, employee)
    client = Client()
    assert client.get(old_url).status_code == 200
    assert client.get(reverse("calendar-feed", kwargs={"token": "cal_" + "0" * 48})).status_code == 404
    assert client.get(reverse("calendar-feed", kwargs={"token": "not-a-token"})).status_code == 404
    assert client.get(old_url[:-8] + "abcd.ics").status_code == 404

    calendar_feed_rotate(organization=org, employee=employee)
    assert client.get(old_url).status_code == 404
    new_url = _feed_url(org, employee)
    assert new_url != old_url and client.get(new_url).status_code == 200
    assert CalendarFeed.objects.filter(employee=employee).count() == 1
    # Only the hash of the secret is stored.
    token = new_url.rsplit("/", 1)[1].removesuffix(".ics")
    assert not CalendarFeed.objects.filter(token_hash=token).exists()
    assert not CalendarFeed.objects.filter(nonce__contains=token[4:20]).exists()


def test_fetching_records_when_the_calendar_last_came(org, scene):
    employee = scene["nia"].employee
    url = _feed_url(org, employee)
    assert CalendarFeed.objects.get(employee=employee).last_fetched_at is None
    Client().get(url)
    assert CalendarFeed.objects.get(employee=employee).last_fetched_at is not None
