"""Session pages: scheduling (read in the scheduler's own zone, refused in the past, on a time a clock change
skips or repeats, and twice at the same start), logging a past session in one step, a session's page (times
in every member's zone, shared notes, only my own feedback), changing, cancelling, logging, notes, feedback
and the .ics download. Only the people of the match may open any of it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from sessions.models import MentoringSession, Reminder, SessionFeedback
from tests.helpers import org_url, page_text

from .factories import active_pair, person
from .pages_data import frozen, held, local, past_scheduled, schedule  # noqa: F401 (`frozen`: a fixture)

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def pair(org):
    mentor = person(org, "berta@alpha.test", zone="Europe/Berlin", name="Berta Berlin", level=7)
    mentee = person(org, "nate@alpha.test", zone="America/New_York", name="Nate York", level=2)
    return active_pair(org, mentor=mentor, mentee=mentee, name="Grow Together")


@pytest.fixture
def berlin(pair):
    return pair.client(pair.mentor)


@pytest.fixture
def new_york(pair):
    return pair.client(pair.mentee)


def _form(starts_at: str, **extra) -> dict:
    return {"starts_at": starts_at, "duration_minutes": "45", "format": "video", "location": "", "agenda": "", **extra}


class TestSchedule:
    def test_the_form_says_which_zone_and_the_other_persons_clock(self, org, pair, berlin):
        html = page_text(berlin.get(org_url("session-new", org, match_pk=pair.match.pk)))
        assert "Schedule a session with Nate York" in html
        assert "Times in Europe/Berlin" in html
        assert "In your time zone, Europe/Berlin." in html
        assert "for Nate York (America/New_York)" in html
        assert 'type="datetime-local"' in html
        assert "data-disable-on-submit" in html

    @pytest.mark.usefixtures("frozen")
    def test_dst_example_berlin_schedules_new_york_reads_its_own_time(
        self, org, pair, berlin, new_york, django_capture_on_commit_callbacks
    ):
        """2027-03-30 10:00 in Berlin (CEST, after Europe's change on 28 March) is 04:00 EDT in New York."""
        with django_capture_on_commit_callbacks(execute=True):
            response = berlin.post(org_url("session-new", org, match_pk=pair.match.pk), _form("2027-03-30T10:00"))
        assert response.status_code == 302
        session = MentoringSession.objects.get(match=pair.match)
        assert session.starts_at == datetime(2027, 3, 30, 8, 0, tzinfo=UTC)
        assert session.time_zone == "Europe/Berlin"
        assert response["Location"] == org_url("session-detail", org, session_pk=session.pk)
        # Everyone in the match is invited.
        invited = set(
            Reminder.objects.filter(session=session, kind="session_invite").values_list("recipient", flat=True)
        )
        assert invited == {pair.mentor.employee.pk, pair.mentee.employee.pk}

        theirs = page_text(new_york.get(org_url("session-detail", org, session_pk=session.pk)))
        assert "Times in America/New_York" in theirs
        assert re.search(r"When, for you</dt><dd><time[^>]*>Tuesday 30 March 2027, 04:00</time>\u201304:45 EDT", theirs)
        assert "Tuesday 30 March 2027, 10:00\u201310:45 CEST" in theirs  # Berta's time, beside her name
        mine = page_text(berlin.get(org_url("session-detail", org, session_pk=session.pk)))
        assert re.search(r"When, for you</dt><dd><time[^>]*>Tuesday 30 March 2027, 10:00</time>\u201310:45 CEST", mine)

    def test_a_past_time_is_refused(self, org, pair, berlin):
        past = local(timezone.now() - timedelta(hours=2))
        response = berlin.post(org_url("session-new", org, match_pk=pair.match.pk), _form(past))
        assert response.status_code == 400
        assert "That time has passed" in page_text(response)
        assert not MentoringSession.objects.exists()

    @pytest.mark.usefixtures("frozen")
    def test_a_time_the_clocks_skip_is_refused_clearly(self, org, pair, berlin):
        response = berlin.post(org_url("session-new", org, match_pk=pair.match.pk), _form("2027-03-28T02:30"))
        assert response.status_code == 400
        assert "02:30 on Sunday 28 March 2027 does not exist in Europe/Berlin" in page_text(response)
        assert 'aria-invalid="true"' in page_text(response)
        assert not MentoringSession.objects.exists()

    @pytest.mark.usefixtures("frozen")
    def test_a_time_the_clocks_repeat_is_refused_clearly(self, org, pair, new_york):
        response = new_york.post(org_url("session-new", org, match_pk=pair.match.pk), _form("2027-11-07T01:30"))
        assert response.status_code == 400
        assert "01:30 on Sunday 7 November 2027 happens twice in America/New_York" in page_text(response)

    def test_missing_and_malformed_start(self, org, pair, berlin):
        response = berlin.post(org_url("session-new", org, match_pk=pair.match.pk), _form(""))
        assert response.status_code == 400 and "Choose the date and time." in page_text(response)
        response = berlin.post(org_url("session-new", org, match_pk=pair.match.pk), _form("next tuesday"))
        assert response.status_code == 400 and "Give a date and a time" in page_text(response)

    @pytest.mark.usefixtures("frozen")
    def test_a_double_click_makes_one_session(self, org, pair, berlin):
        data = _form("2027-02-10T09:00", location="Room 4")
        assert berlin.post(org_url("session-new", org, match_pk=pair.match.pk), data).status_code == 302
        again = berlin.post(org_url("session-new", org, match_pk=pair.match.pk), data)
        assert again.status_code == 400
        assert "already has a session at that time" in page_text(again)
        assert MentoringSession.objects.filter(match=pair.match).count() == 1

    def test_only_an_active_match_takes_sessions(self, org, pair, berlin):
        pair.match.status = "completed"
        pair.match.save()
        assert berlin.get(org_url("session-new", org, match_pk=pair.match.pk)).status_code == 302
        response = berlin.post(org_url("session-new", org, match_pk=pair.match.pk), _form("2030-01-01T10:00"))
        assert response["Location"] == org_url("mentoring-match", org, match_pk=pair.match.pk)
        assert "This match is completed: it can no longer change." in page_text(berlin.get(response["Location"]))
        assert not MentoringSession.objects.exists()


class TestLogPast:
    def test_logs_a_held_session_with_my_private_feedback(self, org, pair, new_york):
        starts = local(timezone.now() - timedelta(days=2))
        response = new_york.post(
            org_url("session-log-past", org, match_pk=pair.match.pk),
            _form(
                starts,
                format="in_person",
                location="Café Luna",
                shared_notes="Talked about the reorg.",
                rating="4",
                topics="Leadership, feedback, leadership",
                reflection="I should speak up more.",
            ),
        )
        assert response.status_code == 302
        session = MentoringSession.objects.get(match=pair.match)
        assert session.status == "held" and session.shared_notes == "Talked about the reorg."
        feedback = SessionFeedback.objects.get(session=session)
        assert feedback.author == pair.mentee.employee
        assert (feedback.rating, feedback.topics) == (4, ["Leadership", "feedback"])

    def test_topics_without_a_rating_are_not_silently_lost(self, org, pair, new_york):
        starts = local(timezone.now() - timedelta(days=2))
        response = new_york.post(
            org_url("session-log-past", org, match_pk=pair.match.pk), _form(starts, reflection="Private thought")
        )
        assert response.status_code == 400
        assert "Rate the session too" in page_text(response)
        assert not MentoringSession.objects.exists()

    def test_a_future_time_is_refused(self, org, pair, new_york):
        ahead = local(timezone.now() + timedelta(days=2))
        response = new_york.post(org_url("session-log-past", org, match_pk=pair.match.pk), _form(ahead))
        assert response.status_code == 400
        assert "schedule the session instead" in page_text(response)

    def test_the_form_offers_topic_suggestions(self, org, pair, new_york):
        held(pair, by=pair.mentee, rating=5, topics=["Salary talks"])
        html = page_text(new_york.get(org_url("session-log-past", org, match_pk=pair.match.pk)))
        assert '<datalist id="topic-suggestions">' in html
        assert '<option value="Salary talks">' in html and '<option value="Leadership">' in html
        assert "Private: only you see this" in html


class TestSessionPage:
    def test_shows_place_agenda_notes_and_status(self, org, pair, new_york):
        session = schedule(pair, location="https://meet.example/xyz", agenda="Career plan")
        html = page_text(new_york.get(org_url("session-detail", org, session_pk=session.pk)))
        assert "Session with Berta Berlin" in html
        assert 'href="https://meet.example/xyz"' in html
        assert "Career plan" in html and ">Scheduled</span>" in html
        assert "Video call" in html and "45 minutes" in html
        assert org_url("session-ics", org, session_pk=session.pk) in html
        assert org_url("session-edit", org, session_pk=session.pk) in html
        assert org_url("session-cancel", org, session_pk=session.pk) in html
        assert org_url("session-log", org, session_pk=session.pk) not in html  # not started yet

    def test_a_place_that_is_not_a_web_address_is_not_a_link(self, org, pair, new_york):
        session = schedule(pair, location="javascript:alert(1)")
        html = page_text(new_york.get(org_url("session-detail", org, session_pk=session.pk)))
        assert "javascript:alert(1)" in html and 'href="javascript' not in html

    def test_my_feedback_only_never_the_others(self, org, pair, berlin, new_york):
        session = held(pair, shared_notes="Shared: next steps agreed.", rating=2, reflection="BERTA-PRIVATE-NOTE")
        mine = page_text(berlin.get(org_url("session-detail", org, session_pk=session.pk)))
        assert "BERTA-PRIVATE-NOTE" in mine and "Private: only you see this." in mine
        assert "2 out of 5" in mine
        theirs = page_text(new_york.get(org_url("session-detail", org, session_pk=session.pk)))
        assert "Shared: next steps agreed." in theirs
        assert "BERTA-PRIVATE-NOTE" not in theirs
        assert "2 out of 5" not in theirs
        assert "You have not rated this session yet." in theirs
        assert "Give my feedback" in theirs

    def test_a_session_waiting_to_be_logged(self, org, pair, new_york):
        session = past_scheduled(pair)
        html = page_text(new_york.get(org_url("session-detail", org, session_pk=session.pk)))
        assert "Not logged yet" in html and org_url("session-log", org, session_pk=session.pk) in html
        assert org_url("session-edit", org, session_pk=session.pk) not in html

    def test_the_ics_download(self, org, pair, new_york):
        session = schedule(pair, location="Room 1")
        response = new_york.get(org_url("session-ics", org, session_pk=session.pk))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        body = response.content.decode()
        assert "BEGIN:VCALENDAR" in body and "METHOD:REQUEST" in body
        assert f"session-{org.pk}-{session.pk}@" in body
        assert "Room 1" in body

    def test_query_count(self, org, pair, new_york, django_assert_max_num_queries):
        session = held(pair, by=pair.mentee, rating=3)
        with django_assert_max_num_queries(11):
            new_york.get(org_url("session-detail", org, session_pk=session.pk))


class TestChangeCancelLog:
    @pytest.mark.usefixtures("frozen")
    def test_reschedule(self, org, pair, new_york):
        session = schedule(pair, when=datetime(2027, 2, 1, 15, 0, tzinfo=UTC))
        html = page_text(new_york.get(org_url("session-edit", org, session_pk=session.pk)))
        assert 'value="2027-02-01T10:00"' in html  # 15:00 UTC is 10:00 in New York
        response = new_york.post(org_url("session-edit", org, session_pk=session.pk), _form("2027-02-02T10:00"))
        assert response.status_code == 302
        session.refresh_from_db()
        assert session.starts_at == datetime(2027, 2, 2, 15, 0, tzinfo=UTC)
        assert session.sequence == 1 and session.time_zone == "America/New_York"

    @pytest.mark.usefixtures("frozen")
    def test_saving_unchanged_changes_nothing(self, org, pair, new_york):
        session = schedule(pair, when=datetime(2027, 2, 1, 15, 0, tzinfo=UTC))
        new_york.post(org_url("session-edit", org, session_pk=session.pk), _form("2027-02-01T10:00"))
        session.refresh_from_db()
        assert session.sequence == 0 and session.time_zone == "Europe/Berlin"

    def test_a_logged_session_cannot_be_changed(self, org, pair, new_york):
        session = held(pair)
        response = new_york.get(org_url("session-edit", org, session_pk=session.pk))
        assert response.status_code == 302
        assert "This session was held: only a scheduled session can be changed." in page_text(
            new_york.get(response["Location"])
        )

    def test_cancel_with_a_reason(self, org, pair, new_york, django_capture_on_commit_callbacks):
        session = schedule(pair)
        html = page_text(new_york.get(org_url("session-cancel", org, session_pk=session.pk)))
        assert "Cancel the session of" in html and "Keep it" in html
        with django_capture_on_commit_callbacks(execute=True):
            response = new_york.post(org_url("session-cancel", org, session_pk=session.pk), {"reason": "I'm ill"})
        assert response.status_code == 302
        session.refresh_from_db()
        assert (session.status, session.cancel_reason) == ("cancelled", "I'm ill")
        told = Reminder.objects.filter(session=session, kind="session_cancelled").values_list("recipient", flat=True)
        assert list(told) == [pair.mentor.employee.pk]
        html = page_text(new_york.get(org_url("session-detail", org, session_pk=session.pk)))
        assert ">Cancelled</span>" in html and "Reason: I&#x27;m ill" in html

    def test_log_only_once_started(self, org, pair, new_york):
        ahead = schedule(pair)
        html = page_text(new_york.get(org_url("session-log", org, session_pk=ahead.pk)))
        assert "has not started yet" in html and 'name="status"' not in html
        response = new_york.post(org_url("session-log", org, session_pk=ahead.pk), {"status": "held"})
        assert response.status_code == 400
        assert "log it once it has taken place" in page_text(response)
        ahead.refresh_from_db()
        assert ahead.status == "scheduled"

    def test_log_as_held_with_notes_then_feedback(self, org, pair, new_york):
        session = past_scheduled(pair)
        assert "Say whether the session took place." in page_text(
            new_york.post(org_url("session-log", org, session_pk=session.pk), {"shared_notes": "x"})
        )
        response = new_york.post(
            org_url("session-log", org, session_pk=session.pk), {"status": "held", "shared_notes": "Good talk."}
        )
        assert response["Location"] == org_url("session-feedback", org, session_pk=session.pk)
        session.refresh_from_db()
        assert (session.status, session.shared_notes, session.logged_by) == ("held", "Good talk.", pair.mentee.employee)

    def test_log_as_missed(self, org, pair, new_york):
        session = past_scheduled(pair)
        response = new_york.post(org_url("session-log", org, session_pk=session.pk), {"status": "missed"})
        assert response["Location"] == org_url("session-detail", org, session_pk=session.pk)
        session.refresh_from_db()
        assert session.status == "missed"

    def test_shared_notes(self, org, pair, berlin, new_york):
        session = held(pair)
        response = new_york.post(
            org_url("session-notes", org, session_pk=session.pk), {"shared_notes": "Agreed: read X."}
        )
        assert response.status_code == 302
        session.refresh_from_db()
        assert session.shared_notes == "Agreed: read X."
        assert "Agreed: read X." in page_text(berlin.get(org_url("session-detail", org, session_pk=session.pk)))


class TestFeedback:
    def test_rating_radios_with_labels_and_saving(self, org, pair, new_york):
        session = held(pair)
        html = page_text(new_york.get(org_url("session-feedback", org, session_pk=session.pk)))
        assert 'type="radio" name="rating" value="1"' in html and "1, poor" in html and "5, excellent" in html
        assert 'list="topic-suggestions"' in html
        assert "Private: only you see this." in html
        response = new_york.post(
            org_url("session-feedback", org, session_pk=session.pk),
            {"rating": "5", "topics": "Networking, Career growth", "reflection": "NATE-PRIVATE"},
        )
        assert response.status_code == 302
        feedback = SessionFeedback.objects.get(session=session, author=pair.mentee.employee)
        assert (feedback.rating, feedback.topics, feedback.reflection) == (
            5,
            ["Networking", "Career growth"],
            "NATE-PRIVATE",
        )
        # Editing shows my own answers again.
        again = page_text(new_york.get(org_url("session-feedback", org, session_pk=session.pk)))
        assert "Change my feedback" in again and "NATE-PRIVATE" in again
        assert 'value="Networking, Career growth"' in again

    def test_a_rating_is_required(self, org, pair, new_york):
        session = held(pair)
        response = new_york.post(org_url("session-feedback", org, session_pk=session.pk), {"rating": "", "topics": "x"})
        assert response.status_code == 400
        assert "Rate the session from 1 (poor) to 5 (excellent)." in page_text(response)

    def test_too_many_topics_are_refused_by_the_service(self, org, pair, new_york):
        session = held(pair)
        topics = ", ".join(f"t{n}" for n in range(9))
        response = new_york.post(
            org_url("session-feedback", org, session_pk=session.pk), {"rating": "3", "topics": topics}
        )
        assert response.status_code == 400 and "At most 8 topics." in page_text(response)

    def test_only_held_sessions_are_rated(self, org, pair, new_york):
        session = schedule(pair)
        response = new_york.get(org_url("session-feedback", org, session_pk=session.pk))
        assert response.status_code == 302
        assert not SessionFeedback.objects.exists()

    def test_feedback_stays_possible_after_the_match(self, org, pair, new_york):
        session = held(pair)
        pair.match.status = "completed"
        pair.match.save()
        response = new_york.post(org_url("session-feedback", org, session_pk=session.pk), {"rating": "4"})
        assert response.status_code == 302
        assert SessionFeedback.objects.filter(session=session, author=pair.mentee.employee).exists()


SESSION_ROUTES = (
    "session-detail",
    "session-edit",
    "session-cancel",
    "session-log",
    "session-notes",
    "session-feedback",
    "session-ics",
)


class TestAccess:
    def test_another_pairs_member_gets_404_everywhere(self, org, pair):
        theirs = schedule(active_pair(org))
        client = pair.client(pair.mentee)
        for name in SESSION_ROUTES:
            target = org_url(name, org, session_pk=theirs.pk)
            assert client.get(target).status_code == 404, name
            assert client.post(target, {"reason": "x", "status": "held", "rating": "3"}).status_code in (404, 405), name
        theirs.refresh_from_db()
        assert theirs.status == "scheduled"

    def test_stakeholders_get_403_outsiders_404(self, org, pair, stakeholder_client, outsider_client):
        session = schedule(pair)
        for name in SESSION_ROUTES:
            assert stakeholder_client.get(org_url(name, org, session_pk=session.pk)).status_code == 403
            assert outsider_client.get(org_url(name, org, session_pk=session.pk)).status_code == 404

    def test_an_admin_outside_the_match_gets_404(self, org, pair, admin_client):
        session = held(pair, shared_notes="SHARED-ONLY")
        assert admin_client.get(org_url("session-detail", org, session_pk=session.pk)).status_code == 404
