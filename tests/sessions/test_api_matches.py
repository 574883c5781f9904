"""Mentoring API, the end of a match: its people ask to complete it or end it early; HR admins read a
program's matches in progress (counts and dates, never notes, feedback, ratings, topics or goal titles)
and end a match."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from matching.models import Match, MatchMember
from matching.services.lifecycle import match_end_early
from sessions.models import MentoringSession, Notification, Reminder
from sessions.services.goals import goal_create
from sessions.services.sessions import session_cancel, session_log_past, session_schedule
from tests.programs.factories import ProgramFactory

from .factories import NOTES, PRIVATE, active_pair, ahead, api, at, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(org):
    return active_pair(org)


def schedule(org, pair, days: float = 3) -> MentoringSession:
    return session_schedule(
        organization=org, actor=None, employee=pair.mentee.employee, match_id=pair.match.pk, starts_at=ahead(days)
    )


def held(org, pair, days_ago: float = 2, **fields) -> MentoringSession:
    return session_log_past(
        organization=org,
        actor=None,
        employee=pair.mentee.employee,
        match_id=pair.match.pk,
        starts_at=at(timezone.now() - timedelta(days=days_ago)),
        **fields,
    )


def titles(employee) -> list[str]:
    return list(Notification.objects.filter(recipient=employee).values_list("title", flat=True))


class TestCompletion:
    def test_completed_once_everyone_asked(self, org, pair):
        mentee, mentor = pair.client(pair.mentee), pair.client(pair.mentor)
        session = schedule(org, pair)
        first = send(mentee, "post", api("mentoring-match-complete", org, match_pk=pair.match.pk), {"wanted": True})
        assert first.status_code == 200, first.content
        assert first.json() == {
            "match": pair.match.pk,
            "status": "active",
            "completed": False,
            "waiting_for": ["Morgan Mentor"],
        }
        assert titles(pair.mentor.employee) == [
            f"Ellis Mentee would like to complete your match in {pair.program.name}"
        ]
        assert MatchMember.objects.get(participant__employee=pair.mentee.employee).completion_requested_at is not None

        second = send(mentor, "post", api("mentoring-match-complete", org, match_pk=pair.match.pk))  # wanted: default
        assert second.json() == {**second.json(), "status": "completed", "completed": True, "waiting_for": []}
        pair.match.refresh_from_db()
        assert pair.match.status == "completed" and pair.match.ended_at is not None
        assert MentoringSession.objects.get(pk=session.pk).status == "cancelled"
        assert f"Your match in {pair.program.name} is completed" in titles(pair.mentee.employee)

    def test_take_it_back(self, org, pair):
        mentee = pair.client(pair.mentee)
        url = api("mentoring-match-complete", org, match_pk=pair.match.pk)
        send(mentee, "post", url, {"wanted": True})
        back = send(mentee, "post", url, {"wanted": False})
        assert back.json()["completed"] is False
        assert sorted(back.json()["waiting_for"]) == ["Ellis Mentee", "Morgan Mentor"]
        assert MatchMember.objects.get(participant__employee=pair.mentee.employee).completion_requested_at is None
        assert send(mentee, "post", url, {"wanted": "perhaps"}).json() == {"wanted": ["Must be a valid boolean."]}


class TestEndEarly:
    def test_a_member_ends_the_match(self, org, pair):
        ahead_session = schedule(org, pair)
        response = send(
            pair.client(pair.mentee),
            "post",
            api("mentoring-match-end", org, match_pk=pair.match.pk),
            {"reason": "Our goals drifted apart", "rematch": False},
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["match"], body["status"], body["rematch_run"]) == (pair.match.pk, "ended", None)
        pair.match.refresh_from_db()
        assert (pair.match.status, pair.match.end_reason) == ("ended", "Our goals drifted apart")
        assert MentoringSession.objects.get(pk=ahead_session.pk).status == "cancelled"
        assert Reminder.objects.filter(session=ahead_session, kind="session_cancelled").count() == 2
        # The mentor hears that it ended, not why.
        told = Notification.objects.get(recipient=pair.mentor.employee)
        assert told.title == f"Ellis Mentee ended your match in {pair.program.name}"
        assert "drifted" not in told.title + told.body
        assert not Notification.objects.filter(recipient=pair.mentee.employee).exists()

    def test_refusals(self, org, pair, member_client):
        mentee = pair.client(pair.mentee)
        url = api("mentoring-match-end", org, match_pk=pair.match.pk)
        assert send(mentee, "post", url, {}).json() == {"reason": ["This field is required."]}
        assert send(mentee, "post", url, {"reason": "   "}).json() == {"reason": ["This field may not be blank."]}
        assert send(member_client, "post", url, {"reason": "Not mine"}).status_code == 404
        assert (
            send(member_client, "post", api("mentoring-match-complete", org, match_pk=pair.match.pk)).status_code == 404
        )
        assert Match.objects.get(pk=pair.match.pk).status == "active"
        send(mentee, "post", url, {"reason": "Moving on", "rematch": False})
        # Once over, its people still know it: they are told it has ended, not that it does not exist.
        again = send(pair.client(pair.mentor), "post", url, {"reason": "Me too"})
        assert again.status_code == 400 and "ended early, not active" in str(again.json())
        assert Match.objects.get(pk=pair.match.pk).end_reason == "Moving on"

    def test_a_proposed_match_is_not_there_yet(self, org):
        proposed = active_pair(org, status=Match.Status.PROPOSED)
        response = send(
            proposed.client(proposed.mentee), "post", api("mentoring-match-end", org, match_pk=proposed.match.pk), {}
        )
        assert response.status_code == 404

    def test_stakeholders_and_outsiders(self, org, pair, stakeholder_client, outsider_client):
        for name in ("mentoring-match-end", "mentoring-match-complete"):
            url = api(name, org, match_pk=pair.match.pk)
            assert send(stakeholder_client, "post", url, {"reason": "x"}).status_code == 403
            assert send(outsider_client, "post", url, {"reason": "x"}).status_code == 404
        assert Match.objects.get(pk=pair.match.pk).status == "active"


class TestAdminOverview:
    def test_counts_and_dates_never_content(self, org, admin_client, pair, django_assert_max_num_queries):
        held(org, pair, days_ago=10, shared_notes=NOTES, rating=2, topics=["budgets"], reflection=PRIVATE)
        held(org, pair, days_ago=3)
        upcoming = schedule(org, pair, days=4)
        cancelled = schedule(org, pair, days=6)
        session_cancel(organization=org, actor=None, employee=pair.mentor.employee, session_id=cancelled.pk)
        goal_create(organization=org, employee=pair.mentee.employee, match_id=pair.match.pk, title="Secret ambition")
        ended = active_pair(org, program=pair.program)
        match_end_early(organization=org, actor=None, match_id=ended.match.pk, reason="Left the company")
        active_pair(org, status=Match.Status.ACTIVE)  # another program: not listed

        url = api("program-mentoring-list", org, program_pk=pair.program.pk)
        with django_assert_max_num_queries(12):
            response = admin_client.get(url)
        assert response.status_code == 200, response.content
        rows = {row["id"]: row for row in response.json()["results"]}
        assert set(rows) == {pair.match.pk, ended.match.pk}
        row = rows[pair.match.pk]
        assert (row["status"], row["held"], row["missed"], row["cancelled"], row["goals"], row["goals_done"]) == (
            "active",
            2,
            0,
            1,
            1,
            0,
        )
        assert row["people"] == [
            {"name": "Morgan Mentor", "role": "mentor"},
            {"name": "Ellis Mentee", "role": "mentee"},
        ]
        assert row["next_at"] is not None and row["next_at"][:10] == upcoming.starts_at.date().isoformat()
        assert row["last_held_at"] is not None and row["days_since_last"] == 3 and row["nudges"] == 0
        assert rows[ended.match.pk]["end_reason"] == "Left the company" and rows[ended.match.pk]["status"] == "ended"
        text = response.content.decode()
        for secret in (NOTES, PRIVATE, "budgets", "Secret ambition"):
            assert secret not in text
        assert not {"shared_notes", "reflection", "rating", "topics", "feedback", "title"} & set(row)

        only_ended = admin_client.get(url, {"status": "ended"}).json()["results"]
        assert [r["id"] for r in only_ended] == [ended.match.pk]

    def test_admins_only(self, org, pair, member_client, stakeholder_client, outsider_client):
        url = api("program-mentoring-list", org, program_pk=pair.program.pk)
        end_url = api("program-mentoring-end", org, program_pk=pair.program.pk, match_pk=pair.match.pk)
        for client in (member_client, stakeholder_client, pair.client(pair.mentee)):
            assert client.get(url).status_code == 403
            assert send(client, "post", end_url, {"reason": "x"}).status_code == 403
        assert outsider_client.get(url).status_code == 404
        assert send(outsider_client, "post", end_url, {"reason": "x"}).status_code == 404
        assert Match.objects.get(pk=pair.match.pk).status == "active"

    def test_an_admin_ends_a_match(self, org, admin_client, pair):
        session = schedule(org, pair)
        url = api("program-mentoring-end", org, program_pk=pair.program.pk, match_pk=pair.match.pk)
        assert send(admin_client, "post", url, {"rematch": False}).json() == {"reason": ["This field is required."]}
        response = send(admin_client, "post", url, {"reason": "The mentor left the company", "rematch": False})
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "ended" and response.json()["match"] == pair.match.pk
        pair.match.refresh_from_db()
        assert (pair.match.status, pair.match.end_reason) == ("ended", "The mentor left the company")
        assert MentoringSession.objects.get(pk=session.pk).status == "cancelled"
        for membership in pair.members:
            assert titles(membership.employee) == [f"HR ended your match in {pair.program.name}"]

    def test_a_match_of_another_program_is_404(self, org, admin_client, pair):
        elsewhere = ProgramFactory(organization=org, status="active")
        url = api("program-mentoring-end", org, program_pk=elsewhere.pk, match_pk=pair.match.pk)
        assert send(admin_client, "post", url, {"reason": "x"}).status_code == 404
        proposed = active_pair(org, program=pair.program, status=Match.Status.PROPOSED)
        url = api("program-mentoring-end", org, program_pk=pair.program.pk, match_pk=proposed.match.pk)
        assert send(admin_client, "post", url, {"reason": "x"}).status_code == 404
        assert Match.objects.get(pk=pair.match.pk).status == "active"
