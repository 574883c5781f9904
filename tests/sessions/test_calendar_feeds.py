"""People's own calendars as free/busy feeds: a hand-written .ics (a weekly event with an exception and a moved
occurrence across a DST change, an all-day event, free, cancelled and out-of-window events, a VFREEBUSY) served by
a real HTTP server on loopback becomes exactly the expected busy intervals, and nothing of the events' text is
stored; failures are recorded and, after 3 days, switch the feed off; the task is idempotent; the slot finder's
selector; the page, and another organization's member gets 404."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from mentorhub.accounts.models import AuditEvent
from sessions.busy_calendar import CalendarParseError, busy_intervals
from sessions.models import BusyFeed, BusyInterval, Notification
from sessions.selectors.calendar_feeds import feed_busy_intervals
from sessions.services.busy_feeds import busy_feed_refresh, busy_feed_remove, busy_feed_save
from sessions.services.departures import employee_departure_sessions
from sessions.tasks import refresh_busy_feed, refresh_busy_feeds
from tests.factories import EmployeeFactory
from tests.helpers import org_url, page_text
from tests.loopback_server import loopback_server, send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

ICS = (Path(__file__).parent / "data" / "busy_calendar.ics").read_bytes()
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 23, 12, 0, tzinfo=UTC)  # a Monday; the UK's clocks go forward on 29 March
SECRET = "private-7f3a9c2e1b/basic.ics"  # the capability part of the address


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


EXPECTED = [
    (_utc("2026-03-23T12:00"), _utc("2026-03-23T13:00")),  # started before the window: clipped
    (_utc("2026-03-24T14:00"), _utc("2026-03-24T15:00")),  # the Tuesday occurrence, moved (RECURRENCE-ID)
    (_utc("2026-03-26T09:00"), _utc("2026-03-26T10:30")),  # New York 05:00 EDT joined with 09:30 GMT
    (_utc("2026-03-30T13:00"), _utc("2026-03-30T15:00")),  # VFREEBUSY busy (FREE period ignored)
    (_utc("2026-04-01T08:00"), _utc("2026-04-01T09:00")),  # VFREEBUSY busy-tentative
    (_utc("2026-04-02T08:30"), _utc("2026-04-02T09:30")),  # 09:30 London, now BST
    (_utc("2026-04-02T23:00"), _utc("2026-04-03T23:00")),  # all-day 3 April in London (BST)
]
# Every text of the file's events, none of which may be stored anywhere.
EVENT_TEXTS = [
    "Confidential merger talks",
    "Bluebird",
    "Boardroom",
    "ceo@example.com",
    "Chief Executive",
    "New York office",
    "Team offsite",
    "Lunch",
    "webinar",
    "interview",
    "Already started",
    "Priya",
]


def _daily_ics() -> bytes:
    """A daily 10:00-11:00 UTC event since 2020: whatever today is, the next 14 days hold 14 or 15 of it."""
    return (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:daily@example.com\r\n"
        b"DTSTAMP:20200101T000000Z\r\nDTSTART:20200101T100000Z\r\nDTEND:20200101T110000Z\r\n"
        b"RRULE:FREQ=DAILY\r\nSUMMARY:Daily stand-up\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


@pytest.fixture
def calendar_host(settings):
    """The calendar service: a real HTTP server on loopback, allowlisted for this test only."""
    routes = {
        f"/calendar/ical/{SECRET}": lambda h: send(h, 200, ICS, "text/calendar"),
        "/daily.ics": lambda h: send(h, 200, _daily_ics(), "text/calendar"),
        "/gone.ics": lambda h: send(h, 404, b"no such calendar"),
        "/not-a-calendar.ics": lambda h: send(h, 200, b"<html>Sign in to see this calendar</html>", "text/html"),
    }
    with loopback_server(routes) as server:
        settings.OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS = [server.port]
        yield server


@pytest.fixture
def person(member):
    member.employee.time_zone = "Europe/London"
    member.employee.save(update_fields=["time_zone"])
    return member.employee


def _save(org, member, person, url):
    return busy_feed_save(organization=org, actor=member.user, employee=person, url=url)


def _intervals(feed):
    return list(BusyInterval.objects.filter(feed=feed).order_by("starts_at").values_list("starts_at", "ends_at"))


class TestParsing:
    def test_the_hand_written_calendar(self):
        assert busy_intervals(ICS, start=NOW, end=NOW + timedelta(days=14), zone=LONDON) == EXPECTED

    def test_all_day_events_follow_the_persons_zone(self):
        found = busy_intervals(ICS, start=NOW, end=NOW + timedelta(days=14), zone=ZoneInfo("America/New_York"))
        assert (_utc("2026-04-03T04:00"), _utc("2026-04-04T04:00")) in found

    def test_not_a_calendar(self):
        with pytest.raises(CalendarParseError, match="did not give a calendar"):
            busy_intervals(b"<html></html>", start=NOW, end=NOW + timedelta(days=1), zone=UTC)

    def test_a_rule_from_long_ago_at_every_minute_stops(self):
        data = _daily_ics().replace(b"FREQ=DAILY", b"FREQ=MINUTELY").replace(b"20200101T1", b"19700101T1")
        # The step budget ends the expansion long before 2026: nothing in the window, and no hang.
        assert busy_intervals(data, start=NOW, end=NOW + timedelta(days=1), zone=UTC) == []


class TestFetching:
    def test_stored_intervals_are_exactly_the_busy_times(self, org, member, person, calendar_host):
        feed = _save(org, member, person, calendar_host.url(f"/calendar/ical/{SECRET}"))
        assert busy_feed_refresh(organization=org, feed_id=feed.pk, now=NOW) == "fetched"
        assert _intervals(feed) == EXPECTED
        assert set(BusyInterval.objects.filter(feed=feed).values_list("organization_id", "employee_id")) == {
            (org.pk, person.pk)
        }
        feed.refresh_from_db()
        assert (feed.status, feed.last_error, feed.last_success_at, feed.fetching_since) == ("active", "", NOW, None)

    def test_no_event_text_and_no_address_stored_anywhere(self, org, member, person, calendar_host):
        feed = _save(org, member, person, calendar_host.url(f"/calendar/ical/{SECRET}"))
        busy_feed_refresh(organization=org, feed_id=feed.pk, now=NOW)
        stored = []
        with connection.cursor() as cursor:
            for table in (BusyFeed._meta.db_table, BusyInterval._meta.db_table):
                cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 (our own table names)
                stored += [row[0] for row in cursor.fetchall()]
        audit = AuditEvent.objects.filter(organization=org)
        stored += [str(event.changes) + str(event.target_label) for event in audit]
        text = "\n".join(stored)
        assert len(stored) == 1 + len(EXPECTED) + 1  # the feed, its intervals, one audit entry
        for word in [*EVENT_TEXTS, "7f3a9c2e1b", "basic.ics"]:
            assert word not in text
        assert feed.url_host == "127.0.0.1"

    def test_refresh_is_idempotent(self, org, member, person, calendar_host):
        feed = _save(org, member, person, calendar_host.url(f"/calendar/ical/{SECRET}"))
        assert busy_feed_refresh(organization=org, feed_id=feed.pk, now=NOW) == "fetched"
        assert busy_feed_refresh(organization=org, feed_id=feed.pk, now=NOW) == "fetched"
        assert _intervals(feed) == EXPECTED  # replaced, never added twice
        assert calendar_host.requests == [f"/calendar/ical/{SECRET}"] * 2

    def test_a_second_task_while_one_fetches_does_nothing(self, org, member, person, calendar_host):
        feed = _save(org, member, person, calendar_host.url(f"/calendar/ical/{SECRET}"))
        BusyFeed.objects.filter(pk=feed.pk).update(fetching_since=NOW - timedelta(minutes=1))
        assert busy_feed_refresh(organization=org, feed_id=feed.pk, now=NOW) == "skipped"
        assert calendar_host.requests == []
        # A claim left by a lost worker expires.
        assert busy_feed_refresh(organization=org, feed_id=feed.pk, now=NOW + timedelta(minutes=11)) == "fetched"

    def test_saving_fetches_right_after_the_commit(
        self, org, member, person, calendar_host, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            feed = _save(org, member, person, calendar_host.url("/daily.ics"))
        assert calendar_host.requests == ["/daily.ics"]
        intervals = _intervals(feed)
        assert 14 <= len(intervals) <= 15
        assert all(end - start <= timedelta(hours=1) for start, end in intervals)
        assert intervals[-1][0] < timezone.now() + timedelta(days=14)

    def test_webcal_addresses_are_read_over_https(self, org, member, person):
        feed = _save(org, member, person, "webcal://calendar.example.com/cal.ics")
        assert feed.url_host == "calendar.example.com"

    @pytest.mark.parametrize("url", ["ftp://example.com/cal.ics", "file:///etc/passwd", "not an address", ""])
    def test_unusable_addresses_refused_on_saving(self, org, member, person, url):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            _save(org, member, person, url)
        assert not BusyFeed.objects.exists()


class TestBeat:
    def test_due_feeds_fetched_by_their_own_tasks(self, org, member, person, calendar_host, other_org):
        due = _save(org, member, person, calendar_host.url("/daily.ics"))
        other = EmployeeFactory(organization=other_org)
        daily = calendar_host.url("/daily.ics")
        elsewhere = busy_feed_save(organization=other_org, actor=None, employee=other, url=daily)
        recent = busy_feed_save(
            organization=org, actor=None, employee=EmployeeFactory(organization=org), url=calendar_host.url("/gone.ics")
        )
        BusyFeed.objects.filter(pk=recent.pk).update(last_fetched_at=timezone.now() - timedelta(minutes=10))
        assert refresh_busy_feeds() == 2  # tasks run eagerly in tests
        assert calendar_host.requests == ["/daily.ics", "/daily.ics"]
        assert BusyInterval.objects.filter(feed=due).count() >= 14
        assert set(BusyInterval.objects.filter(feed=elsewhere).values_list("organization_id", flat=True)) == {
            other_org.pk
        }
        assert refresh_busy_feeds() == 0  # fetched a moment ago: not due for an hour

    def test_task_of_another_organization_finds_nothing(self, org, member, person, other_org, calendar_host):
        feed = _save(org, member, person, calendar_host.url("/daily.ics"))
        assert refresh_busy_feed.delay(organization_id=other_org.pk, feed_id=feed.pk).get() == "skipped"
        assert calendar_host.requests == []


class TestFailures:
    @pytest.mark.parametrize(
        ("path", "message"),
        [
            ("/gone.ics", "answered HTTP 404"),
            ("/not-a-calendar.ics", "did not give a calendar file"),
        ],
    )
    def test_recorded_for_the_person(self, org, member, person, calendar_host, path, message):
        feed = _save(org, member, person, calendar_host.url(path))
        assert busy_feed_refresh(organization=org, feed_id=feed.pk, now=NOW) == "failed"
        feed.refresh_from_db()
        assert message in feed.last_error
        assert (feed.status, feed.failing_since, feed.last_fetched_at) == ("active", NOW, NOW)

    def test_loopback_refused_and_nothing_logged_of_the_address(self, org, member, person, calendar_host, caplog):
        feed = _save(org, member, person, f"http://localhost:{calendar_host.port + 1}/{SECRET}")
        with caplog.at_level(logging.DEBUG):
            busy_feed_refresh(organization=org, feed_id=feed.pk, now=NOW)
        feed.refresh_from_db()
        assert "loopback" in feed.last_error
        assert "7f3a9c2e1b" not in caplog.text + feed.last_error
        assert calendar_host.requests == []

    def test_three_days_of_failures_switch_it_off_with_a_notice(self, org, member, person, calendar_host):
        feed = _save(org, member, person, calendar_host.url(f"/calendar/ical/{SECRET}"))
        busy_feed_refresh(organization=org, feed_id=feed.pk, now=NOW)
        calendar_host.routes[f"/calendar/ical/{SECRET}"] = calendar_host.routes["/gone.ics"]
        assert busy_feed_refresh(organization=org, feed_id=feed.pk, now=NOW + timedelta(hours=1)) == "failed"
        assert busy_feed_refresh(organization=org, feed_id=feed.pk, now=NOW + timedelta(days=2)) == "failed"
        assert _intervals(feed) == EXPECTED  # the last good reading is used meanwhile
        assert not Notification.objects.exists()
        assert busy_feed_refresh(organization=org, feed_id=feed.pk, now=NOW + timedelta(days=3, hours=1)) == (
            "switched_off"
        )
        feed.refresh_from_db()
        assert feed.status == BusyFeed.Status.OFF
        assert _intervals(feed) == []
        notice = Notification.objects.get(recipient=person)
        assert notice.kind == Notification.BUSY_FEED and "switched off" in notice.title
        assert "answered HTTP 404" in notice.body and notice.url == org_url("busy-feed", org)
        # Off: the beat leaves it alone until the person pastes the address again.
        assert busy_feed_refresh(organization=org, feed_id=feed.pk, now=NOW + timedelta(days=4)) == "skipped"

    def test_a_success_clears_the_failure(self, org, member, person, calendar_host):
        feed = _save(org, member, person, calendar_host.url(f"/calendar/ical/{SECRET}"))
        BusyFeed.objects.filter(pk=feed.pk).update(last_error="old", failing_since=NOW - timedelta(days=2))
        busy_feed_refresh(organization=org, feed_id=feed.pk, now=NOW)
        feed.refresh_from_db()
        assert (feed.last_error, feed.failing_since) == ("", None)


class TestSelector:
    def test_merged_clipped_and_scoped(self, org, member, person, other_org, calendar_host):
        feed = _save(org, member, person, calendar_host.url(f"/calendar/ical/{SECRET}"))
        busy_feed_refresh(organization=org, feed_id=feed.pk, now=NOW)
        start, end = _utc("2026-03-26T09:30"), _utc("2026-04-02T09:00")
        found = feed_busy_intervals(organization=org, employee_ids=[person.pk, 999_999], start=start, end=end)
        assert found == {
            person.pk: [
                (start, _utc("2026-03-26T10:30")),
                *EXPECTED[3:5],
                (_utc("2026-04-02T08:30"), end),
            ],
            999_999: [],
        }
        assert feed_busy_intervals(organization=other_org, employee_ids=[person.pk], start=start, end=end) == {
            person.pk: []
        }
        BusyFeed.objects.filter(pk=feed.pk).update(status=BusyFeed.Status.OFF)
        assert feed_busy_intervals(organization=org, employee_ids=[person.pk], start=start, end=end) == {person.pk: []}

    def test_removing_and_leaving_forget_everything(self, org, member, person, calendar_host):
        feed = _save(org, member, person, calendar_host.url(f"/calendar/ical/{SECRET}"))
        busy_feed_refresh(organization=org, feed_id=feed.pk, now=NOW)
        assert busy_feed_remove(organization=org, actor=member.user, employee=person)
        assert not BusyInterval.objects.exists() and not BusyFeed.objects.exists()
        feed = _save(org, member, person, calendar_host.url(f"/calendar/ical/{SECRET}"))
        employee_departure_sessions(org, person, None)
        assert not BusyFeed.objects.exists()


class TestPage:
    def test_empty_state_then_saved_address_shown_by_its_host_only(self, org, member_client, person, calendar_host):
        url = org_url("busy-feed", org)
        html = page_text(member_client.get(url))
        assert "Connect your calendar" in html and "never the titles" in html
        response = member_client.post(url, {"url": calendar_host.url(f"/calendar/ical/{SECRET}")})
        assert response.status_code == 302
        feed = BusyFeed.objects.get(employee=person)
        response = member_client.get(url)
        assert response["Cache-Control"] == "private, no-store"
        html = page_text(response)
        assert "Address on <strong>127.0.0.1</strong>" in html and "Not read yet" in html
        assert "7f3a9c2e1b" not in html
        busy_feed_refresh(organization=org, feed_id=feed.pk, now=timezone.now())
        assert "busy time" in page_text(member_client.get(url))

    def test_refused_address_explained(self, org, member_client, person):
        response = member_client.post(org_url("busy-feed", org), {"url": "ftp://files.example.com/cal.ics"})
        assert response.status_code == 400
        assert "must start with https://" in page_text(response)
        assert not BusyFeed.objects.exists()

    def test_last_error_shown(self, org, member, member_client, person, calendar_host):
        feed = _save(org, member, person, calendar_host.url("/gone.ics"))
        busy_feed_refresh(organization=org, feed_id=feed.pk, now=timezone.now())
        html = page_text(member_client.get(org_url("busy-feed", org)))
        assert "The last attempt failed" in html and "answered HTTP 404" in html

    def test_remove_after_confirmation(self, org, member, member_client, person):
        _save(org, member, person, "https://calendar.example.com/cal.ics")
        url = org_url("busy-feed-remove", org)
        assert "Remove your calendar?" in page_text(member_client.get(url))
        assert BusyFeed.objects.exists()
        assert member_client.post(url).status_code == 302
        assert not BusyFeed.objects.exists()

    @pytest.mark.parametrize("name", ["busy-feed", "busy-feed-remove"])
    def test_outsider_gets_404(self, org, member, person, outsider_client, name):
        _save(org, member, person, "https://calendar.example.com/cal.ics")
        assert outsider_client.get(org_url(name, org)).status_code == 404
        assert outsider_client.post(org_url(name, org), {"url": "https://evil.example.com/x.ics"}).status_code == 404
        assert BusyFeed.objects.get().url_host == "calendar.example.com"


def test_a_calendar_file_the_parser_cannot_read_is_the_feed_s_error_not_a_crash():
    from sessions.services.busy_feeds import _busy_intervals_or_parse_error

    broken = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260324T090000Z\r\n"
        b"DTEND:20260324T100000Z\r\nRRULE:FREQ=WEEKLY\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(CalendarParseError):
        _busy_intervals_or_parse_error(broken, NOW, LONDON)
