"""A card's buttons act through the web pages' services, for the person the card was for only, exactly once
(a double click, two devices racing on PostgreSQL), with the web's audit; the card is then replaced by its
outcome (update activity on the Bot Connector, and the invoke's own answer)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from analytics.models import SurveyAssignment, SurveyResponse
from integrations.teams.content import checkin_assignment
from integrations.teams.models import TeamsCard
from matching.models import Match, MatchMember
from mentorhub.accounts.models import AuditEvent, Role
from sessions.models import Reminder
from tests.analytics.survey_data import by_code, pair_due_now
from tests.helpers import race, require_postgresql
from tests.sessions.factories import active_pair, api_schedule

from .teams_data import ELLIS, MORGAN, approved_pair, conversation_path, deliver_match, deliver_reminders, invoke
from .teams_peer import activity, install, link, post_activity, token

ACCEPTED = "You accepted. The match starts when everyone has."


def _press(peer, key, body) -> dict:
    response = post_activity(Client(), body, token(key, peer.service_url))
    assert response.status_code == 200, response.content
    answer = json.loads(response.content)
    assert answer["statusCode"] == 200 and answer["type"] == "application/vnd.microsoft.card.adaptive"
    return answer["value"]


def _texts(card: dict) -> list[str]:
    return [block["text"] for block in card["body"]]


@pytest.mark.django_db
def test_accept_acts_once_and_the_card_shows_the_outcome(
    org, bot_peer, signing_key, django_capture_on_commit_callbacks
):
    pair = approved_pair(org, bot_peer)
    deliver_match(pair.match.pk, django_capture_on_commit_callbacks)
    card = TeamsCard.objects.get(organization=org)

    first = _press(bot_peer, signing_key, invoke(bot_peer, "accept", card.pk))
    again = _press(bot_peer, signing_key, invoke(bot_peer, "accept", card.pk))  # the double click

    member = MatchMember.objects.get(match=pair.match, participant__employee=pair.mentee.employee)
    assert member.response == MatchMember.Response.ACCEPTED
    assert Match.objects.get(pk=pair.match.pk).status == Match.Status.APPROVED  # the mentor has not answered
    events = AuditEvent.objects.filter(organization=org, verb="match.accept")
    assert [(e.actor_id, e.target_id) for e in events] == [(pair.mentee.user_id, str(pair.match.pk))]
    assert _texts(first) == [f"Your match in {pair.program.name}", ACCEPTED] and "actions" not in first
    assert again == first
    (update,) = bot_peer.updated()
    card.refresh_from_db()
    assert update.path == conversation_path(ELLIS, "activities", card.activity_id)
    assert update.body["id"] == card.activity_id
    assert update.body["attachments"][0]["content"] == first
    assert card.outcome == ACCEPTED and card.acted_at is not None


@pytest.mark.django_db
def test_decline_needs_a_reason_then_declines_with_it(org, bot_peer, signing_key, django_capture_on_commit_callbacks):
    pair = approved_pair(org, bot_peer)
    deliver_match(pair.match.pk, django_capture_on_commit_callbacks)
    card = TeamsCard.objects.get(organization=org)

    refused = _press(bot_peer, signing_key, invoke(bot_peer, "decline", card.pk, reason="  "))

    assert _texts(refused)[1] == "Tell us briefly why, so the next match fits better."
    assert Match.objects.get(pk=pair.match.pk).status == Match.Status.APPROVED
    assert not bot_peer.updated()

    _press(bot_peer, signing_key, invoke(bot_peer, "decline", card.pk, reason="We work in the same team"))

    match = Match.objects.get(pk=pair.match.pk)
    assert match.status == Match.Status.DECLINED and match.end_reason == "We work in the same team"
    assert AuditEvent.objects.filter(organization=org, verb="match.decline").count() == 1
    assert len(bot_peer.updated()) == 1


@pytest.mark.django_db
def test_a_card_of_someone_else_is_not_theirs_to_press(org, bot_peer, signing_key, django_capture_on_commit_callbacks):
    pair = approved_pair(org, bot_peer, link_mentor=True)
    deliver_match(pair.match.pk, django_capture_on_commit_callbacks)
    mentees_card = TeamsCard.objects.get(organization=org, employee=pair.mentee.employee)

    answer = _press(bot_peer, signing_key, invoke(bot_peer, "accept", mentees_card.pk, user_id=MORGAN))

    assert _texts(answer)[1] == "This card is not for you."
    assert not MatchMember.objects.filter(match=pair.match, response=MatchMember.Response.ACCEPTED).exists()
    assert not AuditEvent.objects.filter(verb="match.accept").exists()
    assert not bot_peer.updated()


@pytest.mark.django_db
def test_a_card_of_another_organization_is_not_found(
    org, other_org, bot_peer, signing_key, django_capture_on_commit_callbacks
):
    """The activity's tenant names the organization: another organization's card id is not found in it."""
    pair = approved_pair(org, bot_peer)
    deliver_match(pair.match.pk, django_capture_on_commit_callbacks)
    card = TeamsCard.objects.get(organization=org)
    other_tenant = "99999999-8888-7777-6666-555555555555"
    install(other_org, tenant=other_tenant)
    intruder = active_pair(other_org).mentee.employee
    link(other_org, intruder, bot_peer, "29:intruder")
    body = invoke(bot_peer, "accept", card.pk, user_id="29:intruder")
    body["channelData"]["tenant"]["id"] = body["conversation"]["tenantId"] = other_tenant

    answer = _press(bot_peer, signing_key, body)

    assert _texts(answer)[1] == "This card is not for you."
    assert not AuditEvent.objects.filter(verb="match.accept").exists()


@pytest.mark.django_db
def test_a_stakeholder_may_not_answer_from_teams_as_on_the_web(
    org, bot_peer, signing_key, django_capture_on_commit_callbacks
):
    pair = approved_pair(org, bot_peer)
    deliver_match(pair.match.pk, django_capture_on_commit_callbacks)
    card = TeamsCard.objects.get(organization=org)
    pair.mentee.role = Role.STAKEHOLDER
    pair.mentee.save(update_fields=["role"])

    answer = _press(bot_peer, signing_key, invoke(bot_peer, "accept", card.pk))

    assert _texts(answer)[1] == "Sign in to MentorHub once to answer from Teams."
    assert not AuditEvent.objects.filter(verb="match.accept").exists()


@pytest.mark.django_db
def test_confirming_a_session_invitation(org, bot_peer, signing_key, django_capture_on_commit_callbacks):
    install(org)
    pair = active_pair(org)
    link(org, pair.mentee.employee, bot_peer, ELLIS)
    session = api_schedule(org, pair, by=pair.mentor)
    deliver_reminders(django_capture_on_commit_callbacks)
    card = TeamsCard.objects.get(organization=org, kind="session_invite")

    answer = _press(bot_peer, signing_key, invoke(bot_peer, "confirm", card.pk))
    _press(bot_peer, signing_key, invoke(bot_peer, "confirm", card.pk))

    assert _texts(answer)[1].startswith("You confirmed the session on ")
    events = AuditEvent.objects.filter(organization=org, verb="session.attendance_confirm")
    assert [(e.actor_id, e.target_id) for e in events] == [(pair.mentee.user_id, str(session.pk))]
    assert len(bot_peer.updated()) == 1


@pytest.mark.django_db
def test_answering_a_check_in_from_its_card(org, bot_peer, signing_key, django_capture_on_commit_callbacks):
    install(org)
    pair = pair_due_now(org)
    link(org, pair.mentee.employee, bot_peer, ELLIS)
    deliver_reminders(django_capture_on_commit_callbacks)
    card = TeamsCard.objects.get(organization=org, kind="checkin_due")
    assignment = checkin_assignment(org, Reminder.objects.get(pk=card.object_id))
    ids = by_code(assignment)
    inputs = {f"q{ids['going_well']}": "4", f"q{ids['checkin_comment']}": "Good talks"}

    answer = _press(bot_peer, signing_key, invoke(bot_peer, "answer", card.pk, **inputs))

    assert _texts(answer)[1] == "Thank you: your answers are in."
    response = SurveyResponse.objects.get(assignment=assignment)
    assert response.answers == {str(ids["going_well"]): 4, str(ids["checkin_comment"]): "Good talks"}
    assert SurveyAssignment.objects.get(pk=assignment.pk).status == SurveyAssignment.Status.ANSWERED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("repeat", range(2))
def test_two_clicks_racing_accept_once(org, bot_peer, signing_key, django_capture_on_commit_callbacks, repeat):
    require_postgresql()
    pair = approved_pair(org, bot_peer)
    deliver_match(pair.match.pk, django_capture_on_commit_callbacks)
    card = TeamsCard.objects.get(organization=org)
    bearer = token(signing_key, bot_peer.service_url)

    def click():
        return post_activity(Client(), invoke(bot_peer, "accept", card.pk), bearer)

    results = race(click, click)

    assert [kind for kind, _ in results] == ["ok", "ok"], results
    answers = [json.loads(response.content)["value"] for _, response in results]
    assert answers[0] == answers[1] and _texts(answers[0])[1] == ACCEPTED
    assert AuditEvent.objects.filter(organization=org, verb="match.accept").count() == 1
    assert len(bot_peer.updated()) == 1


@pytest.mark.django_db
def test_an_action_submit_from_an_older_client_acts_the_same(
    org, bot_peer, signing_key, django_capture_on_commit_callbacks
):
    """Clients without Universal Actions send the button's data as a message's value (Action.Submit): the same
    action, once, and the card is updated in place (the message has no invoke answer)."""
    pair = approved_pair(org, bot_peer)
    deliver_match(pair.match.pk, django_capture_on_commit_callbacks)
    card = TeamsCard.objects.get(organization=org)
    body = activity(bot_peer, "message", user_id=ELLIS, value={"card": card.pk, "verb": "accept"})

    response = post_activity(Client(), body, token(signing_key, bot_peer.service_url))

    assert response.status_code == 200 and response.content == b""
    assert MatchMember.objects.get(match=pair.match, participant__employee=pair.mentee.employee).response == "accepted"
    (update,) = bot_peer.updated()
    assert _texts(update.body["attachments"][0]["content"])[1] == ACCEPTED
    assert not bot_peer.sent()[1:], "no greeting or other message besides the card"
