"""Chat messages are written in the language of the person they are for (docs/translations.md): a Slack direct
message and a Teams card to someone who chose German read in German, with the exact words of the integrations'
catalogue (locale/integrations), while the other member of the same match, who chose nothing, reads English; the
outcome of a click is in the clicker's language too; someone who never chose gets the organization's default.

The peers are real HTTP servers on loopback (slack_peer.py, teams_peer.py) that record the payloads sent."""

# ruff: noqa: F811 - the fixtures imported from slack_fixtures are named as test arguments

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from integrations.slack.models import SlackMessage
from integrations.teams.models import TeamsCard
from mentorhub.accounts.extensions import PersonalNotice, notice_channels_deliver

from .slack_fixtures import cohort, installation, match, peer, slack_users  # noqa: F401 - fixtures
from .slack_peer import block_action, interaction_body, signed_headers
from .teams_data import ELLIS, MORGAN, approved_pair, deliver_match, invoke
from .teams_peer import APP_ID, activity, post_activity, token

pytestmark = pytest.mark.django_db

# The role in these sentences comes from the programs' catalogue, written in lower case by the sentence's code:
# the assertions pin everything around it.
SLACK_DE_START = "Sie haben ein neues Tandem im Programm *Grow Together*: Sie nehmen als "
SLACK_DE_END = " teil, mit Mentor A. Nehmen Sie es an oder lehnen Sie es ab und sagen Sie uns, warum."


def _choose(membership, language: str) -> None:
    membership.user.language = language
    membership.user.save(update_fields=["language"])


def _slack_deliver(capture, org, employee_id: int, match) -> None:
    with capture(execute=True):
        notice_channels_deliver([PersonalNotice(org.pk, employee_id, "match_proposed", match.pk)])


def _posted(peer) -> dict[str, dict]:
    return {call.args["channel"]: call.args for call in peer.of("chat.postMessage")}


def _buttons(blocks: list[dict]) -> list[str]:
    return [element["text"]["text"] for element in blocks[1]["elements"]]


class TestSlack:
    def test_a_german_speaker_gets_the_dm_in_german_the_mentor_in_english(
        self, org, member, cohort, match, installation, peer, django_capture_on_commit_callbacks
    ):
        _choose(member, "de")
        mentor = cohort.mentors[0].employee
        for employee_id in (member.employee_id, mentor.pk):
            _slack_deliver(django_capture_on_commit_callbacks, org, employee_id, match)

        posted = _posted(peer)
        german = posted["UMEMBER"]
        text = german["blocks"][0]["text"]["text"]
        assert text.startswith(SLACK_DE_START) and text.endswith(SLACK_DE_END)
        assert german["text"] == text  # the notification's fallback text too
        assert _buttons(german["blocks"]) == ["Annehmen", "Ablehnen", "Warum Sie ein Tandem sind"]

        english = posted["UMENTOR"]
        assert english["blocks"][0]["text"]["text"].startswith("You have a new mentoring match in *Grow Together*")
        assert _buttons(english["blocks"]) == ["Accept", "Decline", "See why you were matched"]

    def test_the_outcome_of_a_click_is_written_in_the_clickers_language(
        self, client, org, member, match, installation, peer, django_capture_on_commit_callbacks
    ):
        _choose(member, "fr")
        _slack_deliver(django_capture_on_commit_callbacks, org, member.employee_id, match)
        sent = SlackMessage.objects.get(employee=member.employee)
        peer.calls.clear()

        body = interaction_body(block_action(user_id="UMEMBER", action_id="match_accept", value=str(sent.pk)))
        response = client.post(
            reverse("slack-interactions"),
            data=body,
            content_type="application/x-www-form-urlencoded",
            **signed_headers(body),
        )

        assert response.status_code == 200
        (update,) = peer.of("chat.update")
        assert update.args["blocks"][1] == {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": "*Vous avez accepté ce binôme.*"}],
        }

    def test_someone_who_never_chose_reads_the_organizations_default(
        self, org, member, match, installation, peer, django_capture_on_commit_callbacks
    ):
        org.default_language = "es"
        org.save(update_fields=["default_language"])
        _slack_deliver(django_capture_on_commit_callbacks, org, member.employee_id, match)

        assert _buttons(_posted(peer)["UMEMBER"]["blocks"]) == [
            "Aceptar",
            "Rechazar",
            "Por qué forman pareja de mentoría",
        ]


