"""Two clicks on the same Accept button at the same moment, in two real PostgreSQL transactions on two
connections: the match is accepted once, audited once, and both requests end showing the one outcome. Skipped
without PostgreSQL; fails instead when MENTORHUB_REQUIRE_SERVICES is set (CI)."""

# ruff: noqa: F811 - the fixtures imported from slack_fixtures are named as test arguments

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from integrations.slack.models import SlackMessage
from matching.models import MatchMember
from mentorhub.accounts.extensions import PersonalNotice, notice_channels_deliver
from mentorhub.accounts.models import AuditEvent
from tests.helpers import race, require_postgresql

from .slack_fixtures import cohort, installation, match, peer, slack_users  # noqa: F401 - fixtures (tests/integrations/ has no conftest of its own)
from .slack_peer import block_action, interaction_body, signed_headers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("repeat", range(2))
def test_two_simultaneous_clicks_accept_once(org, member, match, installation, peer, repeat):
    require_postgresql()
    notice_channels_deliver([PersonalNotice(org.pk, member.employee_id, "match_proposed", match.pk)])
    sent = SlackMessage.objects.get(employee=member.employee)
    peer.calls.clear()

    def click(offset: int):
        payload = block_action(user_id="UMEMBER", action_id="match_accept", value=str(sent.pk), trigger_id=f"t{offset}")
        body = interaction_body(payload)
        headers = signed_headers(body, timestamp=int(time.time()) + offset)  # two distinct requests, both valid
        return lambda: (
            Client()
            .post(reverse("slack-interactions"), data=body, content_type="application/x-www-form-urlencoded", **headers)
            .status_code
        )

    results = race(click(0), click(1))
    assert results == [("ok", 200), ("ok", 200)]
    assert MatchMember.objects.get(match=match, participant__employee=member.employee).response == "accepted"
    assert AuditEvent.objects.filter(organization=org, verb="match.accept").count() == 1
    assert SlackMessage.objects.get(pk=sent.pk).outcome == "accepted"
    updates = peer.of("chat.update")
    assert len(updates) == 2  # each request shows the outcome; only one acted
    assert all(call.args["blocks"][-1]["elements"][0]["text"] == "*You accepted this match.*" for call in updates)
