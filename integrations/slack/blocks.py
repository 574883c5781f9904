"""What a direct message says, in Block Kit: a text and the buttons for the notice's kind. Rendered inside
`translation.override` of the recipient's language by the caller (services/delivery.py); every string here is
translated. Button values carry our message's id only: the person and the object are found from it, with the
Slack user who clicked checked against the person it was for (services/interactions.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

# action_id of each button; the checkin's are "checkin_1" ... "checkin_5".
ACCEPT, DECLINE, CONFIRM, PROPOSE, OPEN = "match_accept", "match_decline", "session_confirm", "propose_time", "open"
CHECKIN_PREFIX = "checkin_"
ACTIONS_BLOCK = "mentorhub_actions"
# Callback ids of the dialogs (modals) some buttons open.
DECLINE_VIEW, CHECKIN_VIEW = "match_decline", "checkin_answer"
REASON_BLOCK, REASON_INPUT, COMMENT_BLOCK, COMMENT_INPUT = "reason", "reason_input", "comment", "comment_input"


def checkin_labels() -> list[str]:
    return [_("Poor"), _("Fair"), _("Okay"), _("Good"), _("Great")]


@dataclass
class Rendered:
    text: str  # the notification's text (also the fallback Slack shows in notifications)
    blocks: list[dict[str, Any]] = field(default_factory=list)


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:75], "emoji": False}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def button(action_id: str, label: str, *, value: str = "", url: str = "", style: str = "") -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "action_id": action_id, "text": _plain(label)}
    if value:
        element["value"] = value
    if url:
        element["url"] = url
    if style:
        element["style"] = style
    return element


def actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "block_id": ACTIONS_BLOCK, "elements": list(elements)}


def escape(text: str) -> str:
    """Slack's mrkdwn treats &, < and > as markup: names and titles are escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def match_proposed(*, message_id: int, text: str, url: str) -> Rendered:
    value = str(message_id)
    return Rendered(
        text,
        [
            section(text),
            actions(
                button(ACCEPT, _("Accept"), value=value, style="primary"),
                button(DECLINE, _("Decline"), value=value, style="danger"),
                button(OPEN, _("See why you were matched"), url=url),
            ),
        ],
    )


def session_invite(*, message_id: int, text: str, url: str, another_time_url: str) -> Rendered:
    return Rendered(
        text,
        [
            section(text),
            actions(
                button(CONFIRM, _("Confirm"), value=str(message_id), style="primary"),
                button(PROPOSE, _("Propose another time"), url=another_time_url),
                button(OPEN, _("Open the session"), url=url),
            ),
        ],
    )


def checkin(*, message_id: int, text: str, url: str, answerable: bool) -> Rendered:
    """The check-in's 1-5 question as five buttons (each opens a dialog for an optional comment), or only a
    link when the survey asks more than Slack can (questions an admin added)."""
    if not answerable:
        return Rendered(text, [section(text), actions(button(OPEN, _("Answer the check-in"), url=url))])
    labels = checkin_labels()
    return Rendered(
        text,
        [
            section(text),
            actions(
                *[
                    button(f"{CHECKIN_PREFIX}{n}", f"{n} · {labels[n - 1]}", value=f"{message_id}:{n}")
                    for n in range(1, 6)
                ]
            ),
        ],
    )


def with_link(*, text: str, url: str, label: str) -> Rendered:
    """A reminder or a nudge: its text and a button to the page."""
    return Rendered(text, [section(text), actions(button(OPEN, label, url=url))])


def outcome_blocks(text: str, outcome: str) -> list[dict[str, Any]]:
    """The message after its buttons were answered: the same text, the outcome instead of the buttons."""
    return [section(text), {"type": "context", "elements": [{"type": "mrkdwn", "text": f"*{escape(outcome)}*"}]}]


def decline_view(*, message_id: int) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": DECLINE_VIEW,
        "private_metadata": str(message_id),
        "title": _plain(_("Decline the match")),
        "submit": _plain(_("Decline")),
        "close": _plain(_("Cancel")),
        "blocks": [
            {
                "type": "input",
                "block_id": REASON_BLOCK,
                "label": _plain(_("Why? It helps the next match fit better.")),
                "element": {
                    "type": "plain_text_input",
                    "action_id": REASON_INPUT,
                    "multiline": True,
                    "max_length": 1000,
                },
            }
        ],
    }


def checkin_view(*, message_id: int, rating: int) -> dict[str, Any]:
    label = checkin_labels()[rating - 1]
    return {
        "type": "modal",
        "callback_id": CHECKIN_VIEW,
        "private_metadata": f"{message_id}:{rating}",
        "title": _plain(_("Check-in")),
        "submit": _plain(_("Send")),
        "close": _plain(_("Cancel")),
        "blocks": [
            section(_("Your answer: %(rating)s (%(label)s)") % {"rating": rating, "label": label}),
            {
                "type": "input",
                "block_id": COMMENT_BLOCK,
                "optional": True,
                "label": _plain(_("Anything you would like to add?")),
                "element": {
                    "type": "plain_text_input",
                    "action_id": COMMENT_INPUT,
                    "multiline": True,
                    "max_length": 2000,
                },
            },
        ],
    }
