"""Participants' matching pages: my matches (with whom, status, why), one match with accept / decline (a
reason is required, declining is confirmed on its own page), mentee-choice suggestions and requests, the
mentor's requests. A person sees only their own: another member's match or request answers 404."""

from __future__ import annotations

import re

import pytest

from matching.models import ExcludedPair, Match, MatchMember, MentorRequest
from programs.models import Participant, Program
from tests.helpers import org_url, page_text

from .builders import make_match, make_run, page_cohort


@pytest.fixture
def cohort(org, member):
    """The signed-in member is a mentee of the program, next to Mentee A-C and Mentor A-B."""
    cohort = page_cohort(org)
    cohort.me = cohort.add(Participant.Role.MENTEE, name="Me", level=2, employee=member.employee)
    return cohort


@pytest.fixture
def my_match(cohort):
    run = make_run(cohort)
    return make_match(cohort, run, cohort.mentors[0], [cohort.me], score=0.74, status=Match.Status.APPROVED)


class TestMyMatches:
    def test_lists_my_matches_with_the_other_person_status_and_why(self, org, member, member_client, cohort, my_match):
        html = page_text(member_client.get(org_url("my-matches", org)))
        assert "My matches" in html
        assert 'aria-current="page">My matches</a>' in html
        assert cohort.mentors[0].employee.name in html
        assert "Approved, waiting for answers" in html
        assert "Why you were matched" in html
        assert "Goals: both want Leadership" in html
        assert "1 match waits for your answer" in html
        assert org_url("my-match", org, match_pk=my_match.pk) in html

    def test_proposals_and_other_peoples_matches_are_not_shown(self, org, member_client, cohort, my_match):
        run = my_match.run
        make_match(cohort, run, cohort.mentors[1], [cohort.mentees[0]], status=Match.Status.APPROVED)
        # A proposal nobody approved yet is the admin's business only.
        Match.objects.filter(pk=my_match.pk).update(status=Match.Status.PROPOSED)
        html = page_text(member_client.get(org_url("my-matches", org)))
        assert cohort.mentors[0].employee.name not in html
        assert cohort.mentees[0].employee.name not in html
        assert "No match yet" in html

    def test_without_a_roster_entry_it_says_so(self, org, member, member_client):
        member.employee = None
        member.save()
        html = page_text(member_client.get(org_url("my-matches", org)))
        assert "not linked to an entry" in html

    def test_query_count_is_bounded(self, org, member_client, cohort, my_match, django_assert_max_num_queries):
        # Active, so the other person's email shows: the page reads the columns it shows in its own queries
        # (matching.selectors.match_cards_of_employee), never a person or a match one by one.
        Match.objects.filter(pk=my_match.pk).update(status=Match.Status.ACTIVE)
        with django_assert_max_num_queries(8):
            html = page_text(member_client.get(org_url("my-matches", org)))
        other = cohort.mentors[0].employee
        assert f'<a href="mailto:{other.email}">' in html and other.name in html and "Why you were matched" in html


