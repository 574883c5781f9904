"""What the bot does with a verified activity (auth.py checked its token): the organization is the one whose
installation names the activity's Microsoft 365 tenant; a person is linked when they install the app or first
write; a card's button acts (services/actions.py) and the card is replaced by its outcome."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from mentorhub.accounts.languages import language_of_employee, organization_language
from mentorhub.accounts.models import Organization
from mentorhub.db.tenant_scope import activate_organization, all_organizations

from .cards import VERBS, outcome_card, refusal_card
from .connector import ConnectorError, send_text, update_card
from .models import TeamsLink
from .selectors import installation_for_tenant, link_of_user
from .services.actions import teams_card_act
from .services.linking import ActivityPerson, activity_person, activity_tenant, teams_person_link

logger = logging.getLogger(__name__)

INVOKE_CARD_ACTION = "adaptiveCard/action"
CARD_TYPE = "application/vnd.microsoft.card.adaptive"


@dataclass(frozen=True)
class Answer:
    """The HTTP answer to the Connector: 200 with this body (an invoke's response), or with none."""

    body: dict[str, Any] | None = None


def handle_activity(activity: dict[str, Any]) -> Answer:
    with all_organizations():  # which organization this tenant is (the activity names no organization of ours)
        installation = installation_for_tenant(activity_tenant(activity))
    person = activity_person(activity)
    if installation is None or person is None:
        return Answer()  # a tenant we do not serve (or switched off): nothing to do, nothing said
    activate_organization(installation.organization_id)
    organization = installation.organization
    kind = activity.get("type")
    if kind == "invoke" and activity.get("name") == INVOKE_CARD_ACTION:
        action = (activity.get("value") or {}).get("action") or {}
        card = _card_action(organization, person, str(action.get("verb", "")), action.get("data") or {})
        return Answer({"statusCode": 200, "type": CARD_TYPE, "value": card})
    if kind == "message" and isinstance(activity.get("value"), dict):  # Action.Submit, older clients
        data = activity["value"]
        _card_action(organization, person, str(data.get("verb", "")), data)
        return Answer()
    if kind == "message" or _bot_added(activity):
        _link_and_greet(organization, person)
    return Answer()


def _bot_added(activity: dict[str, Any]) -> bool:
    """The app was just installed for the person (installationUpdate "add"), or the bot joined the personal chat
    (conversationUpdate with the bot among membersAdded): not a removal, not someone else joining."""
    if activity.get("type") == "installationUpdate":
        return str(activity.get("action", "add")).startswith("add")
    if activity.get("type") == "conversationUpdate":
        bot_id = (activity.get("recipient") or {}).get("id")
        return any(member.get("id") == bot_id for member in activity.get("membersAdded") or [])
    return False


def _link(organization: Organization, person: ActivityPerson) -> TeamsLink | None:
    try:
        return teams_person_link(organization=organization, person=person)
    except ConnectorError as error:
        logger.warning("Teams member of organization %s not read: %s", organization.pk, error)
        return None


def _link_and_greet(organization: Organization, person: ActivityPerson) -> None:
    """Link the person (or refresh their conversation) and say what the bot is for, or why it does not know
    them: the bot only tells and takes answers from its cards, it has no conversation of its own."""
    link = _link(organization, person)
    language = language_of_employee(organization, link.employee_id) if link else organization_language(organization)
    with translation.override(language):
        if link is None:
            text = _(
                "Hello! MentorHub could not find you on %(organization)s's roster by your work email address. "
                "Ask your HR team to check it."
            ) % {"organization": organization.name}
        else:
            text = _(
                "Hello %(name)s! MentorHub will tell you here about your matches, sessions and check-ins, "
                "and you can answer right from the cards."
            ) % {"name": link.employee.name}
    try:
        send_text(person.service_url, person.conversation_id, text)
    except ConnectorError as error:
        logger.warning("Teams greeting not sent: %s", error)


def _card_action(organization: Organization, person: ActivityPerson, verb: str, data: dict[str, Any]) -> dict:
    link = link_of_user(organization=organization, teams_user_id=person.teams_user_id) or _link(organization, person)
    language = language_of_employee(organization, link.employee_id) if link else organization_language(organization)
    with translation.override(language):
        title = _("MentorHub")
        try:
            card_id = int(data.get("card", 0))
        except (TypeError, ValueError):
            card_id = 0
        if link is None or verb not in VERBS or not card_id:
            return refusal_card(title, _("This card is not for you."))
        inputs = {str(key): value for key, value in data.items() if key not in ("card", "verb")}
        try:
            result = teams_card_act(organization=organization, link=link, card_id=card_id, verb=verb, inputs=inputs)
        except Http404:
            return refusal_card(title, _("This card is not for you."))
        except PermissionDenied as error:
            return refusal_card(title, str(error))
        except ValidationError as error:
            return refusal_card(title, " ".join(error.messages))
        card = result.card
        outcome = outcome_card(card.title or title, card.outcome)
    if result.acted and card.activity_id:
        try:
            update_card(card.service_url, card.conversation_id, card.activity_id, outcome)
        except ConnectorError as error:  # the invoke's answer shows the outcome anyway
            logger.warning("Teams card %s not updated: %s", card.pk, error)
    return outcome
