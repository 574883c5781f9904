"""My mentoring (the participant's home) and a match's space: who I meet and their local time, the next
sessions, open goals, things to do, past matches; completing a match (everyone asks) and ending it early
(a reason for HR, a re-match offered). Stakeholders get 403, anyone outside the match 404."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from matching.models import Match, MatchMember
from sessions.models import Notification
from tests.helpers import org_url, page_text
from tests.programs.factories import ParticipantFactory, ProgramFactory

from .factories import active_pair, person
from .pages_data import goal, held, past_scheduled, schedule

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def pair(org):
    """Morgan Mentor in Berlin, Ellis Mentee in New York."""
    mentor = person(org, "morgan@alpha.test", zone="Europe/Berlin", name="Morgan Mentor", level=7)
    mentee = person(org, "ellis@alpha.test", zone="America/New_York", name="Ellis Mentee", level=2)
    mentor.employee.title, mentor.employee.department, mentor.employee.location = "Director", "Finance", "Berlin"
    mentor.employee.save()
    return active_pair(org, mentor=mentor, mentee=mentee, name="Grow Together")


@pytest.fixture
def mentee_client(pair):
    return pair.client(pair.mentee)


@pytest.fixture
def mentor_client(pair):
    return pair.client(pair.mentor)


def _notice(org, employee, title="Morgan scheduled a session", url_path=""):
    return Notification.objects.create(
        organization=org, recipient=employee, kind=Notification.MATCH_UPDATE, title=title, url=url_path
    )


class TestMyMentoring:
    def test_shows_the_other_person_the_next_session_goals_and_the_zone(self, org, pair, mentee_client):
        session = schedule(pair, when=timezone.now() + timedelta(days=3), location="https://meet.example/abc")
        made = goal(pair, "Run a team meeting", milestones=["Pick a topic", "Book a room"])
        html = page_text(mentee_client.get(org_url("my-mentoring", org)))
        assert "<h1>My mentoring</h1>" in html
        assert "Times in America/New_York" in html
        assert "Morgan Mentor" in html and "Director, Finance" in html and "Berlin" in html
        assert "Their time now" in html and "(Europe/Berlin)" in html
        assert org_url("session-detail", org, session_pk=session.pk) in html
        assert org_url("goal-detail", org, goal_pk=made.pk) in html
        assert "Run a team meeting" in html and "0% done" in html and "Pick a topic" in html
        assert org_url("session-new", org, match_pk=pair.match.pk) in html
        assert 'aria-current="page">My mentoring</a>' in html

    def test_next_session_is_shown_in_the_viewers_zone(self, org, pair, mentee_client, mentor_client):
        session = schedule(pair, when=timezone.now() + timedelta(days=3))
        new_york = session.starts_at.astimezone(ZoneInfo("America/New_York")).strftime("%a %-d %b %Y, %H:%M")
        berlin = session.starts_at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%a %-d %b %Y, %H:%M")
        assert new_york in page_text(mentee_client.get(org_url("my-mentoring", org)))
        assert berlin in page_text(mentor_client.get(org_url("my-mentoring", org)))

    def test_things_to_do(self, org, pair, mentee_client):
        to_log = past_scheduled(pair, hours_ago=3)
        _notice(org, pair.mentee.employee)
        other_program = ProgramFactory(organization=org, status="active", name="Reverse Mentoring")
        waiting = Match.objects.create(organization=org, program=other_program, status=Match.Status.APPROVED)
        for employee, role in ((pair.mentee.employee, "mentee"), (person(org, "x@alpha.test").employee, "mentor")):
            participant = ParticipantFactory(program=other_program, employee=employee, role=role, status="approved")
            MatchMember.objects.create(
                organization=org, program=other_program, match=waiting, participant=participant, role=role
            )
        html = page_text(mentee_client.get(org_url("my-mentoring", org)))
        assert "Things to do" in html
        assert "Log your session with Morgan Mentor" in html
        assert org_url("session-log", org, session_pk=to_log.pk) in html
        assert "Accept or decline your new match in Reverse Mentoring" in html
        assert org_url("my-match", org, match_pk=waiting.pk) in html
        assert "Read 1 new notification" in html

    def test_nothing_to_do_no_list(self, org, pair, mentee_client):
        assert "Things to do" not in page_text(mentee_client.get(org_url("my-mentoring", org)))

    def test_finished_matches_are_history(self, org, pair, mentee_client):
        Match.objects.filter(pk=pair.match.pk).update(status=Match.Status.COMPLETED, ended_at=timezone.now())
        MatchMember.objects.filter(match=pair.match).update(current=False)
        html = page_text(mentee_client.get(org_url("my-mentoring", org)))
        assert "Past matches" in html and "Completed" in html
        assert "You have no active match" in html
        assert org_url("session-new", org, match_pk=pair.match.pk) not in html

    def test_empty_state_without_a_match(self, org, member, member_client):
        html = page_text(member_client.get(org_url("my-mentoring", org)))
        assert "You have no active match" in html
        assert org_url("my-programs", org) in html and org_url("my-matches", org) in html

    def test_without_a_roster_entry_it_explains(self, org, member, member_client):
        member.employee = None
        member.save()
        html = page_text(member_client.get(org_url("my-mentoring", org)))
        assert "not linked to an entry" in html

    def test_admins_take_part_too(self, org, admin, admin_client):
        active_pair(org, mentee=admin)
        html = page_text(admin_client.get(org_url("my-mentoring", org)))
        assert "Morgan Mentor" in html

    def test_stakeholders_get_403_and_no_link(self, org, stakeholder_client):
        assert stakeholder_client.get(org_url("my-mentoring", org)).status_code == 403
        html = page_text(stakeholder_client.get(org_url("org-home", org)))
        assert "My mentoring" not in html and "Notifications" not in html

    def test_outsider_gets_404(self, org, outsider_client):
        assert outsider_client.get(org_url("my-mentoring", org)).status_code == 404

    def test_nav_shows_the_unread_count_in_words(self, org, pair, mentee_client):
        for n in range(3):
            _notice(org, pair.mentee.employee, title=f"Notice {n}")
        html = page_text(mentee_client.get(org_url("org-home", org)))
        assert '>Notifications <span class="badge">3<span class="visually-hidden"> unread</span></span></a>' in html
        assert "My mentoring</a>" in html

    def test_query_count_does_not_grow_with_matches(self, org, pair, django_assert_max_num_queries):
        mentor = pair.mentor
        client = pair.client(mentor)
        schedule(pair)
        goal(pair, milestones=["One"])
        past_scheduled(pair)
        with django_assert_max_num_queries(16) as few:
            client.get(org_url("my-mentoring", org))
        for _ in range(3):
            more = active_pair(org, mentor=mentor)
            schedule(more)
            goal(more, milestones=["One", "Two"])
            past_scheduled(more, hours_ago=5)
            _notice(org, mentor.employee)
        with django_assert_max_num_queries(len(few.captured_queries)):
            html = page_text(client.get(org_url("my-mentoring", org)))
        assert html.count("Log your session with") == 4


class TestMatchSpace:
    def test_people_sessions_and_goals(self, org, pair, mentee_client):
        ahead = schedule(pair, when=timezone.now() + timedelta(days=4))
        done = held(pair, days_ago=10, shared_notes="We talked about delegation.")
        to_log = past_scheduled(pair, hours_ago=2)
        shared = goal(pair, "Present at the all-hands", milestones=["Draft", "Rehearse"])
        html = page_text(mentee_client.get(org_url("mentoring-match", org, match_pk=pair.match.pk)))
        assert "Your match in Grow Together" in html
        assert "Morgan Mentor" in html and 'href="mailto:morgan@alpha.test"' in html
        for session in (ahead, done, to_log):
            assert org_url("session-detail", org, session_pk=session.pk) in html
        assert "Waiting to be logged" in html and "Not logged yet" in html
        assert ">Scheduled</span>" in html and ">Held</span>" in html
        assert "We talked about delegation." not in html  # notes are on the session's page
        assert "Present at the all-hands" in html and "0% done" in html
        assert org_url("goal-detail", org, goal_pk=shared.pk) in html
        assert org_url("session-new", org, match_pk=pair.match.pk) in html
        assert org_url("session-log-past", org, match_pk=pair.match.pk) in html
        assert "Ask to complete this match" in html
        assert org_url("match-end", org, match_pk=pair.match.pk) in html

    def test_empty_states(self, org, pair, mentee_client):
        html = page_text(mentee_client.get(org_url("mentoring-match", org, match_pk=pair.match.pk)))
        assert "No sessions yet." in html and "No goals yet." in html

    def test_someone_elses_match_is_404(self, org, pair):
        other = active_pair(org)
        client = pair.client(pair.mentee)
        for name in ("mentoring-match", "match-end", "session-new", "session-log-past", "goal-new"):
            assert client.get(org_url(name, org, match_pk=other.match.pk)).status_code == 404
        assert client.post(org_url("match-complete", org, match_pk=other.match.pk)).status_code == 404
        assert client.post(org_url("match-end", org, match_pk=other.match.pk), {"reason": "x"}).status_code == 404
        other.match.refresh_from_db()
        assert other.match.status == Match.Status.ACTIVE

    def test_stakeholder_403_outsider_404(self, org, pair, stakeholder_client, outsider_client):
        match_url = org_url("mentoring-match", org, match_pk=pair.match.pk)
        assert stakeholder_client.get(match_url).status_code == 403
        assert outsider_client.get(match_url).status_code == 404

    def test_someone_who_left_the_organization_gets_404(self, org, pair):
        client = pair.client(pair.mentee)
        pair.mentee.delete()
        assert client.get(org_url("mentoring-match", org, match_pk=pair.match.pk)).status_code == 404
        assert client.get(org_url("my-mentoring", org)).status_code == 404

    def test_a_former_member_reads_but_cannot_change(self, org, pair, mentee_client):
        """A circle member who left: the match goes on without them; they can still read it."""
        MatchMember.objects.filter(match=pair.match, participant__employee=pair.mentee.employee).update(current=False)
        html = page_text(mentee_client.get(org_url("mentoring-match", org, match_pk=pair.match.pk)))
        assert "You are no longer in this match" in html
        assert org_url("session-new", org, match_pk=pair.match.pk) not in html
        assert "Ask to complete this match" not in html
        response = mentee_client.post(
            org_url("session-new", org, match_pk=pair.match.pk),
            {"starts_at": "2030-01-01T10:00", "duration_minutes": 45, "format": "video"},
        )
        assert response.status_code == 302
        assert "You are no longer in this match" in page_text(mentee_client.get(response["Location"]))
        assert not pair.match.sessions.exists()

    def test_a_circle_member_never_sees_anothers_personal_goal(self, org):
        circle = active_pair(org, circle_members=1)
        mine = goal(circle, "My own goal", by=circle.mentee, personal=True)
        theirs = goal(circle, "Their own goal", by=circle.others[0], personal=True)
        html = page_text(circle.client(circle.mentee).get(org_url("mentoring-match", org, match_pk=circle.match.pk)))
        assert "My own goal" in html and "Their own goal" not in html
        facilitator = page_text(
            circle.client(circle.mentor).get(org_url("mentoring-match", org, match_pk=circle.match.pk))
        )
        assert "My own goal" in facilitator and "Their own goal" in facilitator
        assert mine.participant_id != theirs.participant_id

    def test_query_count_does_not_grow_with_sessions_and_goals(
        self, org, pair, mentee_client, django_assert_max_num_queries
    ):
        schedule(pair)
        held(pair)
        goal(pair, milestones=["One"])
        match_url = org_url("mentoring-match", org, match_pk=pair.match.pk)
        with django_assert_max_num_queries(14) as few:
            mentee_client.get(match_url)
        for day in range(5):
            schedule(pair, when=timezone.now() + timedelta(days=5 + day))
            held(pair, days_ago=5 + day)
            goal(pair, f"Goal {day}", milestones=["One", "Two"])
        with django_assert_max_num_queries(len(few.captured_queries)):
            html = page_text(mentee_client.get(match_url))
        assert html.count("Goal ") >= 5


class TestCompletion:
    def test_both_ask_and_the_match_is_completed(self, org, pair, mentee_client, mentor_client):
        complete_url = org_url("match-complete", org, match_pk=pair.match.pk)
        response = mentee_client.post(complete_url, {"wanted": "1"})
        assert response.status_code == 302
        me = MatchMember.objects.get(match=pair.match, participant__employee=pair.mentee.employee)
        assert me.completion_requested_at is not None
        html = page_text(mentee_client.get(response["Location"]))
        assert "You asked to complete the match" in html
        assert "Still waiting for Morgan Mentor" in html
        assert "Take back my request" in html
        # The mentor hears of it in the app.
        assert Notification.objects.filter(
            recipient=pair.mentor.employee, title__contains="would like to complete"
        ).exists()

        mentor_client.post(complete_url, {"wanted": "1"})
        pair.match.refresh_from_db()
        assert pair.match.status == Match.Status.COMPLETED
        html = page_text(mentee_client.get(org_url("mentoring-match", org, match_pk=pair.match.pk)))
        assert "This match was completed" in html
        assert org_url("session-new", org, match_pk=pair.match.pk) not in html

    def test_the_request_can_be_taken_back(self, org, pair, mentee_client):
        complete_url = org_url("match-complete", org, match_pk=pair.match.pk)
        mentee_client.post(complete_url, {"wanted": "1"})
        response = mentee_client.post(complete_url, {"wanted": "0"})
        me = MatchMember.objects.get(match=pair.match, participant__employee=pair.mentee.employee)
        assert me.completion_requested_at is None
        assert "You took back your request" in page_text(mentee_client.get(response["Location"]))

    def test_get_is_not_allowed(self, org, pair, mentee_client):
        assert mentee_client.get(org_url("match-complete", org, match_pk=pair.match.pk)).status_code == 405


class TestEndEarly:
    def test_confirmation_page(self, org, pair, mentee_client):
        html = page_text(mentee_client.get(org_url("match-end", org, match_pk=pair.match.pk)))
        assert "End your match with Morgan Mentor early?" in html
        assert "Why does the match end?" in html and "(required)" in html
        assert "I&#x27;d like a new match" in html
        assert "Keep the match" in html

    def test_a_reason_is_required(self, org, pair, mentee_client):
        response = mentee_client.post(
            org_url("match-end", org, match_pk=pair.match.pk), {"reason": "   ", "rematch": "on"}
        )
        assert response.status_code == 400
        assert "Say briefly why the match ends" in page_text(response)
        assert 'aria-invalid="true"' in page_text(response)
        pair.match.refresh_from_db()
        assert pair.match.status == Match.Status.ACTIVE

    def test_ending_with_a_reason(self, org, pair, mentee_client, mentor_client, django_capture_on_commit_callbacks):
        ahead = schedule(pair)
        with django_capture_on_commit_callbacks(execute=True):
            response = mentee_client.post(
                org_url("match-end", org, match_pk=pair.match.pk), {"reason": "Our schedules never line up."}
            )
        assert response.status_code == 302 and response["Location"] == org_url("my-mentoring", org)
        pair.match.refresh_from_db()
        assert pair.match.status == Match.Status.ENDED
        assert pair.match.end_reason == "Our schedules never line up."
        ahead.refresh_from_db()
        assert ahead.status == "cancelled"
        assert Notification.objects.filter(recipient=pair.mentor.employee, title__contains="ended your match").exists()
        # The reason is for HR: the mentor's page never shows it.
        html = page_text(mentor_client.get(org_url("mentoring-match", org, match_pk=pair.match.pk)))
        assert "This match ended early" in html
        assert "Our schedules never line up." not in html

    def test_the_mentor_decides_for_the_mentee_in_words(self, org, pair, mentor_client):
        html = page_text(mentor_client.get(org_url("match-end", org, match_pk=pair.match.pk)))
        assert "Offer Ellis Mentee a new match in this program" in html

    def test_nothing_to_end_once_over(self, org, pair, mentee_client):
        Match.objects.filter(pk=pair.match.pk).update(status=Match.Status.COMPLETED)
        html = page_text(mentee_client.get(org_url("match-end", org, match_pk=pair.match.pk)))
        assert "There is nothing to end" in html
        response = mentee_client.post(org_url("match-end", org, match_pk=pair.match.pk), {"reason": "Too late"})
        assert response.status_code == 302
        pair.match.refresh_from_db()
        assert pair.match.status == Match.Status.COMPLETED and pair.match.end_reason == ""


def test_my_match_links_to_the_mentoring_space(org, pair, mentee_client):
    html = page_text(mentee_client.get(org_url("my-match", org, match_pk=pair.match.pk)))
    assert org_url("mentoring-match", org, match_pk=pair.match.pk) in html