class TestMyMatch:
    def test_shows_the_match_and_both_answers(self, org, member_client, cohort, my_match):
        html = page_text(member_client.get(org_url("my-match", org, match_pk=my_match.pk)))
        assert f"Your match in {cohort.program.name}" in html
        assert cohort.mentors[0].employee.name in html
        assert "Accept the match" in html
        assert org_url("my-match-decline", org, match_pk=my_match.pk) in html
        assert "+0.42" in html

    def test_another_members_match_is_not_found(self, org, member_client, cohort, my_match):
        theirs = make_match(cohort, my_match.run, cohort.mentors[1], [cohort.mentees[0]], status=Match.Status.APPROVED)
        for name in ("my-match", "my-match-decline"):
            url = org_url(name, org, match_pk=theirs.pk)
            assert member_client.get(url).status_code == 404
            assert member_client.post(url, {"reason": "no"}).status_code == 404
        assert set(theirs.members.values_list("response", flat=True)) == {MatchMember.Response.PENDING}

    def test_accept_then_active_when_everyone_accepted(self, org, member_client, cohort, my_match):
        response = member_client.post(org_url("my-match", org, match_pk=my_match.pk), {"accept": "1"})
        assert response.status_code == 302
        me = my_match.members.get(participant=cohort.me)
        assert me.response == MatchMember.Response.ACCEPTED
        my_match.refresh_from_db()
        assert my_match.status == Match.Status.APPROVED
        html = page_text(member_client.get(response["Location"]))
        assert "You accepted" in html and "Waiting for the others" in html
        assert "Accept the match" not in html

        mentor = my_match.members.get(participant=cohort.mentors[0])
        MatchMember.objects.filter(pk=mentor.pk).update(response=MatchMember.Response.ACCEPTED)
        member_client.post(org_url("my-match", org, match_pk=my_match.pk))
        my_match.refresh_from_db()
        assert my_match.status == Match.Status.ACTIVE
        html = page_text(member_client.get(org_url("my-match", org, match_pk=my_match.pk)))
        assert f'href="mailto:{cohort.mentors[0].employee.email}"' in html

    def test_decline_asks_for_a_reason_and_refuses_without_one(self, org, member_client, cohort, my_match):
        url = org_url("my-match-decline", org, match_pk=my_match.pk)
        html = page_text(member_client.get(url))
        assert "Decline your match" in html
        assert re.search(r'<label for="id_reason">Why are you declining\?', html)
        response = member_client.post(url, {"reason": "   "})
        assert response.status_code == 400
        assert 'aria-invalid="true"' in page_text(response)
        my_match.refresh_from_db()
        assert my_match.status == Match.Status.APPROVED
        assert not ExcludedPair.objects.exists()

    def test_decline_with_a_reason_frees_both_and_excludes_the_pair(self, org, member_client, cohort, my_match):
        url = org_url("my-match-decline", org, match_pk=my_match.pk)
        response = member_client.post(url, {"reason": "We already work together every day."})
        assert response.status_code == 302
        assert response["Location"] == org_url("my-matches", org)
        my_match.refresh_from_db()
        assert my_match.status == Match.Status.DECLINED
        me = MatchMember.objects.get(match=my_match, participant=cohort.me)
        assert me.decline_reason == "We already work together every day."
        assert ExcludedPair.objects.filter(mentor=cohort.mentors[0], mentee=cohort.me).exists()
        html = page_text(member_client.get(org_url("my-match", org, match_pk=my_match.pk)))
        assert "You declined" in html


@pytest.fixture
def choice(org, member):
    """A mentee-choice program: the member is an approved mentee; two mentors with room."""
    cohort = page_cohort(org, mentees=0, match_mode=Program.MatchMode.MENTEE_CHOICE, name="Pick Your Mentor")
    cohort.me = cohort.add(Participant.Role.MENTEE, name="Me", level=2, employee=member.employee)
    return cohort


class TestSuggestions:
    def test_the_mentee_sees_suggestions_with_reasons_and_requests_one(self, org, member_client, choice):
        url = org_url("program-suggestions", org, program_pk=choice.program.pk)
        html = page_text(member_client.get(url))
        for mentor in choice.mentors:
            assert f"Request {mentor.employee.name}" in html
        assert html.count("<details>") == len(choice.mentors)
        assert "Fit: <strong>" in html

        response = member_client.post(url, {"mentor": str(choice.mentors[0].pk), "message": "Hello!"})
        assert response.status_code == 302
        request = MentorRequest.objects.get()
        assert request.mentee == choice.me and request.mentor == choice.mentors[0]
        assert request.message == "Hello!"
        html = page_text(member_client.get(url))
        assert "Your request" in html and choice.mentors[0].employee.name in html
        assert "Request " + choice.mentors[1].employee.name not in html

        member_client.post(org_url("mentor-request-withdraw", org, request_pk=request.pk))
        request.refresh_from_db()
        assert request.status == MentorRequest.Status.WITHDRAWN

    def test_my_matches_links_to_the_suggestions(self, org, member_client, choice):
        html = page_text(member_client.get(org_url("my-matches", org)))
        assert org_url("program-suggestions", org, program_pk=choice.program.pk) in html

    def test_a_program_the_member_is_not_a_mentee_of_is_not_found(self, org, member_client, cohort):
        other = page_cohort(org, name="Not mine", match_mode=Program.MatchMode.MENTEE_CHOICE)
        assert member_client.get(org_url("program-suggestions", org, program_pk=other.program.pk)).status_code == 404

    def test_admin_mode_programs_say_hr_matches(self, org, member_client, cohort):
        html = page_text(member_client.get(org_url("program-suggestions", org, program_pk=cohort.program.pk)))
        assert "HR proposes the matches" in html


