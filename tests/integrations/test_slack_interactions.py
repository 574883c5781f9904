"""Clicks in Slack: only requests Slack signed (test signing secret) in the last five minutes, each once; they act
through the same services as the web pages, for the person the message was for only, exactly once however
often (or however simultaneously) the button is clicked, and the message then shows the outcome."""

# ruff: noqa: F811 - the fixtures imported from slack_fixtures are named as test arguments

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from integrations.slack.models import SlackMessage, SlackPerson
from matching.models import Match, MatchMember
from mentorhub.accounts.extensions import PersonalNotice, notice_channels_deliver
from mentorhub.accounts.models import AuditEvent

from .slack_fixtures import cohort, installation, match, peer, slack_users  # noqa: F401 - fixtures (tests/integrations/ has no conftest of its own)
from .slack_peer import block_action, interaction_body, signed_headers

pytestmark = pytest.mark.django_db

URL = "slack-interactions"


@pytest.fixture
def sent(org, member, match, installation, peer, django_capture_on_commit_callbacks) -> SlackMessage:
    with django_capture_on_commit_callbacks(execute=True):
        notice_channels_deliver([PersonalNotice(org.pk, member.employee_id, "match_proposed", match.pk)])
    peer.calls.clear()
    return SlackMessage.objects.get(employee=member.employee)


def post(client: Client, payload: dict, **sign) -> int:
    body = interaction_body(payload)
    return client.post(
        reverse(URL), data=body, content_type="application/x-www-form-urlencoded", **signed_headers(body, **sign)
    ).status_code


def my_response(match, member) -> str:
    return MatchMember.objects.get(match=match, participant__employee=member.employee).response


class TestSignatures:
    def test_signed_is_accepted_wrong_old_and_replayed_are_refused(self, client, sent, match, member, peer):
        payload = block_action(user_id="UMEMBER", action_id="match_accept", value=str(sent.pk))
        body = interaction_body(payload)

        wrong = signed_headers(body, secret="not-the-secret")
        assert (
            client.post(reverse(URL), data=body, content_type="application/x-www-form-urlencoded", **wrong).status_code
            == 401
        )
        old = signed_headers(body, timestamp=int(time.time()) - 6 * 60)
        assert (
            client.post(reverse(URL), data=body, content_type="application/x-www-form-urlencoded", **old).status_code
            == 401
        )
        assert client.post(reverse(URL), data=body, content_type="application/x-www-form-urlencoded").status_code == 401
        assert my_response(match, member) == MatchMember.Response.PENDING  # none of those acted
        assert not peer.calls

        good = signed_headers(body)
        assert (
            client.post(reverse(URL), data=body, content_type="application/x-www-form-urlencoded", **good).status_code
            == 200
        )
        assert my_response(match, member) == MatchMember.Response.ACCEPTED
        # The very same request again (a replay): refused.
        assert (
            client.post(reverse(URL), data=body, content_type="application/x-www-form-urlencoded", **good).status_code
            == 401
        )

    def test_a_body_changed_after_signing_is_refused(self, client, sent, match, member):
        body = interaction_body(block_action(user_id="UMEMBER", action_id="match_accept", value=str(sent.pk)))
        headers = signed_headers(body)
        tampered = interaction_body(block_action(user_id="UMEMBER", action_id="match_decline", value=str(sent.pk)))
        assert (
            client.post(
                reverse(URL), data=tampered, content_type="application/x-www-form-urlencoded", **headers
            ).status_code
            == 401
        )


