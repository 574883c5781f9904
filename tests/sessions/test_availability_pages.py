"""My availability (page and API) and a match's Find a time: editing with validation, the proposals in every
member's own time, the assumed default and the "no overlap" answer, one-click booking through the ordinary
scheduling (one session and one set of invitations, even on a double POST), the organization's meeting link,
and the 404 of everyone outside the match or the organization."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from mentorhub.accounts.models import validate_video_link_template
from sessions.models import AvailabilityWindow, AwayPeriod, MentoringSession, Reminder
from sessions.services.availability import WindowIn, availability_set
from tests.helpers import org_url, page_text

from .factories import active_pair, person
from .pages_data import FROZEN, frozen, schedule  # noqa: F401 (`frozen`: a fixture)

pytestmark = pytest.mark.usefixtures("fresh_cache")

FRIDAY_15_00 = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)  # FROZEN is Friday 15 January 2027, 12:00 UTC


@pytest.fixture
def pair(org):
    mentor = person(org, "lena@alpha.test", zone="Europe/London", name="Lena London", level=7)
    mentee = person(org, "nate@alpha.test", zone="America/New_York", name="Nate York", level=2)
    return active_pair(org, mentor=mentor, mentee=mentee, name="Across the Pond")


def set_windows(org, membership, start: time, end: time, days=range(5)) -> None:
    availability_set(
        organization=org,
        actor=None,
        employee=membership.employee,
        windows=[WindowIn(day, start, end) for day in days],
        away=[],
    )


def week(**days: str) -> dict:
    return {name: days.get(name, "") for name in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")} | {
        "away": days.get("away", "")
    }


class TestMyAvailability:
    def test_edit_and_read_back(self, org, pair):
        client = pair.client(pair.mentee)
        url = org_url("my-availability", org)
        html = page_text(client.get(url))
        assert "Times in America/New_York" in html and "Monday to Friday, 09:00\u201317:00" in html
        form = week(mon="09:00-12:00, 13:00-17:00", wed="8.30-11", away="2027-02-01 to 2027-02-05\n2027-03-01")
        response = client.post(url, form)
        assert response.status_code == 302
        rows = AvailabilityWindow.objects.filter(employee=pair.mentee.employee).order_by("weekday", "starts")
        assert [(w.weekday, w.starts, w.ends, w.organization_id) for w in rows] == [
            (0, time(9), time(12), org.pk),
            (0, time(13), time(17), org.pk),
            (2, time(8, 30), time(11), org.pk),
        ]
        away = AwayPeriod.objects.get(employee=pair.mentee.employee, starts_on="2027-02-01")
        assert str(away.ends_on) == "2027-02-05"
        html = page_text(client.get(url))
        assert 'value="09:00-12:00, 13:00-17:00"' in html and "2027-02-01 to 2027-02-05\n2027-03-01" in html

    @pytest.mark.parametrize(
        ("form", "message"),
        [
            (week(mon="09:00-12:00, 11:00-13:00"), "Monday: 09:00\u201312:00 and 11:00\u201313:00 overlap."),
            (week(tue="17:00-09:00"), "Tuesday: 17:00\u201309:00 ends before it starts."),
            (week(wed="09:00-09:10"), "shorter than 15 minutes"),
            (week(thu="mornings"), "“mornings” is not a time range"),
            (week(fri="25:00-26:00"), "25:00 is not a time of day"),
            (week(away="2027-02-10 to 2027-02-01"), "the last day is before the first"),
            (week(away="next week"), "“next week” is not a date or a period"),
        ],
    )
    def test_validation_errors_are_shown_and_nothing_changes(self, org, pair, form, message):
        set_windows(org, pair.mentee, time(9), time(17))
        response = pair.client(pair.mentee).post(org_url("my-availability", org), form)
        assert response.status_code == 400
        assert message in page_text(response).replace("&#x27;", "'")
        assert AvailabilityWindow.objects.filter(employee=pair.mentee.employee).count() == 5

    def test_api_get_and_put(self, org, pair):
        client = pair.client(pair.mentee)
        url = f"/api/v1/o/{org.slug}/mentoring/availability/"
        body = client.get(url).json()
        assert body == {"time_zone": "America/New_York", "assumed": True, "windows": [], "away": []}
        new = {
            "windows": [{"weekday": 1, "starts": "09:00", "ends": "11:30"}],
            "away": [{"starts_on": "2027-02-01", "ends_on": "2027-02-02"}],
        }
        response = client.put(url, json.dumps(new), content_type="application/json")
        assert response.status_code == 200, response.content
        assert response.json() == {"time_zone": "America/New_York", "assumed": False, **new}
        overlapping = {"windows": [*new["windows"], {"weekday": 1, "starts": "11:00", "ends": "12:00"}], "away": []}
        response = client.put(url, json.dumps(overlapping), content_type="application/json")
        assert response.status_code == 400 and "overlap" in response.content.decode()
        assert client.get(url).json()["windows"] == new["windows"]


@pytest.mark.usefixtures("frozen")
class TestFindATime:
    def test_slots_in_everyones_own_time(self, org, pair):
        set_windows(org, pair.mentor, time(13), time(17))  # 13:00-17:00 UTC in winter
        set_windows(org, pair.mentee, time(9), time(13))  # 14:00-18:00 UTC
        html = page_text(pair.client(pair.mentee).get(org_url("find-a-time", org, match_pk=pair.match.pk)))
        assert "Find a time with Lena London" in html
        # The best slot of Friday 15 January: an hour from the start of New York's day and from London's end.
        assert "Fri 15 Jan, 10:00</time>\u201310:45 EST" in html and "Nate York (you), America/New_York" in html
        assert "Fri 15 Jan, 15:00</time>\u201315:45 GMT" in html and "Lena London, Europe/London" in html
        assert html.count('name="starts_at"') == 5
        assert 'value="2027-01-15T15:00:00Z"' in html
        assert "no availability set" not in html

    def test_the_default_is_assumed_and_said(self, org, pair):
        set_windows(org, pair.mentor, time(13), time(17))
        html = page_text(pair.client(pair.mentor).get(org_url("find-a-time", org, match_pk=pair.match.pk)))
        assert "Nate York: no availability set yet, so we assume Monday to Friday, 09:00\u201317:00" in html
        assert html.count('name="starts_at"') == 5

    def test_no_overlap_is_said(self, org, pair):
        set_windows(org, pair.mentor, time(8), time(10))  # 08:00-10:00 UTC
        set_windows(org, pair.mentee, time(12), time(15))  # 17:00-20:00 UTC
        html = page_text(pair.client(pair.mentee).get(org_url("find-a-time", org, match_pk=pair.match.pk)))
        assert "No time suits everyone in the next two weeks." in html
        assert 'name="starts_at"' not in html

    def test_a_session_of_another_match_is_busy(self, org, pair):
        set_windows(org, pair.mentor, time(15), time(16))  # one slot a day: 15:00 UTC
        other = active_pair(org, mentor=pair.mentor)
        schedule(other, when=FRIDAY_15_00)
        html = page_text(pair.client(pair.mentee).get(org_url("find-a-time", org, match_pk=pair.match.pk)))
        assert 'value="2027-01-15T15:00:00Z"' not in html
        assert 'value="2027-01-18T15:00:00Z"' in html  # Monday

    def test_booking_twice_makes_one_session_and_one_set_of_invitations(
        self, org, pair, mailoutbox, django_capture_on_commit_callbacks
    ):
        org.video_link_template = "https://meet.jit.si/mentorhub-{org}-{match}-{session}"
        org.save()
        set_windows(org, pair.mentor, time(13), time(17))
        set_windows(org, pair.mentee, time(9), time(13))
        client = pair.client(pair.mentee)
        url = org_url("find-a-time-book", org, match_pk=pair.match.pk)
        data = {"starts_at": "2027-01-15T15:00:00Z", "duration_minutes": "45"}
        with django_capture_on_commit_callbacks(execute=True):
            first = client.post(url, data)
        with django_capture_on_commit_callbacks(execute=True):
            second = client.post(url, data)
        session = MentoringSession.objects.get(match=pair.match)
        assert (session.starts_at, session.duration_minutes, session.status) == (FRIDAY_15_00, 45, "scheduled")
        assert session.time_zone == "America/New_York" and session.scheduled_by == pair.mentee.employee
        assert session.location == f"https://meet.jit.si/mentorhub-{org.slug}-{pair.match.pk}-{session.pk}"
        detail = org_url("session-detail", org, session_pk=session.pk)
        assert first["Location"] == detail and second["Location"] == detail
        invites = Reminder.objects.filter(session=session, kind="session_invite")
        assert sorted(invites.values_list("recipient", flat=True)) == sorted(
            [pair.mentor.employee.pk, pair.mentee.employee.pk]
        )
        assert sorted(m.to[0] for m in mailoutbox) == ["lena@alpha.test", "nate@alpha.test"]
        assert all(m.attachments for m in mailoutbox)
        assert "booked already" in page_text(client.get(detail))

    def test_a_time_that_does_not_suit_everyone_is_refused(self, org, pair):
        set_windows(org, pair.mentor, time(13), time(17))
        set_windows(org, pair.mentee, time(9), time(13))
        client = pair.client(pair.mentee)
        response = client.post(
            org_url("find-a-time-book", org, match_pk=pair.match.pk),
            {"starts_at": "2027-01-15T18:00:00Z", "duration_minutes": "45"},
        )
        assert response["Location"] == org_url("find-a-time", org, match_pk=pair.match.pk)
        assert not MentoringSession.objects.filter(match=pair.match).exists()
        assert "no longer suits everyone" in page_text(client.get(response["Location"]))


class TestOutsiders:
    def test_a_member_outside_the_match_gets_404(self, org, pair, member_client):
        assert member_client.get(org_url("find-a-time", org, match_pk=pair.match.pk)).status_code == 404
        response = member_client.post(
            org_url("find-a-time-book", org, match_pk=pair.match.pk),
            {"starts_at": "2030-01-15T15:00:00Z", "duration_minutes": "45"},
        )
        assert response.status_code == 404
        assert not MentoringSession.objects.exists()

    def test_another_organizations_member_gets_404_everywhere(self, org, pair, outsider_client):
        routes = [
            ("get", org_url("my-availability", org)),
            ("post", org_url("my-availability", org)),
            ("get", org_url("find-a-time", org, match_pk=pair.match.pk)),
            ("post", org_url("find-a-time-book", org, match_pk=pair.match.pk)),
            ("get", f"/api/v1/o/{org.slug}/mentoring/availability/"),
            ("put", f"/api/v1/o/{org.slug}/mentoring/availability/"),
        ]
        for method, url in routes:
            assert getattr(outsider_client, method)(url).status_code == 404, (method, url)
        assert not AvailabilityWindow.objects.exists()


class TestVideoLinkTemplate:
    @pytest.mark.parametrize(
        "value",
        ["", "https://meet.jit.si/mentorhub-{org}-{match}-{session}", "https://teams.microsoft.com/l/meetup-join/abc"],
    )
    def test_accepted(self, value):
        validate_video_link_template(value)

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("http://zoom.us/j/123", "https://"),
            ("https://meet.jit.si/{room}", "Unknown placeholder room"),
            ("https://meet.jit.si/{match!r}", "Unknown placeholder"),
            ("https://meet.jit.si/{match", "Unmatched"),
            ("https://", "not a valid web address"),
            ("javascript:alert(1)", "https://"),
        ],
    )
    def test_refused(self, value, message):
        with pytest.raises(ValidationError) as error:
            validate_video_link_template(value)
        assert message in error.value.messages[0]

    @pytest.mark.usefixtures("frozen")
    def test_ordinary_scheduling_uses_it_only_without_a_link(self, org, pair):
        org.video_link_template = "https://zoom.us/j/42"
        org.save()
        plain = schedule(pair, when=datetime(2027, 2, 1, 10, tzinfo=UTC))
        own = schedule(pair, when=datetime(2027, 2, 2, 10, tzinfo=UTC), location="https://example.com/room")
        met = schedule(pair, when=datetime(2027, 2, 3, 10, tzinfo=UTC), format="in_person")
        assert (plain.location, own.location, met.location) == ("https://zoom.us/j/42", "https://example.com/room", "")
        assert plain.ends_at - plain.starts_at == timedelta(minutes=45)


class TestMeetingSettings:
    def test_an_admin_sets_the_template_and_a_wrong_one_is_explained(self, org, admin_client, member_client):
        url = org_url("meeting-settings", org)
        assert "Video link for sessions scheduled without one" in page_text(admin_client.get(url))
        bad = admin_client.post(url, {"video_link_template": "http://meet.example/{room}"})
        assert bad.status_code == 400 and "Unknown placeholder room" in page_text(bad)
        good = admin_client.post(
            url, {"video_link_template": " https://meet.jit.si/mentorhub-{org}-{match}-{session} "}
        )
        assert good.status_code == 302
        org.refresh_from_db()
        assert org.video_link_template == "https://meet.jit.si/mentorhub-{org}-{match}-{session}"
        assert member_client.post(url, {"video_link_template": ""}).status_code == 403
        org.refresh_from_db()
        assert org.video_link_template
