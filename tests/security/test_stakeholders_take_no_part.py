"""A stakeholder takes part in nothing: the pages about one's matches and mentor requests refuse them (403), as
the API and every other page about taking part already did. Found by the role matrix: these pages checked
only the membership, so a person made stakeholder while enrolled could still accept a mentor request or a
match through the pages, writes the API refused them.

The person here was a member, enrolled and asked for as a mentor, and then became a stakeholder."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.models import Match, MatchMember, MentorRequest
from mentorhub.accounts.models import Role
from programs.models import Participant, Program
from tests.helpers import client_for
from tests.programs.factories import ParticipantFactory, ProgramFactory
from tests.sessions.factories import person


@pytest.fixture
def demoted(org):
    """A former member, now stakeholder, asked for as mentor and proposed in an approved match."""
    program = ProgramFactory(
        organization=org, status=Program.Status.ENROLLING, match_mode=Program.MatchMode.MENTEE_CHOICE
    )
    former = person(org, "former.member@alpha.test")
    mentor = ParticipantFactory(
        program=program, employee=former.employee, role=Participant.Role.MENTOR, status=Participant.Status.APPROVED
    )
    mentee = ParticipantFactory(program=program, role=Participant.Role.MENTEE, status=Participant.Status.APPROVED)
    request = MentorRequest.objects.create(organization=org, program=program, mentee=mentee, mentor=mentor)
    match = Match.objects.create(organization=org, program=program, status=Match.Status.APPROVED, score=0.7)
    for participant, role in ((mentor, "mentor"), (mentee, "mentee")):
        MatchMember.objects.create(organization=org, program=program, match=match, participant=participant, role=role)
    former.role = Role.STAKEHOLDER
    former.save(update_fields=["role"])
    return {"client": client_for(former), "request": request, "match": match, "mentor": mentor}


def _page(name: str, org, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": org.slug, **kwargs})


def test_a_stakeholder_cannot_accept_a_mentor_request_through_the_page(org, demoted):
    client, request = demoted["client"], demoted["request"]

    assert client.post(_page("mentor-request-accept", org, request_pk=request.pk)).status_code == 403
    assert client.post(_page("mentor-request-decline", org, request_pk=request.pk), {"reason": "Busy"}).status_code == (
        403
    )

    request.refresh_from_db()
    assert request.status == MentorRequest.Status.PENDING


def test_a_stakeholder_cannot_answer_a_match_through_the_page(org, demoted):
    client, match, mentor = demoted["client"], demoted["match"], demoted["mentor"]

    assert client.post(_page("my-match", org, match_pk=match.pk)).status_code == 403
    assert client.post(_page("my-match-decline", org, match_pk=match.pk), {"reason": "No"}).status_code == 403

    assert MatchMember.objects.get(match=match, participant=mentor).response == MatchMember.Response.PENDING


def test_the_api_refused_them_already_and_still_does(org, demoted):
    client, request, match = demoted["client"], demoted["request"], demoted["match"]
    decide = reverse("api-mentor-request-decide", kwargs={"org_slug": org.slug, "request_pk": request.pk})
    respond = reverse("api-my-match-respond", kwargs={"org_slug": org.slug, "match_pk": match.pk})

    assert client.post(decide, {"accept": True}, content_type="application/json").status_code == 403
    assert client.post(respond, {"accept": True}, content_type="application/json").status_code == 403


@pytest.mark.parametrize("name", ["my-matches", "mentor-requests"])
def test_a_stakeholder_does_not_get_the_lists_either(org, demoted, name):
    """Their navigation never offered these pages (templates/org_base.html); now the pages agree."""
    assert demoted["client"].get(_page(name, org)).status_code == 403
