"""The session invitation (Confirm / Propose another time, which opens Find a time) and the check-in (the 1-5
question as buttons, an optional comment in a dialog, answered through analytics' survey_answer, once)."""

# ruff: noqa: F811 - the fixtures imported from slack_fixtures are named as test arguments

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from analytics.models import SurveyAssignment, SurveyResponse
from integrations.slack.models import SlackMessage
from mentorhub.accounts.extensions import PersonalNotice, notice_channels_deliver
from mentorhub.accounts.models import AuditEvent
from sessions.models import Reminder, SessionConfirmation
from sessions.services.sessions import session_schedule
from tests.analytics.survey_data import by_code, pair_due_now
from tests.helpers import client_for, org_url, page_text

from .slack_fixtures import SITE, installation, peer  # noqa: F401 - fixtures (tests/integrations/ has no conftest of its own)
from .slack_peer import block_action, interaction_body, signed_headers

pytestmark = pytest.mark.django_db
K = Reminder.Kind


@pytest.fixture
def pair(org):
    return pair_due_now(org)


@pytest.fixture
def slack_users(pair) -> dict[str, str]:
    return {pair.mentee.employee.email: "UMENTEE", pair.mentor.employee.email: "UMENTOR"}


def deliver(capture, org, reminder: Reminder) -> SlackMessage:
    with capture(execute=True):
        notice_channels_deliver([PersonalNotice(org.pk, reminder.recipient_id, reminder.kind, reminder.pk)])
    return SlackMessage.objects.get(kind=reminder.kind, object_id=reminder.pk)


def post(payload: dict, offset: int = 0):
    body = interaction_body(payload)
    headers = signed_headers(body, timestamp=int(time.time()) + offset)
    return Client().post(
        reverse("slack-interactions"), data=body, content_type="application/x-www-form-urlencoded", **headers
    )


def button(label: str, action_id: str, **extra) -> dict:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label, "emoji": False},
        **extra,
    }


class TestSessionInvitation:
    def test_confirm_and_propose_another_time(self, org, pair, installation, peer, django_capture_on_commit_callbacks):
        session = session_schedule(
            organization=org,
            actor=None,
            employee=pair.mentee.employee,
            match_id=pair.match.pk,
            starts_at=timezone.now() + timedelta(days=3),
        )
        invite = Reminder.objects.get(kind=K.SESSION_INVITE, recipient=pair.mentee.employee, session=session)
        sent = deliver(django_capture_on_commit_callbacks, org, invite)

        (post_call,) = peer.of("chat.postMessage")
        assert post_call.args["channel"] == "UMENTEE"
        section, actions = post_call.args["blocks"]
        assert section["text"]["text"].startswith("*Mentoring session with Morgan Mentor, ")
        assert actions == {
            "type": "actions",
            "block_id": "mentorhub_actions",
            "elements": [
                button("Confirm", "session_confirm", value=str(sent.pk), style="primary"),
                button(
                    "Propose another time",
                    "propose_time",
                    url=f"{SITE}/o/alpha/mentoring/matches/{pair.match.pk}/find-a-time/",
                ),
                button("Open the session", "open", url=f"{SITE}/o/alpha/mentoring/sessions/{session.pk}/"),
            ],
        }
        # "Propose another time" is a link: Slack tells us of the click, nothing is done.
        assert post(block_action(user_id="UMENTEE", action_id="propose_time")).status_code == 200
        assert not AuditEvent.objects.filter(verb="session.attendance_confirm").exists()

        for offset in (1, 2):  # a double click confirms once
            confirm = block_action(
                user_id="UMENTEE", action_id="session_confirm", value=str(sent.pk), trigger_id=f"c{offset}"
            )
            assert post(confirm, offset).status_code == 200
        event = AuditEvent.objects.get(organization=org, verb="session.attendance_confirm")
        assert (event.actor, event.target_id) == (pair.mentee.user, str(session.pk))
        (confirmation,) = SessionConfirmation.objects.filter(organization=org, session=session)
        assert (confirmation.employee_id, confirmation.sequence) == (pair.mentee.employee_id, session.sequence)
        updates = peer.of("chat.update")
        assert len(updates) == 2
        assert updates[0].args["blocks"][-1] == {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": "*You confirmed this session.*"}],
        }

    def test_a_confirm_from_slack_shows_on_the_web_session_page(
        self, org, pair, installation, peer, django_capture_on_commit_callbacks
    ):
        session = session_schedule(
            organization=org,
            actor=None,
            employee=pair.mentor.employee,
            match_id=pair.match.pk,
            starts_at=timezone.now() + timedelta(days=2),
        )
        invite = Reminder.objects.get(kind=K.SESSION_INVITE, recipient=pair.mentee.employee, session=session)
        sent = deliver(django_capture_on_commit_callbacks, org, invite)
        url = org_url("session-detail", org, session_pk=session.pk)
        confirmed = f"{pair.mentee.employee.name} confirmed"
        assert confirmed not in page_text(client_for(pair.mentor).get(url))
        assert "Confirm I'll be there" in page_text(client_for(pair.mentee).get(url))

        confirm = block_action(user_id="UMENTEE", action_id="session_confirm", value=str(sent.pk), trigger_id="c1")
        assert post(confirm).status_code == 200

        assert confirmed in page_text(client_for(pair.mentor).get(url))
        mine = page_text(client_for(pair.mentee).get(url))
        assert "You confirmed you will be there." in mine
        assert "Confirm I'll be there" not in mine