class TestMentorRequests:
    @pytest.fixture
    def request_to_me(self, org, member):
        """The member is a mentor here; Mentee X asked them."""
        program = page_cohort(org, mentors=0, mentees=0, match_mode=Program.MatchMode.MENTEE_CHOICE, name="Mentor me")
        mine = program.add(Participant.Role.MENTOR, name="Me", level=7, employee=member.employee)
        mentee = program.add(Participant.Role.MENTEE, name="Mentee X", level=2)
        return MentorRequest.objects.create(
            organization=org,
            program=program.program,
            mentee=mentee,
            mentor=mine,
            score=0.7,
            explanation=[{"label": "Goals: both want Leadership", "contribution": 0.7}],
            message="Keen to learn from you",
        )

    def test_the_mentor_sees_and_accepts(self, org, member_client, request_to_me):
        html = page_text(member_client.get(org_url("mentor-requests", org)))
        assert "Mentee X" in html and "Keen to learn from you" in html
        assert "Goals: both want Leadership" in html
        response = member_client.post(org_url("mentor-request-accept", org, request_pk=request_to_me.pk))
        assert response.status_code == 302
        request_to_me.refresh_from_db()
        assert request_to_me.status == MentorRequest.Status.ACCEPTED
        match = Match.objects.get(program=request_to_me.program)
        assert match.status == Match.Status.ACTIVE

    def test_decline_requires_a_reason(self, org, member_client, request_to_me):
        url = org_url("mentor-request-decline", org, request_pk=request_to_me.pk)
        assert member_client.post(url, {"reason": ""}).status_code == 400
        request_to_me.refresh_from_db()
        assert request_to_me.status == MentorRequest.Status.PENDING
        member_client.post(url, {"reason": "No time this quarter"})
        request_to_me.refresh_from_db()
        assert request_to_me.status == MentorRequest.Status.DECLINED
        assert request_to_me.decline_reason == "No time this quarter"

    def test_someone_elses_request_is_not_found(self, org, admin_client, request_to_me):
        for name in ("mentor-request-accept", "mentor-request-decline", "mentor-request-withdraw"):
            assert (
                admin_client.post(org_url(name, org, request_pk=request_to_me.pk), {"reason": "x"}).status_code == 404
            )
        request_to_me.refresh_from_db()
        assert request_to_me.status == MentorRequest.Status.PENDING


def test_outsider_gets_404(org, outsider, outsider_client, cohort, my_match):
    request = MentorRequest.objects.create(
        organization=org, program=cohort.program, mentee=cohort.mentees[0], mentor=cohort.mentors[1]
    )
    urls = [org_url("my-matches", org), org_url("mentor-requests", org)]
    urls += [org_url("program-suggestions", org, program_pk=cohort.program.pk)]
    for slug_org in (org, outsider.organization):
        urls += [
            org_url("my-match", slug_org, match_pk=my_match.pk),
            org_url("my-match-decline", slug_org, match_pk=my_match.pk),
            org_url("mentor-request-accept", slug_org, request_pk=request.pk),
            org_url("mentor-request-decline", slug_org, request_pk=request.pk),
            org_url("mentor-request-withdraw", slug_org, request_pk=request.pk),
        ]
    for url in urls:
        answers = {outsider_client.get(url).status_code, outsider_client.post(url, {"reason": "x"}).status_code}
        assert 404 in answers and answers <= {404, 405}, (url, answers)
    assert set(my_match.members.values_list("response", flat=True)) == {MatchMember.Response.PENDING}