class TestAccept:
    def test_accept_acts_through_match_respond_once_and_updates_the_message(
        self, client, org, member, sent, match, peer
    ):
        assert post(client, block_action(user_id="UMEMBER", action_id="match_accept", value=str(sent.pk))) == 200
        assert my_response(match, member) == MatchMember.Response.ACCEPTED
        event = AuditEvent.objects.get(organization=org, verb="match.accept")
        assert event.actor == member.user  # the same audit as the page, by the person
        (update,) = peer.calls
        assert update.method == "chat.update"
        assert update.args == {
            "channel": "DMEMBER",
            "ts": sent.ts,
            "text": sent.text,
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": sent.text}},
                {"type": "context", "elements": [{"type": "mrkdwn", "text": "*You accepted this match.*"}]},
            ],
        }
        # A second click (a new request, signed a second later) finds the first outcome and acts no more.
        assert (
            post(
                client,
                block_action(user_id="UMEMBER", action_id="match_accept", value=str(sent.pk), trigger_id="t2"),
                timestamp=int(time.time()) + 1,
            )
            == 200
        )
        assert AuditEvent.objects.filter(organization=org, verb="match.accept").count() == 1
        assert [call.method for call in peer.calls] == ["chat.update", "chat.update"]
        assert SlackMessage.objects.get(pk=sent.pk).outcome == "accepted"

    def test_someone_else_clicking_the_button_acts_on_nothing(self, client, org, member, cohort, sent, match, peer):
        # The mentor's Slack user (linked to the mentor, not to the member the message was for).
        SlackPerson.objects.create(
            organization=org, employee=cohort.mentors[0].employee, slack_user_id="UMENTOR", looked_up_at=timezone.now()
        )
        for user_id in ("UMENTOR", "UNOBODY"):
            assert (
                post(
                    client,
                    block_action(user_id=user_id, action_id="match_accept", value=str(sent.pk), trigger_id=user_id),
                )
                == 200
            )
        assert my_response(match, member) == MatchMember.Response.PENDING
        assert not AuditEvent.objects.filter(verb="match.accept").exists()
        assert not peer.calls

    def test_after_uninstall_clicks_do_nothing(self, client, org, member, sent, match, installation, peer):
        installation.delete()
        assert post(client, block_action(user_id="UMEMBER", action_id="match_accept", value=str(sent.pk))) == 200
        assert my_response(match, member) == MatchMember.Response.PENDING
        assert not peer.calls


class TestDecline:
    def test_decline_opens_a_dialog_and_its_reason_declines_through_the_service(
        self, client, org, member, sent, match, peer
    ):
        assert (
            post(
                client,
                block_action(user_id="UMEMBER", action_id="match_decline", value=str(sent.pk), trigger_id="trig-9"),
            )
            == 200
        )
        (opened,) = peer.calls
        assert opened.method == "views.open"
        assert opened.args["trigger_id"] == "trig-9"
        view = opened.args["view"]
        assert (view["callback_id"], view["private_metadata"]) == ("match_decline", str(sent.pk))
        assert view["blocks"][0]["block_id"] == "reason"
        assert my_response(match, member) == MatchMember.Response.PENDING  # opening asks, it does not act

        def submission(reason: str) -> dict:
            return {
                "type": "view_submission",
                "team": {"id": "T0ALPHA"},
                "user": {"id": "UMEMBER"},
                "view": {
                    "callback_id": "match_decline",
                    "private_metadata": str(sent.pk),
                    "state": {"values": {"reason": {"reason_input": {"type": "plain_text_input", "value": reason}}}},
                },
            }

        body = interaction_body(submission("   "))
        response = client.post(
            reverse(URL), data=body, content_type="application/x-www-form-urlencoded", **signed_headers(body)
        )
        assert response.json() == {
            "response_action": "errors",
            "errors": {"reason": "Tell us briefly why, so the next match fits better."},
        }
        assert post(client, submission("We work in the same team."), timestamp=int(time.time()) + 1) == 200
        match.refresh_from_db()
        assert match.status == Match.Status.DECLINED
        assert match.end_reason == "We work in the same team."
        assert AuditEvent.objects.filter(organization=org, verb="match.decline", actor=member.user).count() == 1
        assert peer.calls[-1].method == "chat.update"
        assert peer.calls[-1].args["blocks"][-1]["elements"][0]["text"] == "*You declined this match.*"
