"""Proactive cards: the notices of the app (a proposed match, a session invitation, a check-in) reach the people
linked to the bot as Adaptive Cards, posted to their conversation at the stored service URL with the bot's own
token, once. The Bot Connector is a local HTTP server that records the exact payloads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from integrations.teams.content import checkin_assignment
from integrations.teams.models import TeamsCard, TeamsInstallation
from sessions.models import Notification, Reminder
from sessions.services.dispatch import reminders_deliver
from sessions.services.reminders import reminders_plan_inactivity
from tests.analytics.survey_data import by_code, pair_due_now
from tests.sessions.factories import active_pair, api_schedule

from .teams_data import ELLIS, approved_pair, conversation_path, deliver_match, deliver_reminders
from .teams_peer import BOT_TOKEN, install, link

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD = "application/vnd.microsoft.card.adaptive"

pytestmark = pytest.mark.django_db


def _message(card: dict) -> dict:
    return {"type": "message", "attachments": [{"contentType": CARD, "content": card}]}


def _heading(text: str) -> dict:
    return {"type": "TextBlock", "text": text, "weight": "Bolder", "size": "Medium", "wrap": True}


def test_a_proposed_match_is_sent_as_a_card_to_the_linked_member_once(
    org, bot_peer, django_capture_on_commit_callbacks
):
    pair = approved_pair(org, bot_peer)  # the mentor is not linked: email only

    deliver_match(pair.match.pk, django_capture_on_commit_callbacks)

    card = TeamsCard.objects.get(organization=org)
    assert (card.employee, card.kind, card.object_id, card.status) == (
        pair.mentee.employee,
        "match_proposed",
        pair.match.pk,
        "sent",
    )
    (post,) = bot_peer.sent()
    assert post.path == conversation_path(ELLIS, "activities")
    assert post.authorization == f"Bearer {BOT_TOKEN}"
    path = reverse("my-match", kwargs={"org_slug": "alpha", "match_pk": pair.match.pk})
    decline_form = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": "1.4",
        "body": [
            {
                "type": "Input.Text",
                "id": "reason",
                "label": "Why not? (HR reads this, to find a better match)",
                "isMultiline": True,
                "maxLength": 1000,
                "isRequired": True,
                "errorMessage": "Tell us briefly why, so the next match fits better.",
            }
        ],
        "actions": [
            {
                "type": "Action.Execute",
                "title": "Decline the match",
                "verb": "decline",
                "data": {"card": card.pk},
                "style": "destructive",
            }
        ],
    }
    assert post.body == _message(
        {
            "type": "AdaptiveCard",
            "$schema": SCHEMA,
            "version": "1.4",
            "body": [
                _heading(f"Your match in {pair.program.name}"),
                {
                    "type": "TextBlock",
                    "text": "You take part as mentee, with Morgan Mentor. Accept or decline here, or see why you "
                    "were matched.",
                    "wrap": True,
                },
            ],
            "actions": [
                {
                    "type": "Action.Execute",
                    "title": "Accept",
                    "verb": "accept",
                    "data": {"card": card.pk},
                    "style": "positive",
                },
                {"type": "Action.ShowCard", "title": "Decline", "card": decline_form},
                {
                    "type": "Action.OpenUrl",
                    "title": "See why you were matched",
                    "url": f"https://mentorhub.example{path}",
                },
            ],
        }
    )
    assert card.activity_id and card.title == f"Your match in {pair.program.name}"

    deliver_match(pair.match.pk, django_capture_on_commit_callbacks)  # handed over again: nothing more

    assert len(bot_peer.sent()) == 1
    assert TeamsCard.objects.filter(organization=org).count() == 1


def test_nothing_goes_to_teams_while_the_organization_has_it_switched_off(
    org, bot_peer, django_capture_on_commit_callbacks
):
    pair = approved_pair(org, bot_peer)
    TeamsInstallation.objects.filter(organization=org).update(enabled=False)

    deliver_match(pair.match.pk, django_capture_on_commit_callbacks)

    assert not bot_peer.sent()
    assert not TeamsCard.objects.exists()


def test_a_card_the_connector_refused_is_sent_with_the_next_hand_over(
    org, bot_peer, django_capture_on_commit_callbacks
):
    pair = approved_pair(org, bot_peer)
    bot_peer.fail_posts = 1

    deliver_match(pair.match.pk, django_capture_on_commit_callbacks)
    card = TeamsCard.objects.get(organization=org)
    assert card.status == "failed" and "503" in card.note

    deliver_match(pair.match.pk, django_capture_on_commit_callbacks)
    card.refresh_from_db()
    assert card.status == "sent"
    assert len(bot_peer.sent()) == 2  # the refused post and the one that went


def test_a_session_invitation_card_confirms_or_proposes_another_time(org, bot_peer, django_capture_on_commit_callbacks):
    install(org)
    pair = active_pair(org)
    link(org, pair.mentee.employee, bot_peer, ELLIS)
    session = api_schedule(org, pair, by=pair.mentor)

    deliver_reminders(django_capture_on_commit_callbacks)

    reminder = Reminder.objects.get(session=session, recipient=pair.mentee.employee, kind="session_invite")
    notice = Notification.objects.get(reminder=reminder)
    card = TeamsCard.objects.get(organization=org, kind="session_invite")
    assert card.object_id == reminder.pk
    (post,) = bot_peer.sent()
    find_a_time = reverse("find-a-time", kwargs={"org_slug": "alpha", "match_pk": pair.match.pk})
    assert post.body == _message(
        {
            "type": "AdaptiveCard",
            "$schema": SCHEMA,
            "version": "1.4",
            "body": [_heading(notice.title), {"type": "TextBlock", "text": notice.body, "wrap": True}],
            "actions": [
                {
                    "type": "Action.Execute",
                    "title": "Confirm",
                    "verb": "confirm",
                    "data": {"card": card.pk},
                    "style": "positive",
                },
                {
                    "type": "Action.OpenUrl",
                    "title": "Propose another time",
                    "url": f"https://mentorhub.example{find_a_time}",
                },
                {
                    "type": "Action.OpenUrl",
                    "title": "Open the session",
                    "url": f"https://mentorhub.example{notice.url}",
                },
            ],
        }
    )
    assert "Morgan Mentor" in notice.title


def test_a_check_in_card_asks_its_questions(org, bot_peer, django_capture_on_commit_callbacks):
    install(org)
    pair = pair_due_now(org)
    link(org, pair.mentee.employee, bot_peer, ELLIS)

    deliver_reminders(django_capture_on_commit_callbacks)

    card = TeamsCard.objects.get(organization=org, kind="checkin_due")
    (post,) = bot_peer.sent()
    content = post.body["attachments"][0]["content"]
    inputs = {item["id"]: item for item in content["body"] if item["type"].startswith("Input.")}
    ids = by_code(checkin_assignment(org, Reminder.objects.get(pk=card.object_id)))
    going_well = inputs[f"q{ids['going_well']}"]
    assert going_well["type"] == "Input.ChoiceSet" and going_well["isRequired"] is True
    assert [choice["value"] for choice in going_well["choices"]] == ["1", "2", "3", "4", "5"]
    assert going_well["choices"][0]["title"] == "1 · Poor" and going_well["choices"][4]["title"] == "5 · Great"
    comment = inputs[f"q{ids['checkin_comment']}"]
    assert comment["type"] == "Input.Text" and comment["isRequired"] is False
    assert content["actions"] == [
        {
            "type": "Action.Execute",
            "title": "Send my answers",
            "verb": "answer",
            "data": {"card": card.pk},
            "style": "positive",
        }
    ]


def _link_card(notice: Notification, title: str) -> dict:
    return _message(
        {
            "type": "AdaptiveCard",
            "$schema": SCHEMA,
            "version": "1.4",
            "body": [_heading(notice.title), {"type": "TextBlock", "text": notice.body, "wrap": True}],
            "actions": [{"type": "Action.OpenUrl", "title": title, "url": f"https://mentorhub.example{notice.url}"}],
        }
    )


def test_the_reminder_the_day_before_links_to_the_session(org, bot_peer, django_capture_on_commit_callbacks):
    install(org)
    pair = active_pair(org)
    link(org, pair.mentee.employee, bot_peer, ELLIS)
    session = api_schedule(org, pair, by=pair.mentor, starts_at=timezone.now() + timedelta(days=3))

    with django_capture_on_commit_callbacks(execute=True):  # the day before: the invitation and the reminder
        reminders_deliver(now=session.starts_at - timedelta(hours=23, minutes=59))

    reminder = Reminder.objects.get(session=session, recipient=pair.mentee.employee, kind="session_24h")
    card = TeamsCard.objects.get(organization=org, kind="session_24h")
    assert card.object_id == reminder.pk
    notice = Notification.objects.get(reminder=reminder)
    post = next(c for c in bot_peer.sent() if c.body["attachments"][0]["content"]["body"][0]["text"] == notice.title)
    assert post.body == _link_card(notice, "Open the session")
    assert "tomorrow" in notice.title


def test_a_nudge_links_to_the_match_to_pick_a_time(org, bot_peer, django_capture_on_commit_callbacks):
    install(org)
    pair = active_pair(org, started_at=timezone.now() - timedelta(days=120))
    link(org, pair.mentee.employee, bot_peer, ELLIS)
    reminders_plan_inactivity(organization=org)

    deliver_reminders(django_capture_on_commit_callbacks)

    card = TeamsCard.objects.get(organization=org, kind="inactivity_nudge")
    notice = Notification.objects.get(reminder_id=card.object_id)
    (post,) = bot_peer.sent()
    assert post.body == _link_card(notice, "Pick a time")
    assert "since you met Morgan Mentor" in notice.title


def test_a_card_whose_sender_stopped_mid_send_is_sent_by_a_later_hand_over(
    org, bot_peer, django_capture_on_commit_callbacks
):
    pair = approved_pair(org, bot_peer)
    stuck = TeamsCard.objects.create(
        organization=org,
        employee=pair.mentee.employee,
        kind="match_proposed",
        object_id=pair.match.pk,
        status=TeamsCard.Status.SENDING,
    )

    deliver_match(pair.match.pk, django_capture_on_commit_callbacks)  # its sender may still be at work
    assert not bot_peer.sent()

    TeamsCard.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    deliver_match(pair.match.pk, django_capture_on_commit_callbacks)

    assert len(bot_peer.sent()) == 1
    assert TeamsCard.objects.get(pk=stuck.pk).status == TeamsCard.Status.SENT
