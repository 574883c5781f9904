"""Notices as Slack direct messages: the exact Web API calls a proposed match makes (the person found by email,
then chat.postMessage with its blocks), once however often the notice is handed over, cached links, people's
preferences, and the session invitation's and check-in's buttons."""

# ruff: noqa: F811 - the fixtures imported from slack_fixtures are named as test arguments

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.slack.models import SlackMessage, SlackPerson
from mentorhub.accounts.extensions import PersonalNotice, notice_channels_deliver
from sessions.models import NotificationPreference

from .slack_fixtures import SITE, cohort, installation, match, peer, slack_users  # noqa: F401 - fixtures (tests/integrations/ has no conftest of its own)
from .slack_peer import BOT_TOKEN

pytestmark = pytest.mark.django_db


def deliver(capture, *notices: PersonalNotice) -> None:
    with capture(execute=True):
        notice_channels_deliver(list(notices))


def proposed_blocks(message_id: int, match) -> list[dict]:
    text = (
        "You have a new mentoring match in *Grow Together*: you take part as mentee, with Mentor A. "
        "Accept it, or decline it and tell us why."
    )
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {
            "type": "actions",
            "block_id": "mentorhub_actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "match_accept",
                    "text": {"type": "plain_text", "text": "Accept", "emoji": False},
                    "value": str(message_id),
                    "style": "primary",
                },
                {
                    "type": "button",
                    "action_id": "match_decline",
                    "text": {"type": "plain_text", "text": "Decline", "emoji": False},
                    "value": str(message_id),
                    "style": "danger",
                },
                {
                    "type": "button",
                    "action_id": "open",
                    "text": {"type": "plain_text", "text": "See why you were matched", "emoji": False},
                    "url": f"{SITE}/o/alpha/matches/{match.pk}/",
                },
            ],
        },
    ]


class TestMatchProposed:
    def test_the_exact_calls_and_blocks(
        self, org, member, match, installation, peer, django_capture_on_commit_callbacks
    ):
        deliver(
            django_capture_on_commit_callbacks, PersonalNotice(org.pk, member.employee_id, "match_proposed", match.pk)
        )

        assert [call.method for call in peer.calls] == ["users.lookupByEmail", "chat.postMessage"]
        lookup, post = peer.calls
        assert lookup.args == {"email": member.employee.email}
        assert lookup.headers["authorization"] == f"Bearer {BOT_TOKEN}"
        message = SlackMessage.objects.get()
        assert post.args == {
            "channel": "UMEMBER",
            "text": proposed_blocks(message.pk, match)[0]["text"]["text"],
            "blocks": proposed_blocks(message.pk, match),
        }
        assert (message.status, message.channel, message.employee_id) == ("sent", "DMEMBER", member.employee_id)
        assert SlackPerson.objects.get(employee=member.employee).slack_user_id == "UMEMBER"

    def test_a_notice_handed_over_again_is_not_sent_again_and_the_link_is_cached(
        self, org, member, cohort, match, installation, peer, django_capture_on_commit_callbacks
    ):
        notice = PersonalNotice(org.pk, member.employee_id, "match_proposed", match.pk)
        deliver(django_capture_on_commit_callbacks, notice)
        deliver(django_capture_on_commit_callbacks, notice)
        assert [call.method for call in peer.calls] == ["users.lookupByEmail", "chat.postMessage"]

        mentor = cohort.mentors[0].employee
        # Another notice to the same person: no second lookup.
        deliver(django_capture_on_commit_callbacks, PersonalNotice(org.pk, member.employee_id, "match_proposed", 0))
        deliver(django_capture_on_commit_callbacks, PersonalNotice(org.pk, mentor.pk, "match_proposed", match.pk))
        assert [call.method for call in peer.calls][2:] == ["users.lookupByEmail", "chat.postMessage"]
        assert peer.calls[2].args == {"email": mentor.email}

    def test_someone_slack_does_not_know_gets_nothing_and_is_looked_up_again_a_day_later(
        self, org, member, match, installation, peer, django_capture_on_commit_callbacks
    ):
        notice = PersonalNotice(org.pk, member.employee_id, "match_proposed", match.pk)
        peer.users.clear()
        deliver(django_capture_on_commit_callbacks, notice)
        assert [call.method for call in peer.calls] == ["users.lookupByEmail"]
        assert SlackMessage.objects.get().status == "skipped"

        peer.users[member.employee.email] = "UMEMBER"
        SlackMessage.objects.all().delete()
        deliver(django_capture_on_commit_callbacks, notice)  # the miss is remembered: Slack is not asked again yet
        assert [call.method for call in peer.calls] == ["users.lookupByEmail"]

        SlackMessage.objects.all().delete()
        SlackPerson.objects.update(looked_up_at=timezone.now() - timedelta(days=2))
        deliver(django_capture_on_commit_callbacks, notice)
        assert [call.method for call in peer.calls] == ["users.lookupByEmail"] * 2 + ["chat.postMessage"]
        assert peer.calls[-1].args["channel"] == "UMEMBER"

    def test_without_an_installation_nothing_is_called(
        self, org, member, match, peer, django_capture_on_commit_callbacks
    ):
        deliver(
            django_capture_on_commit_callbacks, PersonalNotice(org.pk, member.employee_id, "match_proposed", match.pk)
        )
        assert not peer.calls
        assert not SlackMessage.objects.exists()


class TestPreferences:
    def test_a_person_who_asked_for_no_slack_messages_gets_none(
        self, org, member, match, installation, peer, django_capture_on_commit_callbacks
    ):
        SlackPerson.objects.create(
            organization=org,
            employee=member.employee,
            slack_user_id="UMEMBER",
            dms_off=True,
            looked_up_at=timezone.now(),
        )
        deliver(
            django_capture_on_commit_callbacks, PersonalNotice(org.pk, member.employee_id, "match_proposed", match.pk)
        )
        assert not peer.calls
        assert SlackMessage.objects.get().status == "skipped"

    def test_a_category_switched_off_is_not_sent_in_slack(
        self, org, member, installation, peer, django_capture_on_commit_callbacks
    ):
        NotificationPreference.objects.create(organization=org, employee=member.employee, email_off=["checkins"])
        deliver(django_capture_on_commit_callbacks, PersonalNotice(org.pk, member.employee_id, "checkin_due", 1))
        assert not peer.calls
        assert SlackMessage.objects.get().status == "skipped"
