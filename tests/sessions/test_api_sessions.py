"""Mentoring API, sessions: schedule (invitations go out), list with filters, read with shared notes and one's
own feedback, change, log, cancel, notes. Privacy on the JSON: lists carry no notes or feedback. Someone else's
session is 404, stakeholders are refused, an API token acts as its membership."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.models import Match
from mentorhub.accounts.services.tokens import api_token_create
from sessions.models import MentoringSession, Reminder, SessionFeedback
from sessions.services.sessions import session_cancel
from tests.factories import MembershipFactory

from .factories import NOTES, PRIVATE, active_pair, ahead, api, api_held, api_schedule, at, person, send

pytestmark = pytest.mark.django_db


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def overdue(org, pair, hours_ago: float = 3) -> MentoringSession:
    """A scheduled session whose time has passed (scheduling refuses past times, so made directly)."""
    return MentoringSession.objects.create(
        organization=org,
        program=pair.program,
        match=pair.match,
        starts_at=at(timezone.now() - timedelta(hours=hours_ago)),
        duration_minutes=45,
    )


class TestSchedule:
    def test_schedule_invites_everyone_and_answers_the_session(
        self, org, pair, mentee_client, mailoutbox, django_capture_on_commit_callbacks
    ):
        starts = ahead(5).astimezone(timezone.get_fixed_timezone(120))
        with django_capture_on_commit_callbacks(execute=True):
            response = send(
                mentee_client,
                "post",
                api("session-list", org),
                {
                    "match": pair.match.pk,
                    "starts_at": starts.isoformat(),
                    "duration_minutes": 60,
                    "format": "in_person",
                    "location": "  Room 4.12  ",
                    "agenda": "Promotion case",
                    "time_zone": "Europe/Berlin",
                },
            )
        assert response.status_code == 201, response.content
        body = response.json()
        session = MentoringSession.objects.get(pk=body["id"])
        assert session.starts_at == starts and session.scheduled_by == pair.mentee.employee
        assert (session.status, session.format, session.location, session.time_zone) == (
            "scheduled",
            "in_person",
            "Room 4.12",
            "Europe/Berlin",
        )
        # Times come back in ISO 8601 with their offset (the caller's zone), the same instant.
        assert parse(body["starts_at"]) == starts and parse(body["ends_at"]) == starts + timedelta(minutes=60)
        assert body["starts_at"].endswith(("Z", "+01:00", "+00:00"))
        assert body["match"] == pair.match.pk and body["status"] == "scheduled" and body["duration_minutes"] == 60
        assert [(p["name"], p["role"]) for p in body["people"]] == [
            ("Morgan Mentor", "mentor"),
            ("Ellis Mentee", "mentee"),
        ]
        assert body["shared_notes"] == "" and body["my_feedback"] is None and body["scheduled_by"] == "Ellis Mentee"
        assert body["page_url"] == f"http://testserver/o/{org.slug}/mentoring/sessions/{session.pk}/"
        # Both people were invited, with a calendar file, and reminders are planned.
        assert sorted(m.to[0] for m in mailoutbox) == sorted(p.employee.email for p in pair.members)
        assert all(m.attachments for m in mailoutbox)
        kinds = Reminder.objects.filter(session=session).values_list("kind", flat=True)
        assert sorted(set(kinds)) == ["log_session", "session_1h", "session_24h", "session_invite"]

    def test_time_zone_defaults_to_the_schedulers(self, org, pair, mentor_client):
        pair.mentor.employee.time_zone = "America/New_York"
        pair.mentor.employee.save(update_fields=["time_zone"])
        response = send(
            mentor_client, "post", api("session-list", org), {"match": pair.match.pk, "starts_at": ahead().isoformat()}
        )
        assert response.status_code == 201, response.content
        assert response.json()["time_zone"] == "America/New_York" and response.json()["format"] == "video"
        assert response.json()["starts_at"].endswith(("-04:00", "-05:00"))  # rendered in the caller's zone

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"starts_at": "2030-05-01T10:00:00"}, "starts_at", "Give the time with its offset"),
            ({"starts_at": "tomorrow"}, "starts_at", "Datetime has wrong format"),
            ({"starts_at": "2001-05-01T10:00:00Z"}, "starts_at", "That time has passed"),
            ({"duration_minutes": 5}, "duration_minutes", "greater than or equal to 10"),
            ({"format": "carrier pigeon"}, "format", "is not a valid choice"),
            ({"time_zone": "Mars/Olympus"}, "time_zone", "is not a known time zone"),
            ({"rating": 4}, "rating", "Only a past session (status held) takes this"),
            ({"shared_notes": "Notes"}, "shared_notes", "Only a past session"),
            ({"match": None}, "match", "This field may not be null."),
        ],
    )
    def test_refusals_name_the_field(self, org, pair, mentee_client, data, field, message):
        payload = {"match": pair.match.pk, "starts_at": ahead().isoformat(), **data}
        response = send(mentee_client, "post", api("session-list", org), payload)
        assert response.status_code == 400, response.content
        assert message in " ".join(response.json()[field])
        assert not MentoringSession.objects.exists()

    def test_a_match_that_is_not_yours_is_404(self, org, pair, member_client):
        response = send(
            member_client, "post", api("session-list", org), {"match": pair.match.pk, "starts_at": ahead().isoformat()}
        )
        assert response.status_code == 404
        assert not MentoringSession.objects.exists()

    def test_a_match_that_is_over_is_refused(self, org, pair, mentee_client):
        Match.objects.filter(pk=pair.match.pk).update(status=Match.Status.ENDED)
        response = send(
            mentee_client, "post", api("session-list", org), {"match": pair.match.pk, "starts_at": ahead().isoformat()}
        )
        assert response.status_code == 400
        assert response.json() == {"non_field_errors": ["This match is ended early: it can no longer change."]}


class TestReading:
    def test_list_filters_and_keeps_notes_and_feedback_out(
        self, org, pair, mentee_client, django_assert_max_num_queries
    ):
        past = api_held(org, pair, shared_notes=NOTES, rating=5, topics=["budgets"], reflection=PRIVATE)
        soon = api_schedule(org, pair, ahead(2), agenda="Next steps")
        later = api_schedule(org, pair, ahead(9))
        going_on = overdue(org, pair, hours_ago=0.25)  # started 15 minutes ago, 45 minutes long
        waiting = overdue(org, pair, hours_ago=5)  # over, not logged yet
        called_off = api_schedule(org, pair, ahead(4))
        session_cancel(organization=org, actor=None, employee=pair.mentor.employee, session_id=called_off.pk)
        other_pair = active_pair(org)
        theirs = api_schedule(org, other_pair, ahead(3))

        url = api("session-list", org)
        with django_assert_max_num_queries(8):  # the same for any number of rows: no query per session
            response = mentee_client.get(url)
        body = response.json()
        assert [row["id"] for row in body["results"]] == [
            later.pk,
            called_off.pk,
            soon.pk,
            going_on.pk,
            waiting.pk,
            past.pk,
        ]
        assert body["count"] == 6 and theirs.pk not in [row["id"] for row in body["results"]]
        text = response.content.decode()
        assert NOTES not in text and PRIVATE not in text and "budgets" not in text
        for row in body["results"]:
            assert not {"shared_notes", "my_feedback", "rating", "topics", "reflection"} & set(row)
        assert body["results"][2]["agenda"] == "Next steps"
        assert [p["name"] for p in body["results"][0]["people"]] == ["Morgan Mentor", "Ellis Mentee"]

        upcoming = mentee_client.get(url, {"upcoming": "true"}).json()["results"]
        assert [row["id"] for row in upcoming] == [going_on.pk, soon.pk, later.pk]
        assert [r["id"] for r in mentee_client.get(url, {"status": "held"}).json()["results"]] == [past.pk]
        assert [r["id"] for r in mentee_client.get(url, {"status": "cancelled"}).json()["results"]] == [called_off.pk]
        assert mentee_client.get(url, {"match": pair.match.pk}).json()["count"] == 6
        assert mentee_client.get(url, {"match": other_pair.match.pk}).json()["count"] == 0
        assert mentee_client.get(url, {"status": "bogus", "match": "x"}).json()["count"] == 6

    def test_past_matches_stay_readable(self, org, pair, mentee_client):
        session = api_held(org, pair, shared_notes=NOTES)
        Match.objects.filter(pk=pair.match.pk).update(status=Match.Status.COMPLETED)
        detail = mentee_client.get(api("session-detail", org, session_pk=session.pk))
        assert detail.status_code == 200 and detail.json()["shared_notes"] == NOTES
        refused = send(mentee_client, "post", api("session-notes", org, session_pk=session.pk), {"shared_notes": "x"})
        assert refused.status_code == 400 and "completed" in refused.json()["non_field_errors"][0]


class TestChanges:
    def test_patch_moves_the_session_and_sends_an_updated_invitation(
        self, org, pair, mentor_client, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):  # its own transaction: its invitations go out
            session = api_schedule(org, pair, ahead(3))
        mailoutbox.clear()
        new_start = ahead(4)
        with django_capture_on_commit_callbacks(execute=True):
            response = send(
                mentor_client,
                "patch",
                api("session-detail", org, session_pk=session.pk),
                {"starts_at": new_start.isoformat(), "location": "https://meet.example/abc", "agenda": "CV review"},
            )
        assert response.status_code == 200, response.content
        body = response.json()
        assert parse(body["starts_at"]) == new_start and body["sequence"] == 1 and body["agenda"] == "CV review"
        session.refresh_from_db()
        assert (session.starts_at, session.location, session.sequence) == (new_start, "https://meet.example/abc", 1)
        assert len(mailoutbox) == 2 and all("Updated: Mentoring session" in m.subject for m in mailoutbox)

        only_agenda = send(mentor_client, "patch", api("session-detail", org, session_pk=session.pk), {"agenda": ""})
        assert only_agenda.status_code == 200 and only_agenda.json()["sequence"] == 1  # no new invitation

    def test_patch_refusals(self, org, pair, mentor_client):
        session = api_schedule(org, pair, ahead(3))
        url = api("session-detail", org, session_pk=session.pk)
        past = send(mentor_client, "patch", url, {"starts_at": "2001-01-01T09:00:00+00:00"})
        assert past.status_code == 400 and past.json() == {"starts_at": ["That time has passed: pick a time ahead."]}
        naive = send(mentor_client, "patch", url, {"starts_at": "2030-01-01T09:00:00"})
        assert naive.status_code == 400 and "offset" in naive.json()["starts_at"][0]
        logged = api_held(org, pair)
        refused = send(mentor_client, "patch", api("session-detail", org, session_pk=logged.pk), {"agenda": "x"})
        assert refused.status_code == 400
        assert refused.json() == {
            "non_field_errors": ["Only a scheduled session can be changed; this one is logged already."]
        }
        assert MentoringSession.objects.get(pk=session.pk).sequence == 0

    def test_log_a_session_that_took_place(self, org, pair, mentee_client):
        session = overdue(org, pair)
        response = send(
            mentee_client,
            "post",
            api("session-log", org, session_pk=session.pk),
            {"status": "held", "shared_notes": f"  {NOTES}  "},
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "held" and response.json()["shared_notes"] == NOTES
        session.refresh_from_db()
        assert (session.status, session.logged_by, session.shared_notes) == ("held", pair.mentee.employee, NOTES)
        again = send(mentee_client, "post", api("session-log", org, session_pk=session.pk), {"status": "missed"})
        assert again.status_code == 400 and "logged already" in again.json()["non_field_errors"][0]

    def test_log_refusals(self, org, pair, mentee_client):
        future = api_schedule(org, pair, ahead(2))
        url = api("session-log", org, session_pk=future.pk)
        early = send(mentee_client, "post", url, {"status": "held"})
        assert early.status_code == 400
        assert early.json() == {"status": ["This session has not started yet: log it once it has taken place."]}
        cancelled = send(mentee_client, "post", url, {"status": "cancelled"})
        assert cancelled.status_code == 400 and "not a valid choice" in cancelled.json()["status"][0]
        assert send(mentee_client, "post", url, {}).json() == {"status": ["This field is required."]}
        assert MentoringSession.objects.get(pk=future.pk).status == "scheduled"

    def test_cancel_tells_the_others(self, org, pair, mentee_client, mailoutbox, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):  # its own transaction: its invitations go out
            session = api_schedule(org, pair, ahead(2))
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = send(
                mentee_client, "post", api("session-cancel", org, session_pk=session.pk), {"reason": "Off sick"}
            )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "cancelled" and response.json()["cancel_reason"] == "Off sick"
        session.refresh_from_db()
        assert (session.status, session.cancel_reason, session.sequence) == ("cancelled", "Off sick", 1)
        assert [m.to[0] for m in mailoutbox] == [pair.mentor.employee.email]
        assert "Cancelled: mentoring session" in mailoutbox[0].subject
        again = send(mentee_client, "post", api("session-cancel", org, session_pk=session.pk))
        assert again.status_code == 400 and again.json() == {"non_field_errors": ["This session is cancelled already."]}

    def test_shared_notes(self, org, pair, mentee_client, mentor_client):
        session = api_held(org, pair)
        response = send(
            mentor_client, "post", api("session-notes", org, session_pk=session.pk), {"shared_notes": NOTES}
        )
        assert response.status_code == 200 and response.json()["shared_notes"] == NOTES
        assert MentoringSession.objects.get(pk=session.pk).shared_notes == NOTES
        assert mentee_client.get(api("session-detail", org, session_pk=session.pk)).json()["shared_notes"] == NOTES
        missing = send(mentor_client, "post", api("session-notes", org, session_pk=session.pk), {})
        assert missing.status_code == 400 and missing.json() == {"shared_notes": ["This field is required."]}

        cancelled = api_schedule(org, pair, ahead(2))
        session_cancel(organization=org, actor=None, employee=pair.mentee.employee, session_id=cancelled.pk)
        refused = send(
            mentor_client, "post", api("session-notes", org, session_pk=cancelled.pk), {"shared_notes": NOTES}
        )
        assert refused.status_code == 400
        assert refused.json() == {"non_field_errors": ["This session was cancelled: it has no notes."]}


class TestAccess:
    def test_someone_elses_session_is_404_everywhere(self, org, pair, mentee_client):
        other = active_pair(org)
        theirs = api_held(org, other, shared_notes=NOTES, rating=4, reflection=PRIVATE, by=other.mentee)
        ahead_theirs = api_schedule(org, other, ahead(2), by=other.mentor)
        for session in (theirs, ahead_theirs):
            assert mentee_client.get(api("session-detail", org, session_pk=session.pk)).status_code == 404
            assert mentee_client.get(api("session-feedback", org, session_pk=session.pk)).status_code == 404
            for method, name, data in [
                ("patch", "session-detail", {"agenda": "mine now"}),
                ("post", "session-log", {"status": "held"}),
                ("post", "session-cancel", {}),
                ("post", "session-notes", {"shared_notes": "hello"}),
                ("put", "session-feedback", {"rating": 1}),
            ]:
                response = send(mentee_client, method, api(name, org, session_pk=session.pk), data)
                assert response.status_code == 404, (name, response.content)
        ahead_theirs.refresh_from_db()
        assert (ahead_theirs.status, ahead_theirs.agenda) == ("scheduled", "")
        assert SessionFeedback.objects.get().rating == 4

    def test_people_without_matches_see_nothing(self, org, pair, member_client):
        session = api_held(org, pair)
        assert member_client.get(api("session-list", org)).json()["results"] == []
        assert member_client.get(api("session-detail", org, session_pk=session.pk)).status_code == 404

    def test_an_account_without_a_roster_entry_gets_empty_answers(self, org, pair):
        session = api_held(org, pair)
        client = Client()
        client.force_login(MembershipFactory(organization=org, role="member", employee=None).user)
        assert client.get(api("session-list", org)).json()["count"] == 0
        assert client.get(api("session-detail", org, session_pk=session.pk)).status_code == 404
        created = send(
            client, "post", api("session-list", org), {"match": pair.match.pk, "starts_at": ahead().isoformat()}
        )
        assert created.status_code == 404

    def test_stakeholders_are_refused(self, org, pair, stakeholder_client):
        session = api_schedule(org, pair, ahead(2))
        assert stakeholder_client.get(api("session-list", org)).status_code == 403
        assert stakeholder_client.get(api("session-detail", org, session_pk=session.pk)).status_code == 403
        payload = {"match": pair.match.pk, "starts_at": ahead().isoformat()}
        assert send(stakeholder_client, "post", api("session-list", org), payload).status_code == 403
        assert send(stakeholder_client, "post", api("session-cancel", org, session_pk=session.pk)).status_code == 403
        assert MentoringSession.objects.get(pk=session.pk).status == "scheduled"

    def test_other_organizations_get_404(self, org, pair, outsider_client, outsider):
        session = api_held(org, pair)
        for name, kwargs in [("session-list", {}), ("session-detail", {"session_pk": session.pk})]:
            assert outsider_client.get(api(name, org, **kwargs)).status_code == 404
        theirs = reverse(
            "api-session-detail", kwargs={"org_slug": outsider.organization.slug, "session_pk": session.pk}
        )
        assert outsider_client.get(theirs).status_code == 404
        assert send(outsider_client, "post", api("session-log", org, session_pk=session.pk), {}).status_code == 404

    def test_an_api_token_acts_as_its_membership(self, org, pair, admin, stakeholder):
        _token, raw = api_token_create(organization=org, actor=admin.user, membership=pair.mentee, name="calendar sync")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        payload = {"match": pair.match.pk, "starts_at": ahead().isoformat()}
        created = send(client, "post", api("session-list", org), payload)  # no CSRF token needed
        assert created.status_code == 201, created.content
        assert MentoringSession.objects.get(pk=created.json()["id"]).scheduled_by == pair.mentee.employee
        assert [row["id"] for row in client.get(api("session-list", org)).json()["results"]] == [created.json()["id"]]

        _token, raw = api_token_create(organization=org, actor=admin.user, membership=stakeholder, name="dashboards")
        stakeholder_token = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert send(stakeholder_token, "post", api("session-list", org), payload).status_code == 403

        other = active_pair(org, mentee=person(org, "third@alpha.test", name="Third Person"))
        assert client.get(api("session-detail", org, session_pk=api_held(org, other).pk)).status_code == 404
