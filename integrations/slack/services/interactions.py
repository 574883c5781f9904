"""What a click in Slack does: the same services as the web pages (matching's match_respond, analytics'
survey_answer), the same permission (the Slack user must be the one linked to the person the message was for,
in the organization that installed the app), the same audit (the person's own account as the actor).

A message answers once: its row is locked while a click is handled and keeps the outcome, so a second click
(a double click, or Slack retrying) finds the first outcome and acts no more. The message is then updated to
show the outcome instead of its buttons (chat.update)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from slack_sdk.errors import SlackClientError

from analytics.services.survey_answers import survey_answer
from matching.services.responses import match_respond
from mentorhub.accounts.languages import language_of_employee
from mentorhub.accounts.models import Organization
from mentorhub.tenancy import scoped
from mentorhub.web.errors import service_error_text
from sessions.models import Reminder
from sessions.services.confirmations import invitation_sequence, session_attendance_confirm

from .. import blocks
from ..client import bot_client
from ..models import SlackInstallation, SlackMessage
from ..selectors import message_for_slack_user, user_of_employee
from .delivery import MATCH_PROPOSED, checkin_assignment, checkin_questions

logger = logging.getLogger(__name__)

ACCEPTED, DECLINED, CONFIRMED, ANSWERED = "accepted", "declined", "confirmed", "answered"


@dataclass
class Answer:
    """What the interactions endpoint answers Slack: a JSON body (a dialog's errors), or nothing (200)."""

    body: dict[str, Any] = field(default_factory=dict)


def outcome_text(outcome: str) -> str:
    if outcome.startswith(ANSWERED + ":"):
        rating = int(outcome.split(":", 1)[1])
        label = blocks.checkin_labels()[rating - 1]
        return _("You answered %(rating)s (%(label)s). Thank you!") % {"rating": rating, "label": label}
    return {
        ACCEPTED: _("You accepted this match."),
        DECLINED: _("You declined this match."),
        CONFIRMED: _("You confirmed this session."),
    }.get(outcome, outcome)


def slack_interaction_handle(*, installation: SlackInstallation, payload: dict[str, Any]) -> Answer:
    """One request to the interactivity URL, already verified as Slack's and found to be for `installation`'s
    organization (activated by the caller)."""
    organization = installation.organization
    slack_user_id = (payload.get("user") or {}).get("id", "")
    kind = payload.get("type")
    if kind == "block_actions":
        action = (payload.get("actions") or [{}])[0]
        action_id = action.get("action_id", "")
        value = action.get("value", "")
        if not value:  # a link button: Slack tells us of the click, the browser opens the page
            return Answer()
        message = _message(organization, value.split(":", 1)[0], slack_user_id)
        if message is None:
            return Answer()
        with translation.override(language_of_employee(organization, message.employee_id)):
            try:
                return _on_action(installation, message, action_id, value, payload.get("trigger_id", ""))
            except ValidationError as error:  # the match or session changed since: say why, to them only
                _tell(installation, message, slack_user_id, service_error_text(error))
                return Answer()
    if kind == "view_submission":
        view = payload.get("view") or {}
        metadata = view.get("private_metadata", "")
        message = _message(organization, metadata.split(":", 1)[0], slack_user_id)
        if message is None:
            return Answer()
        with translation.override(language_of_employee(organization, message.employee_id)):
            return _on_submission(installation, message, view)
    return Answer()


def _message(organization: Organization, message_id: str, slack_user_id: str) -> SlackMessage | None:
    if not message_id.isdigit():
        return None
    return message_for_slack_user(organization=organization, message_id=int(message_id), slack_user_id=slack_user_id)


def _on_action(
    installation: SlackInstallation, message: SlackMessage, action_id: str, value: str, trigger_id: str
) -> Answer:
    if message.outcome:  # answered already: show it again
        _show_outcome(installation, message)
        return Answer()
    if action_id == blocks.ACCEPT and message.kind == MATCH_PROPOSED:
        _act(installation, message, ACCEPTED)
    elif action_id == blocks.DECLINE and message.kind == MATCH_PROPOSED:
        _open(installation, trigger_id, blocks.decline_view(message_id=message.pk))
    elif action_id == blocks.CONFIRM and message.kind == Reminder.Kind.SESSION_INVITE:
        _act(installation, message, CONFIRMED)
    elif action_id.startswith(blocks.CHECKIN_PREFIX) and message.kind == Reminder.Kind.CHECKIN_DUE:
        rating = value.split(":", 1)[1] if ":" in value else ""
        if rating.isdigit() and 1 <= int(rating) <= 5:
            _open(installation, trigger_id, blocks.checkin_view(message_id=message.pk, rating=int(rating)))
    return Answer()


def _on_submission(installation: SlackInstallation, message: SlackMessage, view: dict[str, Any]) -> Answer:
    values = (view.get("state") or {}).get("values") or {}
    callback = view.get("callback_id")
    try:
        if callback == blocks.DECLINE_VIEW and message.kind == MATCH_PROPOSED:
            reason = ((values.get(blocks.REASON_BLOCK) or {}).get(blocks.REASON_INPUT) or {}).get("value") or ""
            _act(installation, message, DECLINED, reason=reason)
        elif callback == blocks.CHECKIN_VIEW and message.kind == Reminder.Kind.CHECKIN_DUE:
            rating = (view.get("private_metadata") or "").split(":", 1)[-1]
            comment = ((values.get(blocks.COMMENT_BLOCK) or {}).get(blocks.COMMENT_INPUT) or {}).get("value") or ""
            if not rating.isdigit() or not 1 <= int(rating) <= 5:
                return Answer()
            _act(installation, message, f"{ANSWERED}:{rating}", comment=comment)
    except ValidationError as error:
        block = blocks.REASON_BLOCK if callback == blocks.DECLINE_VIEW else blocks.COMMENT_BLOCK
        return Answer({"response_action": "errors", "errors": {block: service_error_text(error)}})
    return Answer()


def _act(installation: SlackInstallation, message: SlackMessage, outcome: str, **extra: str) -> None:
    """Do what the button says, once: the message row locked, its outcome checked, the service called, the
    outcome kept, all in one transaction. A ValidationError of the service (the match is no longer open, the
    check-in closed) reaches the caller unless the first click's outcome is already there."""
    organization = installation.organization
    with transaction.atomic():
        locked = scoped(SlackMessage, organization).select_for_update().get(pk=message.pk)
        if not locked.outcome:
            actor = user_of_employee(organization=organization, employee_id=locked.employee_id)
            try:
                _perform(organization, locked, outcome, actor, **extra)
            except Http404:  # no longer theirs (left the match): nothing to do
                return
            locked.outcome, locked.acted_at = outcome, timezone.now()
            locked.save(update_fields=["outcome", "acted_at"])
    _show_outcome(installation, locked)


def _perform(organization: Organization, message: SlackMessage, outcome: str, actor: Any, **extra: str) -> None:
    employee = message.employee
    if outcome in (ACCEPTED, DECLINED):
        match_respond(
            organization=organization,
            actor=actor,
            employee=employee,
            match_id=message.object_id,
            accept=outcome == ACCEPTED,
            reason=extra.get("reason", ""),
        )
    elif outcome == CONFIRMED:
        reminder = scoped(Reminder, organization).filter(pk=message.object_id, recipient=employee).first()
        if reminder is None or not reminder.session_id:
            raise Http404("No such invitation.")
        session_attendance_confirm(
            organization=organization,
            actor=actor,
            employee=employee,
            session_id=reminder.session_id,
            sequence=invitation_sequence(reminder),
        )
    elif outcome.startswith(ANSWERED + ":"):
        reminder = scoped(Reminder, organization).filter(pk=message.object_id, recipient=employee).first()
        assignment = checkin_assignment(organization, reminder) if reminder is not None else None
        questions = checkin_questions(assignment) if assignment is not None else None
        if assignment is None or questions is None:
            raise ValidationError(_("Answer this check-in in MentorHub."))
        score, comment_question = questions
        answers: dict[Any, Any] = {str(score.pk): int(outcome.split(":", 1)[1])}
        if comment_question is not None and extra.get("comment", "").strip():
            answers[str(comment_question.pk)] = extra["comment"]
        survey_answer(organization=organization, employee=employee, assignment_id=assignment.pk, answers=answers)


def _show_outcome(installation: SlackInstallation, message: SlackMessage) -> None:
    """The message in Slack with the outcome instead of its buttons. Slack away: the outcome stands, and the
    next click shows it again."""
    if not message.channel or not message.ts:
        return
    try:
        bot_client(installation).chat_update(
            channel=message.channel,
            ts=message.ts,
            text=message.text,
            blocks=blocks.outcome_blocks(message.text, outcome_text(message.outcome)),
        )
    except SlackClientError:
        logger.warning("Slack message %s could not be updated", message.pk)


def _tell(installation: SlackInstallation, message: SlackMessage, slack_user_id: str, text: str) -> None:
    try:
        bot_client(installation).chat_postEphemeral(channel=message.channel, user=slack_user_id, text=text)
    except SlackClientError:
        logger.warning("Slack message %s: the refusal could not be shown", message.pk)


def _open(installation: SlackInstallation, trigger_id: str, view: dict[str, Any]) -> None:
    if not trigger_id:
        return
    try:
        bot_client(installation).views_open(trigger_id=trigger_id, view=view)
    except SlackClientError:
        logger.warning("A Slack dialog could not be opened")
