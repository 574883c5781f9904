"""The Adaptive Cards (v1.4) the bot sends: pure functions of plain values, called inside the recipient's
language (translation.override). Buttons that act are Action.Execute (Universal Actions): Teams sends an
`adaptiveCard/action` invoke with the verb and the card's data, the bot acts and replaces the card with its
outcome. Buttons that open a page are Action.OpenUrl."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.4"

# Verbs of the cards' Action.Execute buttons.
ACCEPT, DECLINE, CONFIRM, ANSWER = "accept", "decline", "confirm", "answer"
VERBS = frozenset({ACCEPT, DECLINE, CONFIRM, ANSWER})
REASON_INPUT = "reason"


@dataclass(frozen=True)
class Question:
    """A check-in question as the card asks it: a scale (values low..high with labels) or free text."""

    input_id: str  # "q<question id>"
    prompt: str
    required: bool
    scale: tuple[tuple[int, str], ...] = ()  # (value, label); empty: free text


@dataclass(frozen=True)
class CardContent:
    card_id: int
    kind: str
    title: str
    body: str
    url: str  # absolute: the page of the thing
    other_url: str = ""  # "propose another time": Find a time, else the schedule page
    questions: tuple[Question, ...] = field(default_factory=tuple)
    answerable: bool = True  # False: link buttons only (a flash booking's invitation has nothing to confirm)


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    card: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}
    if actions:
        card["actions"] = actions
    return card


def _heading(text: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "weight": "Bolder", "size": "Medium", "wrap": True}


def _text(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **extra}


def _execute(title: str, verb: str, card_id: int, style: str = "") -> dict[str, Any]:
    action: dict[str, Any] = {"type": "Action.Execute", "title": title, "verb": verb, "data": {"card": card_id}}
    if style:
        action["style"] = style
    return action


def _open(title: str, url: str) -> dict[str, Any]:
    return {"type": "Action.OpenUrl", "title": title, "url": url}


def notice_card(content: CardContent) -> dict[str, Any]:
    """The card of a notice, by kind; kinds without an answer carry a link to their page."""
    body = [_heading(content.title), _text(content.body)]
    if content.kind == "match_proposed":
        decline_form = _card(
            [
                {
                    "type": "Input.Text",
                    "id": REASON_INPUT,
                    "label": _("Why not? (HR reads this, to find a better match)"),
                    "isMultiline": True,
                    "maxLength": 1000,
                    "isRequired": True,
                    "errorMessage": _("Tell us briefly why, so the next match fits better."),
                }
            ],
            [_execute(_("Decline the match"), DECLINE, content.card_id, "destructive")],
        )
        actions = [
            _execute(_("Accept"), ACCEPT, content.card_id, "positive"),
            {"type": "Action.ShowCard", "title": _("Decline"), "card": decline_form},
            _open(_("See why you were matched"), content.url),
        ]
        return _card(body, actions)
    if content.kind == "session_invite" and content.answerable:
        actions = [
            _execute(_("Confirm"), CONFIRM, content.card_id, "positive"),
            _open(_("Propose another time"), content.other_url or content.url),
            _open(_("Open the session"), content.url),
        ]
        return _card(body, actions)
    if content.kind == "checkin_due" and content.questions:
        for question in content.questions:
            body.append(_question_input(question))
        return _card(body, [_execute(_("Send my answers"), ANSWER, content.card_id, "positive")])
    labels = {
        "session_24h": _("Open the session"),
        "session_1h": _("Open the session"),
        "inactivity_nudge": _("Pick a time"),
        "checkin_due": _("Answer the check-in"),
        "session_invite": _("Open the session"),
    }
    return _card(body, [_open(labels.get(content.kind, _("Open in MentorHub")), content.url)])


def _question_input(question: Question) -> dict[str, Any]:
    if not question.scale:
        return {
            "type": "Input.Text",
            "id": question.input_id,
            "label": question.prompt,
            "isMultiline": True,
            "maxLength": 2000,
            "isRequired": question.required,
        }
    return {
        "type": "Input.ChoiceSet",
        "id": question.input_id,
        "label": question.prompt,
        "style": "expanded",
        "isRequired": question.required,
        "errorMessage": _("Choose an answer."),
        "choices": [
            {"title": f"{value} · {label}" if label else str(value), "value": str(value)}
            for value, label in question.scale
        ],
    }


def outcome_card(title: str, outcome: str, url: str = "") -> dict[str, Any]:
    """What replaces a card once its button acted: the same heading, what happened, no more buttons."""
    body = [_heading(title), _text(outcome, color="Good")]
    return _card(body, [_open(_("Open in MentorHub"), url)] if url else None)


def refusal_card(content_title: str, message: str) -> dict[str, Any]:
    """The card's answer when an action was refused (a rule of the service); the card stays as it was."""
    return _card([_heading(content_title), _text(message, color="Attention")])
