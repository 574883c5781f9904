"""Mentoring API, logging what took place: a past meeting logged in one step (with private feedback), and each
person's own feedback on a session (rate, topics, reflection). Privacy on the JSON: a reflection only ever
reaches its author."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import MentoringSession, Reminder, SessionFeedback

from .factories import NOTES, PRIVATE, ahead, api, api_held, api_schedule, at, send

pytestmark = pytest.mark.django_db


class TestLogPast:
    def test_a_past_meeting_is_logged_in_one_step_with_private_feedback(self, org, pair, mentee_client, mentor_client):
        starts = at(timezone.now() - timedelta(days=2))
        response = send(
            mentee_client,
            "post",
            api("session-list", org),
            {
                "match": pair.match.pk,
                "status": "held",
                "starts_at": starts.isoformat(),
                "duration_minutes": 30,
                "format": "phone",
                "shared_notes": NOTES,
                "rating": 4,
                "topics": ["career", "Career", "budgets"],
                "reflection": PRIVATE,
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        session = MentoringSession.objects.get(pk=body["id"])
        assert (session.status, session.starts_at, session.logged_by) == ("held", starts, pair.mentee.employee)
        assert body["status"] == "held" and body["shared_notes"] == NOTES
        assert body["my_feedback"]["rating"] == 4 and body["my_feedback"]["topics"] == ["career", "budgets"]
        assert body["my_feedback"]["reflection"] == PRIVATE
        feedback = SessionFeedback.objects.get(session=session)
        assert (feedback.author, feedback.reflection) == (pair.mentee.employee, PRIVATE)
        assert not Reminder.objects.filter(session=session).exists()  # nothing to remind of a past meeting

        # The mentor reads the notes, and only that the mentee rated it: never the rating or reflection.
        seen = mentor_client.get(api("session-detail", org, session_pk=session.pk))
        assert seen.status_code == 200
        other = seen.json()
        assert other["shared_notes"] == NOTES and other["my_feedback"] is None
        assert {p["name"]: p["gave_feedback"] for p in other["people"]} == {
            "Morgan Mentor": False,
            "Ellis Mentee": True,
        }
        assert PRIVATE not in seen.content.decode() and "budgets" not in seen.content.decode()

    def test_without_a_rating_no_feedback_is_made(self, org, pair, mentee_client):
        starts = at(timezone.now() - timedelta(hours=5))
        payload = {"match": pair.match.pk, "status": "held", "starts_at": starts.isoformat()}
        response = send(mentee_client, "post", api("session-list", org), payload)
        assert response.status_code == 201, response.content
        assert response.json()["my_feedback"] is None and not SessionFeedback.objects.exists()

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"starts_at": "2100-01-01T10:00:00+00:00"}, "starts_at", "That time is still ahead"),
            ({"starts_at": "2001-01-01T10:00:00+00:00"}, "starts_at", "That is before this match began."),
            ({"agenda": "Agenda"}, "agenda", "Only a session scheduled ahead takes this."),
            ({"reflection": PRIVATE}, "reflection", "Rate the session to add your topics or reflection."),
            ({"rating": 0}, "rating", "greater than or equal to 1"),
            ({"rating": 3, "topics": ["x" * 41]}, "topics", "no more than 40 characters"),
        ],
    )
    def test_refusals(self, org, pair, mentee_client, data, field, message):
        payload = {"match": pair.match.pk, "status": "held", "starts_at": ahead(-1).isoformat(), **data}
        response = send(mentee_client, "post", api("session-list", org), payload)
        assert response.status_code == 400, response.content
        assert message in str(response.json()[field])
        assert not MentoringSession.objects.exists()


class TestFeedback:
    def test_each_person_reads_and_replaces_only_their_own(self, org, pair, mentee_client, mentor_client):
        session = api_held(org, pair)
        url = api("session-feedback", org, session_pk=session.pk)
        assert mentee_client.get(url).status_code == 404  # not rated yet

        response = send(mentee_client, "put", url, {"rating": 4, "topics": ["career"], "reflection": PRIVATE})
        assert response.status_code == 200, response.content
        assert response.json() == {
            **response.json(),
            "session": session.pk,
            "rating": 4,
            "topics": ["career"],
            "reflection": PRIVATE,
        }
        assert mentee_client.get(url).json()["reflection"] == PRIVATE

        replaced = send(mentee_client, "put", url, {"rating": 2})
        assert replaced.status_code == 200 and replaced.json()["reflection"] == "" and replaced.json()["topics"] == []
        feedback = SessionFeedback.objects.get(session=session)
        assert (feedback.author, feedback.rating) == (pair.mentee.employee, 2)
        send(mentee_client, "put", url, {"rating": 5, "reflection": PRIVATE})

        # The mentor has none of their own, and never sees the mentee's.
        assert mentor_client.get(url).status_code == 404
        detail = mentor_client.get(api("session-detail", org, session_pk=session.pk))
        assert PRIVATE not in detail.content.decode() and detail.json()["my_feedback"] is None
        mine = send(mentor_client, "put", url, {"rating": 3, "reflection": "Good energy"})
        assert mine.status_code == 200 and SessionFeedback.objects.filter(session=session).count() == 2
        assert mentor_client.get(url).json()["reflection"] == "Good energy"
        assert PRIVATE not in mentor_client.get(url).content.decode()

    def test_refusals(self, org, pair, mentee_client):
        ahead_session = api_schedule(org, pair, ahead(2))
        refused = send(mentee_client, "put", api("session-feedback", org, session_pk=ahead_session.pk), {"rating": 4})
        assert refused.status_code == 400
        assert refused.json() == {"non_field_errors": ["Only a session that was held can be rated."]}
        url = api("session-feedback", org, session_pk=api_held(org, pair).pk)
        assert "less than or equal to 5" in send(mentee_client, "put", url, {"rating": 6}).json()["rating"][0]
        assert send(mentee_client, "put", url, {}).json() == {"rating": ["This field is required."]}
        too_many = send(mentee_client, "put", url, {"rating": 3, "topics": [f"t{i}" for i in range(9)]})
        assert too_many.status_code == 400 and "topics" in too_many.json()
        assert not SessionFeedback.objects.exists()