def _press(peer, key, body) -> dict:
    response = post_activity(Client(), body, token(key, peer.service_url))
    assert response.status_code == 200, response.content
    return json.loads(response.content)["value"]


class TestTeams:
    def test_a_german_speaker_gets_the_card_in_german_the_mentor_in_english(
        self, org, bot_peer, django_capture_on_commit_callbacks
    ):
        pair = approved_pair(org, bot_peer, link_mentor=True)
        _choose(pair.mentee, "de")

        deliver_match(pair.match.pk, django_capture_on_commit_callbacks)

        cards = {
            post.path.split("conversation-of-")[1].split("/")[0].replace("%3A", ":"): post.body["attachments"][0][
                "content"
            ]
            for post in bot_peer.sent()
        }
        german = cards[ELLIS]
        heading, text = (block["text"] for block in german["body"])
        assert heading == f"Ihr Tandem in {pair.program.name}"
        assert text.startswith("Sie nehmen als ") and text.endswith(
            " teil, mit Morgan Mentor. Nehmen Sie hier an oder lehnen Sie ab, oder sehen Sie, warum Sie ein "
            "Tandem sind."
        )
        assert [action["title"] for action in german["actions"]] == [
            "Annehmen",
            "Ablehnen",
            "Warum Sie ein Tandem sind",
        ]
        (reason,) = german["actions"][1]["card"]["body"]
        assert reason["label"] == "Warum nicht? (HR liest dies, um ein besseres Tandem zu finden)"
        assert reason["errorMessage"] == "Sagen Sie uns kurz, warum, damit das nächste Tandem besser passt."
        assert german["actions"][1]["card"]["actions"][0]["title"] == "Tandem ablehnen"
        assert TeamsCard.objects.get(employee=pair.mentee.employee).title == f"Ihr Tandem in {pair.program.name}"

        english = cards[MORGAN]
        assert english["body"][0]["text"] == f"Your match in {pair.program.name}"
        assert [action["title"] for action in english["actions"]] == [
            "Accept",
            "Decline",
            "See why you were matched",
        ]

    def test_the_outcome_of_a_press_is_written_in_the_pressers_language(
        self, org, bot_peer, signing_key, django_capture_on_commit_callbacks
    ):
        pair = approved_pair(org, bot_peer)
        _choose(pair.mentee, "de")
        deliver_match(pair.match.pk, django_capture_on_commit_callbacks)
        card = TeamsCard.objects.get(organization=org)

        outcome = _press(bot_peer, signing_key, invoke(bot_peer, "accept", card.pk))

        assert [block["text"] for block in outcome["body"]] == [
            f"Ihr Tandem in {pair.program.name}",
            "Sie haben angenommen. Das Tandem beginnt, sobald alle angenommen haben.",
        ]
        (update,) = bot_peer.updated()
        assert update.body["attachments"][0]["content"] == outcome

    def test_the_greeting_is_in_the_persons_language(self, org, bot_peer, signing_key, member):
        _choose(member, "es")
        approved_pair(org, bot_peer)  # installs the app for the organization
        member.employee.name = "Sam Miembro"
        member.employee.save(update_fields=["name"])
        bot_peer.members["29:sam"] = {"id": "29:sam", "name": "Sam", "email": member.employee.email}
        body = activity(bot_peer, "conversationUpdate", user_id="29:sam", membersAdded=[{"id": f"28:{APP_ID}"}])

        response = post_activity(Client(), body, token(signing_key, bot_peer.service_url))

        assert response.status_code == 200
        (greeting,) = bot_peer.sent()
        assert greeting.body["text"] == (
            "¡Hola, Sam Miembro! MentorHub le informará aquí de sus parejas de mentoría, sesiones y check-ins, y "
            "podrá responder directamente desde las tarjetas."
        )