class TestCheckin:
    def test_the_question_as_buttons_a_comment_in_a_dialog_answered_once(
        self, org, pair, installation, peer, django_capture_on_commit_callbacks
    ):
        reminder = Reminder.objects.get(kind=K.CHECKIN_DUE, recipient=pair.mentee.employee)
        sent = deliver(django_capture_on_commit_callbacks, org, reminder)
        (post_call,) = peer.of("chat.postMessage")
        section, actions = post_call.args["blocks"]
        assert section["text"]["text"].startswith("*How is your mentoring with Morgan Mentor going?*")
        labels = ["Poor", "Fair", "Okay", "Good", "Great"]
        assert actions["elements"] == [
            button(f"{n} · {labels[n - 1]}", f"checkin_{n}", value=f"{sent.pk}:{n}") for n in range(1, 6)
        ]

        assert (
            post(
                block_action(user_id="UMENTEE", action_id="checkin_4", value=f"{sent.pk}:4", trigger_id="tr4")
            ).status_code
            == 200
        )
        (opened,) = peer.of("views.open")
        assert opened.args["trigger_id"] == "tr4"
        assert opened.args["view"]["callback_id"] == "checkin_answer"
        assert opened.args["view"]["private_metadata"] == f"{sent.pk}:4"
        assert not SurveyResponse.objects.exists()  # the dialog asks; sending it answers

        submission = {
            "type": "view_submission",
            "team": {"id": "T0ALPHA"},
            "user": {"id": "UMENTEE"},
            "view": {
                "callback_id": "checkin_answer",
                "private_metadata": f"{sent.pk}:4",
                "state": {
                    "values": {"comment": {"comment_input": {"type": "plain_text_input", "value": "Good talks"}}}
                },
            },
        }
        assert post(submission, 1).status_code == 200
        assert post(submission, 2).status_code == 200  # sent twice: answered once
        response = SurveyResponse.objects.get()
        assignment = SurveyAssignment.objects.get(pk=response.assignment_id)
        ids = by_code(assignment)
        assert response.answers == {str(ids["going_well"]): 4, str(ids["checkin_comment"]): "Good talks"}
        assert assignment.status == SurveyAssignment.Status.ANSWERED
        assert assignment.respondent == pair.mentee.employee
        assert (
            peer.of("chat.update")[0].args["blocks"][-1]["elements"][0]["text"] == "*You answered 4 (Good). Thank you!*"
        )

    def test_the_other_member_cannot_answer_someone_elses_checkin(
        self, org, pair, installation, peer, django_capture_on_commit_callbacks
    ):
        reminder = Reminder.objects.get(kind=K.CHECKIN_DUE, recipient=pair.mentee.employee)
        sent = deliver(django_capture_on_commit_callbacks, org, reminder)
        mentor_reminder = Reminder.objects.get(kind=K.CHECKIN_DUE, recipient=pair.mentor.employee)
        deliver(django_capture_on_commit_callbacks, org, mentor_reminder)  # the mentor is linked too
        submission = {
            "type": "view_submission",
            "team": {"id": "T0ALPHA"},
            "user": {"id": "UMENTOR"},
            "view": {"callback_id": "checkin_answer", "private_metadata": f"{sent.pk}:1", "state": {"values": {}}},
        }
        assert post(submission).status_code == 200
        assert not SurveyResponse.objects.exists()


def test_each_person_gets_the_message_in_their_language(
    org, pair, installation, peer, django_capture_on_commit_callbacks
):
    pair.mentee.user.language = "de"
    pair.mentee.user.save(update_fields=["language"])
    session = session_schedule(
        organization=org,
        actor=None,
        employee=pair.mentor.employee,
        match_id=pair.match.pk,
        starts_at=timezone.now() + timedelta(days=3),
    )
    for membership in (pair.mentee, pair.mentor):
        invite = Reminder.objects.get(kind=K.SESSION_INVITE, recipient=membership.employee, session=session)
        deliver(django_capture_on_commit_callbacks, org, invite)
    confirm = {
        call.args["channel"]: call.args["blocks"][1]["elements"][0]["text"]["text"]
        for call in peer.of("chat.postMessage")
    }
    # The mentee's message is rendered in German ("Bestätigen", from Django's own catalogue until the
    # integrations' catalogue has the word), the mentor's in English.
    assert confirm["UMENTOR"] == "Confirm"
    with translation.override("de"):
        assert confirm["UMENTEE"] == gettext("Confirm") != "Confirm"
