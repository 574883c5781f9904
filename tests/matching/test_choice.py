"""Mentee-choice mode: top suggestions with explanations (never full or forbidden mentors), requests, and the
mentor's decision (an active pair at once; capacity checked)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from matching.models import ExcludedPair, Match, MentorRequest
from matching.services.choice import (
    mentor_request_create,
    mentor_request_decide,
    mentor_request_withdraw,
    suggestions_for,
)
from programs.models import Participant, Program

from .builders import engine_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def choice(org):
    cohort = engine_cohort(org, match_mode=Program.MatchMode.MENTEE_CHOICE)
    for index, skill in enumerate(["Python", "Python", "Leadership", "Excel", "Negotiation", "Python"]):
        cohort.add("mentor", skills=[skill], capacity=1, name=f"Mentor {index} {skill}")
    cohort.add("mentor", skills=["Python"], languages=["German"], name="Mentor German")
    cohort.add("mentee", skills=["Python"], name="Mentee One")
    cohort.add("mentee", skills=["Python"], name="Mentee Two")
    return cohort


def _ask(org, cohort, mentee, mentor, **kwargs):
    return mentor_request_create(
        organization=org,
        actor=None,
        employee=mentee.employee,
        program_id=cohort.program.pk,
        mentor_participant_id=mentor.pk,
        **kwargs,
    )


def _decide(org, mentor, request, accept=True, reason=""):
    return mentor_request_decide(
        organization=org, actor=None, employee=mentor.employee, request_id=request.pk, accept=accept, reason=reason
    )


class TestSuggestions:
    def test_top_five_best_first_with_explanations_never_forbidden(self, org, choice):
        suggestions = suggestions_for(organization=org, participant_id=choice.mentees[0].pk)

        assert len(suggestions) == 5
        names = [s.mentor.employee.name for s in suggestions]
        assert "Mentor German" not in names  # the language is a must
        assert all("Python" in name for name in names[:3])  # those who offer what the mentee wants come first
        assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)
        assert all(s.explanation and sum(p["contribution"] for p in s.explanation) == pytest.approx(s.score, abs=1e-3)
                   for s in suggestions)  # fmt: skip

    def test_full_mentors_are_not_suggested(self, org, choice):
        first = suggestions_for(organization=org, participant_id=choice.mentees[0].pk)[0].mentor
        request = _ask(org, choice, choice.mentees[1], first)
        _decide(org, first, request)
        names = [s.mentor.pk for s in suggestions_for(organization=org, participant_id=choice.mentees[0].pk)]
        assert first.pk not in names

    def test_someone_matched_gets_no_suggestions(self, org, choice):
        mentor = choice.mentors[0]
        _decide(org, mentor, _ask(org, choice, choice.mentees[0], mentor))
        assert suggestions_for(organization=org, participant_id=choice.mentees[0].pk) == []


class TestRequests:
    def test_request_and_accept_make_an_active_pair(self, org, choice, mailoutbox, django_capture_on_commit_callbacks):
        mentee, mentor = choice.mentees[0], choice.mentors[0]
        with django_capture_on_commit_callbacks(execute=True):
            request = _ask(org, choice, mentee, mentor, message="I'd love to learn Python from you.")
        assert request.status == "pending" and request.score > 0 and request.explanation
        assert mailoutbox[-1].to == [mentor.employee.email] and "Python from you" in mailoutbox[-1].body

        with django_capture_on_commit_callbacks(execute=True):
            _decide(org, mentor, request)

        request.refresh_from_db()
        assert request.status == "accepted" and request.decided_at
        match = Match.objects.get(program=choice.program)
        assert match.status == Match.Status.ACTIVE and match.score == request.score
        assert set(match.members.values_list("role", "response")) == {("mentor", "accepted"), ("mentee", "accepted")}
        assert set(Participant.objects.filter(pk__in=[mentee.pk, mentor.pk]).values_list("status", flat=True)) == {
            "matched"
        }
        assert mailoutbox[-1].to == [mentee.employee.email] and f"/matches/{match.pk}/" in mailoutbox[-1].body

    def test_one_open_request_at_a_time_and_withdraw(self, org, choice):
        mentee = choice.mentees[0]
        request = _ask(org, choice, mentee, choice.mentors[0])
        with pytest.raises(ValidationError, match="open request"):
            _ask(org, choice, mentee, choice.mentors[1])
        mentor_request_withdraw(organization=org, actor=None, employee=mentee.employee, request_id=request.pk)
        assert _ask(org, choice, mentee, choice.mentors[1]).status == "pending"

    def test_decline_excludes_the_pair_from_suggestions(self, org, choice):
        mentee, mentor = choice.mentees[0], choice.mentors[0]
        request = _ask(org, choice, mentee, mentor)
        _decide(org, mentor, request, accept=False, reason="Fully booked this quarter.")
        request.refresh_from_db()
        assert request.status == "declined" and request.decline_reason == "Fully booked this quarter."
        assert ExcludedPair.objects.filter(mentor=mentor, mentee=mentee).exists()
        assert mentor.pk not in [s.mentor.pk for s in suggestions_for(organization=org, participant_id=mentee.pk)]
        with pytest.raises(ValidationError, match="not allowed"):
            _ask(org, choice, mentee, mentor)

    def test_the_last_place_goes_to_one_mentee(self, org, choice):
        mentor = choice.mentors[0]  # capacity 1
        first = _ask(org, choice, choice.mentees[0], mentor)
        second = _ask(org, choice, choice.mentees[1], mentor)
        _decide(org, mentor, first)
        with pytest.raises(ValidationError, match="no places left"):
            _decide(org, mentor, second)
        assert MentorRequest.objects.get(pk=second.pk).status == "pending"

    def test_only_the_mentor_decides_and_only_mentee_choice_programs_take_requests(self, org, choice):
        request = _ask(org, choice, choice.mentees[0], choice.mentors[0])
        with pytest.raises(Http404):
            _decide(org, choice.mentors[1], request)
        with pytest.raises(Http404):
            mentor_request_withdraw(
                organization=org, actor=None, employee=choice.mentees[1].employee, request_id=request.pk
            )
        admin_run = engine_cohort(org)
        admin_run.add("mentor", skills=["Python"])
        mentee = admin_run.add("mentee", skills=["Python"])
        with pytest.raises(ValidationError, match="HR team"):
            _ask(org, admin_run, mentee, admin_run.mentors[0])
